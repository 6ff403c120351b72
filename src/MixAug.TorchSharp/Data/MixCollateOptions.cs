namespace MixAug.TorchSharp.Data;

/// <summary>
/// How <see cref="MixCollate"/> reads a dataset's samples and where it puts the batch. The defaults fit TorchSharp's
/// <c>torchvision.datasets</c> (MNIST, FashionMNIST, KMNIST): images under <c>"data"</c>, labels under <c>"label"</c>.
/// </summary>
/// <remarks>Checked when the <see cref="MixCollate"/> is created: the keys must be different, non-empty, and none
/// of <see cref="MixBatchKeys"/>; so must the carried keys and the lengths keys of the padded ones.</remarks>
/// <threadsafety>Immutable once created; safe to share.</threadsafety>
public sealed class MixCollateOptions
{
    /// <summary>The dictionary key of each sample's image, <c>[C, H, W]</c> (or <c>[C, L]</c>, <c>[C, D, H, W]</c>). Default <c>"data"</c>.</summary>
    public string ImagesKey { get; init; } = "data";

    /// <summary>
    /// The dictionary key of each sample's label: an int64 class index (0-dim or <c>[1]</c>) or a floating soft label
    /// <c>[classes]</c>. Default <c>"label"</c>.
    /// </summary>
    public string LabelsKey { get; init; } = "label";

    /// <summary>
    /// The device of the batch, where it is mixed (and saliency computed); null (the default) for the device the
    /// <c>DataLoader</c> passes to its collate function (its <c>device</c> argument, the CPU if none).
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>What to do with uint8 images; default <see cref="ByteImages.ToUnitFloat"/>.</summary>
    public ByteImages ByteImages { get; init; } = ByteImages.ToUnitFloat;

    /// <summary>
    /// The dictionary key of a sample's own valid length along time (an Int64 or Int32 scalar, 0-dim or <c>[1]</c>, in
    /// [1, the sample's extent]), for sequences and clips the dataset has padded itself; null (the default) reads none.
    /// A sample without it is valid over its whole extent. Images have no time axis: a length given for one is refused.
    /// </summary>
    public string? LengthsKey { get; init; }

    /// <summary>
    /// The value that pads sequences and clips shorter than the longest of their batch (in the samples' dtype: a byte in
    /// [0, 255] for uint8 samples); default 0. Padding never reaches a valid output position, so it matters only to
    /// what the padded positions of the output hold.
    /// </summary>
    public double PadValue { get; init; }

    /// <summary>
    /// Other keys of the samples to carry into the batch as they are, not mixed, in the batch's sample order under their
    /// own names: <see cref="CarriedKey.Stacked"/> for one shape in every sample, <see cref="CarriedKey.Padded"/> for a
    /// first dimension that varies (a transcript), which adds its lengths under <see cref="MixBatchKeys.LengthsOf"/>.
    /// Every sample must hold each of them. Default none.
    /// </summary>
    public IReadOnlyList<CarriedKey> CarryKeys { get; init; } = [];

    /// <summary>
    /// True to carry, stacked, every key of the samples that is neither the images, the labels, the lengths key nor one
    /// of <see cref="CarryKeys"/> (which keep their own rule); every sample must then hold the same keys. Default false:
    /// such keys are dropped.
    /// </summary>
    public bool CarryOtherKeys { get; init; }

    /// <summary>
    /// Keys of the samples mixed by the images' plan, in the batch under their own names: <see cref="AlignedKey.Values"/>
    /// for tensors mixed as the images are (a second view, depth, per-pixel weights), <see cref="AlignedKey.LabelMap(string)"/>
    /// for segmentation maps of class indices (with soft targets under <see cref="MixBatchKeys.SoftTargetsOf"/> when
    /// given a class count). Each sample's ends in its image's extent; every sample must hold each of them. Default none.
    /// </summary>
    public IReadOnlyList<AlignedKey> AlignedKeys { get; init; } = [];
}
