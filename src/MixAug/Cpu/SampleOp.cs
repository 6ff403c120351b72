using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>What the CPU kernels do for one sample, decoded once per call from its region.</summary>
internal enum OpKind : byte
{
    /// <summary>Copy the sample itself.</summary>
    Keep,

    /// <summary>Two-source blend with <see cref="SampleOp.SelfWeight"/> and <see cref="SampleOp.PartnerWeight"/>.</summary>
    Blend,

    /// <summary>Weighted sum of more than two sources, in slot order.</summary>
    BlendMany,

    /// <summary>The partner's box over the sample.</summary>
    Box,

    /// <summary>Per-element weights from <see cref="SampleOp.Mask"/> at <see cref="SampleOp.MaskOffset"/>.</summary>
    Mask,

    /// <summary>
    /// A soft box (SmoothMix): per-element weights <c>1f − gy·gx</c> from the row and column fall-offs in
    /// <see cref="SampleOp.Mask"/> (the plane's rows at <see cref="SampleOp.MaskOffset"/>, its columns after them);
    /// the weights are exactly 1 outside the support box <see cref="SampleOp.Top"/> … <see cref="SampleOp.Right"/>.
    /// </summary>
    SoftBox,

    /// <summary>Tiles of several sources over the sample.</summary>
    Tiles,

    /// <summary>The whole partner resized into a box of the sample.</summary>
    Resize,

    /// <summary>Four sources resized and cropped into the quadrants around a centre.</summary>
    Mosaic,
}

/// <summary>One sample's decoded region: kind, weights in float, box, and where its mask weights are.</summary>
internal struct SampleOp
{
    public OpKind Kind;
    public float SelfWeight;
    public float PartnerWeight;
    public int Top;
    public int Left;
    public int Bottom;
    public int Right;

    // Top, Left, Bottom, Right: a box; a soft box's support (see OpKind.SoftBox); the bounding box of a tiling's tiles.

    /// <summary>A box's, a tiling's or a soft box's frame range <c>[FirstFrame, EndFrame)</c>; 0 and <see cref="int.MaxValue"/> for every frame.</summary>
    public int FirstFrame;

    /// <summary>See <see cref="FirstFrame"/>.</summary>
    public int EndFrame;

    /// <summary>True when frame <paramref name="frame"/> lies in <c>[FirstFrame, EndFrame)</c>.</summary>
    public readonly bool CoversFrame(int frame) => frame >= FirstFrame && frame < EndFrame;

    /// <summary>A zero-padded blend: the plane offset where the sample's valid part ends (it is read as zeros from
    /// there); <see cref="int.MaxValue"/> otherwise.</summary>
    public int SelfEnd;

    /// <summary>Likewise for the partner.</summary>
    public int PartnerEnd;

    /// <summary>The weights array (an explicit mask's, the call's raster buffer, or the decoder's soft-box fall-offs).</summary>
    public float[]? Mask;

    /// <summary>Where this sample's plane starts in <see cref="Mask"/>.</summary>
    public int MaskOffset;

    /// <summary>True when the mask is rasterised by the call from its recipe (ranked masks, soft boxes); false for
    /// explicit weights.</summary>
    public bool Ranked;

    /// <summary>The decoder's tile buffer: the sample's tiles, in painting order, are <see cref="TileCount"/> tiles
    /// from <see cref="TileStart"/>.</summary>
    public Tile[]? Tiles;

    /// <summary>Where the sample's tiles start in <see cref="Tiles"/>.</summary>
    public int TileStart;

    /// <summary>Number of the sample's tiles.</summary>
    public int TileCount;

    /// <summary>True when every tile shows slot 1 (a grid of the partner): painting order then does not matter, so the
    /// sample can be mixed pairwise, in place, like a box.</summary>
    public bool PartnerTilesOnly;
}

/// <summary>
/// Decodes regions into <see cref="SampleOp"/>s: the CPU mixer's interpretation of every region kind, in one place
/// the compiler checks for completeness.
/// </summary>
internal sealed class SampleOpDecoder : IMixRegionVisitor<SampleOp>
{
    private MixPlan _plan = null!;
    private int _sample;
    private Tile[] _tiles = [];
    private int _tileCursor;
    private float[] _falloffs = [];
    private int _falloffCursor;

    /// <summary>Makes room for the tiles of every tile region of <paramref name="plan"/> (a grid's holes are listed
    /// here, once per call, into a buffer kept for the next call) and for the row and column fall-offs of every soft box.</summary>
    public void Begin(MixPlan plan)
    {
        long total = 0, falloffs = 0;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            total += plan.Regions[i] is TileRegion tiles ? tiles.TileCount : 0;
            falloffs += plan.Regions[i] is SoftBoxRegion ? plan.Spatial.Height + plan.Spatial.Width : 0;
        }

        if (_tiles.Length < total)
        {
            _tiles = new Tile[checked((int)total)];
        }

        if (_falloffs.Length < falloffs)
        {
            _falloffs = GC.AllocateUninitializedArray<float>(checked((int)falloffs));
        }

