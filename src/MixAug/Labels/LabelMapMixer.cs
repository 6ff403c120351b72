using System.Runtime.InteropServices;
using MixAug.Cpu;
using MixAug.Internal;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Labels;

/// <summary>
/// Mixes segmentation label maps <c>[B, spatial…]</c> of class indices (uint8, int32 or int64; an ignore index
/// allowed) by the <see cref="MixPlan"/> that mixed the images, in three forms: a hard label map, per-element pairs
/// (class A, class B, weight of A) for a loss that mixes two cross-entropies, and per-element soft targets
/// <c>[B, K, spatial…]</c>.
/// </summary>
/// <remarks>
/// <para><b>Which class an element gets.</b> Regions other than resized sources (ResizeMix's box, Mosaic's tiles) never
/// move elements, so output element e of sample i is made from element e of its sources, with the weights the pixels are mixed with (<see cref="RegionRasterizer"/>: 1 and 0 for
/// keeps, boxes, tiles and binary masks; a mask's own weight m and the partner's 1 − m; a blend's <c>(float)λ</c> and
/// <c>(float)(1 − λ)</c>). Class A is the class of the source with the larger weight at e (the sample itself on ties),
/// class B the other source's, and the weight of A is its weight: where the region selects (keeps, boxes, tiles,
/// hard masks) A is the class of the source whose pixel the output shows, with weight 1, exactly, and B equals A. The
/// hard map is A.</para>
/// <para><b>Resized sources</b> (<see cref="ResizeRegion"/>, <see cref="MosaicRegion"/>) are followed by nearest
/// neighbour: an element where a source of size n is resized to m outputs takes, along each axis, the class of source
/// element ⌊(i + ½)·n/m⌋, the one whose cell holds the centre the image resampler weighs around (PyTorch's
/// <c>nearest-exact</c>), with weight 1.</para>
/// <para><b>Ignore index.</b> Labels equal to the ignore index are copied like any class by <c>Mix</c> and
/// <c>ToPairs</c>; the losses of MixAug.TorchSharp skip them. Soft targets give the ignored sources no weight and
/// renormalise the others: <c>t_c = Σ_{k: y_k = c} w_k / Σ_{k: y_k ≠ ignore} w_k</c>, so every element with a
/// non-ignored source with non-zero weight sums to 1 and an element made only of ignored (or zero-weight) sources is
/// all zeros.</para>
/// <para>A blend of more than two sources has no pair form (every element has more than two classes): use soft
/// targets. Every argument is checked before anything is written.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads on different destinations.</threadsafety>
public static partial class LabelMapMixer
{
    /// <summary>Writes the hard mixed label map: every element takes the class of the source with the largest weight there.</summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labels">The label maps, B × <see cref="SpatialShape.Size"/> class indices, row-major.</param>
    /// <param name="destination">Receives the mixed maps; the same length, sharing no memory with <paramref name="labels"/>.</param>
    /// <param name="configuration">Where mask synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, or the buffers overlap.</exception>
    public static void Mix(MixPlan plan, ReadOnlySpan<byte> labels, Span<byte> destination, MixConfiguration? configuration = null) =>
        MixCore(plan, labels, destination, configuration);

    /// <inheritdoc cref="Mix(MixPlan, ReadOnlySpan{byte}, Span{byte}, MixConfiguration?)"/>
    public static void Mix(MixPlan plan, ReadOnlySpan<int> labels, Span<int> destination, MixConfiguration? configuration = null) =>
        MixCore(plan, labels, destination, configuration);

    /// <inheritdoc cref="Mix(MixPlan, ReadOnlySpan{byte}, Span{byte}, MixConfiguration?)"/>
    public static void Mix(MixPlan plan, ReadOnlySpan<long> labels, Span<long> destination, MixConfiguration? configuration = null) =>
        MixCore(plan, labels, destination, configuration);

    /// <summary>Writes, for every element, class A (the dominant source's), class B (the other source's) and the weight of A.</summary>
    /// <param name="plan">The plan that mixed the images; no sample may blend more than two sources.</param>
    /// <param name="labels">The label maps, B × <see cref="SpatialShape.Size"/> class indices (or the ignore index).</param>
    /// <param name="classA">Receives class A of every element (B × size).</param>
    /// <param name="classB">Receives class B of every element; equal to A where one source supplies the element.</param>
    /// <param name="weightA">Receives the weight of A, in [0.5, 1]; B's weight is <c>1 − weightA</c>.</param>
    /// <param name="configuration">Where mask synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, or a sample blends more than two sources.</exception>
    public static void ToPairs(MixPlan plan, ReadOnlySpan<byte> labels, Span<int> classA, Span<int> classB, Span<float> weightA, MixConfiguration? configuration = null) =>
        PairsCore(plan, labels, classA, classB, weightA, configuration);

