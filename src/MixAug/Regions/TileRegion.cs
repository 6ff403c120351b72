using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// Rectangles of any of the sample's sources pasted over the sample, in order, the later over the earlier: CutMix with
/// several partners (Kornia's <c>num_mix</c>), grids and layouts. Elements no tile covers stay the sample's own
/// (slot 0). Every channel and every depth slice is treated alike. The label share of each slot is its visible area.
/// </summary>
public sealed class TileRegion : MixRegion
{
    private readonly Tile[] _tiles;

    /// <summary>Creates a tiling; coordinates and slots are checked against a plan when it is built.</summary>
    /// <param name="tiles">The tiles, painted in this order (at least one).</param>
    /// <exception cref="ArgumentNullException"><paramref name="tiles"/> is null.</exception>
    /// <exception cref="ArgumentException">There is no tile, or a tile is empty, reversed, negative or has a negative slot.</exception>
    public TileRegion(IReadOnlyList<Tile> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Count == 0)
        {
            throw new ArgumentException("A tile region needs at least one tile.", nameof(tiles));
        }

        _tiles = [.. tiles];
        Validate(_tiles);
    }

    /// <summary>A tiling that takes ownership of <paramref name="tiles"/> (no copy): for transforms that build the array
    /// for this region alone, so a 128-sample plan does not hold every tiling twice.</summary>
    private TileRegion(Tile[] tiles)
    {
        _tiles = tiles;
        Validate(_tiles);
    }

    /// <summary>Creates a tiling of the array <paramref name="tiles"/>, which the caller gives up (it must not change it).</summary>
    internal static TileRegion Own(Tile[] tiles)
    {
        if (tiles.Length == 0)
        {
            throw new ArgumentException("A tile region needs at least one tile.", nameof(tiles));
        }

        return new TileRegion(tiles);
    }

    private static void Validate(Tile[] tiles)
    {
        for (int t = 0; t < tiles.Length; t++)
        {
            Tile tile = tiles[t];
            if (tile.Slot < 0 || tile.Top < 0 || tile.Left < 0 || tile.Bottom <= tile.Top || tile.Right <= tile.Left)
            {
                throw new ArgumentException(
                    $"Tile {t} ({tile}) is invalid: it needs slot >= 0, 0 <= top < bottom and 0 <= left < right.", nameof(tiles));
            }
        }
    }

    /// <summary>The tiles, in painting order.</summary>
    public IReadOnlyList<Tile> Tiles => _tiles;

    /// <summary>The backing array, for the CPU kernels; never exposed for writing.</summary>
    internal Tile[] TileArray => _tiles;

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Tiles;

    internal override int MaximumSources => int.MaxValue;

    internal override int SlotsUsed => _tiles.Max(t => t.Slot) + 1;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitTiles(this);
    }

    /// <summary>The slot that supplies plane element <paramref name="index"/> (the last tile covering it, else 0).</summary>
    /// <param name="spatial">The spatial extent.</param>
    /// <param name="index">An element index in [0, <see cref="SpatialShape.Size"/>).</param>
    /// <returns>The slot.</returns>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the extent.</exception>
    public int SlotAt(SpatialShape spatial, int index)
    {
        CheckElement(spatial, index);
        int y = index / spatial.Width % spatial.Height;
        int x = index % spatial.Width;
        for (int t = _tiles.Length - 1; t >= 0; t--)
        {
            Tile tile = _tiles[t];
            if (y >= tile.Top && y < tile.Bottom && x >= tile.Left && x < tile.Right)
            {
                return tile.Slot;
            }
        }

        return 0;
    }

    /// <inheritdoc />
    public override string ToString() => $"{_tiles.Length} tiles: " + string.Join("; ", _tiles);

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // The visible area of each slot over one height × width plane (depth slices repeat it), from the tile edges
        // alone: the edges cut the plane into at most (2T + 1)² cells, each covered whole by the same last tile, so the
        // cost does not grow with the plane (counting elements took a minute on a 46340 × 46340 plane).
        int h = spatial.Height, w = spatial.Width;
        int[] rows = Edges(_tiles.SelectMany(t => new[] { t.Top, t.Bottom }), h);
        int[] columns = Edges(_tiles.SelectMany(t => new[] { t.Left, t.Right }), w);
        Span<long> counts = shares.Length <= 64 ? stackalloc long[shares.Length] : new long[shares.Length];
        counts.Clear();
        for (int r = 0; r + 1 < rows.Length; r++)
        {
            for (int c = 0; c + 1 < columns.Length; c++)
            {
                int slot = 0;
                for (int t = _tiles.Length - 1; t >= 0; t--)
                {
                    Tile tile = _tiles[t];
                    if (rows[r] >= tile.Top && rows[r] < tile.Bottom && columns[c] >= tile.Left && columns[c] < tile.Right)
                    {
                        slot = tile.Slot;
                        break;
                    }
                }

                counts[slot] += (long)(rows[r + 1] - rows[r]) * (columns[c + 1] - columns[c]);
            }
        }

        long plane = (long)h * w;
        for (int k = 0; k < shares.Length; k++)
        {
            shares[k] = (double)counts[k] / plane;
        }

        if (shares.Length == 2)
        {
            // A pairwise plan stores its partner's weight as 1 − λ (as boxes and masks measure it), which can differ
            // from count / plane in the last bit.
            shares[1] = 1.0 - shares[0];
        }
    }

    /// <summary>0, the extent, and every tile edge inside it, sorted and distinct.</summary>
    private static int[] Edges(IEnumerable<int> edges, int extent) =>
        [.. edges.Where(e => e > 0 && e < extent).Append(0).Append(extent).Distinct().Order()];

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        for (int t = 0; t < _tiles.Length; t++)
        {
            Tile tile = _tiles[t];
            if (tile.Bottom > spatial.Height || tile.Right > spatial.Width)
            {
                throw new ArgumentException($"Tile {t}{OfSample(sample)} ({tile}) does not fit a {spatial.Height}x{spatial.Width} plane.", name);
            }

            if (tile.Slot >= sourceCount)
            {
                throw new ArgumentException($"Tile {t}{OfSample(sample)} uses slot {tile.Slot}, but the sample has {sourceCount} sources.", name);
            }
        }
    }
}
