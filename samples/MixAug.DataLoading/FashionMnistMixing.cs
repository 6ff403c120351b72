using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Losses;
using MixAug.Transforms;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.DataLoading;

/// <summary>What <see cref="FashionMnistMixing.Train"/> measured.</summary>
/// <param name="EpochLosses">Mean training loss of each epoch (soft-target cross-entropy on the mixed batches).</param>
/// <param name="TestAccuracy">Share of the test images classified right after training.</param>
/// <param name="Plans">Every training batch's epoch, index and plan, in order.</param>
public sealed record TrainingResult(double[] EpochLosses, double TestAccuracy, IReadOnlyList<MixBatchRecord> Plans);

/// <summary>Trains a small classifier on Fashion-MNIST with Mixup or CutMix mixed into every batch by TorchSharp's DataLoader.</summary>
public static class FashionMnistMixing
{
    /// <summary>Trains a two-layer network on the training split and measures it on the test split.</summary>
    /// <param name="root">The folder TorchSharp's FashionMNIST reads: root/fashion-mnist/test_data/ holds the four uncompressed IDX files.</param>
    /// <param name="epochs">Passes over the training split.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">The run's seed: the plans of epoch e are MixRandom.ForBatch(seed, e, k).</param>
    /// <returns>The losses, the test accuracy and the plans.</returns>
    public static TrainingResult Train(string root, int epochs = 2, int batchSize = 128, ulong seed = 42)
    {
        // Each sample is "data": float32 [1, 28, 28] (the bytes divided by 256) and "label": int64, 0-dim.
        var train = torchvision.datasets.FashionMNIST(root, train: true, download: false);
        var test = torchvision.datasets.FashionMNIST(root, train: false, download: false);
        long testCount = test.Count;

        var policy = new MixChoice((new MixUp(alpha: 0.8), 1.0), (new CutMix(alpha: 1.0), 1.0));
        var collate = new MixCollate(policy, seed, classCount: 10, smoothing: 0.1);
        var plans = new List<MixBatchRecord>();
        collate.BatchMixed += (_, record) => plans.Add(record);   // record.ToJson() is the plan, to log or replay

        // Workers read samples in parallel; the collate runs on this thread, in batch order. Both loaders own their dataset.
        using var trainLoader = new DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>>(
            train, batchSize, collate.Collate, shuffle: true, seed: 1, num_worker: 2);
        using var testLoader = new DataLoader(test, 256);          // TorchSharp's own collate: stacked, not mixed

        manual_seed(1);   // the model's initial weights only: MixAug never draws from torch's generator
        using var model = nn.Sequential(("flatten", nn.Flatten()), ("hidden", nn.Linear(784, 128)), ("relu", nn.ReLU()), ("out", nn.Linear(128, 10)));
        using var optimizer = optim.Adam(model.parameters(), lr: 0.002);
        var losses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            collate.StartEpoch(epoch);   // before the loader is enumerated: batch k gets the plan of ForBatch(seed, epoch, k)
            model.train();
            double sum = 0;
            foreach (Dictionary<string, Tensor> batch in trainLoader)   // the loader disposes each batch at the next one
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                Tensor loss = MixLosses.SoftTargetCrossEntropy(model.call(batch["data"]), batch[MixBatchKeys.Targets]);
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
            }

            losses[epoch] = sum / trainLoader.Count;
        }

        model.eval();
        long correct = 0;
        using (no_grad())
        {
            foreach (Dictionary<string, Tensor> batch in testLoader)
            {
                using var scope = NewDisposeScope();
                correct += model.call(batch["data"]).argmax(1).eq(batch["label"]).sum().item<long>();
            }
        }

        return new TrainingResult(losses, (double)correct / testCount, plans);
    }
}
