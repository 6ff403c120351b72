using System.Globalization;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Testing;

/// <content>
/// Segmentation label maps against the plan. The expected class of every element is worked out from the region's
/// geometry (the rasteriser's weights, the tiles' slots, and for resized sources the nearest-neighbour rule
/// ⌊(i + ½)·n/m⌋ along each axis), not by LabelMapMixer, so a bug in that mixer or in your own is caught.
/// </content>
public static partial class MixAssert
{
    /// <summary>
    /// Checks hard mixed label maps: every element has the label of the source element it shows, where the source with
    /// the largest weight there is the one shown (the sample itself on ties); resized sources (ResizeMix, Mosaic) are
    /// followed to the source element nearest the output's centre. Ignored labels are copied like any class.
    /// </summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labels">The label maps before mixing, B × <see cref="SpatialShape.Size"/> class indices, row-major.</param>
    /// <param name="mixed">The label maps after mixing, the same length.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan.</exception>
    /// <exception cref="MixInvariantException">An element's label is not the label of the source element it shows.</exception>
    public static void LabelMapsFollowPlan(MixPlan plan, ReadOnlySpan<int> labels, ReadOnlySpan<int> mixed)
    {
        int n = CheckMaps(plan, labels.Length, nameof(labels));
        CheckLength(mixed.Length, labels.Length, nameof(mixed));
        var decoder = new ElementSources(plan);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ElementSources shown = decoder.Load(i);
            for (int e = 0; e < n; e++)
            {
                int entry = shown.Dominant(e);
                int expected = LabelOf(plan, i, labels, n, shown, e, entry);
                int actual = mixed[(i * n) + e];
                if (actual != expected)
                {
                    throw new MixInvariantException(
                        $"{Where(plan, i, e)}: expected label {expected} ({From(plan, i, shown, e, entry)}), actual {actual}.{Hint(plan, i, labels, n, shown, e, entry, actual)}", i);
                }
            }
        }
    }

    /// <inheritdoc cref="LabelMapsFollowPlan(MixPlan, ReadOnlySpan{int}, ReadOnlySpan{int})"/>
    public static void LabelMapsFollowPlan(MixPlan plan, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> mixed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        CheckLength(mixed.Length, labels.Length, nameof(mixed));
        LabelMapsFollowPlan(plan, Widen(labels), Widen(mixed));
    }

    /// <summary>
    /// Checks the pair form of mixed label maps (for a loss that mixes two cross-entropies): class A is the label of the
    /// element the dominant source shows (the sample itself on ties), its weight the weight the pixels give that source,
    /// and class B the other source's label, or A where one source supplies the element. Where B has weight 0, B may
    /// be either A or the other source's label.
    /// </summary>
    /// <param name="plan">The plan that mixed the images; no sample may blend more than two sources.</param>
    /// <param name="labels">The label maps before mixing, B × <see cref="SpatialShape.Size"/> class indices.</param>
    /// <param name="classA">Class A of every element.</param>
    /// <param name="classB">Class B of every element.</param>
    /// <param name="weightA">The weight of A of every element.</param>
    /// <param name="tolerance">Largest accepted difference of a weight; 0 (default) demands the pixels' exact float weights.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, or a sample blends more than two sources.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative, infinite or NaN.</exception>
    /// <exception cref="MixInvariantException">A class or weight differs from the expected one.</exception>
    public static void LabelPairsFollowPlan(MixPlan plan, ReadOnlySpan<int> labels, ReadOnlySpan<int> classA, ReadOnlySpan<int> classB, ReadOnlySpan<float> weightA, float tolerance = 0)
    {
        CheckTolerance(tolerance);
        int n = CheckMaps(plan, labels.Length, nameof(labels));
        CheckLength(classA.Length, labels.Length, nameof(classA));
        CheckLength(classB.Length, labels.Length, nameof(classB));
        CheckLength(weightA.Length, labels.Length, nameof(weightA));
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Sources(i).Length > 2 && plan.Regions[i].Kind == MixRegionKind.Blend)
            {
                throw new ArgumentException(
                    $"Sample {i} blends {plan.Sources(i).Length} sources, so its elements have more than two classes and no pair form; check soft targets instead.", nameof(plan));
            }
        }

        var decoder = new ElementSources(plan);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ElementSources shown = decoder.Load(i);
            for (int e = 0; e < n; e++)
            {
                int at = (i * n) + e, entry = shown.Dominant(e), other = shown.Stride == 2 ? 1 - entry : entry;
                int a = LabelOf(plan, i, labels, n, shown, e, entry), b = LabelOf(plan, i, labels, n, shown, e, other);
                float w = shown.Weight(e, entry), weightB = shown.Stride == 2 ? shown.Weight(e, other) : 0f;
                string where = Where(plan, i, e);
                if (classA[at] != a)
                {
                    throw new MixInvariantException(
                        $"{where}: expected class A {a} ({From(plan, i, shown, e, entry)}), actual {classA[at]}.{Hint(plan, i, labels, n, shown, e, entry, classA[at])}", i);
                }

                if (!(Math.Abs(weightA[at] - w) <= tolerance))
                {
                    throw new MixInvariantException(
                        $"{where}: expected weight of A {w.ToString("G9", CultureInfo.InvariantCulture)} (the weight the pixels give {From(plan, i, shown, e, entry)}), actual {weightA[at].ToString("G9", CultureInfo.InvariantCulture)}.", i);
                }

                if (classB[at] != b && !(weightB == 0 && classB[at] == a))
                {
                    throw new MixInvariantException(
                        $"{where}: expected class B {b} ({From(plan, i, shown, e, other)}, weight {weightB.ToString("G9", CultureInfo.InvariantCulture)}), actual {classB[at]}.", i);
                }
            }
        }
    }

    /// <summary>
    /// Checks per-element soft targets <c>[B, K, spatial…]</c>: at every element the targets are finite, non-negative
    /// and sum to 1, or to 0 where every source with weight shows the ignore index; and class c's target is
    /// <c>Σ_{k: y_k = c} w_k / Σ_{k: y_k ≠ ignore} w_k</c> over the sources k the element shows, with the weights the
    /// pixels are mixed with (so, without ignored labels, exactly the pixel weights).
    /// </summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labels">The label maps before mixing, B × <see cref="SpatialShape.Size"/> classes in [0, <paramref name="classCount"/>) or the ignore index.</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="ignoreIndex">The label of elements without a class (255 in Pascal VOC, −100 in PyTorch).</param>
    /// <param name="targets">B × K × size floats: sample, then class, then element.</param>
    /// <param name="tolerance">Largest accepted difference of a target (and of an element's sum from 1).</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1, a label is neither a class
    /// nor the ignore index, or <paramref name="tolerance"/> is negative, infinite or NaN.</exception>
    /// <exception cref="MixInvariantException">An element's targets do not sum to 1 (or 0), or a target differs from its expected weight.</exception>
    public static void SoftLabelMapsFollowPlan(MixPlan plan, ReadOnlySpan<int> labels, int classCount, int ignoreIndex, ReadOnlySpan<float> targets, double tolerance = 1e-6)
    {
        CheckTolerance(tolerance);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        int n = CheckMaps(plan, labels.Length, nameof(labels));
        CheckLength(targets.Length, (long)labels.Length * classCount, nameof(targets));
        for (int e = 0; e < labels.Length; e++)
        {
            if (labels[e] != ignoreIndex && (uint)labels[e] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(labels), labels[e], $"Label {e} (sample {e / n}) is {labels[e]}: neither a class in [0, {classCount}) nor the ignore index {ignoreIndex}.");
            }
        }

        var expected = new double[classCount];
        var decoder = new ElementSources(plan);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ElementSources shown = decoder.Load(i);
            ReadOnlySpan<float> sample = targets.Slice(i * classCount * n, classCount * n);
            for (int e = 0; e < n; e++)
            {
                double valid = 0;
                for (int j = 0; j < shown.Stride; j++)
                {
                    valid += LabelOf(plan, i, labels, n, shown, e, j) != ignoreIndex ? shown.Weight(e, j) : 0;
                }

                Array.Clear(expected);
                for (int j = 0; j < shown.Stride && valid > 0; j++)
                {
                    int c = LabelOf(plan, i, labels, n, shown, e, j);
                    if (c != ignoreIndex)
                    {
                        expected[c] += shown.Weight(e, j) / valid;
                    }
                }

                double sum = 0;
                for (int c = 0; c < classCount; c++)
                {
                    float actual = sample[(c * n) + e];
                    if (!(actual >= 0) || float.IsInfinity(actual))
                    {
                        throw new MixInvariantException($"{Where(plan, i, e)}, class {c}: target {actual} is not a finite non-negative weight.", i);
                    }

                    sum += actual;
                }

                double total = valid > 0 ? 1 : 0;
                if (Math.Abs(sum - total) > tolerance)
                {
                    string why = valid > 0 ? "1" : $"0 (every source with weight there shows the ignore index {ignoreIndex})";
                    throw new MixInvariantException(
                        $"{Where(plan, i, e)}: targets sum to {sum.ToString("G9", CultureInfo.InvariantCulture)}, expected {why}; sources {Shown(plan, i, labels, n, shown, e)}.", i);
                }

                for (int c = 0; c < classCount; c++)
                {
                    float actual = sample[(c * n) + e];
                    if (Math.Abs(actual - expected[c]) > tolerance)
                    {
                        throw new MixInvariantException(
                            $"{Where(plan, i, e)}, class {c}: expected target {expected[c].ToString("G9", CultureInfo.InvariantCulture)}, actual {actual.ToString("G9", CultureInfo.InvariantCulture)}; sources {Shown(plan, i, labels, n, shown, e)}, ignore index {ignoreIndex}.", i);
                    }
                }
            }
        }
    }

    /// <summary>The label entry <paramref name="entry"/> of element <paramref name="element"/> shows.</summary>
    private static int LabelOf(MixPlan plan, int sample, ReadOnlySpan<int> labels, int n, ElementSources shown, int element, int entry) =>
        labels[(plan.Sources(sample)[shown.Slot(element, entry)] * n) + shown.Origin(element, entry)];

    private static string Where(MixPlan plan, int sample, int element) =>
        $"Sample {sample} ({plan.Regions[sample]}), {Position(plan.Spatial, element)}";

    /// <summary>Names the source element an entry shows: "sample 3 at pixel (y 1, x 2), weight 1".</summary>
    private static string From(MixPlan plan, int sample, ElementSources shown, int element, int entry) =>
        $"sample {plan.Sources(sample)[shown.Slot(element, entry)]} at {Position(plan.Spatial, shown.Origin(element, entry))}, weight {shown.Weight(element, entry).ToString("G9", CultureInfo.InvariantCulture)}";

    /// <summary>Every source an element shows, with its label and weight.</summary>
    private static string Shown(MixPlan plan, int sample, ReadOnlySpan<int> labels, int n, ElementSources shown, int element)
    {
        var parts = new string[shown.Stride];
        for (int j = 0; j < shown.Stride; j++)
        {
            parts[j] = $"label {LabelOf(plan, sample, labels, n, shown, element, j)} from {From(plan, sample, shown, element, j)}";
        }

        return "[" + string.Join("; ", parts) + "]";
    }

    /// <summary>What a wrong label looks like: another source's label at this element, or the own map's unmoved label.</summary>
    private static string Hint(MixPlan plan, int sample, ReadOnlySpan<int> labels, int n, ElementSources shown, int element, int entry, int actual)
    {
        for (int j = 0; j < shown.Stride; j++)
        {
            if (j != entry && LabelOf(plan, sample, labels, n, shown, element, j) == actual)
            {
                return $" That is the label of {From(plan, sample, shown, element, j)}: the wrong source was chosen (swapped sources, or a region that is off).";
            }
        }

        int source = plan.Sources(sample)[shown.Slot(element, entry)];
        if (shown.Moves && shown.Origin(element, entry) != element && labels[(source * n) + element] == actual)
        {
            return " That is the source's label at the output's own position: the resized source was not followed.";
        }

        return shown.Moves ? " The source is resized here: check the nearest index ⌊(i + ½)·n/m⌋ along each axis." : string.Empty;
    }

    /// <summary>Checks a label-map buffer's length against the plan and returns the elements per map.</summary>
    private static int CheckMaps(MixPlan plan, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(plan);
        long expected = (long)plan.BatchSize * plan.Spatial.Size;
        if (length != expected)
        {
            throw new ArgumentException(
                $"{name} has {length} elements but the plan's batch of {plan.BatchSize} label maps of {plan.Spatial} needs exactly {expected} (a label map has no channel dimension).", name);
        }

        return plan.Spatial.Size;
    }

    private static void CheckLength(int length, long expected, string name)
    {
        if (length != expected)
        {
            throw new ArgumentException($"{name} has {length} elements; {expected} are expected.", name);
        }
    }

    private static int[] Widen(ReadOnlySpan<byte> values)
    {
        var widened = new int[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            widened[k] = values[k];
        }

        return widened;
    }
}
