using MixAug.Planning;

namespace MixAug.Regions;

/// <summary>
/// Four sources in a 2×2 layout around a centre (Mosaic, after YOLOv4 and YOLOv5): each source, resized whole to
/// <see cref="TileHeight"/> × <see cref="TileWidth"/>, is placed with one corner on the centre and cropped by the image,
/// so the quadrant rows <c>[0, CentreY)</c> × columns <c>[0, CentreX)</c> show the bottom-right part of the top-left tile,
/// and so on. Every element comes from exactly one source, in every channel.
/// </summary>
/// <remarks>
/// <para><b>Quadrants</b>, in the order of <see cref="Slots"/>: top-left, top-right, bottom-left, bottom-right. Output row
/// y of a top quadrant shows tile row <c>y + TileHeight − CentreY</c>, of a bottom quadrant tile row <c>y − CentreY</c>;
/// columns likewise. Tiles at least as large as their quadrant cover it whole, so nothing is left unfilled.</para>
/// <para><b>Resampling</b> is <see cref="ResizeRegion"/>'s (bilinear, antialiased when shrinking), so a tile equals
/// the same source resized by ResizeMix; a tile of the image's own size is a plain crop (every weight is 1).</para>
/// <para><b>Shares</b>: slot k's share is the area of the quadrants it fills over H·W, exactly.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between plans and threads.</threadsafety>
public sealed class MosaicRegion : MixRegion
{
    /// <summary>The number of quadrants (and of entries in <see cref="Slots"/>).</summary>
    public const int Quadrants = 4;

    private readonly int[] _slots;
    private Resampling.Taps? _rows;    // looked up on first use and kept
    private Resampling.Taps? _columns;

    /// <summary>Creates the region.</summary>
    /// <param name="spatial">The image plane (and every source's size).</param>
    /// <param name="centreY">The first row of the bottom quadrants, in [1, height − 1].</param>
    /// <param name="centreX">The first column of the right quadrants, in [1, width − 1].</param>
    /// <param name="tileHeight">The height every source is resized to, in [max(centreY, height − centreY), height].</param>
    /// <param name="tileWidth">The width every source is resized to, in [max(centreX, width − centreX), width].</param>
    /// <param name="slots">The source slot of each quadrant: top-left, top-right, bottom-left, bottom-right (four
    /// slots, each at least 0; a slot may fill several quadrants).</param>
    /// <exception cref="ArgumentNullException"><paramref name="slots"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty or not an image plane, or
    /// <paramref name="slots"/> does not hold four slots of at least 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The centre or a tile side is outside its range.</exception>
    public MosaicRegion(SpatialShape spatial, int centreY, int centreX, int tileHeight, int tileWidth, IReadOnlyList<int> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (spatial.IsEmpty || spatial.Rank != 2)
        {
            throw new ArgumentException($"A mosaic lays out images in an image plane; the extent was {(spatial.IsEmpty ? "empty" : spatial.ToString())}.", nameof(spatial));
        }

        int h = spatial.Height, w = spatial.Width;
        if (centreY < 1 || centreY > h - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(centreY), centreY, $"A mosaic centre row must lie in [1, {h - 1}] of a {h}-row plane; it was {centreY}.");
        }

