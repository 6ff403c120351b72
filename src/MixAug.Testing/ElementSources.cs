using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Testing;

/// <summary>
/// What each element of one mixed sample shows: which source slots, at which of their elements, with which weights.
/// Decoded from the region's own geometry, independently of the label mixers (LabelMapMixer, BoxMixer), so that
/// <see cref="MixAssert"/>'s dense-target checks catch a bug in them: selections and masks through
/// <see cref="RegionRasterizer"/> (the weights the pixels are mixed with), blends from the plan's weights, and resized
/// sources by the nearest-neighbour rule written out below from its definition.
/// </summary>
/// <remarks>Every element has <see cref="Stride"/> entries: 1 where one source supplies it (keeps, tiles, resized
/// sources), 2 for two-source masks and blends (own first), K for a blend of K sources. <see cref="Load"/> reuses the
/// buffers from sample to sample.</remarks>
internal sealed class ElementSources : IMixRegionVisitor<int>
{
    private readonly MixPlan _plan;
    private int _sample;
    private byte[] _slots = [];
    private int[] _origins = [];
    private float[] _weights = [];
    private byte[] _tileSlots = [];
    private float[] _own = [];

    /// <summary>Creates the decoder of <paramref name="plan"/>'s samples.</summary>
    public ElementSources(MixPlan plan) => _plan = plan;

    /// <summary>Entries per element.</summary>
    public int Stride { get; private set; }

    /// <summary>True when some element shows another element of its source (a resized source).</summary>
    public bool Moves { get; private set; }

    /// <summary>Decodes sample <paramref name="sample"/>, replacing the one decoded before.</summary>
    public ElementSources Load(int sample)
    {
        _sample = sample;
        Moves = false;
        Stride = _plan.Regions[sample].Accept(this);
        return this;
    }

    /// <summary>
    /// The source element output element <paramref name="output"/> is taken from when <paramref name="inputs"/>
    /// elements are resized to <paramref name="outputs"/>: the one whose cell holds the output's centre,
    /// ⌊(output + ½)·inputs/outputs⌋ (PyTorch's <c>nearest-exact</c>), in integers.
    /// </summary>
    public static int Nearest(int inputs, int outputs, int output) => (int)((((2L * output) + 1) * inputs) / (2L * outputs));

    /// <summary>The slot of entry <paramref name="entry"/> of element <paramref name="element"/>.</summary>
    public int Slot(int element, int entry) => _slots[(element * Stride) + entry];

    /// <summary>The element of that slot's source that the entry shows.</summary>
    public int Origin(int element, int entry) => _origins[(element * Stride) + entry];

    /// <summary>The entry's weight, as the pixels are mixed with it.</summary>
    public float Weight(int element, int entry) => _weights[(element * Stride) + entry];

    /// <summary>The first entry with the largest weight: the source whose class a hard map shows (the sample itself on ties).</summary>
    public int Dominant(int element)
    {
        int best = 0;
        for (int j = 1; j < Stride; j++)
        {
            best = Weight(element, j) > Weight(element, best) ? j : best;
        }

        return best;
    }

    /// <summary>The weight source slot <paramref name="slot"/> has at element <paramref name="element"/>, summed over its entries.</summary>
    public float WeightOf(int element, int slot)
    {
        float sum = 0;
        for (int j = 0; j < Stride; j++)
        {
            sum += Slot(element, j) == slot ? Weight(element, j) : 0f;
        }

        return sum;
    }

    /// <inheritdoc />
    public int VisitKeep(KeepRegion region) => Single(e => (0, e));

    /// <inheritdoc />
    public int VisitBlend(BlendRegion region)
    {
        ReadOnlySpan<double> weights = _plan.Weights(_sample);
        int n = _plan.Spatial.Size, k = weights.Length;
        Allocate(k);
        for (int e = 0; e < n; e++)
        {
            for (int j = 0; j < k; j++)
            {
                Set(e, k, j, (byte)j, e, (float)weights[j]); // the kernels weigh source j by (float)w_j
            }
        }

        return k;
    }

    /// <inheritdoc />
    public int VisitBox(BoxRegion region) => Masked(region);

    /// <inheritdoc />
    public int VisitMask(MaskRegion region) => Masked(region);