    /// <inheritdoc cref="ToPairs(MixPlan, ReadOnlySpan{byte}, Span{int}, Span{int}, Span{float}, MixConfiguration?)"/>
    public static void ToPairs(MixPlan plan, ReadOnlySpan<int> labels, Span<int> classA, Span<int> classB, Span<float> weightA, MixConfiguration? configuration = null) =>
        PairsCore(plan, labels, classA, classB, weightA, configuration);

    /// <summary>Writes, for every element, class A (the dominant source's), class B (the other source's) and the weight of A.</summary>
    /// <param name="plan">The plan that mixed the images; no sample may blend more than two sources.</param>
    /// <param name="labels">The label maps, B × <see cref="SpatialShape.Size"/> class indices (or the ignore index), each within the range of int.</param>
    /// <param name="classA">Receives class A of every element (B × size).</param>
    /// <param name="classB">Receives class B of every element; equal to A where one source supplies the element.</param>
    /// <param name="weightA">Receives the weight of A, in [0.5, 1]; B's weight is <c>1 − weightA</c>.</param>
    /// <param name="configuration">Where mask synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, a label is outside the range of int, or a
    /// sample blends more than two sources.</exception>
    public static void ToPairs(MixPlan plan, ReadOnlySpan<long> labels, Span<int> classA, Span<int> classB, Span<float> weightA, MixConfiguration? configuration = null) =>
        PairsCore(plan, labels, classA, classB, weightA, configuration);

    /// <summary>Writes per-element soft targets <c>[B, K, spatial…]</c> with the weights the pixels were mixed with.</summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labels">The label maps, B × <see cref="SpatialShape.Size"/> class indices in [0, <paramref name="classCount"/>) or the ignore index.</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="ignoreIndex">The label of elements that have no class (255 in Pascal VOC, −100 in PyTorch).</param>
    /// <param name="destination">Receives B × K × size floats: sample, then class, then element.</param>
    /// <param name="configuration">Where mask synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, or a label is neither a class nor the ignore index.</exception>
    public static void ToSoftTargets(MixPlan plan, ReadOnlySpan<byte> labels, int classCount, int ignoreIndex, Span<float> destination, MixConfiguration? configuration = null) =>
        SoftCore(plan, labels, classCount, ignoreIndex, destination, configuration);

    /// <inheritdoc cref="ToSoftTargets(MixPlan, ReadOnlySpan{byte}, int, int, Span{float}, MixConfiguration?)"/>
    public static void ToSoftTargets(MixPlan plan, ReadOnlySpan<int> labels, int classCount, int ignoreIndex, Span<float> destination, MixConfiguration? configuration = null) =>
        SoftCore(plan, labels, classCount, ignoreIndex, destination, configuration);

    /// <inheritdoc cref="ToSoftTargets(MixPlan, ReadOnlySpan{byte}, int, int, Span{float}, MixConfiguration?)"/>
    public static void ToSoftTargets(MixPlan plan, ReadOnlySpan<long> labels, int classCount, int ignoreIndex, Span<float> destination, MixConfiguration? configuration = null) =>
        SoftCore(plan, labels, classCount, ignoreIndex, destination, configuration);

    private static unsafe void MixCore<T>(MixPlan plan, ReadOnlySpan<T> labels, Span<T> destination, MixConfiguration? configuration)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = CheckMaps(plan, labels.Length, nameof(labels));
        Guard.Length(destination.Length, labels.Length, nameof(destination), "the labels");
        if (labels.Overlaps(destination))
        {
            throw new ArgumentException("destination shares memory with labels; mixing reads other samples' maps, so write to a separate buffer.", nameof(destination));
        }

        configuration ??= MixConfiguration.Default;
        bool masksByKernels = typeof(T) == typeof(byte)
            && plan.Regions.Any(r => r.Kind is not (MixRegionKind.Keep or MixRegionKind.Blend or MixRegionKind.Box or MixRegionKind.Tiles) && r.Accept(SelectsOnly.Instance))
            && MixJob<byte, ByteKernels>.Unsupported(plan) is null;
        if (masksByKernels)
        {
            // Hard masks: CpuMixer's uint8 kernels copy every element a region gives wholly to one source, on all cores
            // and with the mask rasters shared between samples (FMix's noise image is synthesised once, not per
            // sample); only the samples it would blend are made below. Boxes, tiles and blends are row and sample
            // copies, cheaper than its pass.
            CpuMixer.Apply(plan, MemoryMarshal.Cast<T, byte>(labels), MemoryMarshal.Cast<T, byte>(destination), configuration);
        }

