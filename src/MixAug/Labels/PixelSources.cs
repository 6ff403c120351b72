using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Labels;

/// <summary>
/// The weights one sample's region gives its sources at every element of the plane, in the form dense targets need:
/// at most two sources per element (a dominant slot A and a second slot B) for every region but a blend of more than two
/// sources, whose weights are the same everywhere. The weights are the ones the pixels are mixed with
/// (<see cref="RegionRasterizer"/>; a blend's <c>(float)λ</c> and <c>(float)(1 − λ)</c>), so targets and pixels agree.
/// </summary>
/// <remarks>Scratch for one thread: <see cref="Load"/> fills it for one sample, reusing its buffers.</remarks>
internal sealed class PixelSources : IMixRegionVisitor<PixelSources.Form>
{
    private MixPlan _plan = null!;
    private int _sample;
    private float[] _own = [];
    private byte[] _slots = [];
    private int[] _origins = [];
    private float[] _constant = [];

    /// <summary>How the current sample's weights are stored.</summary>
    internal enum Form
    {
        /// <summary>Slot <see cref="ConstantSlot"/> everywhere with weight 1 (a keep).</summary>
        Whole,

        /// <summary>Slots 0 and 1 with the own weight of each element in <see cref="Own"/> and the partner's
        /// <c>1 − own</c>, or <see cref="PartnerConstant"/> for a blend.</summary>
        Pair,

        /// <summary>One slot per element in <see cref="Slots"/>, weight 1 (tiles, resized sources); the element it shows
        /// of that source is <see cref="Origin"/>.</summary>
        Slots,

        /// <summary>The same weights (<see cref="Constant"/>, one per slot) at every element: a blend of more than two sources.</summary>
        Many,
    }

    /// <summary>The form of the loaded sample.</summary>
    public Form Current { get; private set; }

    /// <summary>For <see cref="Form.Whole"/>: the slot that supplies every element.</summary>
    public int ConstantSlot { get; private set; }

    /// <summary>For <see cref="Form.Pair"/>: the own weight of each element.</summary>
    public ReadOnlySpan<float> Own => _own.AsSpan(0, _plan.Spatial.Size);

    /// <summary>For a blend in <see cref="Form.Pair"/>: the partner's weight <c>(float)(1 − λ)</c>; NaN when the partner's
    /// weight is <c>1 − own</c> element by element.</summary>
    public float PartnerConstant { get; private set; }

    /// <summary>For <see cref="Form.Slots"/>: the slot of each element.</summary>
    public ReadOnlySpan<byte> Slots => _slots.AsSpan(0, _plan.Spatial.Size);

    /// <summary>For <see cref="Form.Slots"/>: true when some element shows another element of its source
    /// (<see cref="ResizeRegion"/>, <see cref="MosaicRegion"/>), so <see cref="Origin"/> must be asked.</summary>
    public bool Moved { get; private set; }

    /// <summary>For <see cref="Form.Slots"/>: the element of its slot's source that element <paramref name="index"/>
    /// takes its label from: itself unless <see cref="Moved"/>, else the source element the image resampler centred on
    /// (<see cref="Resampling.Nearest"/> along each axis).</summary>
    public int Origin(int index) => Moved ? _origins[index] : index;

    /// <summary>For <see cref="Form.Many"/>: the weight of each slot, <c>(float)w_k</c>.</summary>
    public ReadOnlySpan<float> Constant => _constant.AsSpan(0, _plan.Sources(_sample).Length);

    /// <summary>The plan's configuration for rasterising masks.</summary>
    public MixConfiguration Configuration { get; set; } = MixConfiguration.Default;

    /// <summary>Loads sample <paramref name="sample"/> of <paramref name="plan"/>.</summary>
    public void Load(MixPlan plan, int sample)
    {
        _plan = plan;
        _sample = sample;
        Current = plan.Regions[sample].Accept(this);
    }

    /// <summary>The partner's weight at element <paramref name="index"/> of a <see cref="Form.Pair"/> sample.</summary>
    public float Partner(int index) => float.IsNaN(PartnerConstant) ? 1f - _own[index] : PartnerConstant;

    /// <inheritdoc />
    public Form VisitKeep(KeepRegion region)
    {
        ConstantSlot = 0;
        return Form.Whole;
    }

    /// <inheritdoc />
    public Form VisitBlend(BlendRegion region)
    {
        ReadOnlySpan<double> weights = _plan.Weights(_sample);
        if (weights.Length == 2)
        {
            // The pixel kernels weigh the partner (float)(1 − λ), not 1 − (float)λ.
            Rasterize(region);
            PartnerConstant = (float)weights[1];
            return Form.Pair;
        }

        if (_constant.Length < weights.Length)
        {
            _constant = new float[weights.Length];
        }

        for (int k = 0; k < weights.Length; k++)
        {
            _constant[k] = (float)weights[k];
        }

        return Form.Many;
    }

