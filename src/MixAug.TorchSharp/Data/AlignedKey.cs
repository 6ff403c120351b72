namespace MixAug.TorchSharp.Data;

/// <summary>
/// A key of the samples that <see cref="MixCollate"/> mixes by the plan that mixes the images
/// (<see cref="MixCollateOptions.AlignedKeys"/>): a tensor aligned with each sample's image, so that element e of output
/// i comes from the same sources, in the same place, as the image's. <see cref="Values"/> mixes it as the images are
/// mixed (a second view, depth, per-pixel weights); <see cref="LabelMap(string)"/> mixes class indices as a
/// segmentation map (each element the class of the source it shows), optionally with soft targets.
/// </summary>
/// <remarks>
/// <para><b>Shapes.</b> A sample's aligned tensor ends in its image's extent (the image <c>[C, H, W]</c> without C):
/// <c>[..., H, W]</c> for values (<c>[1, H, W]</c> depth, <c>[H, W]</c> weights), exactly <c>[H, W]</c> for a label
/// map. Every sample's has one shape and dtype, so a batch of sequences padded to its longest (samples of different
/// lengths) takes no aligned key: pad them in the dataset.</para>
/// <para><b>Dtypes.</b> Values: floating with any plan; uint8, int32 and int64 with plans that only select (keeps,
/// boxes, tiles, binary masks), as <see cref="Mixing.TorchMixer"/>. A label map: uint8, int32 or int64 class indices,
/// mixed by <see cref="Labels.TorchLabelMapMixer"/> with any plan.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class AlignedKey
{
    private AlignedKey(string name, bool labelMap, int classCount, int ignoreIndex)
    {
        Name = name;
        IsLabelMap = labelMap;
        ClassCount = classCount;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>The samples' dictionary key, which is also the batch's.</summary>
    public string Name { get; }

    /// <summary>True for class indices mixed as a segmentation map (<see cref="LabelMap(string)"/>), false for values
    /// mixed as the images are (<see cref="Values"/>).</summary>
    public bool IsLabelMap { get; }

    /// <summary>The classes of the soft targets a label map adds under <see cref="MixBatchKeys.SoftTargetsOf"/>; 0 for
    /// none (and for values).</summary>
    public int ClassCount { get; }

    /// <summary>The label map's ignore index for its soft targets (elements without a class); −100 unless given.</summary>
    public int IgnoreIndex { get; }

    /// <summary>A tensor mixed element by element as the images are: <c>[B, ..., spatial…]</c> under its name.</summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static AlignedKey Values(string name) => new(CarriedKey.CheckName(name), labelMap: false, 0, -100);

    /// <summary>A segmentation map of class indices <c>[spatial…]</c> per sample: the batch holds the hard mixed map
    /// <c>[B, spatial…]</c> under its name, each element the class of the source with the larger weight there
    /// (<see cref="Labels.TorchLabelMapMixer.Mix"/>).</summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static AlignedKey LabelMap(string name) => new(CarriedKey.CheckName(name), labelMap: true, 0, -100);

    /// <summary>
    /// A segmentation map as <see cref="LabelMap(string)"/>, and its soft targets: float32 <c>[B, K, spatial…]</c> under
    /// <see cref="MixBatchKeys.SoftTargetsOf"/>(name), with the weights the pixels were mixed with
    /// (<see cref="Labels.TorchLabelMapMixer.ToSoftTargets"/>), for <c>DenseLosses.SoftTargetCrossEntropy</c>.
    /// </summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <param name="classCount">The classes K (at least 1).</param>
    /// <param name="ignoreIndex">The label of elements without a class (PyTorch's −100; 255 for Pascal VOC).</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    public static AlignedKey LabelMap(string name, int classCount, int ignoreIndex = -100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        return new(CarriedKey.CheckName(name), labelMap: true, classCount, ignoreIndex);
    }

    /// <summary>The key and how it is mixed, for messages and logs.</summary>
    /// <returns>For example <c>'depth' (values)</c>, <c>'mask' (label map)</c> or <c>'mask' (label map, soft targets of 21 classes, ignore 255)</c>.</returns>
    public override string ToString() =>
        !IsLabelMap ? $"'{Name}' (values)" : ClassCount == 0 ? $"'{Name}' (label map)" : $"'{Name}' (label map, soft targets of {ClassCount} classes, ignore {IgnoreIndex})";
}
