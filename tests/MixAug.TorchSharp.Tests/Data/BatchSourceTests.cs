using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// <see cref="MixCollate.SourcesOf"/>: each slot's indices and weights are the plan's, and its gathers equal the carried
/// values of each output's source in that slot, gathered by hand from the samples' values over seeded plans with odd
/// batch sizes and one to three partners.
/// </summary>
public sealed class BatchSourceTests
{
    private const int Classes = 3;
    private const double Pad = -1;

    private static readonly IMixTransform[] Policies =
        [new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element), new MultiCutMix(partners: 3), new Mosaic()];

    /// <summary>Images [1, 8, 8] of value i, labels i mod 3 and the carried values.</summary>
    private static List<Dictionary<string, Tensor>> Samples(int count, params CarriedValues[] carried) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var sample = new Dictionary<string, Tensor> { ["data"] = full([1, 8, 8], (float)i), ["label"] = tensor((long)(i % Classes)) };
            foreach (CarriedValues c in carried)
            {
                sample[c.Name] = c.Tensor(i);
            }

            return sample;
        })];

    /// <summary>Slot k of output i: its k-th source, or itself at weight 0 past its last.</summary>
    private static (int[] Sources, double[] Weights) Slot(MixPlan plan, int k) =>
        ([.. Enumerable.Range(0, plan.BatchSize).Select(i => k < plan.Sources(i).Length ? plan.Sources(i)[k] : i)],
         [.. Enumerable.Range(0, plan.BatchSize).Select(i => k < plan.Weights(i).Length ? plan.Weights(i)[k] : 0.0)]);

    [Test]
    public void Every_slot_gathers_the_carried_rows_of_each_output_s_source_as_a_hand_gather_over_the_plan()
    {
        var random = new MixRandom(40);
        foreach (IMixTransform policy in Policies)
        {
            int widest = 0;
            for (int round = 0; round < 8; round++)
            {
                using DisposeScope scope = NewDisposeScope();
                int b = 1 + (2 * random.NextInt(5));
                CarriedValues transcript = CarriedValues.Draw(random, "transcript", ScalarType.Int64, b, [], padded: true);
                CarriedValues weight = CarriedValues.Draw(random, "weight", ScalarType.Float32, b, [2], padded: false);
                var options = new MixCollateOptions { CarryKeys = [CarriedKey.Padded("transcript", Pad), CarriedKey.Stacked("weight")] };
                var collate = new MixCollate(policy, (ulong)round, Classes, options: options);
                Dictionary<string, Tensor> batch = collate.Collate(Samples(b, transcript, weight), CPU);
                MixPlan plan = collate.LastBatch!.Plan;

                IReadOnlyList<BatchSource> slots = MixCollate.SourcesOf(batch);
                Assert.That(slots, Has.Count.EqualTo(plan.MaxSourceCount), policy.Name);
                widest = Math.Max(widest, slots.Count);
                for (int k = 0; k < slots.Count; k++)
                {
                    BatchSource slot = slots[k];
                    (int[] sources, double[] weights) = Slot(plan, k);
                    string what = $"{policy.Name} round {round}, B = {b}, slot {k}: sources [{string.Join(", ", sources)}]";
                    Assert.That(slot.Slot, Is.EqualTo(k), what);
                    Assert.That(slot.Indices.data<long>().ToArray(), Is.EqualTo(sources.Select(s => (long)s)), what);
                    Assert.That(slot.Weights.data<double>().ToArray(), Is.EqualTo(weights), what);
                    Assert.That(Loaders.Values(slot.Gather("transcript")), Is.EqualTo(transcript.Gathered(sources, Pad)), what);
                    Assert.That(Loaders.Values(slot.GatherLengths("transcript")), Is.EqualTo(transcript.LengthsOf(sources)), what);
                    Assert.That(Loaders.Values(slot.Gather("weight")), Is.EqualTo(weight.Gathered(sources, 0)), what);
                    Assert.That(Loaders.Values(slot.Gather("label")), Is.EqualTo(sources.Select(s => (double)(s % Classes))), what);
                }
            }

            int expected = policy switch { Mosaic => 4, MultiCutMix => 4, _ => 2 };
            Assert.That(widest, Is.EqualTo(expected), $"{policy.Name}: the widest plan met has {expected} sources per output");
        }
    }

    [Test]
    public void A_slot_s_views_are_its_own_to_dispose_and_leave_the_batch_whole()
    {
        CarriedValues transcript = CarriedValues.Draw(new MixRandom(1), "transcript", ScalarType.Int64, 3, [], padded: true);
        var collate = new MixCollate(new MixUp(), 1, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript")] });
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(Samples(3, transcript), CPU);
        foreach (BatchSource slot in MixCollate.SourcesOf(batch))
        {
            using Tensor gathered = slot.Gather("transcript");
            slot.Dispose();
            Assert.That((slot.Indices.IsInvalid, slot.Weights.IsInvalid), Is.EqualTo((true, true)));
            Assert.That(gathered.IsInvalid, Is.False);
        }

        Assert.That(batch.Values.All(t => !t.IsInvalid), Is.True, "the batch's tensors stay the batch's");
        Assert.That(batch[MixBatchKeys.Sources].shape, Is.EqualTo(new long[] { 3, 2 }));
    }

    [Test]
    public void A_batch_without_its_mix_record_and_keys_it_does_not_hold_are_refused_by_name()
    {
        CarriedValues transcript = CarriedValues.Draw(new MixRandom(1), "transcript", ScalarType.Int64, 3, [], padded: true);
        var collate = new MixCollate(new MixUp(), 1, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript"), CarriedKey.Stacked("label2")] });
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = Samples(3, transcript);
        samples.ForEach(s => s["label2"] = tensor(2L));
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);

        Assert.That(() => MixCollate.SourcesOf(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("batch"));
        var noRecord = new Dictionary<string, Tensor>(batch);
        noRecord.Remove(MixBatchKeys.Weights);
        Assert.That(() => MixCollate.SourcesOf(noRecord), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch").And.Message.Contains("'mix_weights' is missing"));
        var floatSources = new Dictionary<string, Tensor>(batch) { [MixBatchKeys.Sources] = batch[MixBatchKeys.Sources].to(ScalarType.Float32) };
        Assert.That(() => MixCollate.SourcesOf(floatSources), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch").And.Message.Contains("Float32 [3, 2]"));
        var narrow = new Dictionary<string, Tensor>(batch) { [MixBatchKeys.Weights] = batch[MixBatchKeys.Weights].narrow(1, 0, 1) };
        Assert.That(() => MixCollate.SourcesOf(narrow), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch").And.Message.Contains("[3, 1]"));

        var withScalar = new Dictionary<string, Tensor>(batch) { ["scalar"] = tensor(1f) };
        BatchSource slot = MixCollate.SourcesOf(withScalar)[1];
        Assert.That(() => slot.Gather(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("key"));
        Assert.That(() => slot.Gather("nope"), Throws.ArgumentException.With.Property("ParamName").EqualTo("key").And.Message.Contains("no 'nope'").And.Message.Contains("'transcript'"));
        Assert.That(() => slot.Gather("scalar"), Throws.ArgumentException.With.Property("ParamName").EqualTo("key").And.Message.Contains("[], not a per-sample tensor [3, ...]"));
        Assert.That(() => slot.GatherLengths("label2"), Throws.ArgumentException.With.Property("ParamName").EqualTo("key").And.Message.Contains("no 'label2_lengths'").And.Message.Contains("CarriedKey.Padded"));
        Assert.That(() => slot.GatherLengths(string.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
    }
}
