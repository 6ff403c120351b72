using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp.Modules;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>MixCollate inside TorchSharp's DataLoader over an in-memory dataset of sequences of different lengths.</summary>
public sealed class MixCollateLengthsLoaderTests
{
    private const ulong Seed = 123;
    private const int Classes = 4;

    [TestCase(1)]
    [TestCase(3)]
    public void An_epoch_of_variable_length_sequences_gives_each_batch_padded_and_mixed_with_its_lengths(int workers)
    {
        RaggedSamples all = RaggedSamples.Draw(new MixRandom(15), 19, clip: false, maxExtent: 25);
        using var data = new InMemoryDataset(all.Dictionaries(Classes));
        var policy = new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new CutMix(mode: LambdaMode.Element), 1));
        var collate = new MixCollate(policy, Seed, Classes, smoothing: 0.1);
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, 4, workers: workers);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            collate.StartEpoch(epoch);
            int k = 0;
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                RaggedSamples samples = all.Slice(4 * k, Math.Min(4, 19 - (4 * k)));
                MixPlan plan = policy.CreatePlan(new MixRequest(samples.Shape, MixRandom.ForBatch(Seed, epoch, k), samples.Extents));
                using Tensor padded = Batches.ToTensor(samples.PaddedByHand(0), samples.Shape);
                using Tensor expected = TorchMixer.Apply(plan, padded);
                string what = $"epoch {epoch} batch {k}: {plan}";
                Assert.That(Batches.ToArray(batch["data"]), Is.EqualTo(Batches.ToArray(expected)), what);
                Assert.That(Loaders.Values(batch[MixBatchKeys.ValidLengths]), Is.EqualTo(samples.Extents.Select(e => (double)e)), what);
                Assert.That(Loaders.Values(batch[MixBatchKeys.OutputLengths]), Is.EqualTo(plan.OutputLengths.ToArray().Select(e => (double)e)), what);
                Assert.That(Loaders.Values(batch[MixBatchKeys.Weights]).Where((_, i) => i % plan.MaxSourceCount == 0), Is.EqualTo(plan.Lambdas.ToArray()), what);
                k++;
            }

            Assert.That(k, Is.EqualTo(5));
        }
    }
}
