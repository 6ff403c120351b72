using MixAug.Train.Segmentation;
using static TorchSharp.torch;

namespace MixAug.Train.Tests.Segmentation;

public class SegmentationMetricsTests
{
    [Test]
    public void IoUsMeanAndPixelAccuracyAreTheHandComputedOnesAcrossBatches()
    {
        // Truth 0 0 1 1 2 2, prediction 0 1 1 1 2 0, given in two batches. Confusion (truth, predicted): (0,0) 1,
        // (0,1) 1, (1,1) 2, (2,2) 1, (2,0) 1. IoU 0 = 1 / (2 + 2 - 1) = 1/3; IoU 1 = 2 / (2 + 3 - 2) = 2/3;
        // IoU 2 = 1 / (2 + 1 - 1) = 1/2; class 3 occurs nowhere and is left out of the mean: (1/3 + 2/3 + 1/2) / 3 = 1/2.
        var metrics = new SegmentationMetrics(4);
        using (Tensor truth = tensor(new long[] { 0, 0, 1, 1 }, [1, 2, 2]), predicted = tensor(new long[] { 0, 1, 1, 1 }, [1, 2, 2]))
        {
            metrics.Add(predicted, truth);
        }

        using (Tensor truth = tensor(new long[] { 2, 2 }, [1, 1, 2]), predicted = tensor(new long[] { 2, 0 }, [1, 1, 2]))
        {
            metrics.Add(predicted, truth);
        }

        Assert.That(metrics.Count(0, 1), Is.EqualTo(1));
        Assert.That(metrics.Count(2, 0), Is.EqualTo(1));
        Assert.That(metrics.Count(1, 0), Is.Zero);
        Assert.That(metrics.IoU(0), Is.EqualTo(1.0 / 3).Within(1e-15));
        Assert.That(metrics.IoU(1), Is.EqualTo(2.0 / 3).Within(1e-15));
        Assert.That(metrics.IoU(2), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(metrics.IoU(3), Is.NaN);
        Assert.That(metrics.MeanIoU, Is.EqualTo(0.5).Within(1e-15));
        Assert.That(metrics.PixelAccuracy, Is.EqualTo(4.0 / 6).Within(1e-15));
    }

    [Test]
    public void NothingAddedGivesNaNNotZero()
    {
        var metrics = new SegmentationMetrics(3);
        Assert.That(metrics.MeanIoU, Is.NaN);
        Assert.That(metrics.PixelAccuracy, Is.NaN);
    }
}
