using System.Numerics.Tensors;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Regions;

/// <summary>
/// The one place where region recipes become per-element data: the own weight of every element of a pairwise region,
/// or the source slot of every element of a selecting region. The CPU mixer rasterises masks with it, and MixAssert,
/// the contact sheet and the TorchSharp backend read regions through it, so they agree element for element.
/// </summary>
/// <remarks>Masks are rasterised as defined by their recipes: a <see cref="FourierMaskRegion"/> synthesises its noise
/// and keeps the <c>OwnCount</c> largest values (<see cref="MaskThreshold"/>), and when its noise covers only the first
/// positions along time the elements past it get weight 1; a <see cref="SaliencyMaskRegion"/>
/// upsamples the partner's grid and gives its <c>N − OwnCount</c> largest values to the partner; a
/// <see cref="SoftBoxRegion"/> writes <c>1f − gy·gx</c> from its row and column fall-offs.</remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class RegionRasterizer
{
    /// <summary>
    /// Writes the weight of the sample itself for every element: 1 and 0 for keeps and boxes (a resize box's too: the
    /// partner's share there is whole, though its values are resized), the weights of masks,
    /// and <c>(float)λ</c> everywhere for a blend (whose arithmetic takes the partner's weight as <c>(float)(1 − λ)</c>).
    /// </summary>
    /// <param name="region">A region of a pairwise sample (not <see cref="TileRegion"/>).</param>
    /// <param name="spatial">The extent the region belongs to.</param>
    /// <param name="lambda">The plan's own weight of the sample (used by blends only).</param>
    /// <param name="weights">Receives <see cref="SpatialShape.Size"/> weights, row-major.</param>
    /// <param name="configuration">Where synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="region"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty, <paramref name="weights"/> has the wrong
    /// length, the region does not fit <paramref name="spatial"/>, or it is a <see cref="TileRegion"/> (use <see cref="WriteSlots"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The region is a blend and <paramref name="lambda"/> is outside [0, 1].</exception>
    public static void WriteOwnWeights(MixRegion region, SpatialShape spatial, double lambda, Span<float> weights, MixConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        Internal.Guard.Length(weights.Length, spatial.Size, nameof(weights), $"a {spatial} plane");
        RasterKind kind = region.Accept(RasterKindOf.Instance);
        if (kind == RasterKind.Slots)
        {
            throw new ArgumentException($"A {region.Kind} region selects among several sources; use WriteSlots.", nameof(region));
        }

        region.Validate(spatial, region is KeepRegion ? 1 : 2, -1, nameof(region));
        if (region is BlendRegion)
        {
            Internal.Guard.Probability(lambda);
        }
        configuration ??= MixConfiguration.Default;
        switch (kind)
        {
            case RasterKind.Constant:
                weights.Fill(region is BlendRegion ? (float)lambda : 1f);
                return;
            case RasterKind.Box:
                // A resize box takes the partner's weight as a box does; its values are the resized partner's.
                (int top, int left, int bottom, int right) = region is ResizeRegion resize
                    ? (resize.Top, resize.Left, resize.Bottom, resize.Right)
                    : (((BoxRegion)region).Top, ((BoxRegion)region).Left, ((BoxRegion)region).Bottom, ((BoxRegion)region).Right);
                weights.Fill(1f);
                for (int index = 0; index < weights.Length; index += spatial.Width)
                {
                    int y = index / spatial.Width % spatial.Height, frame = index / (spatial.Width * spatial.Height);
                    if (y >= top && y < bottom && (region is BoxRegion box ? box.CoversFrame(frame) : ((ResizeRegion)region).CoversFrame(frame)))
                    {
                        weights.Slice(index + left, right - left).Clear();
                    }
                }

                return;
            case RasterKind.Explicit:
                ((MaskRegion)region).Weights.CopyTo(weights);
                return;
            case RasterKind.Soft:
                ((SoftBoxRegion)region).Rasterise(weights);
                return;
            default:
                WriteComputedMask(region, spatial, configuration, new RasterWorkspace(), weights);
                return;
        }
    }

    /// <summary>Writes the source slot of every element of a selecting region: 0 for a keep, 0 and 1 for a box, the
    /// covering tile's slot for tiles, the quadrant's slot for a mosaic (whose values are that source resized).</summary>
    /// <param name="region">A keep, box, tile or mosaic region.</param>
    /// <param name="spatial">The extent the region belongs to.</param>
    /// <param name="slots">Receives <see cref="SpatialShape.Size"/> slots, row-major.</param>
    /// <exception cref="ArgumentNullException"><paramref name="region"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty, <paramref name="slots"/> has the wrong length, or the region blends (use
    /// <see cref="WriteOwnWeights"/>).</exception>
    public static void WriteSlots(MixRegion region, SpatialShape spatial, Span<byte> slots)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        Internal.Guard.Length(slots.Length, spatial.Size, nameof(slots), $"a {spatial} plane");
        switch (region)
        {
            case KeepRegion:
                slots.Clear();
                return;
            case BoxRegion box:
                for (int index = 0; index < slots.Length; index++)
                {
                    slots[index] = box.Contains(spatial, index) ? (byte)1 : (byte)0;
                }

                return;
            case TileRegion tiles:
                if (tiles.Tiles.Any(t => t.Slot > byte.MaxValue))
                {
                    throw new ArgumentException($"A tile uses a slot above {byte.MaxValue}.", nameof(region));
                }

                for (int index = 0; index < slots.Length; index++)
                {
                    slots[index] = (byte)tiles.SlotAt(spatial, index);
                }

                return;
            case MosaicRegion mosaic:
                mosaic.Validate(spatial, Math.Max(2, mosaic.SlotsUsed), -1, nameof(region));
                int w = spatial.Width;
                for (int index = 0; index < slots.Length; index++)
                {
                    slots[index] = (byte)mosaic.Slots[mosaic.QuadrantAt(index / w, index % w)];
                }

                return;
            case ResizeRegion:
                throw new ArgumentException("A Resize region shows the partner resized, not its elements in place; use ResizeRegion.ResizePartner for the box's values.", nameof(region));
            default:
                throw new ArgumentException($"A {region.Kind} region weighs sources per element rather than selecting one; use WriteOwnWeights.", nameof(region));
        }
    }

    /// <summary>
    /// How many values a ranked mask thresholds: the noise's elements for a Fourier mask (all of <paramref name="spatial"/>,
    /// or its first positions along time), every element for a saliency mask.
    /// </summary>
    internal static int RankedCount(MixRegion region, SpatialShape spatial) =>
        region is FourierMaskRegion fourier ? fourier.Noise.Spatial.Size : spatial.Size;

    /// <summary>Writes the <see cref="RankedCount"/> values a ranked mask thresholds (the noise image, or the partner's saliency map).</summary>
    internal static void FillValues(MixRegion region, SpatialShape spatial, MixConfiguration configuration, Span<float> values)
    {
        switch (region)
        {
            case FourierMaskRegion fourier:
                fourier.Noise.Tables(configuration).Synthesize(new Randomness.MixRandom(fourier.Noise.Seed), values);
                return;
            case SaliencyMaskRegion saliency:
                saliency.Maps.WriteMap(saliency.MapIndex, values);
                return;
            default:
                throw new ArgumentException($"A {region.Kind} region is not ranked.", nameof(region));
        }
    }

    /// <summary>Writes a ranked mask from its values thresholded alone (the workspace's values are overwritten).</summary>
    internal static void WriteComputedMask(MixRegion region, SpatialShape spatial, MixConfiguration configuration, RasterWorkspace workspace, Span<float> mask)
    {
        FillValues(region, spatial, configuration, workspace.Values(RankedCount(region, spatial)));
        WriteRankedMask(region, spatial, workspace, mask, rankingBuilt: false);
    }

    /// <summary>The key under which ranked masks share their values (the noise image, or the map of one sample).</summary>
    internal static object RankingKey(MixRegion region) => region switch
    {
        FourierMaskRegion fourier => fourier.Noise,
        SaliencyMaskRegion saliency => (saliency.Maps, saliency.MapIndex),
        _ => throw new ArgumentException($"A {region.Kind} region is not ranked.", nameof(region)),
    };

    /// <summary>
    /// Writes a ranked mask of <paramref name="spatial"/> from the workspace's values. When their ranking is built (values
    /// shared by several masks) it is used; otherwise the mask is thresholded alone (<see cref="SampledThreshold"/>), and
    /// the ranking is built only if that fails. Elements past the values (a Fourier mask over the first positions along
    /// time) are the sample's own.
    /// </summary>
    internal static void WriteRankedMask(MixRegion region, SpatialShape spatial, RasterWorkspace workspace, Span<float> plane, bool rankingBuilt)
    {
        int ranked = RankedCount(region, spatial);
        ReadOnlySpan<float> values = workspace.Values(ranked);
        Span<float> mask = plane.Slice(0, ranked);
        plane.Slice(ranked).Fill(1f);
        (int top, double maxSoft, bool inverted) = region switch
        {
            FourierMaskRegion fourier => (fourier.OwnCount, fourier.MaxSoft, false),

            // The partner's N − n most salient elements take weight 0; the rest stay the sample's.
            SaliencyMaskRegion saliency => (spatial.Size - saliency.OwnCount, 0.0, true),
            _ => throw new ArgumentException($"A {region.Kind} region is not ranked.", nameof(region)),
        };
        if (rankingBuilt || !workspace.Threshold.TryWriteMask(values, top, maxSoft, mask))
        {
            if (!rankingBuilt)
            {
                workspace.Ranking.Build(values);
            }

            workspace.Ranking.WriteMask(values, top, maxSoft, mask);
        }

        if (inverted)
        {
            TensorPrimitives.Subtract(1f, mask, mask);
        }
    }

    /// <summary>How a region is rasterised.</summary>
    internal enum RasterKind
    {
        /// <summary>One weight for every element (keep, blend).</summary>
        Constant,

        /// <summary>A box of zeros in ones.</summary>
        Box,

        /// <summary>Weights given element by element.</summary>
        Explicit,

        /// <summary>Thresholded from ranked values (noise, saliency).</summary>
        Ranked,

        /// <summary>Slots of several sources (tiles).</summary>
        Slots,

        /// <summary>Computed element by element from a few numbers (soft boxes).</summary>
        Soft,
    }

    /// <summary>The raster kind of each region kind; a new region kind does not compile until it is listed here.</summary>
    internal sealed class RasterKindOf : IMixRegionVisitor<RasterKind>
    {
        public static readonly RasterKindOf Instance = new();

        public RasterKind VisitKeep(KeepRegion region) => RasterKind.Constant;

        public RasterKind VisitBlend(BlendRegion region) => RasterKind.Constant;

        public RasterKind VisitBox(BoxRegion region) => RasterKind.Box;

        public RasterKind VisitMask(MaskRegion region) => RasterKind.Explicit;

        public RasterKind VisitFourierMask(FourierMaskRegion region) => RasterKind.Ranked;

        public RasterKind VisitSaliencyMask(SaliencyMaskRegion region) => RasterKind.Ranked;

        public RasterKind VisitTiles(TileRegion region) => RasterKind.Slots;

        public RasterKind VisitSoftBox(SoftBoxRegion region) => RasterKind.Soft;

        public RasterKind VisitResize(ResizeRegion region) => RasterKind.Box;

        public RasterKind VisitMosaic(MosaicRegion region) => RasterKind.Slots;
    }
}

/// <summary>Scratch for rasterising ranked masks on one thread: the values and their ranking, reused between calls.</summary>
internal sealed class RasterWorkspace
{
    private float[] _values = [];

    /// <summary>The ranking of the values, when several masks share them.</summary>
    public BucketRanking Ranking { get; } = new();

    /// <summary>The threshold of one mask from unranked values.</summary>
    public SampledThreshold Threshold { get; } = new();

    /// <summary>A buffer of <paramref name="count"/> values (its content survives until the next larger request).</summary>
    public Span<float> Values(int count)
    {
        if (_values.Length < count)
        {
            _values = GC.AllocateUninitializedArray<float>(count);
        }

        return _values.AsSpan(0, count);
    }
}
