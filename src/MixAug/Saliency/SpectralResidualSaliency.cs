using System.Buffers;
using System.Numerics.Tensors;
using MixAug.Fourier;
using MixAug.Internal;
using MixAug.Planning;
using System.Runtime.Intrinsics;

namespace MixAug.Saliency;

/// <summary>
/// Spectral-residual saliency (Hou and Zhang, "Saliency Detection: A Spectral Residual Approach", CVPR 2007), the
/// map SaliencyMix uses (through OpenCV's <c>StaticSaliencySpectralResidual</c>), in managed code.
/// </summary>
/// <remarks>
/// <para>Steps: (1) grayscale = the plain mean of the channels (no luma weights, so RGB and BGR give the same map);
/// (2) area-average resampling to <see cref="Resolution"/>² (each output cell averages the input over its exact
/// footprint, with fractional weights at the edges); (3) 2D FFT; (4) log amplitude L = log(max(|F|, 1e−12·max|F|))
/// minus its 3×3 mean (replicated borders): the spectral residual R; (5) exp(R) with the original phase
/// (F/|F|, or 1 where |F| is below the floor); (6) inverse FFT, squared magnitude; (7) separable Gaussian blur,
/// σ = <see cref="BlurSigma"/> cells, radius ⌈3σ⌉, replicated borders; (8) min–max normalisation to [0, 1], a
/// constant map becoming all 0 (no 0/0); a flat grid after step 2 (a range below 10⁻⁶ of its magnitude) gives an
/// all-0 map directly. Steps 1–8 give the
/// grid (<see cref="ComputeGrid"/>); (9) the map is its bilinear upsampling (half-pixel centres, clamped) to the image
/// size (<see cref="SaliencyMaps.Upsample"/>).</para>
/// <para>Multiplying an image by a constant c &gt; 0 adds log c to every L, which the local mean removes, so the
/// map is invariant up to rounding (the floor in step 4 is relative for the same reason).</para>
/// </remarks>
/// <threadsafety>Immutable; concurrent calls are safe (each call uses its own buffers).</threadsafety>
public sealed class SpectralResidualSaliency : ISaliencySource
{
    /// <summary>Creates the source.</summary>
    /// <param name="resolution">Side of the square working grid, in [4, <see cref="MaxResolution"/>] (Hou and Zhang and OpenCV use 64).</param>
    /// <param name="blurSigma">Gaussian blur σ in grid cells, in (0, resolution] (default 2.5).</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public SpectralResidualSaliency(int resolution = 64, double blurSigma = 2.5)
    {
        if (resolution < 4 || resolution > MaxResolution)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, $"resolution must lie in [4, {MaxResolution}]; it was {resolution}.");
        }

        Guard.PositiveFinite(blurSigma);
        if (blurSigma > resolution)
        {
            // A wider blur flattens the whole grid anyway, and its kernel would outgrow memory.
            throw new ArgumentOutOfRangeException(nameof(blurSigma), blurSigma, $"blurSigma must lie in (0, resolution = {resolution}]; it was {blurSigma}.");
        }
        Resolution = resolution;
        BlurSigma = blurSigma;
        int radius = (int)Math.Ceiling(3 * blurSigma);
        _kernel = new double[(2 * radius) + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++)
        {
            sum += _kernel[i + radius] = Math.Exp(-(i * i) / (2 * blurSigma * blurSigma));
        }

        for (int i = 0; i < _kernel.Length; i++)
        {
            _kernel[i] /= sum;
        }
    }

    private readonly double[] _kernel;

    // Area weights per image size (height, width), built on first use; a few sizes are kept, others rebuilt per call.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), Resampling> _resampling = new();

    private const int MaxCachedImageSizes = 16;

    // A resampled grid whose range is below this share of its magnitude is flat: a constant image, up to the rounding
    // of the float accumulation of step (2).
    private const double FlatTolerance = 1e-6;

    /// <summary>The largest grid side accepted: 1024 (a million cells, beyond any image a saliency grid is for).</summary>
    public const int MaxResolution = 1024;

    /// <summary>The shared default instance: 64×64 grid, σ = 2.5.</summary>
    public static SpectralResidualSaliency Default { get; } = new();

    /// <summary>The normalised Gaussian blur taps, radius ⌈3σ⌉ (for backends that compute the grid elsewhere).</summary>
    internal ReadOnlySpan<double> BlurKernel => _kernel;

    /// <summary>Side of the square grid the residual is computed on.</summary>
    public int Resolution { get; }

    /// <summary>Gaussian blur σ in grid cells.</summary>
    public double BlurSigma { get; }

    /// <inheritdoc />
    public (int Height, int Width) GridSize(SpatialShape spatial) => (Resolution, Resolution);

    /// <summary>Computes the saliency map of one image: <see cref="ComputeGrid"/>, then <see cref="SaliencyMaps.Upsample"/>.</summary>
    /// <param name="shape">The batch shape (spatial rank 2).</param>
    /// <param name="sample">One image, <c>[C, H, W]</c>.</param>
    /// <param name="map">Receives H·W values in [0, 1].</param>
    /// <exception cref="ArgumentException">The shape is not an image shape, or a buffer has the wrong length.</exception>
    public void ComputeMap(BatchShape shape, ReadOnlySpan<float> sample, Span<float> map)
    {
        CheckImage(shape);
        Guard.Length(map.Length, shape.PlaneSize, nameof(map), $"one plane of a {shape} batch");
        float[] grid = ArrayPool<float>.Shared.Rent(Resolution * Resolution);
        try
        {
            Span<float> cells = grid.AsSpan(0, Resolution * Resolution);
            ComputeGrid(shape, sample, cells);
            SaliencyMaps.Upsample(cells, Resolution, Resolution, shape.Spatial, map);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(grid);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shape is not an image shape (spatial rank 2), or a buffer has the wrong length.</exception>
    public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid)
    {
        CheckImage(shape);
        Guard.Length(sample.Length, shape.SampleSize, nameof(sample), $"one sample of a {shape} batch");
        Guard.Length(grid.Length, (long)Resolution * Resolution, nameof(grid), $"a {Resolution}x{Resolution} grid");
        int r = Resolution, cells = r * r;
        double[] rented = ArrayPool<double>.Shared.Rent(4 * cells);
        try
        {
            Span<double> re = rented.AsSpan(0, cells);
            Span<double> im = rented.AsSpan(cells, cells);
            Span<double> amplitude = rented.AsSpan(2 * cells, cells);
            Span<double> scratch = rented.AsSpan(3 * cells, cells);

            // (1) + (2)
            ResampleGray(sample, shape, ResamplingFor(shape.Height, shape.Width), re);
            double low = TensorPrimitives.Min(re), high = TensorPrimitives.Max(re);
            if (!(high - low > FlatTolerance * Math.Max(Math.Abs(low), Math.Abs(high))))
            {
                grid.Clear(); // a flat image has no salient region (and no spectrum to take a residual of)
                return;
            }

            // (3)
            im.Clear();
            MultiFft.Complex2D(r, r, re, im, -1);

            // (4): the amplitude, and the phase F/|F| (phase 0 below the floor, where there is none to keep).
            TensorPrimitives.Multiply(re, re, amplitude);
            TensorPrimitives.MultiplyAdd(im, im, amplitude, amplitude);
            TensorPrimitives.Sqrt(amplitude, amplitude);
            double floor = Math.Max(TensorPrimitives.Max(amplitude) * 1e-12, double.Epsilon);
            TensorPrimitives.Divide(re, amplitude, re);
            TensorPrimitives.Divide(im, amplitude, im);
            if (TensorPrimitives.Min(amplitude) < floor)
            {
                for (int k = 0; k < cells; k++)
                {
                    if (amplitude[k] < floor)
                    {
                        re[k] = 1;
                        im[k] = 0;
                        amplitude[k] = floor;
                    }
                }
            }

            // The log amplitude minus its 3×3 mean (replicated borders), in place: the spectral residual.
            Span<double> log = amplitude;
            TensorPrimitives.Log(log, log);
            SubtractLocalMean(log, scratch, r);

            // (5)
            TensorPrimitives.Exp(log, log);
            TensorPrimitives.Multiply(re, log, re);
            TensorPrimitives.Multiply(im, log, im);

            // (6)
            MultiFft.Complex2D(r, r, re, im, +1);
            TensorPrimitives.Multiply(re, re, re);
            TensorPrimitives.MultiplyAdd(im, im, re, re);

            // (7)
            Blur(re, scratch, r);

            // (8)
            double min = TensorPrimitives.Min(re), max = TensorPrimitives.Max(re);
            double range = max - min;
            double scale = range > 0 && double.IsFinite(range) ? 1.0 / range : 0.0;
            for (int k = 0; k < cells; k++)
            {
                grid[k] = scale == 0 ? 0f : (float)((re[k] - min) * scale);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>values − (3×3 mean of values), replicated borders, in place: row sums of three first, then column sums.</summary>
    private static void SubtractLocalMean(Span<double> values, Span<double> rowSums, int r)
    {
        for (int i = 0; i < r; i++)
        {
            ReadOnlySpan<double> l = values.Slice(i * r, r);
            Span<double> sums = rowSums.Slice(i * r, r);
            TensorPrimitives.Add(l.Slice(0, r - 2), l.Slice(1, r - 2), sums.Slice(1, r - 2));
            TensorPrimitives.Add(sums.Slice(1, r - 2), l.Slice(2, r - 2), sums.Slice(1, r - 2));
            sums[0] = l[0] + l[0] + l[1];
            sums[r - 1] = l[r - 2] + l[r - 1] + l[r - 1];
        }

        double[] rented = ArrayPool<double>.Shared.Rent(r);
        try
        {
            Span<double> column = rented.AsSpan(0, r);
            for (int i = 0; i < r; i++)
            {
                // Row i only reads the row sums, which are all computed: it can overwrite its own values.
                TensorPrimitives.Add(rowSums.Slice(Math.Max(i - 1, 0) * r, r), rowSums.Slice(i * r, r), column);
                TensorPrimitives.Add(column, rowSums.Slice(Math.Min(i + 1, r - 1) * r, r), column);
                TensorPrimitives.Divide(column, 9.0, column);
                Span<double> row = values.Slice(i * r, r);
                TensorPrimitives.Subtract(row, column, row);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The area weights of steps (1)–(2) for an image size, built once per size.</summary>
    private Resampling ResamplingFor(int height, int width)
    {
        if (_resampling.TryGetValue((height, width), out Resampling? known))
        {
            return known;
        }

        var built = new Resampling(height, width, Resolution);
        if (_resampling.Count < MaxCachedImageSizes)
        {
            _resampling.TryAdd((height, width), built);
        }

        return built;
    }

    /// <summary>
    /// Steps (1) and (2): the channel sum of every image row, added (vectorised, in float) with its area weights into
    /// the ≤ 3 grid rows it overlaps; then each grid row resampled along x in double and divided by the channel count.
    /// </summary>
    private void ResampleGray(ReadOnlySpan<float> sample, BatchShape shape, Resampling weights, Span<double> grid)
    {
        int r = Resolution, h = shape.Height, w = shape.Width, c = shape.Channels, plane = h * w;
        float[] rented = ArrayPool<float>.Shared.Rent((r * w) + w);
        try
        {
            Span<float> accumulated = rented.AsSpan(0, r * w); // [r][w]
            Span<float> gray = rented.AsSpan(r * w, w);
            accumulated.Clear();
            for (int y = 0; y < h; y++)
            {
                ReadOnlySpan<float> row = sample.Slice(y * w, w);
                if (c > 1)
                {
                    TensorPrimitives.Add(row, sample.Slice(plane + (y * w), w), gray);
                    for (int ch = 2; ch < c; ch++)
                    {
                        TensorPrimitives.Add(gray, sample.Slice((ch * plane) + (y * w), w), gray);
                    }

                    row = gray;
                }

                for (int k = weights.RowStart[y]; k < weights.RowStart[y + 1]; k++)
                {
                    Span<float> target = accumulated.Slice(weights.RowTarget[k] * w, w);
                    TensorPrimitives.MultiplyAdd(row, weights.RowWeight[k], target, target);
                }
            }

            double inverse = 1.0 / c;
            ReadOnlySpan<int> xStart = weights.ColumnStart;
            ReadOnlySpan<double> xWeights = weights.ColumnWeight;
            int taps = weights.ColumnTaps;
            for (int i = 0; i < r; i++)
            {
                ReadOnlySpan<float> row = accumulated.Slice(i * w, w);
                for (int j = 0; j < r; j++)
                {
                    int first = xStart[j];
                    int count = Math.Min(taps, w - first);
                    ReadOnlySpan<double> tapWeights = xWeights.Slice(j * taps, count);
                    ReadOnlySpan<float> pixels = row.Slice(first, count);
                    double sum = 0;
                    for (int t = 0; t < tapWeights.Length; t++)
                    {
                        sum += tapWeights[t] * pixels[t];
                    }

                    grid[(i * r) + j] = sum * inverse;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The area weights of one image size: per grid column its taps, per image row the grid rows it feeds.</summary>
    private sealed class Resampling
    {
        public Resampling(int height, int width, int resolution)
        {
            (ColumnStart, ColumnWeight, ColumnTaps) = AreaWeights(width, resolution);
            (int[] yStart, double[] yWeights, int yTaps) = AreaWeights(height, resolution);
            var contributions = new List<(int Row, int Target, float Weight)>();
            for (int i = 0; i < resolution; i++)
            {
                for (int t = 0; t < yTaps; t++)
                {
                    int y = yStart[i] + t;
                    double weight = yWeights[(i * yTaps) + t];
                    if (y < height && weight > 0)
                    {
                        contributions.Add((y, i, (float)weight));
                    }
                }
            }

            contributions.Sort((a, b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Target.CompareTo(b.Target));
            RowStart = new int[height + 1];
            RowTarget = new int[contributions.Count];
            RowWeight = new float[contributions.Count];
            for (int k = 0; k < contributions.Count; k++)
            {
                RowStart[contributions[k].Row + 1]++;
                RowTarget[k] = contributions[k].Target;
                RowWeight[k] = contributions[k].Weight;
            }

            for (int y = 0; y < height; y++)
            {
                RowStart[y + 1] += RowStart[y];
            }
        }

        public int[] ColumnStart { get; }

        public double[] ColumnWeight { get; }

        public int ColumnTaps { get; }

        /// <summary>Image row y feeds grid rows RowTarget[RowStart[y] .. RowStart[y + 1]) with RowWeight.</summary>
        public int[] RowStart { get; }

        public int[] RowTarget { get; }

        public float[] RowWeight { get; }
    }

    /// <summary>
    /// Step (7): the separable Gaussian blur with replicated borders, in place on <paramref name="values"/> (r × r):
    /// along x over a padded copy of each row into <paramref name="scratch"/>, then along y back into
    /// <paramref name="values"/>. Each output is Σ k_t·x_t in tap order, multiplications and additions rounded
    /// separately, so the vector and scalar paths give the same bits.
    /// </summary>
    private void Blur(Span<double> values, Span<double> scratch, int r)
    {
        ReadOnlySpan<double> kernel = _kernel;
        int radius = kernel.Length / 2;
        double[] rented = ArrayPool<double>.Shared.Rent(r + (2 * radius));
        int[] rows = ArrayPool<int>.Shared.Rent(kernel.Length);
        try
        {
            Span<double> padded = rented.AsSpan(0, r + (2 * radius));
            for (int i = 0; i < r; i++)
            {
                ReadOnlySpan<double> row = values.Slice(i * r, r);
                padded.Slice(0, radius).Fill(row[0]);
                row.CopyTo(padded.Slice(radius));
                padded.Slice(radius + r).Fill(row[r - 1]);
                Span<double> target = scratch.Slice(i * r, r);
                for (int j = 0; j < r; j++)
                {
                    target[j] = 0;
                }

                WeightedSum(padded, 1, kernel, target);
            }

            for (int i = 0; i < r; i++)
            {
                // The taps of output row i are rows clamp(i + t − radius) of the x-blurred scratch.
                for (int t = 0; t < kernel.Length; t++)
                {
                    rows[t] = Math.Clamp(i + t - radius, 0, r - 1) * r;
                }

                Span<double> target = values.Slice(i * r, r);
                WeightedRows(scratch, rows.AsSpan(0, kernel.Length), kernel, target);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
            ArrayPool<int>.Shared.Return(rows);
        }
    }

    /// <summary>target[j] = Σ_t kernel[t]·source[j + t·stride] for every j, taps in order.</summary>
    private static void WeightedSum(ReadOnlySpan<double> source, int stride, ReadOnlySpan<double> kernel, Span<double> target)
    {
        int n = target.Length, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                Vector256<double> sum = Vector256<double>.Zero;
                for (int t = 0; t < kernel.Length; t++)
                {
                    sum += Vector256.Create(kernel[t]) * Vector256.Create(source.Slice(j + (t * stride), Vector256<double>.Count));
                }

                sum.CopyTo(target.Slice(j));
            }
        }

        for (; j < n; j++)
        {
            double sum = 0;
            for (int t = 0; t < kernel.Length; t++)
            {
                sum += kernel[t] * source[j + (t * stride)];
            }

            target[j] = sum;
        }
    }

    /// <summary>target[j] = Σ_t kernel[t]·source[rows[t] + j] for every j, taps in order.</summary>
    private static void WeightedRows(ReadOnlySpan<double> source, ReadOnlySpan<int> rows, ReadOnlySpan<double> kernel, Span<double> target)
    {
        int n = target.Length, j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j <= n - Vector256<double>.Count; j += Vector256<double>.Count)
            {
                Vector256<double> sum = Vector256<double>.Zero;
                for (int t = 0; t < kernel.Length; t++)
                {
                    sum += Vector256.Create(kernel[t]) * Vector256.Create(source.Slice(rows[t] + j, Vector256<double>.Count));
                }

                sum.CopyTo(target.Slice(j));
            }
        }

        for (; j < n; j++)
        {
            double sum = 0;
            for (int t = 0; t < kernel.Length; t++)
            {
                sum += kernel[t] * source[rows[t] + j];
            }

            target[j] = sum;
        }
    }

    /// <summary>Equal when the resolution and the blur are equal: equal sources share one computation per batch.</summary>
    /// <param name="obj">Another object.</param>
    /// <returns>True for a spectral-residual source with the same parameters.</returns>
    public override bool Equals(object? obj) =>
        obj is SpectralResidualSaliency other && other.Resolution == Resolution && other.BlurSigma.Equals(BlurSigma);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Resolution, BlurSigma);

    /// <inheritdoc />
    public override string ToString() => $"SpectralResidualSaliency(resolution {Resolution}, blurSigma {BlurSigma.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    private static void CheckImage(BatchShape shape)
    {
        if (shape.SpatialRank != 2)
        {
            throw new ArgumentException($"Spectral-residual saliency needs images (spatial rank 2); the batch {shape} has spatial rank {shape.SpatialRank}.", nameof(shape));
        }
    }

    /// <summary>The first pixel (row-major) with the largest value of <paramref name="map"/>.</summary>
    /// <param name="map">A saliency map.</param>
    /// <returns>The index of the first maximum.</returns>
    internal static int ArgMax(ReadOnlySpan<float> map)
    {
        int best = 0;
        float value = map[0];
        for (int i = 1; i < map.Length; i++)
        {
            if (map[i] > value)
            {
                value = map[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>
    /// Area-average weights from <paramref name="source"/> samples to <paramref name="target"/> cells: cell j covers
    /// [j·s, (j+1)·s) with s = source/target; weights are overlaps / s. Fixed tap count per cell (padded with 0).
    /// </summary>
    internal static (int[] Start, double[] Weights, int Taps) AreaWeights(int source, int target)
    {
        double s = (double)source / target;
        int taps = (int)Math.Ceiling(s) + 1;
        var start = new int[target];
        var weights = new double[target * taps];
        for (int j = 0; j < target; j++)
        {
            double a = j * s, b = (j + 1) * s;
            int first = Math.Min((int)Math.Floor(a), source - 1);
            start[j] = first;
            for (int t = 0; t < taps; t++)
            {
                int i = first + t;
                double overlap = Math.Min(b, i + 1) - Math.Max(a, i);
                weights[(j * taps) + t] = i < source && overlap > 0 ? overlap / s : 0;
            }
        }

        return (start, weights, taps);
    }
}
