using MixAug.Labels;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// A key of the samples that <see cref="MixCollate"/> mixes by the plan that mixes the images
/// (<see cref="MixCollateOptions.AlignedKeys"/>): a tensor aligned with each sample's image, so that element e of output
/// i comes from the same sources, in the same place, as the image's. <see cref="Values"/> mixes it as the images are
/// mixed (a second view, depth, per-pixel weights); <see cref="LabelMap(string)"/> mixes class indices as a
/// segmentation map (each element the class of the source it shows), optionally with soft targets; <see cref="Boxes"/>
/// mixes detection boxes with their classes (what the mixed image shows of each source's boxes, with a weight).
/// </summary>
/// <remarks>
/// <para><b>Shapes.</b> A sample's aligned tensor ends in its image's extent (the image <c>[C, H, W]</c> without C):
/// <c>[..., H, W]</c> for values (<c>[1, H, W]</c> depth, <c>[H, W]</c> weights), exactly <c>[H, W]</c> for a label
/// map, each sample's its own (frame labels <c>[L_i]</c> of a sequence <c>[C, L_i]</c>). Every sample's has one dtype and
/// one shape before the extent. In a batch of sequences or clips of different lengths they are padded along time to the
/// longest, values with <see cref="MixCollateOptions.PadValue"/> and label maps with their ignore index (which must be
/// a value of the map's dtype: 255, say, for uint8), and mixed by the plan drawn with the lengths.</para>
/// <para><b>Dtypes.</b> Values: floating with any plan; uint8, int32 and int64 with plans that only select (keeps,
/// boxes, tiles, binary masks), as <see cref="Mixing.TorchMixer"/>. A label map: uint8, int32 or int64 class indices,
/// mixed by <see cref="Labels.TorchLabelMapMixer"/> with any plan.</para>
/// <para><b>Boxes</b> are not a grid: a sample holds <c>[N, 4]</c> corners <c>x0, y0, x1, y1</c> in pixels (floating,
/// inside the image, x0 &lt; x1 and y0 &lt; y1) under the key and <c>[N]</c> integer classes under
/// <see cref="ClassesName"/>, N from 0 on and differing between samples; they are mixed by <see cref="BoxMixer"/>.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class AlignedKey
{
    private AlignedKey(string name, AlignedKeyKind kind, int classCount = 0, int ignoreIndex = -100, string? classesName = null, double minVisibleFraction = 0, double minSide = 0)
    {
        Name = name;
        Kind = kind;
        ClassCount = classCount;
        IgnoreIndex = ignoreIndex;
        ClassesName = classesName;
        MinVisibleFraction = minVisibleFraction;
        MinSide = minSide;
    }

    /// <summary>The samples' dictionary key, which is also the batch's.</summary>
    public string Name { get; }

    /// <summary>How the key is mixed: as values, a label map or detection boxes.</summary>
    public AlignedKeyKind Kind { get; }

    /// <summary>The classes of the soft targets a label map adds under <see cref="MixBatchKeys.SoftTargetsOf"/>; 0 for
    /// none (and for the other kinds).</summary>
    public int ClassCount { get; }

    /// <summary>The label map's ignore index for its soft targets (elements without a class); −100 unless given.</summary>
    public int IgnoreIndex { get; }

    /// <summary>The key of the boxes' classes, in the samples and in the batch; null for the other kinds.</summary>
    public string? ClassesName { get; }

    /// <summary>The boxes' smallest kept visible fraction (<see cref="BoxMixer.Mix"/>'s <c>minVisibleFraction</c>); 0
    /// for the other kinds.</summary>
    public double MinVisibleFraction { get; }

    /// <summary>The boxes' smallest kept width and height in pixels (<see cref="BoxMixer.Mix"/>'s <c>minSide</c>).</summary>
    public double MinSide { get; }

    /// <summary>A tensor mixed element by element as the images are: <c>[B, ..., spatial…]</c> under its name.</summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static AlignedKey Values(string name) => new(CarriedKey.CheckName(name), AlignedKeyKind.Values);

    /// <summary>A segmentation map of class indices <c>[spatial…]</c> per sample: the batch holds the hard mixed map
    /// <c>[B, spatial…]</c> under its name, each element the class of the source with the larger weight there
    /// (<see cref="Labels.TorchLabelMapMixer.Mix"/>).</summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static AlignedKey LabelMap(string name) => new(CarriedKey.CheckName(name), AlignedKeyKind.LabelMap);

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
        return new(CarriedKey.CheckName(name), AlignedKeyKind.LabelMap, classCount, ignoreIndex);
    }

    /// <summary>
    /// Detection boxes: per sample <c>[N, 4]</c> corners under <paramref name="name"/> and <c>[N]</c> classes under
    /// <paramref name="classesName"/>, mixed by <see cref="BoxMixer.Mix"/> (the pasted source's boxes clipped to what
    /// shows them, the own boxes clipped or dropped, Mixup's both sets weighted, Mosaic's moved). The batch holds float32
    /// corners <c>[B, M, 4]</c> under the name (M the most boxes of any output, rows past an output's count 0), int64
    /// classes <c>[B, M]</c> under <paramref name="classesName"/> (−1 past the count), float32 weights <c>[B, M]</c>
    /// under <see cref="MixBatchKeys.WeightsOf"/>(name) (0 past the count) and int64 counts <c>[B]</c> under
    /// <see cref="MixBatchKeys.LengthsOf"/>(name).
    /// </summary>
    /// <param name="name">The samples' key of the corners.</param>
    /// <param name="classesName">The samples' key of the classes.</param>
    /// <param name="minVisibleFraction">A box cut by a region is kept only when more than this fraction of it stays
    /// visible, in [0, 1); default <see cref="BoxMixer.DefaultMinVisibleFraction"/> (YOLO's 0.1).</param>
    /// <param name="minSide">A box cut or moved by a region is kept only when its width and height exceed this many
    /// pixels; default 0 (YOLO: <see cref="BoxMixer.YoloMinSide"/>).</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException">A name is null.</exception>
    /// <exception cref="ArgumentException">A name is empty, or both are the same.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minVisibleFraction"/> is outside [0, 1), or
    /// <paramref name="minSide"/> is negative or not finite.</exception>
    public static AlignedKey Boxes(string name, string classesName, double minVisibleFraction = BoxMixer.DefaultMinVisibleFraction, double minSide = 0)
    {
        CarriedKey.CheckName(name);
        CarriedKey.CheckName(classesName, nameof(classesName));
        if (name == classesName)
        {
            throw new ArgumentException($"The boxes and their classes are both under '{name}'; they need two keys.", nameof(classesName));
        }

        if (!(minVisibleFraction >= 0 && minVisibleFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minVisibleFraction), minVisibleFraction, $"minVisibleFraction must lie in [0, 1); it was {minVisibleFraction}.");
        }

        if (!(minSide >= 0 && double.IsFinite(minSide)))
        {
            throw new ArgumentOutOfRangeException(nameof(minSide), minSide, $"minSide must be finite and at least 0; it was {minSide}.");
        }

        return new(name, AlignedKeyKind.Boxes, classesName: classesName, minVisibleFraction: minVisibleFraction, minSide: minSide);
    }

    /// <summary>The key and how it is mixed, for messages and logs.</summary>
    /// <returns>For example <c>'depth' (values)</c>, <c>'mask' (label map, soft targets of 21 classes, ignore 255)</c> or
    /// <c>'boxes' (boxes, classes 'box_classes')</c>.</returns>
    public override string ToString() => Kind switch
    {
        AlignedKeyKind.Values => $"'{Name}' (values)",
        AlignedKeyKind.Boxes => $"'{Name}' (boxes, classes '{ClassesName}')",
        _ when ClassCount == 0 => $"'{Name}' (label map)",
        _ => $"'{Name}' (label map, soft targets of {ClassCount} classes, ignore {IgnoreIndex})",
    };
}
