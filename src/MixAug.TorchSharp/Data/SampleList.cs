using MixAug.TorchSharp.Mixing;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// The samples of one batch, read from their dictionaries and checked before any tensor is made: every sample has both
/// keys (and the carried ones, see <see cref="CarriedKeys"/>), the images agree in dtype, device and shape (sequences and clips may differ in their time extent, see
/// <see cref="SampleLengths"/>), and the labels are all class indices or all soft labels of one width. Each failure is an <see cref="ArgumentException"/> whose parameter name is the dictionary key and whose
/// message gives the sample number, the shapes and the dtypes.
/// </summary>
internal sealed class SampleList
{
    private SampleList(Tensor[] images, Tensor[] labels, bool indices, SampleLengths? lengths, CarriedKeys carried, AlignedKeys aligned)
    {
        Carried = carried;
        Aligned = aligned;
        Images = images;
        Labels = labels;
        HasClassIndices = indices;
        Lengths = lengths;
    }

    /// <summary>Each sample's image (borrowed from the dataset's dictionary).</summary>
    public Tensor[] Images { get; }

    /// <summary>Each sample's label (borrowed).</summary>
    public Tensor[] Labels { get; }

    /// <summary>True for int64 class indices (0-dim or <c>[1]</c>), false for floating soft labels <c>[classes]</c>.</summary>
    public bool HasClassIndices { get; }

    /// <summary>The valid lengths along time and the padding they need, or null when the batch has none (every sample
    /// is full and of one extent, or the samples are images).</summary>
    public SampleLengths? Lengths { get; }

    /// <summary>The keys carried unmixed (<see cref="MixCollateOptions.CarryKeys"/>), read and checked.</summary>
    public CarriedKeys Carried { get; }

    /// <summary>The keys mixed by the images' plan (<see cref="MixCollateOptions.AlignedKeys"/>), read and checked.</summary>
    public AlignedKeys Aligned { get; }

    /// <summary>Reads and checks the samples, the carried and aligned keys last.</summary>
    public static SampleList Read(IEnumerable<Dictionary<string, Tensor>> samples, MixCollateOptions options, CarriedKey[] carried, AlignedKey[] aligned, int classCount, bool compactTargets)
    {
        Dictionary<string, Tensor>[] items = samples as Dictionary<string, Tensor>[] ?? [.. samples];
        if (items.Length == 0)
        {
            throw new ArgumentException("The batch has no samples; a DataLoader never collates an empty batch, so check the caller.", nameof(samples));
        }

        string imagesKey = options.ImagesKey, labelsKey = options.LabelsKey;
        var images = new Tensor[items.Length];
        var labels = new Tensor[items.Length];
        var given = new Tensor?[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            Dictionary<string, Tensor> item = items[i] ?? throw new ArgumentException($"Sample {i} of the batch is null.", nameof(samples));
            images[i] = Get(item, i, imagesKey, nameof(MixCollateOptions.ImagesKey));
            labels[i] = Get(item, i, labelsKey, nameof(MixCollateOptions.LabelsKey));
            given[i] = options.LengthsKey is { } lengthsKey && item.TryGetValue(lengthsKey, out Tensor? length) ? length : null;
        }

        CheckImages(images, imagesKey, options.ByteImages);
        bool indices = CheckLabels(labels, labelsKey, classCount, compactTargets);
        SampleLengths? lengths = SampleLengths.Read(images, given, imagesKey, options);
        return new SampleList(images, labels, indices, lengths, CarriedKeys.Read(items, carried, aligned, options), AlignedKeys.Read(items, aligned, images, options));
    }

    private static Tensor Get(Dictionary<string, Tensor> item, int sample, string key, string option)
    {
        if (item.TryGetValue(key, out Tensor? value) && value is not null)
        {
            return value;
        }

        string keys = item.Count == 0 ? "none" : string.Join(", ", item.Keys.Select(k => $"'{k}'"));
        throw new ArgumentException(
            $"Sample {sample} has no tensor under the key '{key}' (its keys: {keys}); set MixCollateOptions.{option} to the dataset's key.", key);
    }

    private static void CheckImages(Tensor[] images, string key, ByteImages byteImages)
    {
        Tensor first = images[0];
        long[] shape = first.shape;
        ScalarType type = first.dtype;
        if (shape.Length is < 2 or > 4 || shape.Any(d => d < 1))
        {
            throw new ArgumentException(
                $"'{key}' of sample 0 has shape {TensorChecks.Describe(shape)}; each sample must be a non-empty [C, L], [C, H, W] or [C, D, H, W] tensor.", key);
        }

        if (!TensorChecks.IsFloating(type) && type != ScalarType.Byte)
        {
            throw new ArgumentException(
                $"'{key}' of sample 0 has dtype {type}; images must be floating point or uint8 (Byte, handled by MixCollateOptions.ByteImages = {byteImages}).", key);
        }

        for (int i = 1; i < images.Length; i++)
        {
            Tensor t = images[i];
            if (t.dtype != type || t.shape.Length != shape.Length)
            {
                throw new ArgumentException(
                    $"'{key}' of sample {i} is {t.dtype} {TensorChecks.Describe(t.shape)} but sample 0's is {type} {TensorChecks.Describe(shape)}; every sample of a batch must have one rank and dtype (convert them in the dataset).", key);
            }

            SampleLengths.CheckSameBesidesTime(shape, t.shape, i, key);
            SameDevice(first, t, i, key);
        }
    }

    private static void SameDevice(Tensor first, Tensor t, int sample, string key)
    {
        if (!TensorChecks.IsSameDevice(t, first))
        {
            throw new ArgumentException($"'{key}' of sample {sample} is on {t.device} but sample 0's is on {first.device}; a batch is stacked on one device.", key);
        }
    }

    /// <summary>Checks the labels; true for class indices, false for soft labels.</summary>
    private static bool CheckLabels(Tensor[] labels, string key, int classCount, bool compactTargets)
    {
        Tensor first = labels[0];
        long[] shape = first.shape;
        ScalarType type = first.dtype;
        bool indices = type == ScalarType.Int64 && (shape.Length == 0 || (shape.Length == 1 && shape[0] == 1));
        bool soft = TensorChecks.IsFloating(type) && shape.Length == 1;
        if (!indices && !soft)
        {
            throw new ArgumentException(
                $"'{key}' of sample 0 is {type} {TensorChecks.Describe(shape)}; a label must be an Int64 class index (0-dim or [1]) or a floating soft label [{classCount}] (convert other integer types in the dataset).", key);
        }

        if (soft && shape[0] != classCount)
        {
            throw new ArgumentException($"'{key}' of sample 0 is a soft label of {shape[0]} classes but the collate has {classCount}.", key);
        }

        if (soft && compactTargets)
        {
            throw new ArgumentException($"'{key}' holds {type} soft labels, but compact targets need Int64 class indices.", key);
        }

        for (int i = 1; i < labels.Length; i++)
        {
            Tensor t = labels[i];
            if (!t.shape.SequenceEqual(shape) || t.dtype != type)
            {
                throw new ArgumentException(
                    $"'{key}' of sample {i} is {t.dtype} {TensorChecks.Describe(t.shape)} but sample 0's is {type} {TensorChecks.Describe(shape)}; every label of a batch must have one shape and dtype.", key);
            }

            SameDevice(first, t, i, key);
        }

        return indices;
    }
}
