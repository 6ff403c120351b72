using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train.Segmentation;

/// <summary>
/// A confusion matrix accumulated over batches, and the standard scores from it: per-class intersection over union
/// (TP / (TP + FP + FN)), its mean over the classes that occur in the truth or the prediction, and pixel accuracy.
/// </summary>
internal sealed class SegmentationMetrics(int classCount)
{
    private readonly long[] _confusion = new long[classCount * classCount];

    /// <summary>Adds a batch: predicted and true class maps of one shape.</summary>
    public void Add(Tensor predicted, Tensor truth)
    {
        using DisposeScope scope = NewDisposeScope();
        // Kept Scalars, not temporaries that TorchSharp's finalizer could free mid-call (see TinyVit).
        using Scalar classes = classCount.ToScalar(), one = 1.ToScalar();
        Tensor cells = truth.flatten().mul(classes).add_(predicted.flatten(), one);
        long[] counts = bincount(cells, minlength: classCount * classCount).data<long>().ToArray();
        for (int i = 0; i < counts.Length; i++)
        {
            _confusion[i] += counts[i];
        }
    }

    /// <summary>The count of pixels of true class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long Count(int truth, int predicted) => _confusion[(truth * classCount) + predicted];

    /// <summary>Intersection over union of one class, or NaN when it occurs neither in the truth nor the prediction.</summary>
    public double IoU(int c)
    {
        long truePositive = Count(c, c);
        long union = -truePositive;
        for (int k = 0; k < classCount; k++)
        {
            union += Count(c, k) + Count(k, c);
        }

        return union == 0 ? double.NaN : (double)truePositive / union;
    }

    /// <summary>The mean IoU over the classes that occur.</summary>
    public double MeanIoU => Enumerable.Range(0, classCount).Select(IoU).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();

    /// <summary>The share of pixels whose class is right.</summary>
    public double PixelAccuracy
    {
        get
        {
            long right = Enumerable.Range(0, classCount).Sum(c => Count(c, c));
            long all = _confusion.Sum();
            return all == 0 ? double.NaN : (double)right / all;
        }
    }
}