    /// <inheritdoc />
    public int VisitFourierMask(FourierMaskRegion region) => Masked(region);

    /// <inheritdoc />
    public int VisitSaliencyMask(SaliencyMaskRegion region) => Masked(region);

    /// <inheritdoc />
    public int VisitSoftBox(SoftBoxRegion region) => Masked(region);

    /// <inheritdoc />
    public int VisitTiles(TileRegion region)
    {
        byte[] slots = Grown(ref _tileSlots, _plan.Spatial.Size);
        RegionRasterizer.WriteSlots(region, _plan.Spatial, slots.AsSpan(0, _plan.Spatial.Size));
        return Single(e => (slots[e], e));
    }

    /// <inheritdoc />
    public int VisitResize(ResizeRegion region)
    {
        // The partner, resized whole to the box, inside it; the sample's own elements in place outside. A clip's frame t
        // shows the partner's frame t, on the frames the box lies on.
        int w = _plan.Spatial.Width, h = _plan.Spatial.Height;
        int boxHeight = region.Bottom - region.Top, boxWidth = region.Right - region.Left;
        Moves = true;
        return Single(e =>
        {
            int f = e / (h * w), frameStart = f * (h * w), y = (e - frameStart) / w, x = e % w;
            bool onFrame = f >= region.FirstFrame && f < (region.EndFrame ?? int.MaxValue);
            return onFrame && y >= region.Top && y < region.Bottom && x >= region.Left && x < region.Right
                ? (1, frameStart + ((region.PartnerTop + Nearest(region.PartnerBottom - region.PartnerTop, boxHeight, y - region.Top)) * w) + region.PartnerLeft + Nearest(region.PartnerRight - region.PartnerLeft, boxWidth, x - region.Left))
                : (0, e);
        });
    }

    /// <inheritdoc />
    public int VisitMosaic(MosaicRegion region)
    {
        // Each source resized whole to the tile; a top quadrant's row y shows tile row y + TileHeight − CentreY, a bottom
        // one's y − CentreY; columns likewise (MosaicRegion's remarks).
        int w = _plan.Spatial.Width, h = _plan.Spatial.Height;
        Moves = true;
        return Single(e =>
        {
            int y = e / w, x = e % w;
            int tileRow = y < region.CentreY ? y + region.TileHeight - region.CentreY : y - region.CentreY;
            int tileColumn = x < region.CentreX ? x + region.TileWidth - region.CentreX : x - region.CentreX;
            int slot = region.Slots[(y < region.CentreY ? 0 : 2) + (x < region.CentreX ? 0 : 1)];
            return (slot, (Nearest(h, region.TileHeight, tileRow) * w) + Nearest(w, region.TileWidth, tileColumn));
        });
    }

    /// <summary>One source per element, weight 1: <paramref name="source"/> gives each element's (slot, origin).</summary>
    private int Single(Func<int, (int Slot, int Origin)> source)
    {
        int n = _plan.Spatial.Size;
        Allocate(1);
        for (int e = 0; e < n; e++)
        {
            (int slot, int origin) = source(e);
            Set(e, 1, 0, (byte)slot, origin, 1f);
        }

        return 1;
    }

    /// <summary>Own weight m from the rasteriser and the partner's 1 − m, in float, as the mask kernel weighs them.</summary>
    private int Masked(MixRegion region)
    {
        int n = _plan.Spatial.Size;
        float[] own = Grown(ref _own, n);
        RegionRasterizer.WriteOwnWeights(region, _plan.Spatial, _plan.Lambdas[_sample], own.AsSpan(0, n));
        Allocate(2);
        for (int e = 0; e < n; e++)
        {
            Set(e, 2, 0, 0, e, own[e]);
            Set(e, 2, 1, 1, e, 1f - own[e]);
        }

        return 2;
    }

    private void Allocate(int stride)
    {
        int length = _plan.Spatial.Size * stride;
        Grown(ref _slots, length);
        Grown(ref _origins, length);
        Grown(ref _weights, length);
    }

    private static T[] Grown<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer;
    }

    private void Set(int element, int stride, int entry, byte slot, int origin, float weight)
    {
        int at = (element * stride) + entry;
        _slots[at] = slot;
        _origins[at] = origin;
        _weights[at] = weight;
    }
}
