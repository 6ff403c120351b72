using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// MixCollate on sequences and clips of different lengths: the batch is the samples padded by hand, mixed by the plan
/// drawn with their lengths (CreatePlan + TorchMixer), the lengths keys are the plan's, padding (NaN) never reaches a
/// valid output element, and batches without lengths are what they were.
/// </summary>
public sealed class MixCollateLengthsTests
{
    private const ulong Seed = 31;
    private const int Classes = 3;

    /// <summary>The methods that take lengths, each applicable to sequences (false) or clips (true) or both.</summary>
    private static readonly (IMixTransform Policy, bool Sequences, bool Clips)[] Policies =
    [
        (new MixUp(mode: LambdaMode.Element), true, true),
        (new MixUp(mode: LambdaMode.Element, blendLengths: BlendLengths.ZeroPadded), true, true),
        (new MixUp(mode: LambdaMode.Batch, blendLengths: BlendLengths.ZeroPadded), true, true),
        (new CutMix(mode: LambdaMode.Element), true, true),
        (new CutMix(mode: LambdaMode.Batch), true, true),
        (new CutMix(mode: LambdaMode.Element, videoCut: VideoMixCut.Temporal), false, true),
        (new CutMix(mode: LambdaMode.Element, videoCut: VideoMixCut.SpatioTemporal), false, true),
        (new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup), true, true),
        (new FMix(mode: LambdaMode.Batch, maxSoft: 0.2), true, true),
        (new ResizeMix(mode: LambdaMode.Element), true, false),
    ];

    private static IEnumerable<(IMixTransform Policy, bool Clip)> Cases() =>
        Policies.SelectMany(p => new[] { (p.Policy, false, p.Sequences), (p.Policy, true, p.Clips) }).Where(c => c.Item3).Select(c => (c.Policy, c.Item2));

    [Test]
    public void A_collated_batch_is_the_samples_padded_by_hand_and_mixed_by_the_plan_drawn_with_their_lengths()
    {
        var random = new MixRandom(8);
        int round = 0;
        foreach ((IMixTransform policy, bool clip) in Cases())
        {
            for (int repeat = 0; repeat < 4; repeat++, round++)
            {
                using DisposeScope scope = NewDisposeScope();
                RaggedSamples samples = RaggedSamples.Draw(random, 1 + random.NextInt(7), clip, 1 + random.NextInt(clip ? 9 : 40));
                var collate = new MixCollate(policy, Seed, Classes, options: new MixCollateOptions { PadValue = -5 });
                collate.StartEpoch(round);
                Dictionary<string, Tensor> batch = collate.Collate(samples.Dictionaries(Classes), CPU);

                BatchShape shape = samples.Shape;
                bool ragged = samples.Extents.Distinct().Count() > 1; // one extent and no length given: no lengths at all
                MixRandom draws = MixRandom.ForBatch(Seed, round, 0);
                MixPlan plan = policy.CreatePlan(ragged ? new MixRequest(shape, draws, samples.Extents) : new MixRequest(shape, draws));
                using Tensor padded = Batches.ToTensor(samples.PaddedByHand(-5), shape);
                using Tensor expected = TorchMixer.Apply(plan, padded);
                string what = $"{policy.Name} {plan}, extents [{string.Join(", ", samples.Extents)}]";
                Assert.That(batch["data"].shape, Is.EqualTo(shape.ToDimensions().Select(d => (long)d).ToArray()), what);
                Assert.That(Batches.ToArray(batch["data"]), Is.EqualTo(Batches.ToArray(expected)), what);
                Assert.That(collate.LastBatch!.ToJson(), Is.EqualTo(MixPlanJson.Serialize(plan)), what);
                if (!ragged)
                {
                    Assert.That(batch.ContainsKey(MixBatchKeys.ValidLengths) || batch.ContainsKey(MixBatchKeys.OutputLengths), Is.False, what);
                    continue;
                }

                Assert.That(Loaders.Values(batch[MixBatchKeys.ValidLengths]), Is.EqualTo(samples.Extents.Select(e => (double)e)), what);
                Assert.That(Loaders.Values(batch[MixBatchKeys.OutputLengths]), Is.EqualTo(plan.OutputLengths.ToArray().Select(e => (double)e)), what);
                Assert.That(batch[MixBatchKeys.ValidLengths].dtype, Is.EqualTo(ScalarType.Int64));
                Assert.That(batch[MixBatchKeys.OutputLengths].dtype, Is.EqualTo(ScalarType.Int64));
                Assert.That(batch[MixBatchKeys.ValidLengths].shape, Is.EqualTo(new long[] { samples.Count }));
            }
        }
    }

    [Test]
    public void Padding_never_reaches_a_valid_output_element_whether_the_collate_pads_or_the_dataset_did()
    {
        var random = new MixRandom(9);
        int round = 0;
        foreach ((IMixTransform policy, bool clip) in Cases())
        {
            for (int repeat = 0; repeat < 6; repeat++, round++)
            {
                using DisposeScope scope = NewDisposeScope();
                RaggedSamples samples = RaggedSamples.Draw(random, 2 + random.NextInt(6), clip, 1 + random.NextInt(clip ? 9 : 40));
                int tMax = samples.MaxExtent;

                // Odd samples come padded by the dataset with NaN to a random extent, their length under "length"; the
                // collate pads the rest with NaN too. The plan must never read either.
                List<Dictionary<string, Tensor>> items = samples.Dictionaries(Classes);
                for (int i = 1; i < samples.Count; i += 2)
                {
                    int own = samples.Extents[i], extent = own + random.NextInt(tMax - own + 1);
                    long[] dims = clip ? [samples.Channels, extent, samples.Height, samples.Width] : [samples.Channels, extent];
                    Tensor prepadded = full(dims, float.NaN);
                    prepadded.narrow(1, 0, own).copy_(items[i]["data"]);
                    items[i]["data"] = prepadded;
                    items[i]["length"] = i % 4 == 1 ? tensor((long)own) : tensor(new long[] { own });
                }

                var collate = new MixCollate(policy, Seed, Classes, options: new MixCollateOptions { PadValue = double.NaN, LengthsKey = "length" });
                collate.StartEpoch(round);
                Dictionary<string, Tensor> batch = collate.Collate(items, CPU);
                MixPlan plan = collate.LastBatch!.Plan;
                Assert.That(plan.ValidLengths.ToArray(), Is.EqualTo(samples.Extents), "the lengths given and the extents of the others");

                // The same samples unpadded, collated with 0 padding: the same plan, so the same valid elements.
                var zeros = new MixCollate(policy, Seed, Classes);
                zeros.StartEpoch(round);
                float[] reference = Batches.ToArray(zeros.Collate(samples.Dictionaries(Classes), CPU)["data"]);
                float[] got = Batches.ToArray(batch["data"]);
                int valid = 0;
                for (int k = 0; k < got.Length; k++)
                {
                    int sample = samples.SampleOf(k);
                    if (samples.TimeOf(k) < plan.OutputLengths[sample])
                    {
                        valid++;
                        Assert.That(got[k], Is.Not.NaN, $"{policy.Name} {plan}: padding at valid element {k} of sample {sample}");
                        Assert.That(got[k], Is.EqualTo(reference[k]), $"{policy.Name} {plan}: element {k}");
                    }
                }

                Assert.That(valid, Is.EqualTo(plan.OutputLengths.ToArray().Sum() * samples.Channels * samples.Plane));
            }
        }
    }

    [Test]
    public void Images_and_sequences_of_one_extent_without_lengths_get_no_lengths_keys_and_the_same_bits()
    {
        using DisposeScope scope = NewDisposeScope();
        foreach (long[] dims in new[] { new long[] { 3, 6, 5 }, [2, 17], [2, 4, 3, 3] })
        {
            List<Dictionary<string, Tensor>> items =
                [.. Enumerable.Range(0, 5).Select(i => new Dictionary<string, Tensor> { ["data"] = randn(dims), ["label"] = tensor((long)(i % Classes)) })];
            foreach (IMixTransform policy in new IMixTransform[] { new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element), new FMix() })
            {
                Dictionary<string, Tensor> withOption = new MixCollate(policy, Seed, Classes, options: new MixCollateOptions { LengthsKey = "length", PadValue = 3 }).Collate(items, CPU);
                Dictionary<string, Tensor> plain = new MixCollate(policy, Seed, Classes).Collate(items, CPU);
                using Tensor stacked = stack(items.Select(item => item["data"]));
                MixPlan plan = policy.CreatePlan(new MixRequest(BatchShape.FromDimensions([5, .. dims.Select(d => (int)d)]), MixRandom.ForBatch(Seed, 0, 0)));
                using Tensor expected = TorchMixer.Apply(plan, stacked);
                foreach (Dictionary<string, Tensor> batch in new[] { withOption, plain })
                {
                    Assert.That(batch.Keys, Is.EquivalentTo(new[] { "data", "label", MixBatchKeys.Targets, MixBatchKeys.Sources, MixBatchKeys.Weights }), $"{policy.Name} [{string.Join(", ", dims)}]");
                    Assert.That(Batches.ToArray(batch["data"]), Is.EqualTo(Batches.ToArray(expected)), $"{policy.Name} [{string.Join(", ", dims)}]");
                }
            }
        }
    }

    [Test]
    public void Full_lengths_given_by_every_sample_add_the_keys_and_change_no_bit()
    {
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> items =
            [.. Enumerable.Range(0, 6).Select(i => new Dictionary<string, Tensor> { ["data"] = randn(2, 12), ["label"] = tensor((long)(i % Classes)), ["length"] = tensor(12L) })];
        var policy = new CutMix(mode: LambdaMode.Element);
        Dictionary<string, Tensor> batch = new MixCollate(policy, Seed, Classes, options: new MixCollateOptions { LengthsKey = "length" }).Collate(items, CPU);
        Dictionary<string, Tensor> plain = new MixCollate(policy, Seed, Classes).Collate(items, CPU);
        Assert.That(Batches.ToArray(batch["data"]), Is.EqualTo(Batches.ToArray(plain["data"])));
        Assert.That(Loaders.Values(batch[MixBatchKeys.ValidLengths]), Is.EqualTo(Enumerable.Repeat(12.0, 6)));
        Assert.That(Loaders.Values(batch[MixBatchKeys.OutputLengths]), Is.EqualTo(Enumerable.Repeat(12.0, 6)));
        Assert.That(plain.ContainsKey(MixBatchKeys.ValidLengths), Is.False);
    }

    [Test]
    public void Uint8_clips_are_padded_with_the_byte_and_converted_after()
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor a = randint(0, 256, [1, 3, 2, 2]).to(ScalarType.Byte), b = randint(0, 256, [1, 1, 2, 2]).to(ScalarType.Byte);
        List<Dictionary<string, Tensor>> items = [new() { ["data"] = a, ["label"] = tensor(0L) }, new() { ["data"] = b, ["label"] = tensor(1L) }];
        var keepAll = new MixUp(probability: 0.0);
        Dictionary<string, Tensor> batch = new MixCollate(keepAll, Seed, Classes, options: new MixCollateOptions { PadValue = 255 }).Collate(items, CPU);
        float[] got = Batches.ToArray(batch["data"]);
        float[] bytesA = Batches.ToArray(a), bytesB = Batches.ToArray(b);
        Assert.That(got.Take(12), Is.EqualTo(bytesA.Select(v => v / 255f)), "sample 0 is whole");
        Assert.That(got.Skip(12).Take(4), Is.EqualTo(bytesB.Select(v => v / 255f)), "sample 1's frame");
        Assert.That(got.Skip(16), Is.EqualTo(Enumerable.Repeat(1f, 8)), "sample 1's two padded frames: 255 / 255");
        Assert.That(Loaders.Values(batch[MixBatchKeys.OutputLengths]), Is.EqualTo(new[] { 3.0, 1.0 }));
    }
}
