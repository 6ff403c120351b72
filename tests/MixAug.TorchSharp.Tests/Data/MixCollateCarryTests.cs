using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// MixCollate's carried keys: each equals the samples stacked (or padded at the end) by hand, in the batch's sample
/// order, in their dtype, with the lengths of padded keys exact; carrying them changes nothing else in the batch.
/// </summary>
public sealed class MixCollateCarryTests
{
    private const int Classes = 3;

    private static readonly ScalarType[] Types =
        [ScalarType.Int64, ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool, ScalarType.Float32, ScalarType.Float64, ScalarType.Float16, ScalarType.BFloat16];

    private static readonly long[][] Trailing = [[], [1], [3], [2, 3]];

    /// <summary>Images [1, 4, 4] of value i and labels i mod 3, with the carried values added under their names.</summary>
    private static List<Dictionary<string, Tensor>> Samples(int count, params CarriedValues[] carried) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var sample = new Dictionary<string, Tensor> { ["data"] = full([1, 4, 4], (float)i), ["label"] = tensor((long)(i % Classes)) };
            foreach (CarriedValues c in carried)
            {
                sample[c.Name] = c.Tensor(i);
            }

            return sample;
        })];

    [Test]
    public void Stacked_keys_of_every_dtype_and_shape_equal_the_samples_stacked_by_hand()
    {
        var random = new MixRandom(4);
        foreach (ScalarType type in Types)
        {
            foreach (long[] trailing in Trailing)
            {
                using DisposeScope scope = NewDisposeScope();
                int count = 1 + random.NextInt(7);
                CarriedValues values = CarriedValues.Draw(random, "extra", type, count, trailing, padded: false);
                var collate = new MixCollate(new MixUp(mode: LambdaMode.Element), 5, Classes, options: new() { CarryKeys = [CarriedKey.Stacked("extra")] });
                Dictionary<string, Tensor> batch = collate.Collate(Samples(count, values), CPU);
                string what = $"{type} [{string.Join(", ", trailing)}], {count} samples";
                Assert.That(batch["extra"].dtype, Is.EqualTo(type), what);
                Assert.That(batch["extra"].shape, Is.EqualTo(values.BatchShape), what);
                Assert.That(Loaders.Values(batch["extra"]), Is.EqualTo(values.Expected(0)), what);
                Assert.That(batch.ContainsKey(MixBatchKeys.LengthsOf("extra")), Is.False, $"{what}: a stacked key has no lengths");
            }
        }
    }

    [Test]
    public void Padded_keys_of_every_dtype_and_shape_equal_the_samples_padded_at_the_end_by_hand_with_their_own_lengths()
    {
        var random = new MixRandom(9);
        foreach (ScalarType type in Types)
        {
            foreach (long[] trailing in Trailing)
            {
                using DisposeScope scope = NewDisposeScope();
                int count = 1 + random.NextInt(7);
                double pad = type switch { ScalarType.Bool => 1, ScalarType.Byte => 255, _ => -7 };
                CarriedValues values = CarriedValues.Draw(random, "transcript", type, count, trailing, padded: true);
                var collate = new MixCollate(new CutMix(mode: LambdaMode.Element), 5, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript", pad)] });
                Dictionary<string, Tensor> batch = collate.Collate(Samples(count, values), CPU);
                string what = $"{type} [U, {string.Join(", ", trailing)}], own lengths [{string.Join(", ", values.Firsts)}]";
                int[] order = [.. Enumerable.Range(0, count)];
                Assert.That(batch["transcript"].dtype, Is.EqualTo(type), what);
                Assert.That(batch["transcript"].shape, Is.EqualTo(values.BatchShape), what);
                Assert.That(Loaders.Values(batch["transcript"]), Is.EqualTo(values.Expected(pad)), what);
                Tensor lengths = batch[MixBatchKeys.LengthsOf("transcript")];
                Assert.That((lengths.dtype, lengths.shape), Is.EqualTo((ScalarType.Int64, new long[] { count })), what);
                Assert.That(Loaders.Values(lengths), Is.EqualTo(values.LengthsOf(order)), what);
            }
        }
    }

    [Test]
    public void Int64_token_ids_are_carried_bit_for_bit_beyond_what_a_double_holds()
    {
        long[] first = [long.MaxValue, long.MinValue, (1L << 53) + 1], second = [-((1L << 53) + 1)];
        List<Dictionary<string, Tensor>> samples = Samples(2);
        samples[0]["ids"] = tensor(first);
        samples[1]["ids"] = tensor(second);
        var collate = new MixCollate(new MixUp(), 5, Classes, options: new() { CarryKeys = [CarriedKey.Padded("ids", long.MinValue)] });
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        Assert.That(batch["ids"].data<long>().ToArray(), Is.EqualTo(new[] { long.MaxValue, long.MinValue, (1L << 53) + 1, -((1L << 53) + 1), long.MinValue, long.MinValue }));
        Assert.That(batch["ids_lengths"].data<long>().ToArray(), Is.EqualTo(new long[] { 3, 1 }));
    }

    [Test]
    public void A_NaN_pad_fills_exactly_the_positions_past_each_floating_sample()
    {
        List<Dictionary<string, Tensor>> samples = Samples(3);
        samples[0]["f"] = tensor(new float[] { 1.5f });
        samples[1]["f"] = tensor(new float[] { 2, 3, 4 });
        samples[2]["f"] = zeros(0);
        var collate = new MixCollate(new MixUp(), 5, Classes, options: new() { CarryKeys = [CarriedKey.Padded("f", double.NaN)] });
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        float[] values = batch["f"].data<float>().ToArray();
        bool[] isPad = [.. values.Select(float.IsNaN)];
        Assert.That(isPad, Is.EqualTo(new[] { false, true, true, false, false, false, true, true, true }));
        Assert.That(values.Where(v => !float.IsNaN(v)), Is.EqualTo(new float[] { 1.5f, 2, 3, 4 }));
        Assert.That(batch["f_lengths"].data<long>().ToArray(), Is.EqualTo(new long[] { 1, 3, 0 }));
    }

    [Test]
    public void A_padded_key_of_one_length_in_every_sample_is_stacked_and_still_gets_its_lengths()
    {
        var random = new MixRandom(3);
        CarriedValues values = CarriedValues.Draw(random, "t", ScalarType.Int64, 1, [], padded: true);
        var collate = new MixCollate(new MixUp(), 5, Classes, options: new() { CarryKeys = [CarriedKey.Padded("t", -1)] });
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(Samples(1, values), CPU);
        Assert.That(Loaders.Values(batch["t"]), Is.EqualTo(values.Expected(-1)));
        Assert.That(Loaders.Values(batch["t_lengths"]), Is.EqualTo(new[] { (double)values.Firsts[0] }));
    }

    [Test]
    public void Carrying_keys_changes_nothing_else_in_the_batch()
    {
        var random = new MixRandom(12);
        foreach (IMixTransform policy in new IMixTransform[] { new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element), new Mosaic() })
        {
            using DisposeScope scope = NewDisposeScope();
            CarriedValues transcript = CarriedValues.Draw(random, "transcript", ScalarType.Int64, 5, [], padded: true);
            CarriedValues weight = CarriedValues.Draw(random, "weight", ScalarType.Float32, 5, [], padded: false);
            List<Dictionary<string, Tensor>> samples = Samples(5, transcript, weight);
            var plain = new MixCollate(policy, 77, Classes);
            var carrying = new MixCollate(policy, 77, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript"), CarriedKey.Stacked("weight")] });
            Dictionary<string, Tensor> without = plain.Collate(samples, CPU), with = carrying.Collate(samples, CPU);
            Assert.That(with.Keys.Except(without.Keys), Is.EquivalentTo(new[] { "transcript", "transcript_lengths", "weight" }), policy.Name);
            foreach (string key in without.Keys)
            {
                Assert.That(Loaders.Values(with[key]), Is.EqualTo(Loaders.Values(without[key])), $"{policy.Name}: {key}");
            }

            Assert.That(carrying.LastBatch!.ToJson(), Is.EqualTo(plain.LastBatch!.ToJson()), policy.Name);
        }
    }

    [Test]
    public void CarryOtherKeys_stacks_every_key_nothing_else_claims_and_leaves_the_lengths_key_to_the_plan()
    {
        var random = new MixRandom(21);
        CarriedValues id = CarriedValues.Draw(random, "id", ScalarType.Int64, 4, [], padded: false);
        CarriedValues weight = CarriedValues.Draw(random, "weight", ScalarType.Float64, 4, [2], padded: false);
        CarriedValues transcript = CarriedValues.Draw(random, "transcript", ScalarType.Int32, 4, [], padded: true);
        List<Dictionary<string, Tensor>> samples = [.. Enumerable.Range(0, 4).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = full([2, 6], (float)i),
            ["label"] = tensor((long)(i % Classes)),
            ["frames"] = tensor(6L - i),
            ["id"] = id.Tensor(i),
            ["weight"] = weight.Tensor(i),
            ["transcript"] = transcript.Tensor(i),
        })];
        var options = new MixCollateOptions { LengthsKey = "frames", CarryKeys = [CarriedKey.Padded("transcript", 0)], CarryOtherKeys = true };
        var collate = new MixCollate(new MixUp(mode: LambdaMode.Element), 5, Classes, options: options);
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        Assert.That(batch.ContainsKey("frames"), Is.False, "the lengths key is the plan's valid_lengths, not carried");
        Assert.That(Loaders.Values(batch[MixBatchKeys.ValidLengths]), Is.EqualTo(new double[] { 6, 5, 4, 3 }));
        Assert.That(Loaders.Values(batch["id"]), Is.EqualTo(id.Expected(0)));
        Assert.That((batch["weight"].dtype, batch["weight"].shape), Is.EqualTo((ScalarType.Float64, new long[] { 4, 2 })));
        Assert.That(Loaders.Values(batch["weight"]), Is.EqualTo(weight.Expected(0)));
        Assert.That(Loaders.Values(batch["transcript"]), Is.EqualTo(transcript.Expected(0)), "a key named in CarryKeys keeps its own rule");
        Assert.That(Loaders.Values(batch["transcript_lengths"]), Is.EqualTo(transcript.LengthsOf([0, 1, 2, 3])));
    }

    [Test]
    public void Keys_that_are_not_carried_are_dropped_as_before()
    {
        List<Dictionary<string, Tensor>> samples = Samples(3);
        samples.ForEach(s => s["id"] = tensor(1L));
        var collate = new MixCollate(new MixUp(), 5, Classes);
        using DisposeScope scope = NewDisposeScope();
        Assert.That(collate.Collate(samples, CPU).ContainsKey("id"), Is.False);
    }

    [Test]
    public void The_options_list_is_copied_when_the_collate_is_created()
    {
        var keys = new List<CarriedKey> { CarriedKey.Stacked("id") };
        var collate = new MixCollate(new MixUp(), 5, Classes, options: new() { CarryKeys = keys });
        keys.Add(CarriedKey.Stacked("missing"));
        List<Dictionary<string, Tensor>> samples = Samples(2);
        samples.ForEach(s => s["id"] = tensor(3L));
        using DisposeScope scope = NewDisposeScope();
        Assert.That(Loaders.Values(collate.Collate(samples, CPU)["id"]), Is.EqualTo(new double[] { 3, 3 }));
    }

    [Test]
    public void The_batch_s_tensors_are_new_and_the_samples_are_left_as_they_were()
    {
        CarriedValues transcript = CarriedValues.Draw(new MixRandom(2), "transcript", ScalarType.Int64, 3, [], padded: true);
        List<Dictionary<string, Tensor>> samples = Samples(3, transcript);
        var collate = new MixCollate(new MixUp(), 5, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript")] });
        using (DisposeScope warm = NewDisposeScope())
        {
            collate.Collate(samples, CPU);
        }

        DisposeScopeManager.Statistics.Reset();
        for (int round = 0; round < 20; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            batch["transcript"].fill_(99);
            batch["transcript_lengths"].fill_(99);
        }

        for (int round = 0; round < 5; round++)
        {
            Dictionary<string, Tensor> unscoped = collate.Collate(samples, CPU);
            foreach (Tensor t in unscoped.Values)
            {
                t.Dispose();
            }
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(0), DisposeScopeManager.Statistics.ToString());
        for (int i = 0; i < 3; i++)
        {
            Assert.That(Loaders.Values(samples[i]["transcript"]), Is.EqualTo(transcript.Values[i]), $"sample {i}");
        }
    }
}