        if (centreX < 1 || centreX > w - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(centreX), centreX, $"A mosaic centre column must lie in [1, {w - 1}] of a {w}-column plane; it was {centreX}.");
        }

        int minHeight = Math.Max(centreY, h - centreY), minWidth = Math.Max(centreX, w - centreX);
        if (tileHeight < minHeight || tileHeight > h)
        {
            throw new ArgumentOutOfRangeException(nameof(tileHeight), tileHeight, $"With centre row {centreY} of {h}, a tile must be {minHeight} to {h} rows high to fill its quadrant; it was {tileHeight}.");
        }

        if (tileWidth < minWidth || tileWidth > w)
        {
            throw new ArgumentOutOfRangeException(nameof(tileWidth), tileWidth, $"With centre column {centreX} of {w}, a tile must be {minWidth} to {w} columns wide to fill its quadrant; it was {tileWidth}.");
        }

        if (slots.Count != Quadrants)
        {
            throw new ArgumentException($"A mosaic has {Quadrants} quadrants; slots had {slots.Count} entries.", nameof(slots));
        }

        _slots = [.. slots];
        for (int q = 0; q < Quadrants; q++)
        {
            if (_slots[q] < 0)
            {
                throw new ArgumentException($"Quadrant {q} has slot {_slots[q]}; slots are at least 0.", nameof(slots));
            }
        }

        Spatial = spatial;
        CentreY = centreY;
        CentreX = centreX;
        TileHeight = tileHeight;
        TileWidth = tileWidth;
    }

    /// <summary>The image plane.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>The first row of the bottom quadrants.</summary>
    public int CentreY { get; }

    /// <summary>The first column of the right quadrants.</summary>
    public int CentreX { get; }

    /// <summary>The height every source is resized to.</summary>
    public int TileHeight { get; }

    /// <summary>The width every source is resized to.</summary>
    public int TileWidth { get; }

    /// <summary>The source slot of each quadrant: top-left, top-right, bottom-left, bottom-right.</summary>
    public IReadOnlyList<int> Slots => _slots;

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Mosaic;

    internal override int MaximumSources => Quadrants;

    internal override int SlotsUsed => _slots.Max() + 1;

    /// <summary>The row taps (height → tile height), shared by every quadrant.</summary>
    internal Resampling.Taps RowTaps => _rows ??= Resampling.Taps.For(Spatial.Height, TileHeight);

    /// <summary>The column taps (width → tile width), shared by every quadrant.</summary>
    internal Resampling.Taps ColumnTaps => _columns ??= Resampling.Taps.For(Spatial.Width, TileWidth);

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitMosaic(this);
    }

    /// <summary>The quadrant (index into <see cref="Slots"/>) that holds element (<paramref name="y"/>, <paramref name="x"/>).</summary>
    /// <param name="y">The row, in [0, height).</param>
    /// <param name="x">The column, in [0, width).</param>
    /// <returns>0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The element is outside the plane.</exception>
    public int QuadrantAt(int y, int x)
    {
        Internal.Guard.Index(y, Spatial.Height, $"a {Spatial.Height}-row plane");
        Internal.Guard.Index(x, Spatial.Width, $"a {Spatial.Width}-column plane");
        return (y < CentreY ? 0 : 2) + (x < CentreX ? 0 : 1);
    }

    /// <summary>The tile row output row <paramref name="y"/> shows (see the remarks).</summary>
    internal int TileRow(int y) => y < CentreY ? y + TileHeight - CentreY : y - CentreY;

    /// <summary>The tile column output column <paramref name="x"/> shows.</summary>
    internal int TileColumn(int x) => x < CentreX ? x + TileWidth - CentreX : x - CentreX;

    /// <summary>Where tile row 0 lies in the output (negative when cropped): top tiles end at the centre, bottom ones start there.</summary>
    internal int TileTop(int quadrant) => quadrant < 2 ? CentreY - TileHeight : CentreY;

    /// <summary>Where tile column 0 lies in the output.</summary>
    internal int TileLeft(int quadrant) => (quadrant & 1) == 0 ? CentreX - TileWidth : CentreX;

    /// <summary>The output rectangle of quadrant <paramref name="quadrant"/>: (top, left, bottom, right), half-open.</summary>
    internal (int Top, int Left, int Bottom, int Right) QuadrantBox(int quadrant) =>
        (quadrant < 2 ? 0 : CentreY, (quadrant & 1) == 0 ? 0 : CentreX, quadrant < 2 ? CentreY : Spatial.Height, (quadrant & 1) == 0 ? CentreX : Spatial.Width);

    /// <summary>Writes the columns <c>[left, right)</c> of output row <paramref name="y"/> from the source plane of
    /// the quadrant those columns lie in (they must not cross the centre column).</summary>
    internal void ResizeRow(ReadOnlySpan<float> source, int y, int left, Span<float> scratch, Span<float> destination) =>
        Resampling.ResizeRow(source, Spatial.Width, RowTaps, TileRow(y), ColumnTaps, TileColumn(left), scratch, destination, planeInCache: true);

    /// <summary>Writes the columns <c>[left, left + count)</c> of output rows <paramref name="y"/> to
    /// <paramref name="y"/> + 3 (all in one quadrant), or of row <paramref name="y"/> alone, into
    /// <paramref name="destinations"/> (four or one), as that many <see cref="ResizeRow"/> calls do
    /// (<see cref="Resampling.ResizeRows"/>).</summary>
    internal void ResizeRows(ReadOnlySpan<float> source, int y, int left, int count, Span<float> lines, ReadOnlySpan<nint> destinations) =>
        Resampling.ResizeRows(source, Spatial.Width, RowTaps, TileRow(y), ColumnTaps, TileColumn(left), count, lines, destinations, planeInCache: true);

    /// <summary>The source rows that output rows [<paramref name="firstY"/>, <paramref name="endY"/>) read, as
    /// [First, End); the rows must all lie in the top quadrants or all in the bottom ones.</summary>
    internal (int First, int End) SourceRowsRead(int firstY, int endY) => (RowTaps.Start[TileRow(firstY)], RowTaps.End[TileRow(endY - 1)]);

    /// <summary>Resizes one plane of each quadrant's source into the output, as the mixers do (see the remarks).</summary>
    /// <param name="sources">The plane of each quadrant's source (top-left, top-right, bottom-left, bottom-right),
    /// <see cref="SpatialShape.Size"/> elements each, row-major.</param>
    /// <param name="output">Receives the mosaic plane, <see cref="SpatialShape.Size"/> elements.</param>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    public void Compose(ReadOnlySpan<float> sources, Span<float> output)
    {
        int n = Spatial.Size, w = Spatial.Width;
        Internal.Guard.Length(sources.Length, (long)Quadrants * n, nameof(sources), $"four {Spatial} planes");
        Internal.Guard.Length(output.Length, n, nameof(output), $"a {Spatial} plane");
        var scratch = new float[Resampling.ScratchLength(w)];
        for (int y = 0; y < Spatial.Height; y++)
        {
            int top = y < CentreY ? 0 : 2;
            ResizeRow(sources.Slice(top * n, n), y, 0, scratch, output.Slice(y * w, CentreX));
            ResizeRow(sources.Slice((top + 1) * n, n), y, CentreX, scratch, output.Slice((y * w) + CentreX, w - CentreX));
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"mosaic centred at ({CentreY}, {CentreX}), tiles {TileHeight}x{TileWidth}, slots [{string.Join(", ", _slots)}]";

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // Each slot's share is its pixel count over the plane, divided once (not a sum of per-quadrant quotients), so
        // it is the exact pixel share to the last bit; no per-slot scratch, since shares may be any length.
        long plane = (long)spatial.Height * spatial.Width;
        for (int q = 0; q < Quadrants; q++)
        {
            if (Array.IndexOf(_slots, _slots[q]) != q)
            {
                continue; // counted with the slot's first quadrant
            }

            long count = 0;
            for (int other = q; other < Quadrants; other++)
            {
                if (_slots[other] == _slots[q])
                {
                    (int top, int left, int bottom, int right) = QuadrantBox(other);
                    count += (long)(bottom - top) * (right - left);
                }
            }

            shares[_slots[q]] = (double)count / plane;
        }
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (Spatial != spatial)
        {
            throw new ArgumentException($"The mosaic{OfSample(sample)} is for a {Spatial} plane, not {spatial}.", name);
        }

        for (int q = 0; q < Quadrants; q++)
        {
            if (_slots[q] >= sourceCount)
            {
                throw new ArgumentException($"Quadrant {q} of the mosaic{OfSample(sample)} uses slot {_slots[q]}, but the sample has {sourceCount} sources.", name);
            }
        }
    }
}