    /// <inheritdoc />
    public Form VisitBox(BoxRegion region) => Rasterize(region);

    /// <inheritdoc />
    public Form VisitMask(MaskRegion region) => Rasterize(region);

    /// <inheritdoc />
    public Form VisitFourierMask(FourierMaskRegion region) => Rasterize(region);

    /// <inheritdoc />
    public Form VisitSaliencyMask(SaliencyMaskRegion region) => Rasterize(region);

    /// <inheritdoc />
    public Form VisitSoftBox(SoftBoxRegion region) => Rasterize(region);

    /// <inheritdoc />
    public Form VisitResize(ResizeRegion region)
    {
        // Slot 1 inside the box, at the partner's element nearest each output centre; the sample's own element outside.
        // A clip's frames repeat the first, each reading the partner's frame at the same place; frames outside a frame
        // range are the sample's own.
        Span<byte> slots = SlotBuffer();
        Span<int> origins = OriginBuffer();
        int h = region.Spatial.Height, w = region.Spatial.Width, bh = region.Bottom - region.Top, bw = region.Right - region.Left;
        for (int y = 0, e = 0; y < h; y++)
        {
            bool rowInBox = y >= region.Top && y < region.Bottom;
            int sy = rowInBox ? region.PartnerTop + Resampling.Nearest(region.PartnerHeight, bh, y - region.Top) : 0;
            for (int x = 0; x < w; x++, e++)
            {
                bool inBox = rowInBox && x >= region.Left && x < region.Right;
                slots[e] = inBox ? (byte)1 : (byte)0;
                origins[e] = inBox ? (sy * w) + region.PartnerLeft + Resampling.Nearest(region.PartnerWidth, bw, x - region.Left) : e;
            }
        }

        for (int f = 1, frame = h * w; f < region.Spatial.Depth; f++)
        {
            slots[..frame].CopyTo(slots[(f * frame)..]);
            for (int e = 0; e < frame; e++)
            {
                origins[(f * frame) + e] = origins[e] + (f * frame);
            }
        }

        for (int f = 0, frame = h * w; f < region.Spatial.Depth; f++)
        {
            if (!region.CoversFrame(f))
            {
                slots.Slice(f * frame, frame).Clear();
                for (int e = f * frame; e < (f + 1) * frame; e++)
                {
                    origins[e] = e;
                }
            }
        }

        Moved = true;
        return Form.Slots;
    }

    /// <inheritdoc />
    public Form VisitMosaic(MosaicRegion region)
    {
        // Each element shows its quadrant's source at the element nearest the centre the resampler used for it.
        Span<byte> slots = SlotBuffer();
        Span<int> origins = OriginBuffer();
        int h = region.Spatial.Height, w = region.Spatial.Width;
        for (int y = 0, e = 0; y < h; y++)
        {
            int sy = Resampling.Nearest(h, region.TileHeight, region.TileRow(y));
            for (int x = 0; x < w; x++, e++)
            {
                slots[e] = (byte)region.Slots[region.QuadrantAt(y, x)];
                origins[e] = (sy * w) + Resampling.Nearest(w, region.TileWidth, region.TileColumn(x));
            }
        }

        Moved = true;
        return Form.Slots;
    }
    /// <inheritdoc />
    public Form VisitTiles(TileRegion region)
    {
        RegionRasterizer.WriteSlots(region, _plan.Spatial, SlotBuffer());
        Moved = false;
        return Form.Slots;
    }

    private Span<byte> SlotBuffer()
    {
        int n = _plan.Spatial.Size;
        if (_slots.Length < n)
        {
            _slots = GC.AllocateUninitializedArray<byte>(n);
        }

        return _slots.AsSpan(0, n);
    }

    private Span<int> OriginBuffer()
    {
        int n = _plan.Spatial.Size;
        if (_origins.Length < n)
        {
            _origins = GC.AllocateUninitializedArray<int>(n);
        }

        return _origins.AsSpan(0, n);
    }

    private Form Rasterize(MixRegion region)
    {
        int n = _plan.Spatial.Size;
        if (_own.Length < n)
        {
            _own = GC.AllocateUninitializedArray<float>(n);
        }

        RegionRasterizer.WriteOwnWeights(region, _plan.Spatial, _plan.Lambdas[_sample], _own.AsSpan(0, n), Configuration);
        PartnerConstant = float.NaN;
        return Form.Pair;
    }
}
