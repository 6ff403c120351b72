using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.DataLoading;

/// <summary>Mixing after the loader: TorchSharp's own DataLoader stacks the batch on the device, a MixLayer mixes it there.</summary>
public static class MixAfterTheLoader
{
    /// <summary>Trains a linear classifier on Fashion-MNIST with CutMix applied on <paramref name="device"/>.</summary>
    /// <param name="root">The folder TorchSharp's FashionMNIST reads (root/fashion-mnist/test_data/).</param>
    /// <param name="device">Where the batches, the mixing and the model live (torch.CPU, or torch.CUDA).</param>
    /// <param name="epochs">Passes over the training split.</param>
    /// <param name="batchSize">Images per batch.</param>
    /// <param name="seed">The run's seed: batch k of epoch e is mixed by the plan of MixRandom.ForBatch(seed, e, k).</param>
    /// <returns>The mean training loss of each epoch.</returns>
    public static double[] Train(string root, Device device, int epochs = 2, int batchSize = 128, ulong seed = 42)
    {
        using var loader = new DataLoader(torchvision.datasets.FashionMNIST(root, train: true, download: false), batchSize, shuffle: true, device: device, seed: 1);
        using var mix = new MixLayer(new CutMix(alpha: 1.0), seed, classCount: 10, smoothing: 0.1);
        manual_seed(1);
        using var model = nn.Sequential(("flatten", nn.Flatten()), ("out", nn.Linear(784, 10)));
        model.to(device);
        using var optimizer = optim.SGD(model.parameters(), learningRate: 0.1);
        var losses = new double[epochs];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            mix.StartEpoch(epoch);
            double sum = 0;
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                using var scope = NewDisposeScope();
                using MixedBatch mixed = mix.call(batch["data"], batch["label"]);   // mixed on the batch's device; mixed.Plan for logs
                optimizer.zero_grad();
                Tensor loss = MixLosses.SoftTargetCrossEntropy(model.call(mixed.Images), mixed.Targets!);
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
            }

            losses[epoch] = sum / loader.Count;
        }

        return losses;
    }
}
