using MixAug.Internal;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Saliency;

/// <summary>
/// The saliency of every sample of one batch, from one <see cref="ISaliencySource"/>: per sample a grid whose bilinear
/// upsampling to the image is the saliency map (<see cref="Upsample"/>), and the map's most salient element
/// (<see cref="Peak"/>). A batch feature: backends compute it where the batch lives and pass it to plans in a
/// <see cref="MixRequest"/>; plans may refer to it (<see cref="Regions.SaliencyMaskRegion"/>).
/// </summary>
/// <remarks>Peaks-only instances (<see cref="FromPeaks"/>) carry no grids: enough for SaliencyMix's boxes, which is
/// all a GPU backend then has to send to the host.</remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class SaliencyMaps
{
    private readonly float[]? _grids;
    private readonly int[] _peaks;

    private SaliencyMaps(ISaliencySource source, SpatialShape spatial, int gridHeight, int gridWidth, float[]? grids, int[] peaks)
    {
        Source = source;
        Spatial = spatial;
        GridHeight = gridHeight;
        GridWidth = gridWidth;
        _grids = grids;
        _peaks = peaks;
    }

    /// <summary>The widest extent a map is upsampled to: 2^24 elements.</summary>
    public const int MaxWidth = 1 << 24;

    /// <summary>The source that computed the saliency.</summary>
    public ISaliencySource Source { get; }

    /// <summary>The spatial extent of the images (and of the upsampled maps).</summary>
    public SpatialShape Spatial { get; }

    /// <summary>Number of samples.</summary>
    public int BatchSize => _peaks.Length;

    /// <summary>Rows of each grid (0 for peaks only).</summary>
    public int GridHeight { get; }

    /// <summary>Columns of each grid (0 for peaks only).</summary>
    public int GridWidth { get; }

    /// <summary>True when the grids are held, not only the peaks.</summary>
    public bool HasGrids => _grids is not null;

    /// <summary>Creates maps from the grids of every sample (copied); the peaks are computed from them.</summary>
    /// <param name="source">The source that computed them.</param>
    /// <param name="spatial">The image extent (rank 1 or 2).</param>
    /// <param name="gridHeight">Rows of each grid: at least 2, or the image height.</param>
    /// <param name="gridWidth">Columns of each grid: at least 2, or the image width.</param>
    /// <param name="grids">The grids of all samples, row-major, one after another; finite values.</param>
    /// <returns>The maps.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException">The extent is empty, a volume or wider than <see cref="MaxWidth"/>, the grid size
    /// does not fit it, the length is not a whole number of grids, or a value is not finite.</exception>
    public static SaliencyMaps FromGrids(ISaliencySource source, SpatialShape spatial, int gridHeight, int gridWidth, ReadOnlySpan<float> grids)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckGrid(spatial, gridHeight, gridWidth);
        int cells = gridHeight * gridWidth;
        if (grids.Length == 0 || grids.Length % cells != 0)
        {
            throw new ArgumentException($"grids has {grids.Length} values, not a whole (non-zero) number of {gridHeight}x{gridWidth} grids.", nameof(grids));
        }

        for (int i = 0; i < grids.Length; i++)
        {
            if (!float.IsFinite(grids[i]))
            {
                throw new ArgumentException($"Grid value {i} (sample {i / cells}) is {grids[i]}; saliency values must be finite.", nameof(grids));
            }
        }

        return Own(source, spatial, gridHeight, gridWidth, grids.ToArray());
    }

    /// <summary>Creates peaks-only saliency (no grids), for plans that only centre boxes.</summary>
    /// <param name="source">The source that computed them.</param>
    /// <param name="spatial">The image extent.</param>
    /// <param name="peaks">The most salient element of each sample (row-major index into the extent).</param>
    /// <returns>The peaks.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException">The extent is empty, there is no peak, or a peak lies outside the extent.</exception>
    public static SaliencyMaps FromPeaks(ISaliencySource source, SpatialShape spatial, ReadOnlySpan<int> peaks)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape.", nameof(spatial));
        }

        if (peaks.Length == 0)
        {
            throw new ArgumentException("There are no peaks.", nameof(peaks));
        }

        for (int i = 0; i < peaks.Length; i++)
        {
            if ((uint)peaks[i] >= (uint)spatial.Size)
            {
                throw new ArgumentException($"Peak {i} is {peaks[i]}, outside [0, {spatial.Size}).", nameof(peaks));
            }
        }

        return new SaliencyMaps(source, spatial, 0, 0, null, peaks.ToArray());
    }

    /// <summary>Takes ownership of checked grids and computes their peaks (JSON replay).</summary>
    internal static SaliencyMaps Own(ISaliencySource source, SpatialShape spatial, int gridHeight, int gridWidth, float[] grids)
    {
        int cells = gridHeight * gridWidth;
        var peaks = new int[grids.Length / cells];
        for (int i = 0; i < peaks.Length; i++)
        {
            peaks[i] = PeakOf(grids.AsSpan(i * cells, cells), gridHeight, gridWidth, spatial);
        }

        return Create(source, spatial, gridHeight, gridWidth, grids, peaks);
    }

    /// <summary>Takes ownership of checked grids and their peaks (CPU features).</summary>
    internal static SaliencyMaps Create(ISaliencySource source, SpatialShape spatial, int gridHeight, int gridWidth, float[] grids, int[] peaks) =>
        new(source, spatial, gridHeight, gridWidth, grids, peaks);

    /// <summary>The grid of sample <paramref name="sample"/>.</summary>
    /// <param name="sample">Sample index.</param>
    /// <returns><see cref="GridHeight"/> × <see cref="GridWidth"/> values, row-major.</returns>
    /// <exception cref="InvalidOperationException">The instance holds peaks only.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public ReadOnlySpan<float> Grid(int sample)
    {
        Guard.Index(sample, BatchSize, $"saliency of {BatchSize} samples");
        if (_grids is null)
        {
            throw new InvalidOperationException("These saliency features hold peaks only; compute them with SaliencyDetail.Maps to get grids.");
        }

        int cells = GridHeight * GridWidth;
        return _grids.AsSpan(sample * cells, cells);
    }

    /// <summary>The most salient element of sample <paramref name="sample"/>'s map: the first (row-major) maximum.</summary>
    /// <param name="sample">Sample index.</param>
    /// <returns>An index into the extent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public int Peak(int sample)
    {
        Guard.Index(sample, BatchSize, $"saliency of {BatchSize} samples");
        return _peaks[sample];
    }

    /// <summary>Writes the saliency map of sample <paramref name="sample"/> (its grid upsampled to the extent).</summary>
    /// <param name="sample">Sample index.</param>
    /// <param name="map">Receives <see cref="SpatialShape.Size"/> values.</param>
    /// <exception cref="InvalidOperationException">The instance holds peaks only.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    /// <exception cref="ArgumentException"><paramref name="map"/> does not have <see cref="Spatial"/>'s size.</exception>
    public void WriteMap(int sample, Span<float> map)
    {
        Guard.Index(sample, BatchSize, $"saliency of {BatchSize} samples");
        Guard.Length(map.Length, Spatial.Size, nameof(map), $"a {Spatial} map");
        Upsample(Grid(sample), GridHeight, GridWidth, Spatial, map);
    }

    /// <summary>
    /// Bilinear upsampling of a grid to the extent, with half-pixel centres and clamped edges:
    /// <c>s = clamp((x + 0.5)·g / n − 0.5, 0, g − 1)</c> on each axis, rows interpolated first (in double, rounded to
    /// float) and columns second (in float). An axis whose grid extent equals the image's is copied, not interpolated.
    /// </summary>
    /// <param name="grid">The grid, row-major.</param>
    /// <param name="gridHeight">Rows of the grid: at least 2, or the image height.</param>
    /// <param name="gridWidth">Columns of the grid: at least 2, or the image width.</param>
    /// <param name="spatial">The image extent (rank 1 or 2).</param>
    /// <param name="map">Receives <see cref="SpatialShape.Size"/> values, row-major.</param>
    /// <exception cref="ArgumentException">The extent is empty, a volume or wider than <see cref="MaxWidth"/>, or the sizes do not fit.</exception>
    public static void Upsample(ReadOnlySpan<float> grid, int gridHeight, int gridWidth, SpatialShape spatial, Span<float> map)
    {
        CheckGrid(spatial, gridHeight, gridWidth);
        Guard.Length(grid.Length, (long)gridHeight * gridWidth, nameof(grid), $"a {gridHeight}x{gridWidth} grid");
        Guard.Length(map.Length, spatial.Size, nameof(map), $"a {spatial} map");
        int w = spatial.Width;
        Span<int> x0 = w <= 4096 ? stackalloc int[w] : new int[w];
        Span<float> fx = w <= 4096 ? stackalloc float[w] : new float[w];
        ColumnTaps(gridWidth, w, x0, fx);
        Span<float> lerped = gridWidth <= 4096 ? stackalloc float[gridWidth] : new float[gridWidth];
        for (int y = 0; y < spatial.Height; y++)
        {
            LerpRow(grid, gridHeight, gridWidth, spatial.Height, y, lerped);
            WriteRow(lerped, x0, fx, gridWidth == w, map.Slice(y * w, w));
        }
    }

    /// <summary>
    /// The first (row-major) maximum of the upsampled map, found without upsampling every row: a row is only evaluated
    /// when its interpolated grid row could hold a value above the best so far. The result equals the arg-max of
    /// <see cref="Upsample"/>'s output exactly.
    /// </summary>
    /// <param name="grid">The grid, row-major.</param>
    /// <param name="gridHeight">Rows of the grid.</param>
    /// <param name="gridWidth">Columns of the grid.</param>
    /// <param name="spatial">The image extent (rank 1 or 2).</param>
    /// <returns>An index into the extent.</returns>
    /// <exception cref="ArgumentException">The extent is empty, a volume or wider than <see cref="MaxWidth"/>, or the sizes do not fit.</exception>
    public static int PeakOf(ReadOnlySpan<float> grid, int gridHeight, int gridWidth, SpatialShape spatial)
    {
        CheckGrid(spatial, gridHeight, gridWidth);
        Guard.Length(grid.Length, (long)gridHeight * gridWidth, nameof(grid), $"a {gridHeight}x{gridWidth} grid");
        int w = spatial.Width;
        Span<int> x0 = w <= 4096 ? stackalloc int[w] : new int[w];
        Span<float> fx = w <= 4096 ? stackalloc float[w] : new float[w];
        ColumnTaps(gridWidth, w, x0, fx);
        Span<float> lerped = gridWidth <= 4096 ? stackalloc float[gridWidth] : new float[gridWidth];
        Span<float> rowMin = gridHeight <= 4096 ? stackalloc float[gridHeight] : new float[gridHeight];
        Span<float> rowMax = gridHeight <= 4096 ? stackalloc float[gridHeight] : new float[gridHeight];
        for (int g = 0; g < gridHeight; g++)
        {
            (rowMin[g], rowMax[g]) = MinMax(grid.Slice(g * gridWidth, gridWidth));
        }

        float best = float.NegativeInfinity;
        int bestIndex = 0;
        for (int y = 0; y < spatial.Height; y++)
        {
            // Every value of an output row interpolates the two grid rows it lies between, so it is at most their
            // maximum, up to the rounding of the differences (relative 2^-24 of the range) and of the sums: a row whose
            // bound cannot beat the best so far (ties go to the earlier element) is skipped without being computed.
            (int first, int second) = GridRows(gridHeight, spatial.Height, y);
            float max = Math.Max(rowMax[first], rowMax[second]), min = Math.Min(rowMin[first], rowMin[second]);
            double rowBound = max + ((max - (double)min) * 1e-6) + (Math.Abs(max) * 1e-6) + 1e-30;
            if (y > 0 && rowBound <= best)
            {
                continue;
            }

            LerpRow(grid, gridHeight, gridWidth, spatial.Height, y, lerped);
            int x = 0;
            while (x < w)
            {
                // A run of columns between the same two lerped values: evaluated only if it could beat the best.
                int pair = x0[x], end = x + 1;
                while (end < w && x0[end] == pair)
                {
                    end++;
                }

                float high = gridWidth == w ? lerped[pair] : Math.Max(lerped[pair], lerped[pair + 1]);
                float low = gridWidth == w ? high : Math.Min(lerped[pair], lerped[pair + 1]);
                double bound = high + ((high - (double)low) * 1e-6) + (Math.Abs(high) * 1e-6) + 1e-30;
                if (bound > best)
                {
                    for (; x < end; x++)
                    {
                        float value = gridWidth == w ? lerped[x] : lerped[pair] + ((lerped[pair + 1] - lerped[pair]) * fx[x]);
                        if (value > best)
                        {
                            best = value;
                            bestIndex = (y * w) + x;
                        }
                    }
                }

                x = end;
            }
        }

        return bestIndex;
    }

    private static void CheckGrid(SpatialShape spatial, int gridHeight, int gridWidth)
    {
        if (spatial.IsEmpty || spatial.Rank == 3)
        {
            throw new ArgumentException($"Saliency maps are for sequences and images; the extent is {spatial}.", nameof(spatial));
        }

        if (spatial.Width > MaxWidth)
        {
            // Upsampling keeps a few values per column: a 2^30-wide sequence would need 12 GB before the first row.
            throw new ArgumentException($"Saliency maps are at most {MaxWidth} elements wide; the extent is {spatial}.", nameof(spatial));
        }

        if (!(gridHeight == spatial.Height || gridHeight >= 2) || !(gridWidth == spatial.Width || gridWidth >= 2))
        {
            throw new ArgumentException(
                $"A {gridHeight}x{gridWidth} grid cannot be upsampled to {spatial}: each grid extent must be at least 2 or equal the image's.",
                nameof(gridHeight));
        }
    }

    private static void ColumnTaps(int gridWidth, int width, Span<int> x0, Span<float> fx)
    {
        for (int x = 0; x < width; x++)
        {
            if (gridWidth == width)
            {
                x0[x] = x;
                fx[x] = 0f;
                continue;
            }

            double sx = Math.Clamp(((x + 0.5) * gridWidth / width) - 0.5, 0, gridWidth - 1);
            int first = Math.Min((int)sx, gridWidth - 2);
            x0[x] = first;
            fx[x] = (float)(sx - first);
        }
    }

    /// <summary>The grid rows output row <paramref name="y"/> interpolates (the same row twice for an identity axis).</summary>
    private static (int First, int Second) GridRows(int gridHeight, int height, int y)
    {
        if (gridHeight == height)
        {
            return (y, y);
        }

        double sy = Math.Clamp(((y + 0.5) * gridHeight / height) - 0.5, 0, gridHeight - 1);
        int y0 = Math.Min((int)sy, gridHeight - 2);
        return (y0, y0 + 1);
    }

    private static void LerpRow(ReadOnlySpan<float> grid, int gridHeight, int gridWidth, int height, int y, Span<float> lerped)
    {
        if (gridHeight == height)
        {
            grid.Slice(y * gridWidth, gridWidth).CopyTo(lerped);
            return;
        }

        double sy = Math.Clamp(((y + 0.5) * gridHeight / height) - 0.5, 0, gridHeight - 1);
        int y0 = Math.Min((int)sy, gridHeight - 2);
        double fy = sy - y0;
        ReadOnlySpan<float> a = grid.Slice(y0 * gridWidth, gridWidth), b = grid.Slice((y0 + 1) * gridWidth, gridWidth);
        for (int j = 0; j < gridWidth; j++)
        {
            lerped[j] = (float)(a[j] + ((b[j] - (double)a[j]) * fy));
        }
    }

    private static void WriteRow(ReadOnlySpan<float> lerped, ReadOnlySpan<int> x0, ReadOnlySpan<float> fx, bool identity, Span<float> output)
    {
        if (identity)
        {
            lerped.CopyTo(output);
            return;
        }

        for (int x = 0; x < output.Length; x++)
        {
            float l = lerped[x0[x]];
            output[x] = l + ((lerped[x0[x] + 1] - l) * fx[x]);
        }
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float min = values[0], max = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }

        return (min, max);
    }
}
