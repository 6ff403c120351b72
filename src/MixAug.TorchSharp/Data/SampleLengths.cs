using MixAug.TorchSharp.Mixing;
using TorchSharp;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// The valid lengths along time of a batch of sequences (<c>[C, L]</c>: the last axis) or clips (<c>[C, T, H, W]</c>:
/// the frame axis), and how to stack them: samples shorter than the longest are padded to it with
/// <see cref="MixCollateOptions.PadValue"/>, and a sample's length is its own extent unless it carries one under
/// <see cref="MixCollateOptions.LengthsKey"/> (its own padding already done). Checked before any tensor is made; each
/// failure names the dictionary key and gives the sample number and the numbers.
/// </summary>
internal sealed class SampleLengths
{
    /// <summary>The time axis of a sample: axis 1 of <c>[C, L]</c> and of <c>[C, T, H, W]</c>.</summary>
    private const int TimeDimension = 1;

    private readonly double _padValue;

    private SampleLengths(int[] valid, long extent, double padValue)
    {
        Valid = valid;
        Extent = extent;
        _padValue = padValue;
    }

    /// <summary>Each sample's valid length, in [1, <see cref="Extent"/>].</summary>
    public int[] Valid { get; }

    /// <summary>The time extent of the batch: the longest sample's.</summary>
    public long Extent { get; }

    /// <summary>True for a sample rank that has a time axis: <c>[C, L]</c> and <c>[C, T, H, W]</c>, not an image <c>[C, H, W]</c>.</summary>
    public static bool HasTimeAxis(int rank) => rank is 2 or 4;

    /// <summary>Refuses a sample whose shape differs from sample 0's anywhere but along time (or everywhere, for images).</summary>
    public static void CheckSameBesidesTime(long[] first, long[] other, int sample, string key)
    {
        bool timed = HasTimeAxis(first.Length);
        string[] names = first.Length switch
        {
            2 => ["C", "L"],
            3 => ["C", "H", "W"],
            _ => ["C", "T", "H", "W"],
        };
        for (int d = 0; d < first.Length; d++)
        {
            if (timed && d == TimeDimension)
            {
                if (other[d] < 1)
                {
                    throw new ArgumentException($"'{key}' of sample {sample} has shape {TensorChecks.Describe(other)}: no {names[d]} positions; each sample needs at least one.", key);
                }

                continue;
            }

            if (other[d] != first[d])
            {
                string may = timed ? $"samples of a batch may differ in {names[TimeDimension]} only (they are padded to the longest)" : "every image of a batch must have one shape (resize them in the dataset)";
                throw new ArgumentException(
                    $"'{key}' of sample {sample} is {TensorChecks.Describe(other)} but sample 0's is {TensorChecks.Describe(first)}: {names[d]} is {other[d]}, not {first[d]}; {may}.", key);
            }
        }
    }

    /// <summary>The lengths of the batch, or null when it has none: images, or samples all of one extent and none with a length.</summary>
    /// <exception cref="ArgumentException">A length is given for an image, is not an integer scalar, or does not fit
    /// the pad value into the samples' dtype (named by its key).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A given length is outside [1, the sample's extent] (named by the lengths key).</exception>
    public static SampleLengths? Read(Tensor[] images, Tensor?[] given, string imagesKey, MixCollateOptions options)
    {
        int rank = images[0].shape.Length;
        string lengthsKey = options.LengthsKey ?? string.Empty;
        if (!HasTimeAxis(rank))
        {
            int carrier = Array.FindIndex(given, t => t is not null);
            if (carrier >= 0)
            {
                throw new ArgumentException(
                    $"Sample {carrier} has a valid length under '{lengthsKey}', but '{imagesKey}' holds images {TensorChecks.Describe(images[0].shape)}, which have no time axis; lengths run along the last axis of [C, L] or the frames of [C, T, H, W].", lengthsKey);
            }

            return null;
        }

        long extent = images.Max(t => t.shape[TimeDimension]);
        bool ragged = images.Any(t => t.shape[TimeDimension] != extent);
        if (!ragged && given.All(t => t is null))
        {
            return null;
        }

        var valid = new int[images.Length];
        for (int i = 0; i < images.Length; i++)
        {
            long own = images[i].shape[TimeDimension];
            valid[i] = given[i] is { } length ? ReadLength(length, own, i, lengthsKey) : checked((int)own);
        }

        if (ragged)
        {
            CheckPadValue(options.PadValue, images[0].dtype, imagesKey);
        }

        return new SampleLengths(valid, extent, options.PadValue);
    }

    /// <summary>
    /// Stacks the samples into <c>[B, ...]</c> with time extent <see cref="Extent"/>: each sample's own positions are
    /// copied and the rest hold the pad value. The result joins the current dispose scope.
    /// </summary>
    public Tensor Stack(Tensor[] images) => StackPadded(images, TimeDimension, Extent, _padValue);

    /// <summary>
    /// Stacks <paramref name="values"/> into <c>[B, ...]</c>, dimension <paramref name="time"/> of each padded at its end
    /// to <paramref name="extent"/> with <paramref name="padValue"/> (the images here, and aligned keys,
    /// <see cref="AlignedKeys"/>). The result joins the current dispose scope.
    /// </summary>
    public static Tensor StackPadded(Tensor[] values, int time, long extent, double padValue)
    {
        if (values.All(t => t.shape[time] == extent))
        {
            return stack(values);
        }

        long[] shape = [values.Length, .. values[0].shape];
        shape[time + 1] = extent;
        using Scalar pad = padValue.ToScalar();
        Tensor batch = full(shape, pad, values[0].dtype, values[0].device);
        for (int i = 0; i < values.Length; i++)
        {
            using Tensor row = batch[i];
            using Tensor own = row.narrow(time, 0, values[i].shape[time]);
            own.copy_(values[i]);
        }

        return batch;
    }

    private static int ReadLength(Tensor length, long own, int sample, string key)
    {
        bool scalar = length.shape.Length == 0 || (length.shape.Length == 1 && length.shape[0] == 1);
        if (length.dtype is not (ScalarType.Int64 or ScalarType.Int32) || !scalar)
        {
            throw new ArgumentException(
                $"'{key}' of sample {sample} is {length.dtype} {TensorChecks.Describe(length.shape)}; a valid length must be an Int64 or Int32 scalar (0-dim or [1]).", key);
        }

        long value = length.dtype == ScalarType.Int64 ? length.item<long>() : length.item<int>();
        if (value < 1 || value > own)
        {
            throw new ArgumentOutOfRangeException(key, value, $"'{key}' of sample {sample} is {value}; it must lie in [1, {own}], the sample's own time extent.");
        }

        return (int)value;
    }

    /// <summary>uint8 padding must be a byte; a floating pad value of any kind (NaN included) is stored as it is.</summary>
    private static void CheckPadValue(double padValue, ScalarType type, string key)
    {
        if (type == ScalarType.Byte && !(padValue >= 0 && padValue <= 255 && Math.Floor(padValue) == padValue))
        {
            throw new ArgumentException(
                $"'{key}' holds uint8 samples of different lengths, but MixCollateOptions.PadValue is {padValue}, not a byte in [0, 255]; pad them with a byte value.", key);
        }
    }
}
