using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// Rectangles of any of the sample's sources pasted over the sample, in order, the later over the earlier: CutMix with
/// several partners (Kornia's <c>num_mix</c>), grids and layouts. Elements no tile covers stay the sample's own
/// (slot 0). Every channel and every depth slice is treated alike. The label share of each slot is its visible area.
/// On a clip <c>[B, C, T, H, W]</c> the tiles may be limited to the frames <c>[FirstFrame, EndFrame)</c>
/// (<see cref="WithFrames"/>), as a <see cref="BoxRegion"/> may: outside them the sample keeps its own elements.
/// </summary>
public sealed class TileRegion : MixRegion
{
    private readonly Tile[]? _tiles; // a list of tiles, or
    private readonly HoleGrid _grid; // a grid's recipe (when _tiles is null), read tile by tile
    private GridTiles? _gridTiles;

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

    /// <summary>The holes of a grid, kept as its recipe: for GridMix, so a 128-sample plan does not hold every hole as a tile.</summary>
    private TileRegion(HoleGrid grid)
    {
        _grid = grid;
        ValidateTile(grid[0], 0, nameof(grid)); // the top-left hole: the others lie right of and below it
    }

    private TileRegion(TileRegion region, int firstFrame, int? endFrame)
    {
        _tiles = region._tiles;
        _grid = region._grid;
        FirstFrame = firstFrame;
        EndFrame = endFrame;
    }

    /// <summary>A tiling of the holes of <paramref name="grid"/> (at least one; each patch's hole non-empty).</summary>
    internal static TileRegion Grid(HoleGrid grid)
    {
        if (grid.CutHeight <= 0 || grid.CutWidth <= 0 || grid.PatchHeight <= 0 || grid.PatchWidth <= 0 || grid.HoleHeight <= 0 || grid.HoleWidth <= 0)
        {
            throw new ArgumentException($"The grid {grid} needs positive sizes.", nameof(grid));
        }

        return new TileRegion(grid);
    }

    private static void Validate(Tile[] tiles)
    {
        for (int t = 0; t < tiles.Length; t++)
        {
            ValidateTile(tiles[t], t, nameof(tiles));
        }
    }

    private static void ValidateTile(Tile tile, int t, string name)
    {
        if (tile.Slot < 0 || tile.Top < 0 || tile.Left < 0 || tile.Bottom <= tile.Top || tile.Right <= tile.Left)
        {
            throw new ArgumentException(
                $"Tile {t} ({tile}) is invalid: it needs slot >= 0, 0 <= top < bottom and 0 <= left < right.", name);
        }
    }

    /// <summary>First frame of a clip the tiles cover (inclusive); 0 when they cover every frame.</summary>
    public int FirstFrame { get; }

    /// <summary>Frame after the last frame the tiles cover (exclusive), or null when they cover every frame (and every
    /// depth slice of any volume).</summary>
    public int? EndFrame { get; }

    /// <summary>True when the tiles cover only the frames <c>[FirstFrame, EndFrame)</c> of a clip.</summary>
    public bool HasFrameRange => EndFrame.HasValue;

    /// <summary>
    /// The same tiles limited to the frames <c>[firstFrame, endFrame)</c> of a clip <c>[B, C, T, H, W]</c>; on the other
    /// frames the sample keeps its own elements. A plan holds it over a volume only (the frames are checked against T
    /// when the plan is built); JSON writes the range as <c>"frames":[first, end]</c>.
    /// </summary>
    /// <param name="firstFrame">First frame (inclusive), at least 0.</param>
    /// <param name="endFrame">Frame after the last (exclusive), greater than <paramref name="firstFrame"/>.</param>
    /// <returns>A new region with the same tiles.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, reversed or negative.</exception>
    public TileRegion WithFrames(int firstFrame, int endFrame)
    {
        Internal.Guard.FrameRange(firstFrame, endFrame);

        return new TileRegion(this, firstFrame, endFrame);
    }

    /// <summary>The same tiles on every frame.</summary>
    internal TileRegion WithoutFrames() => HasFrameRange ? new TileRegion(this, 0, null) : this;

    /// <summary>True when the tiles cover frame <paramref name="frame"/> (every frame without a range).</summary>
    internal bool CoversFrame(int frame) => frame >= FirstFrame && frame < (EndFrame ?? int.MaxValue);

    /// <summary>The tiles, in painting order.</summary>
    public IReadOnlyList<Tile> Tiles => _tiles ?? (IReadOnlyList<Tile>)(_gridTiles ??= new GridTiles(_grid));

