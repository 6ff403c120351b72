using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Tests.Data;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace MixAug.TorchSharp.Tests.Losses;

/// <summary>
/// <see cref="SourceWeightedLoss.Compute(IReadOnlyDictionary{string, Tensor}, Func{BatchSource, Tensor})"/> on batches
/// made by MixCollate: the weighted sum over every slot equals the one worked out by hand from the plan and the samples'
/// values, and MixSpeech's CTC through the carried transcripts equals the same loss with the transcripts indexed by hand.
/// </summary>
public sealed class SourceWeightedLossBatchTests
{
    private const int Classes = 3;

    private static List<Dictionary<string, Tensor>> Samples(int count, CarriedValues transcript) =>
        [.. Enumerable.Range(0, count).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = full([1, 8, 8], (float)i),
            ["label"] = tensor((long)(i % Classes)),
            [transcript.Name] = transcript.Tensor(i),
        })];

    [Test]
    public void The_weighted_sum_over_every_slot_equals_the_one_worked_out_by_hand_and_weight_0_slots_add_nothing()
    {
        var random = new MixRandom(77);
        foreach (IMixTransform policy in new IMixTransform[] { new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element), new MultiCutMix(partners: 3), new Mosaic() })
        {
            for (int round = 0; round < 6; round++)
            {
                using DisposeScope scope = NewDisposeScope();
                int b = 1 + (2 * random.NextInt(5));
                CarriedValues transcript = CarriedValues.Draw(random, "transcript", ScalarType.Int64, b, [], padded: true);
                var collate = new MixCollate(policy, (ulong)(round + 100), Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript")] });
                Dictionary<string, Tensor> batch = collate.Collate(Samples(b, transcript), CPU);
                MixPlan plan = collate.LastBatch!.Plan;

                // Per-sample "loss" of a source: the sum of its transcript plus its length; infinite in a weight-0 slot.
                Tensor loss = SourceWeightedLoss.Compute(batch, slot =>
                {
                    Tensor value = slot.Gather("transcript").to(ScalarType.Float64).sum(1) + slot.GatherLengths("transcript").to(ScalarType.Float64);
                    return where(slot.Weights.eq(0), full_like(value, double.PositiveInfinity), value);
                });

                var expected = new double[b];
                for (int i = 0; i < b; i++)
                {
                    ReadOnlySpan<int> sources = plan.Sources(i);
                    for (int k = 0; k < sources.Length; k++)
                    {
                        double w = plan.Weights(i)[k];
                        double own = transcript.Values[sources[k]].Sum() + transcript.Firsts[sources[k]];
                        expected[i] = k == 0 ? (w > 0 ? w * own : 0) : expected[i] + (w > 0 ? w * own : 0);
                    }
                }

                Assert.That(loss.data<double>().ToArray(), Is.EqualTo(expected), $"{policy.Name} round {round}: {plan}");
            }
        }
    }

    [Test]
    public void Mixed_CTC_through_the_carried_transcripts_equals_the_CTC_with_the_transcripts_indexed_by_hand()
    {
        const int classes = 6, bands = 4;
        var random = new MixRandom(5);
        for (int round = 0; round < 4; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            int b = 3 + (2 * round);
            int[] frames = [.. Enumerable.Range(0, b).Select(_ => 12 + random.NextInt(9))];
            long[][] ys = [.. Enumerable.Range(0, b).Select(_ => Enumerable.Range(0, 1 + random.NextInt(4)).Select(_ => 1L + random.NextInt(classes - 1)).ToArray())];
            List<Dictionary<string, Tensor>> samples = [.. Enumerable.Range(0, b).Select(i => new Dictionary<string, Tensor>
            {
                ["data"] = randn(bands, frames[i], generator: new global::TorchSharp.torch.Generator((ulong)(i + (10 * round)))),
                ["label"] = tensor((long)(i % Classes)),
                ["transcript"] = tensor(ys[i]),
            })];
            var collate = new MixCollate(new MixUp(alpha: 0.4, mode: LambdaMode.Element), 9, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript")] });
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            MixPlan plan = collate.LastBatch!.Plan;
            Tensor logProbs = log_softmax(batch["data"].transpose(1, 2).matmul(ones(bands, classes) * 0.1 + eye(bands, classes)), 2).transpose(0, 1);
            Tensor outputLengths = batch[MixBatchKeys.OutputLengths];

            Tensor carried = SourceWeightedLoss.Compute(batch, source => ctc_loss(
                logProbs, source.Gather("transcript"), outputLengths, source.GatherLengths("transcript"), zero_infinity: true, reduction: global::TorchSharp.torch.nn.Reduction.None));

            long longest = ys.Max(y => y.Length);
            Tensor byHand = tensor([.. ys.SelectMany(y => y.Concat(Enumerable.Repeat(0L, (int)(longest - y.Length))))]).reshape(b, longest);
            Tensor byHandLengths = tensor([.. ys.Select(y => (long)y.Length)]);
            Tensor indexed = SourceWeightedLoss.Compute(plan, sources => ctc_loss(
                logProbs, byHand.index(sources), outputLengths, byHandLengths.index(sources), zero_infinity: true, reduction: global::TorchSharp.torch.nn.Reduction.None));

            Assert.That(carried.data<float>().ToArray(), Is.EqualTo(indexed.data<float>().ToArray()), $"round {round}: {plan}");
            Assert.That(carried.data<float>().ToArray().All(float.IsFinite), Is.True);
        }
    }

    [Test]
    public void Bad_batches_and_callbacks_are_refused_by_name()
    {
        CarriedValues transcript = CarriedValues.Draw(new MixRandom(1), "transcript", ScalarType.Int64, 3, [], padded: true);
        var collate = new MixCollate(new MixUp(), 1, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript")] });
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(Samples(3, transcript), CPU);
        Func<BatchSource, Tensor> good = s => s.Weights.clone();
        Assert.That(() => SourceWeightedLoss.Compute((IReadOnlyDictionary<string, Tensor>)null!, good), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("batch"));
        Assert.That(() => SourceWeightedLoss.Compute(batch, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("lossAgainst"));
        Assert.That(() => SourceWeightedLoss.Compute(new Dictionary<string, Tensor> { ["data"] = batch["data"] }, good), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch"));
        Assert.That(() => SourceWeightedLoss.Compute(batch, _ => null!), Throws.ArgumentException.With.Property("ParamName").EqualTo("lossAgainst").And.Message.Contains("null"));
        Assert.That(() => SourceWeightedLoss.Compute(batch, s => s.Indices.clone()), Throws.ArgumentException.With.Property("ParamName").EqualTo("lossAgainst").And.Message.Contains("Int64"));
        Assert.That(() => SourceWeightedLoss.Compute(batch, s => s.Weights.unsqueeze(0)), Throws.ArgumentException.With.Property("ParamName").EqualTo("lossAgainst").And.Message.Contains("[1, 3]"));
        Assert.That(batch.Values.All(t => !t.IsInvalid), Is.True, "the batch's tensors stay the batch's");
    }
}
