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
        for (int t = 0; t < _tiles.Length; t++)
        {
            Tile tile = _tiles[t];
            if (tile.Slot < 0 || tile.Top < 0 || tile.Left < 0 || tile.Bottom <= tile.Top || tile.Right <= tile.Left)
            {
                throw new ArgumentException(
                    $"Tile {t} ({tile}) is invalid: it needs slot >= 0, 0 <= top < bottom and 0 <= left < right.", nameof(tiles));
            }
        }
    }

    /// <summary>The tiles, in painting order.</summary>
    public IReadOnlyList<Tile> Tiles => _tiles;

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Tiles;

    internal override int MaximumSources => int.MaxValue;

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
    public int SlotAt(SpatialShape spatial, int index)
    {
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
        // Count the visible elements of each slot over one height × width plane (depth slices repeat it).
        int h = spatial.Height, w = spatial.Width;
        Span<long> counts = shares.Length <= 64 ? stackalloc long[shares.Length] : new long[shares.Length];
        counts.Clear();
        for (int index = 0; index < h * w; index++)
        {
            counts[SlotAt(spatial, index)]++;
        }

        long plane = (long)h * w;
        for (int k = 0; k < shares.Length; k++)
        {
            shares[k] = (double)counts[k] / plane;
        }
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample)
    {
        for (int t = 0; t < _tiles.Length; t++)
        {
            Tile tile = _tiles[t];
            if (tile.Bottom > spatial.Height || tile.Right > spatial.Width)
            {
                throw new ArgumentException($"Tile {t} of sample {sample} ({tile}) does not fit a {spatial.Height}x{spatial.Width} plane.", "regions");
            }

            if (tile.Slot >= sourceCount)
            {
                throw new ArgumentException($"Tile {t} of sample {sample} uses slot {tile.Slot}, but the sample has {sourceCount} sources.", "regions");
            }
        }
    }
}