    /// <summary>Number of tiles.</summary>
    internal int TileCount => _tiles?.Length ?? _grid.Count;

    /// <summary>Tile <paramref name="k"/>, in painting order.</summary>
    internal Tile TileAt(int k) => _tiles is null ? _grid[k] : _tiles[k];

    /// <summary>Writes the tiles, in painting order, to <paramref name="destination"/> (<see cref="TileCount"/> of them).</summary>
    internal void CopyTiles(Span<Tile> destination)
    {
        for (int k = 0, n = TileCount; k < n; k++)
        {
            destination[k] = TileAt(k);
        }
    }

    /// <summary>True when every tile shows slot 1 (a grid's holes always do).</summary>
    internal bool PartnerTilesOnly => _tiles is null || Array.TrueForAll(_tiles, t => t.Slot == 1);

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Tiles;

    internal override int MaximumSources => int.MaxValue;

    internal override int SlotsUsed => _tiles is null ? 2 : _tiles.Max(t => t.Slot) + 1;

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
        if (!CoversFrame(index / (spatial.Height * spatial.Width)))
        {
            return 0;
        }

        for (int t = TileCount - 1; t >= 0; t--)
        {
            Tile tile = TileAt(t);
            if (y >= tile.Top && y < tile.Bottom && x >= tile.Left && x < tile.Right)
            {
                return tile.Slot;
            }
        }

        return 0;
    }

    /// <inheritdoc />
    public override string ToString() => (HasFrameRange ? $"{TileCount} tiles on frames [{FirstFrame}, {EndFrame}): " : $"{TileCount} tiles: ") + string.Join("; ", Tiles);

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // The visible area of each slot over one height × width plane (depth slices repeat it), from the tile edges
        // alone: the edges cut the plane into at most (2T + 1)² cells, each covered whole by the same last tile, so the
        // cost does not grow with the plane (counting elements took a minute on a 46340 × 46340 plane).
        int h = spatial.Height, w = spatial.Width;
        int[] rows = Edges(Tiles.SelectMany(t => new[] { t.Top, t.Bottom }), h);
        int[] columns = Edges(Tiles.SelectMany(t => new[] { t.Left, t.Right }), w);
        Span<long> counts = shares.Length <= 64 ? stackalloc long[shares.Length] : new long[shares.Length];
        counts.Clear();
        for (int r = 0; r + 1 < rows.Length; r++)
        {
            for (int c = 0; c + 1 < columns.Length; c++)
            {
                int slot = 0;
                for (int t = TileCount - 1; t >= 0; t--)
                {
                    Tile tile = TileAt(t);
                    if (rows[r] >= tile.Top && rows[r] < tile.Bottom && columns[c] >= tile.Left && columns[c] < tile.Right)
                    {
                        slot = tile.Slot;
                        break;
                    }
                }

                counts[slot] += (long)(rows[r + 1] - rows[r]) * (columns[c + 1] - columns[c]);
            }
        }

        // With a frame range the counts hold on its frames only; the sample's own elements fill the other frames.
        long plane = (long)h * w, frames = EndFrame is int end ? end - FirstFrame : 1, total = EndFrame.HasValue ? spatial.Depth * plane : plane;
        for (int k = 0; k < shares.Length; k++)
        {
            shares[k] = (double)((counts[k] * frames) + (k == 0 ? total - (frames * plane) : 0)) / total;
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
        if (HasFrameRange && spatial.Rank != 3)
        {
            throw new ArgumentException(
                $"The tiles{OfSample(sample)} have the frame range [{FirstFrame}, {EndFrame}), which needs a clip extent T x H x W; {spatial} has no frames.", name);
        }

        if (EndFrame > spatial.Depth)
        {
            throw new ArgumentException(
                $"The tiles{OfSample(sample)} end at frame {EndFrame}, past the {spatial.Depth} frames of a {spatial} clip.", name);
        }

        for (int t = 0, n = TileCount; t < n; t++)
        {
            Tile tile = TileAt(t);
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

    /// <summary>A grid's holes as a read-only list, each tile computed when it is read.</summary>
    private sealed class GridTiles(HoleGrid grid) : IReadOnlyList<Tile>
    {
        public int Count => grid.Count;

        public Tile this[int index] => (uint)index < (uint)grid.Count
            ? grid[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"The grid has {grid.Count} tiles.");

        public IEnumerator<Tile> GetEnumerator()
        {
            for (int k = 0; k < grid.Count; k++)
            {
                yield return grid[k];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
