using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Losses;
using MixAug.Transforms;
using TorchSharp;
using TorchSharp.Modules;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Carried keys through TorchSharp's DataLoader, shuffled, with 1 and 3 worker threads over two epochs: every batch
/// carries exactly its own samples' values in its own order, the batches do not depend on the worker count, and the
/// loader disposes every carried tensor with its batch.
/// </summary>
public sealed class MixCollateCarryLoaderTests
{
    private const int Count = 19;
    private const int BatchSize = 4;

    /// <summary>Samples whose label is their index (19 classes), so the stacked labels say which samples a batch holds.</summary>
    private static (InMemoryDataset Data, CarriedValues Transcripts, CarriedValues Weights) Dataset()
    {
        var random = new MixRandom(8);
        CarriedValues transcripts = CarriedValues.Draw(random, "transcript", ScalarType.Int64, Count, [], padded: true, maxFirst: 6);
        CarriedValues weights = CarriedValues.Draw(random, "weight", ScalarType.Float32, Count, [], padded: false);
        var items = new List<Dictionary<string, Tensor>>();
        for (int i = 0; i < Count; i++)
        {
            items.Add(new Dictionary<string, Tensor>
            {
                ["data"] = full([2, 6, 6], (float)i),
                ["label"] = tensor((long)i),
                ["transcript"] = transcripts.Tensor(i),
                ["weight"] = weights.Tensor(i),
                ["id"] = tensor((long)i),
            });
        }

        return (new InMemoryDataset(items), transcripts, weights);
    }

    private static MixCollate Collate() => new(
        new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new CutMix(mode: LambdaMode.Element), 1), (new Mosaic(), 1)),
        31,
        Count,
        options: new() { CarryKeys = [CarriedKey.Padded("transcript", -3)], CarryOtherKeys = true });

    [TestCase(1)]
    [TestCase(3)]
    public void Every_batch_of_two_epochs_carries_exactly_its_own_samples_values_in_its_order(int workers)
    {
        (InMemoryDataset data, CarriedValues transcripts, CarriedValues weights) = Dataset();
        using InMemoryDataset owned = data;
        MixCollate collate = Collate();
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, BatchSize, shuffle: true, workers: workers);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            collate.StartEpoch(epoch);
            var orders = new List<int[]>();
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                int[] order = [.. Loaders.Values(batch["label"]).Select(v => (int)v)];
                string what = $"epoch {epoch} batch {orders.Count}: samples [{string.Join(", ", order)}]";
                Assert.That(Loaders.Values(batch["id"]), Is.EqualTo(order.Select(i => (double)i)), what);
                Assert.That(Loaders.Values(batch["transcript"]), Is.EqualTo(transcripts.Gathered(order, -3)), what);
                Assert.That(Loaders.Values(batch["transcript_lengths"]), Is.EqualTo(transcripts.LengthsOf(order)), what);
                Assert.That(Loaders.Values(batch["weight"]), Is.EqualTo(weights.Gathered(order, 0)), what);

                // The loss side inside the loop: every slot's gather is the carried rows of the plan's sources.
                using DisposeScope scope = NewDisposeScope();
                MixPlan plan = collate.LastBatch!.Plan;
                using Tensor perSample = SourceWeightedLoss.Compute(batch, s => s.Gather("weight").to(ScalarType.Float64));
                double[] expected = [.. Enumerable.Range(0, order.Length).Select(i =>
                {
                    double sum = 0;
                    for (int k = 0; k < plan.Sources(i).Length; k++)
                    {
                        double w = plan.Weights(i)[k];
                        sum = k == 0 ? w * weights.Values[order[plan.Sources(i)[k]]][0] : sum + (w * weights.Values[order[plan.Sources(i)[k]]][0]);
                    }

                    return sum;
                })];
                Assert.That(perSample.data<double>().ToArray(), Is.EqualTo(expected), what);
                orders.Add(order);
            }

            Assert.That(orders.Select(o => o.Length), Is.EqualTo(new[] { 4, 4, 4, 4, 3 }));
            Assert.That(orders.SelectMany(o => o).Order(), Is.EqualTo(Enumerable.Range(0, Count)), $"epoch {epoch} holds every sample once");
        }
    }

    [Test]
    public void The_batches_do_not_depend_on_the_worker_count()
    {
        (InMemoryDataset data, _, _) = Dataset();
        using InMemoryDataset owned = data;
        List<double[]> one = Loaders.ValuesOfTwoEpochs(data, Collate, BatchSize, workers: 1), three = Loaders.ValuesOfTwoEpochs(data, Collate, BatchSize, workers: 3);
        Assert.That(one, Has.Count.EqualTo(10 * 9), "10 batches of 9 keys: images, labels, targets, the record, 4 carried");
        Assert.That(three, Is.EqualTo(one));
    }

    [Test]
    public void The_loader_disposes_every_carried_tensor_with_its_batch_and_nothing_is_left_alive()
    {
        (InMemoryDataset data, _, _) = Dataset();
        using InMemoryDataset owned = data;
        MixCollate collate = Collate();
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, BatchSize, shuffle: true, workers: 3);
        DisposeScopeManager.Statistics.Reset();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            collate.StartEpoch(epoch);
            Dictionary<string, Tensor>? previous = null;
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                Assert.That(batch.Keys, Does.Contain("transcript").And.Contain("transcript_lengths").And.Contain("weight").And.Contain("id"));
                Assert.That(batch.Values.All(t => !t.IsInvalid), Is.True);
                Assert.That(previous?.Values.All(t => t.IsInvalid) ?? true, Is.True, "the previous batch, carried keys included, was disposed by MoveNext");
                using (DisposeScope scope = NewDisposeScope())
                {
                    SourceWeightedLoss.Compute(batch, s => s.Gather("transcript").to(ScalarType.Float32).sum(1));
                }

                previous = batch;
            }

            Assert.That(previous!.Values.All(t => t.IsInvalid), Is.True, "the last batch was disposed at the end");
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(0), DisposeScopeManager.Statistics.ToString());
    }
}