        _tileCursor = 0;
        _falloffCursor = 0;
    }

    /// <summary>Decodes sample <paramref name="sample"/> of <paramref name="plan"/>.</summary>
    public SampleOp Decode(MixPlan plan, int sample)
    {
        _plan = plan;
        _sample = sample;
        SampleOp op = plan.Regions[sample].Accept(this);
        _plan = null!;
        return op;
    }

    public SampleOp VisitKeep(KeepRegion region) => new() { Kind = OpKind.Keep };

    public SampleOp VisitBlend(BlendRegion region)
    {
        ReadOnlySpan<double> weights = _plan.Weights(_sample);
        (int selfEnd, int partnerEnd) = (int.MaxValue, int.MaxValue);
        if (_plan.ZeroPadsBlends)
        {
            // A zero-padded blend reads each source as zeros from the element where its valid time steps end.
            int step = _plan.Spatial.Size / TimeAxis.Extent(_plan.Spatial);
            ReadOnlySpan<int> sources = _plan.Sources(_sample);
            (selfEnd, partnerEnd) = (_plan.ValidLengths[sources[0]] * step, _plan.ValidLengths[sources[1]] * step);
        }

        // The kernels' weights: (float)λ and (float)(1 − λ), the complement taken in double (as the plan stores it).
        return new SampleOp
        {
            Kind = weights.Length == 2 ? OpKind.Blend : OpKind.BlendMany,
            SelfWeight = (float)weights[0],
            PartnerWeight = (float)weights[1],
            SelfEnd = selfEnd,
            PartnerEnd = partnerEnd,
        };
    }

    public SampleOp VisitBox(BoxRegion region) => new()
    {
        Kind = OpKind.Box,
        Top = region.Top,
        Left = region.Left,
        Bottom = region.Bottom,
        Right = region.Right,
        FirstFrame = region.FirstFrame,
        EndFrame = region.EndFrame ?? int.MaxValue,
    };

    public SampleOp VisitMask(MaskRegion region) => new() { Kind = OpKind.Mask, Mask = region.WeightArray };

    public SampleOp VisitFourierMask(FourierMaskRegion region) => new() { Kind = OpKind.Mask, Ranked = true };

    public SampleOp VisitSaliencyMask(SaliencyMaskRegion region) => new() { Kind = OpKind.Mask, Ranked = true };

    /// <summary>
    /// The box's fall-off per row and per column (h + w floats instead of an h·w weight plane), and its support: the
    /// rows and columns within <see cref="GaussianFalloff.OwnOnlyFrom"/> of the box. Outside them every weight
    /// <c>1f − gy·gx</c> is exactly 1, since the other factor is at most 1.
    /// </summary>
    public SampleOp VisitSoftBox(SoftBoxRegion region)
    {
        int h = region.Spatial.Height, w = region.Spatial.Width;
        GaussianFalloff falloff = region.Falloff();
        Span<float> rows = _falloffs.AsSpan(_falloffCursor, h);
        for (int y = 0; y < h; y++)
        {
            rows[y] = falloff.Values[SoftBoxRegion.Distance(y, region.Top, region.Bottom)];
        }

        region.FillColumns(falloff.Values, _falloffs.AsSpan(_falloffCursor + h, w));
        int reach = falloff.OwnOnlyFrom - 1; // the farthest distance whose weight is not exactly 1
        var op = new SampleOp
        {
            Kind = OpKind.SoftBox,
            Top = Math.Max(0, region.Top - reach),
            Left = Math.Max(0, region.Left - reach),
            Bottom = (int)Math.Min(h, (long)region.Bottom + reach),
            Right = (int)Math.Min(region.Reach ?? w, (long)region.Right + reach), // past a reach the weights are 1 as well
            FirstFrame = region.FirstFrame,
            EndFrame = region.EndFrame ?? int.MaxValue,
            Mask = _falloffs,
            MaskOffset = _falloffCursor,
        };
        _falloffCursor += h + w;
        return op;
    }

    public SampleOp VisitResize(ResizeRegion region) => new() { Kind = OpKind.Resize };

    public SampleOp VisitMosaic(MosaicRegion region) => new() { Kind = OpKind.Mosaic };

    public SampleOp VisitTiles(TileRegion region)
    {
        int count = region.TileCount;
        Span<Tile> tiles = _tiles.AsSpan(_tileCursor, count);
        region.CopyTiles(tiles);
        _tileCursor += count;
        (int top, int left, int bottom, int right) = (int.MaxValue, int.MaxValue, 0, 0);
        foreach (Tile tile in tiles)
        {
            (top, left) = (Math.Min(top, tile.Top), Math.Min(left, tile.Left));
            (bottom, right) = (Math.Max(bottom, tile.Bottom), Math.Max(right, tile.Right));
        }

        return new SampleOp
        {
            Kind = OpKind.Tiles,
            Top = top,
            Left = left,
            Bottom = bottom,
            Right = right,
            Tiles = _tiles,
            TileStart = _tileCursor - count,
            TileCount = count,
            PartnerTilesOnly = region.PartnerTilesOnly,
            FirstFrame = region.FirstFrame,
            EndFrame = region.EndFrame ?? int.MaxValue,
        };
    }
}
