using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;
using TorchSharp.Modules;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>MixCollate inside TorchSharp's DataLoader: order, shuffling, partial batches, worker threads and disposal.</summary>
public sealed class MixCollateLoaderTests
{
    private const ulong Seed = 99;
    private const int Classes = 4;

    // No SaliencyMix here: its device saliency is many small libtorch operations, slow on a busy CPU, and MixCollateTests
    // already holds it to TorchFeatures; these tests are about the loader.
    private static readonly IMixTransform Policy = new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new CutMix(mode: LambdaMode.Element), 1), (new FMix(), 1));

    [TestCase(false, false, new[] { 8, 8, 7 })]
    [TestCase(true, false, new[] { 8, 8, 7 })]
    [TestCase(true, true, new[] { 8, 8 })]
    public void Every_batch_of_every_epoch_is_the_plain_batch_mixed_by_its_own_plan(bool shuffle, bool dropLast, int[] sizes)
    {
        using InMemoryDataset data = InMemoryDataset.Images(23, 3, 16, 16, Classes);
        List<(Tensor Images, Tensor Labels)> plain = Loaders.PlainBatches(data, 8, shuffle, dropLast);
        var collate = new MixCollate(Policy, Seed, Classes, smoothing: 0.1);
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, 8, shuffle, dropLast: dropLast);
        try
        {
            Assert.That(plain.Select(b => (int)b.Images.shape[0]), Is.EqualTo(sizes), "TorchSharp's own batches");
            for (int epoch = 0; epoch < 2; epoch++)
            {
                collate.StartEpoch(epoch);
                int k = 0;
                foreach (Dictionary<string, Tensor> batch in loader)
                {
                    (Tensor images, Tensor labels) = plain[k];
                    using Loaders.Expected expected = Loaders.Expect(Policy, Seed, epoch, k, images, labels, Classes, 0.1);
                    Assert.That(Loaders.Values(batch["label"]), Is.EqualTo(Loaders.Values(labels)), $"epoch {epoch} batch {k}: the loader's order");
                    Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expected.Images)), $"epoch {epoch} batch {k}: images");
                    Assert.That(Loaders.Values(batch[MixBatchKeys.Targets]), Is.EqualTo(Loaders.Values(expected.Targets)), $"epoch {epoch} batch {k}: targets");
                    Assert.That(collate.LastBatch!.ToJson(), Is.EqualTo(MixPlanJson.Serialize(expected.Plan)));
                    k++;
                }

                Assert.That(k, Is.EqualTo(sizes.Length));
                Assert.That(collate.LastBatch!.Plan.BatchSize, Is.EqualTo(sizes[^1]), "the last plan is drawn for the last batch's size");
            }
        }
        finally
        {
            plain.ForEach(b => { b.Images.Dispose(); b.Labels.Dispose(); });
        }
    }

    [Test]
    public void Worker_threads_do_not_change_a_single_batch()
    {
        using InMemoryDataset data = InMemoryDataset.Images(40, 3, 16, 16, Classes);
        (List<double[]> Images, List<string> Plans) Run(int workers)
        {
            var collate = new MixCollate(Policy, Seed, Classes);
            using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, 6, shuffle: true, workers: workers);
            var images = new List<double[]>();
            var plans = new List<string>();
            for (int epoch = 0; epoch < 2; epoch++)
            {
                collate.StartEpoch(epoch);
                foreach (Dictionary<string, Tensor> batch in loader)
                {
                    images.Add(Loaders.Values(batch["data"]));
                    plans.Add(collate.LastBatch!.ToJson());
                }
            }

            return (images, plans);
        }

        (List<double[]> one, List<string> onePlans) = Run(1);
        (List<double[]> four, List<string> fourPlans) = Run(4);
        Assert.That(one, Has.Count.EqualTo(14));
        Assert.That(fourPlans, Is.EqualTo(onePlans));
        Assert.That(four, Is.EqualTo(one));
    }

    [Test]
    public void The_loader_disposes_each_batch_at_the_next_one_and_nothing_is_left_alive()
    {
        using InMemoryDataset data = InMemoryDataset.Images(20, 3, 16, 16, Classes, ScalarType.Byte);
        var collate = new MixCollate(Policy, Seed, Classes, compactTargets: true);
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, 6);
        DisposeScopeManager.Statistics.Reset();
        for (int epoch = 0; epoch < 3; epoch++)
        {
            collate.StartEpoch(epoch);
            Dictionary<string, Tensor>? previous = null;
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                Assert.That(batch.Values.All(t => !t.IsInvalid), Is.True);
                Assert.That(previous?.Values.All(t => t.IsInvalid) ?? true, Is.True, "the previous batch was disposed by MoveNext");
                previous = batch;
            }

            Assert.That(previous!.Values.All(t => t.IsInvalid), Is.True, "the last batch was disposed at the end");
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(0), DisposeScopeManager.Statistics.ToString());
    }

    [Test]
    public void Without_disposeBatch_the_batches_are_the_callers()
    {
        using InMemoryDataset data = InMemoryDataset.Images(12, 3, 8, 8, Classes);
        var collate = new MixCollate(new CutMix(), Seed, Classes);
        using var loader = new DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>>(data, 6, collate.Collate, disposeBatch: false, disposeDataset: false);
        var kept = loader.ToList();
        Assert.That(kept, Has.Count.EqualTo(2));
        Assert.That(kept.SelectMany(b => b.Values).All(t => !t.IsInvalid), Is.True);
        foreach (Tensor t in kept.SelectMany(b => b.Values))
        {
            t.Dispose();
        }
    }
}
