using System.Diagnostics;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using MixAug.Train.Data;
using MixAug.Training;
using MixAug.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train.Segmentation;

/// <summary>One epoch's numbers of a segmentation run.</summary>
internal sealed record SegmentationEpoch(int Epoch, double TrainLoss, double MeanIoU, double PixelAccuracy, double Seconds);

/// <summary>
/// Trains <see cref="SmallFcn"/> on Fashion-MNIST class maps (<see cref="GarmentMaps"/>). A mixed step mixes the images
/// with the transform and the class maps with the same plan, as soft per-pixel targets
/// (<see cref="TorchLabelMapMixer.ToSoftTargets"/>: one-hot wherever a box or hard mask decides the pixel, shared where
/// Mixup blends), and takes the soft-target cross-entropy; an unmixed step takes plain cross-entropy on the maps.
/// </summary>
internal static class SegmentationTrainer
{
    /// <summary>Trains for <paramref name="epochs"/> and evaluates mean IoU and pixel accuracy on the test set after each.</summary>
    public static IReadOnlyList<SegmentationEpoch> Run(
        IMixTransform? transform, FashionMnist data, int epochs, int batchSize, double learningRate, ulong seed, Action<SegmentationEpoch> report)
    {
        random.manual_seed(unchecked((long)seed));
        using var model = new SmallFcn(GarmentMaps.ClassCount);
        using var optimizer = new KeptScalarAdam(model.parameters(), learningRate); // TorchSharp's Adam with kept scalars
        var train = new BatchSource(data.Train, batchSize, seed);
        var test = new BatchSource(data.Test, 1000, seed);
        var results = new List<SegmentationEpoch>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            model.train();
            double lossSum = 0;
            int step = 0;
            InScopes(train.Epoch(epoch), batch =>
            {
                Tensor maps = GarmentMaps.Of(batch.Images, batch.Labels);
                Tensor loss = transform is null
                    ? nn.functional.cross_entropy(model.forward(batch.Images), maps)
                    : MixedLoss(model, transform, MixRandom.ForBatch(seed, epoch, step), batch, maps);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                step++;
            });

            SegmentationMetrics metrics = Evaluate(model, test);
            var result = new SegmentationEpoch(epoch + 1, lossSum / step, metrics.MeanIoU, metrics.PixelAccuracy, clock.Elapsed.TotalSeconds);
            results.Add(result);
            report(result);
        }

        return results;
    }

    /// <summary>The scores of <paramref name="model"/> over a split, in evaluation mode and without gradients.</summary>
    public static SegmentationMetrics Evaluate(nn.Module<Tensor, Tensor> model, BatchSource split)
    {
        model.eval();
        using var noGrad = no_grad();
        var metrics = new SegmentationMetrics(GarmentMaps.ClassCount);
        InScopes(split.InOrder(), batch => metrics.Add(model.forward(batch.Images).argmax(1), GarmentMaps.Of(batch.Images, batch.Labels)));
        return metrics;
    }

    /// <summary>
    /// Runs <paramref name="step"/> on each batch inside a dispose scope that also holds the batch, which is drawn in
    /// it, so every tensor of a step goes with its scope. (TrainingLoop's own loop is private and counts accuracy
    /// against class labels [B], which per-pixel maps are not, so this sample keeps its loop.)
    /// </summary>
    private static void InScopes(IEnumerable<TrainingBatch> batches, Action<TrainingBatch> step)
    {
        using IEnumerator<TrainingBatch> e = batches.GetEnumerator();
        while (true)
        {
            using DisposeScope scope = NewDisposeScope();
            if (!e.MoveNext())
            {
                return;
            }

            step(e.Current);
        }
    }

    private static Tensor MixedLoss(nn.Module<Tensor, Tensor> model, IMixTransform transform, IMixRandom random, TrainingBatch batch, Tensor maps)
    {
        // The plan is drawn here rather than by MixModule, whose class targets the maps make unnecessary and which
        // cannot give Transplantation the class maps it draws from.
        var shape = new BatchShape((int)batch.Images.shape[0], 1, FashionMnist.Side, FashionMnist.Side);
        BatchFeatures features = TorchFeatures.Compute(transform.Requirements, batch.Images);
        if (transform.Requirements.ClassMaps)
        {
            features = new BatchFeatures(features.Saliency, new ClassMaps(shape.Spatial, maps.data<long>().ToArray().AsSpan()));
        }

        MixPlan plan = transform.CreatePlan(new MixRequest(shape, random, features));
        Tensor targets = TorchLabelMapMixer.ToSoftTargets(plan, maps, GarmentMaps.ClassCount);
        return DenseLosses.SoftTargetCrossEntropy(model.forward(TorchMixer.Apply(plan, batch.Images)), targets);
    }
}