        fixed (T* from = labels, to = destination)
        {
            new HardMaps<T>(plan, from, n, configuration, to, masksByKernels).Run((long)labels.Length * sizeof(T));
        }
    }

    /// <summary>Writes sample <paramref name="sample"/>'s hard map into <paramref name="output"/>.</summary>
    private static void MixSample<T>(MixPlan plan, int sample, ReadOnlySpan<T> labels, Span<T> output, PixelSources sources)
    {
        int n = output.Length;
        ReadOnlySpan<int> batch = plan.Sources(sample);
        MixRegion region = plan.Regions[sample];

        // Boxes and tiles are copied row by row, blends whole: the label map then costs a fraction of the images' mixing.
        switch (region)
        {
            case BoxRegion { HasFrameRange: false } box: // a cuboid goes through its rasterised slots below
                CopyBox(labels.Slice(batch[0] * n, n), labels.Slice(batch[1] * n, n), output, plan.Spatial, box);
                return;
            case TileRegion tiles:
                CopyRects(labels, output, n, plan.Spatial, sample, tiles.Tiles, batch, tiles.FirstFrame, tiles.EndFrame ?? int.MaxValue);
                return;
            case BlendRegion:
                // The dominant source by the pixels' float weights, the sample itself on ties (as in the pair form).
                ReadOnlySpan<double> weights = plan.Weights(sample);
                int best = 0;
                for (int k = 1; k < weights.Length; k++)
                {
                    best = (float)weights[k] > (float)weights[best] ? k : best;
                }

                labels.Slice(batch[best] * n, n).CopyTo(output);
                return;
        }

        sources.Load(plan, sample);
        if (sources.Current == PixelSources.Form.Whole)
        {
            labels.Slice(batch[sources.ConstantSlot] * n, n).CopyTo(output);
            return;
        }

        if (sources.Current == PixelSources.Form.Slots)
        {
            // Resized sources (ResizeMix, Mosaic): each element's class is its source's at the element it was resampled around.
            ReadOnlySpan<byte> slots = sources.Slots;
            for (int e = 0; e < n; e++)
            {
                output[e] = labels[(batch[slots[e]] * n) + sources.Origin(e)];
            }

            return;
        }

        ReadOnlySpan<T> own = labels.Slice(batch[0] * n, n), partner = labels.Slice(batch[1] * n, n);
        ReadOnlySpan<float> ownWeights = sources.Own;
        for (int e = 0; e < n; e++)
        {
            output[e] = ownWeights[e] >= sources.Partner(e) ? own[e] : partner[e];
        }
    }

    /// <summary>
    /// Writes a box sample's map: the own map whole, then the partner's part of each box row over it (one large copy and
    /// one small one per box row, the box's elements written twice while the sample's map is in the cache).
    /// </summary>
    /// <remarks>
    /// Measured and dropped (--quick, alternating builds, 2026-12-01): each box row selected from the own and the
    /// partner's row 32 bytes at a time (0.22 against 0.20 ms on one thread with the maps in the cache, no gain from
    /// memory); the partner's box band asked for line by line before the own copy (medians 0.391 against 0.410 ms over
    /// six runs each, within their spread).
    /// </remarks>
    private static void CopyBox<T>(ReadOnlySpan<T> own, ReadOnlySpan<T> partner, Span<T> output, SpatialShape spatial, BoxRegion box)
    {
        // The own map whole, then the box's rows over it: one large copy and one small one per box row. Three copies per
        // box row around the box (each element written once) took 0.83 against 0.50 ms for a Mixup map (--quick).
        own.CopyTo(output);
        int width = spatial.Width, plane = spatial.Height * width, boxWidth = box.Right - box.Left;
        for (int slice = 0; slice < output.Length; slice += plane)
        {
            for (int row = slice + (box.Top * width) + box.Left, end = slice + (box.Bottom * width); row < end; row += width)
            {
                partner.Slice(row, boxWidth).CopyTo(output[row..]);
            }
        }
    }

    /// <summary>Copies the sample's own map, then each rectangle of its source slot, in painting order, on the depth
    /// slices <c>[firstFrame, endFrame)</c> (0 and <see cref="int.MaxValue"/>: every slice).</summary>
    internal static void CopyRects<T>(ReadOnlySpan<T> labels, Span<T> output, int n, SpatialShape spatial, int sample, IReadOnlyList<Tile> rects, ReadOnlySpan<int> batch, int firstFrame, int endFrame)
    {
        labels.Slice(sample * n, n).CopyTo(output);
        int plane = spatial.Height * spatial.Width;
        int from = (int)Math.Min(n, (long)firstFrame * plane), to = (int)Math.Min(n, (long)endFrame * plane);
        foreach (Tile rect in rects)
        {
            ReadOnlySpan<T> source = labels.Slice(batch[rect.Slot] * n, n);
            for (int slice = from; slice < to; slice += plane)
            {
                for (int y = rect.Top; y < rect.Bottom; y++)
                {
                    int start = slice + (y * spatial.Width) + rect.Left;
                    source.Slice(start, rect.Right - rect.Left).CopyTo(output.Slice(start));
                }
            }
        }
    }

    private static unsafe void PairsCore<T>(MixPlan plan, ReadOnlySpan<T> labels, Span<int> classA, Span<int> classB, Span<float> weightA, MixConfiguration? configuration)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = CheckMaps(plan, labels.Length, nameof(labels));
        Guard.Length(classA.Length, labels.Length, nameof(classA), "the labels");
        Guard.Length(classB.Length, labels.Length, nameof(classB), "the labels");
        Guard.Length(weightA.Length, labels.Length, nameof(weightA), "the labels");
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i] is BlendRegion && plan.Sources(i).Length > 2)
            {
                throw new ArgumentException(
                    $"Sample {i} blends {plan.Sources(i).Length} sources, so its elements have more than two classes; use ToSoftTargets.", nameof(plan));
            }
        }

        for (int e = 0; e < labels.Length; e++)
        {
            long value = long.CreateTruncating(labels[e]);
            if (value is < int.MinValue or > int.MaxValue)
            {
                throw new ArgumentException($"Label {e} is {value}, outside the range of int.", nameof(labels));
            }
        }

        fixed (T* from = labels)
        fixed (int* toA = classA, toB = classB)
        fixed (float* toWeights = weightA)
        {
            new PairMaps<T>(plan, from, n, configuration ?? MixConfiguration.Default, toA, toB, toWeights).Run((long)labels.Length * ((2 * sizeof(int)) + sizeof(float)));
        }
    }

    /// <summary>Writes sample <paramref name="sample"/>'s pairs (class A, class B, weight of A) into its slices.</summary>
    private static void PairSample<T>(MixPlan plan, int sample, ReadOnlySpan<T> labels, Span<int> a, Span<int> b, Span<float> w, PixelSources sources)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = a.Length;
        sources.Load(plan, sample);
        ReadOnlySpan<int> batch = plan.Sources(sample);
        switch (sources.Current)
        {
            case PixelSources.Form.Whole:
                for (int e = 0; e < n; e++)
                {
                    a[e] = b[e] = int.CreateTruncating(labels[(batch[sources.ConstantSlot] * n) + e]);
                }

                w.Fill(1f);
                break;
            case PixelSources.Form.Slots:
                for (int e = 0; e < n; e++)
                {
                    a[e] = b[e] = int.CreateTruncating(labels[(batch[sources.Slots[e]] * n) + sources.Origin(e)]);
                }

                w.Fill(1f);
                break;
            default:
                ReadOnlySpan<float> ownWeights = sources.Own;
                for (int e = 0; e < n; e++)
                {
                    float own = ownWeights[e], partner = sources.Partner(e);
                    int first = int.CreateTruncating(labels[(batch[0] * n) + e]), second = int.CreateTruncating(labels[(batch[1] * n) + e]);
                    bool ownLeads = own >= partner;
                    a[e] = ownLeads ? first : second;
                    w[e] = ownLeads ? own : partner;

                    // Where one source supplies the element (a box, a hard mask) B is A, as the selecting forms above
                    // write it, so B never names a class the output does not show.
                    b[e] = w[e] == 1f ? a[e] : ownLeads ? second : first;
                }

                break;
        }
    }

    private static unsafe void SoftCore<T>(MixPlan plan, ReadOnlySpan<T> labels, int classCount, int ignoreIndex, Span<float> destination, MixConfiguration? configuration)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = CheckMaps(plan, labels.Length, nameof(labels));
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be at least 1; it was {classCount}.");
        }

        Guard.Length(destination.Length, (long)labels.Length * classCount, nameof(destination), $"{plan.BatchSize} maps of {classCount} classes × {n} elements");
        for (int e = 0; e < labels.Length; e++)
        {
            long value = long.CreateTruncating(labels[e]);
            if (value != ignoreIndex && (value < 0 || value >= classCount))
            {
                throw new ArgumentException(
                    $"Label {e} (sample {e / n}, element {e % n}) is {value}: neither a class in [0, {classCount}) nor the ignore index {ignoreIndex}.", nameof(labels));
            }
        }

        fixed (T* from = labels)
        fixed (float* to = destination)
        {
            new SoftMaps<T>(plan, from, n, configuration ?? MixConfiguration.Default, to, classCount, ignoreIndex).Run((long)destination.Length * sizeof(float));
        }
    }

    /// <summary>Writes sample <paramref name="sample"/>'s soft targets into <paramref name="targets"/> (K × n, cleared here).</summary>
    private static void SoftSample<T>(MixPlan plan, int sample, ReadOnlySpan<T> labels, int ignoreIndex, Span<float> targets, PixelSources sources)
        where T : unmanaged, IBinaryInteger<T>
    {
        int n = plan.Spatial.Size;
        targets.Clear();
        sources.Load(plan, sample);
        ReadOnlySpan<int> batch = plan.Sources(sample);
        for (int e = 0; e < n; e++)
        {
            switch (sources.Current)
            {
                case PixelSources.Form.Whole:
                    AddOne(targets, labels, batch[sources.ConstantSlot], n, e, e, ignoreIndex);
                    break;
                case PixelSources.Form.Slots:
                    AddOne(targets, labels, batch[sources.Slots[e]], n, sources.Origin(e), e, ignoreIndex);
                    break;
                case PixelSources.Form.Pair:
                    AddWeighted(targets, labels, batch[..2], [sources.Own[e], sources.Partner(e)], n, e, ignoreIndex);
                    break;
                default:
                    AddWeighted(targets, labels, batch, sources.Constant, n, e, ignoreIndex);
                    break;
            }
        }
    }

    /// <summary>Gives element <paramref name="e"/> the class of element <paramref name="from"/> of <paramref name="source"/>.</summary>
    private static void AddOne<T>(Span<float> targets, ReadOnlySpan<T> labels, int source, int n, int from, int e, int ignoreIndex)
        where T : unmanaged, IBinaryInteger<T>
    {
        long c = long.CreateTruncating(labels[(source * n) + from]);
        if (c != ignoreIndex)
        {
            targets[((int)c * n) + e] = 1f;
        }
    }

    /// <summary>Adds each non-ignored source's weight to its class at element e, divided by their total (in double).</summary>
    private static void AddWeighted<T>(Span<float> targets, ReadOnlySpan<T> labels, ReadOnlySpan<int> sources, ReadOnlySpan<float> weights, int n, int e, int ignoreIndex)
        where T : unmanaged, IBinaryInteger<T>
    {
        double valid = 0;
        for (int k = 0; k < sources.Length; k++)
        {
            valid += long.CreateTruncating(labels[(sources[k] * n) + e]) != ignoreIndex ? weights[k] : 0;
        }

        if (valid == 0)
        {
            return;
        }

        for (int k = 0; k < sources.Length; k++)
        {
            long c = long.CreateTruncating(labels[(sources[k] * n) + e]);
            if (c != ignoreIndex && weights[k] != 0)
            {
                // Summed in float: a class two sources share gets the float sum of their shares.
                targets[((int)c * n) + e] += (float)(weights[k] / valid);
            }
        }
    }

    /// <summary>Checks a label-map buffer's length against the plan and returns the elements per map.</summary>
    private static int CheckMaps(MixPlan plan, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int n = plan.Spatial.Size;
        if (length != (long)plan.BatchSize * n)
        {
            throw new ArgumentException(
                $"{name} has {length} elements but the plan's batch of {plan.BatchSize} label maps of {plan.Spatial} needs exactly {(long)plan.BatchSize * n}: a label map has no channel dimension.",
                name);
        }

        if (plan.ZeroPadsBlends)
        {
            // Past the shorter source a zero-padded blend shows the longer one only, which the dominant-source rule would not follow.
            throw new ArgumentException("The plan's blends are zero-padded (BlendLengths.ZeroPadded), which label maps do not follow yet; mix label maps by a plan with espnet2's rule (BlendLengths.Shorter).", nameof(plan));
        }

        return n;
    }
}
