using System.Buffers;
using System.Numerics.Tensors;
using MixAug.Fourier;
using MixAug.Internal;
using MixAug.Planning;

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
/// constant map becoming all 0 (no 0/0); a flat grid after step 2 gives an all-0 map directly. Steps 1–8 give the
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
        int h = shape.Height, w = shape.Width, c = shape.Channels, r = Resolution, cells = r * r;
        double[] rented = ArrayPool<double>.Shared.Rent((h * r) + (3 * cells) + Math.Max(h, w));
        try
        {
            Span<double> rows = rented.AsSpan(0, h * r);          // gray resampled along x: [h][r]
            Span<double> re = rented.AsSpan(h * r, cells);
            Span<double> im = rented.AsSpan((h * r) + cells, cells);
            Span<double> tmp = rented.AsSpan((h * r) + (2 * cells), cells);

            // (1) + (2): grayscale one row at a time, resampled along x, then along y.
            (int[] xStart, double[] xWeights, int xTaps) = AreaWeights(w, r);
            (int[] yStart, double[] yWeights, int yTaps) = AreaWeights(h, r);
            int plane = h * w;
            double inv = 1.0 / c;
            float[] grayRow = ArrayPool<float>.Shared.Rent(w);
            try
            {
                Span<float> g = grayRow.AsSpan(0, w);
                for (int y = 0; y < h; y++)
                {
                    sample.Slice(y * w, w).CopyTo(g);
                    for (int ch = 1; ch < c; ch++)
                    {
                        TensorPrimitives.Add(g, sample.Slice((ch * plane) + (y * w), w), g);
                    }

                    Span<double> row = rows.Slice(y * r, r);
                    for (int j = 0; j < r; j++)
                    {
                        double sum = 0;
                        int first = xStart[j];
                        int taps = Math.Min(xTaps, w - first);
                        ReadOnlySpan<double> weights = xWeights.AsSpan(j * xTaps, taps);
                        ReadOnlySpan<float> pixels = g.Slice(first, taps);
                        for (int t = 0; t < weights.Length; t++)
                        {
                            sum += weights[t] * pixels[t];
                        }

                        row[j] = sum * inv;
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(grayRow);
            }

            for (int i = 0; i < r; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    double sum = 0;
                    for (int t = 0; t < yTaps; t++)
                    {
                        sum += yWeights[(i * yTaps) + t] * rows[(Math.Min(yStart[i] + t, h - 1) * r) + j];
                    }

                    re[(i * r) + j] = sum;
                }
            }

            im.Clear();
            double gridMin = double.PositiveInfinity, gridMax = double.NegativeInfinity;
            foreach (double v in re)
            {
                gridMin = Math.Min(gridMin, v);
                gridMax = Math.Max(gridMax, v);
            }

            if (!(gridMax > gridMin))
            {
                grid.Clear(); // a flat image has no salient region (and no spectrum to take a residual of)
                return;
            }

            // (3) – (5)
            MultiFft.Complex2D(r, r, re, im, -1);
            for (int k = 0; k < cells; k++)
            {
                tmp[k] = (re[k] * re[k]) + (im[k] * im[k]);
            }

            TensorPrimitives.Sqrt(tmp, tmp);
            double maxAmplitude = TensorPrimitives.Max(tmp);
            double floor = Math.Max(maxAmplitude * 1e-12, double.Epsilon);
            for (int k = 0; k < cells; k++)
            {
                double a = tmp[k];
                if (a < floor)
                {
                    re[k] = 1; // no phase to keep: use phase 0
                    im[k] = 0;
                    tmp[k] = floor;
                }
                else
                {
                    double inverse = 1.0 / a;
                    re[k] *= inverse;
                    im[k] *= inverse;
                }
            }

            TensorPrimitives.Log(tmp, tmp);
            Span<double> logAmplitude = tmp;
            Span<double> residual = rows.Length >= cells ? rows.Slice(0, cells) : new double[cells];
            double[] rentedRowSums = ArrayPool<double>.Shared.Rent(cells);
            try
            {
                // 3×3 mean with replicated borders, separably: row sums of three, then column sums of three.
                Span<double> rowSums = rentedRowSums.AsSpan(0, cells);
                for (int i = 0; i < r; i++)
                {
                    ReadOnlySpan<double> l = logAmplitude.Slice(i * r, r);
                    Span<double> sums = rowSums.Slice(i * r, r);
                    sums[0] = l[0] + l[0] + l[1];
                    for (int j = 1; j < r - 1; j++)
                    {
                        sums[j] = l[j - 1] + l[j] + l[j + 1];
                    }

                    sums[r - 1] = l[r - 2] + l[r - 1] + l[r - 1];
                }

                for (int i = 0; i < r; i++)
                {
                    ReadOnlySpan<double> above = rowSums.Slice(Math.Max(i - 1, 0) * r, r);
                    ReadOnlySpan<double> here = rowSums.Slice(i * r, r);
                    ReadOnlySpan<double> below = rowSums.Slice(Math.Min(i + 1, r - 1) * r, r);
                    ReadOnlySpan<double> l = logAmplitude.Slice(i * r, r);
                    Span<double> target = residual.Slice(i * r, r);
                    for (int j = 0; j < r; j++)
                    {
                        target[j] = l[j] - ((above[j] + here[j] + below[j]) / 9.0);
                    }
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(rentedRowSums);
            }

            TensorPrimitives.Exp(residual, residual);
            TensorPrimitives.Multiply(re, residual, re);
            TensorPrimitives.Multiply(im, residual, im);

            // (6)
            MultiFft.Complex2D(r, r, re, im, +1);
            for (int k = 0; k < cells; k++)
            {
                re[k] = (re[k] * re[k]) + (im[k] * im[k]);
            }

            // (7) blur along x into tmp, then along y into re; clamped indices come from a table.
            int radius = _kernel.Length / 2;
            Span<int> clamp = stackalloc int[r + (2 * radius)];
            for (int t = 0; t < clamp.Length; t++)
            {
                clamp[t] = Math.Clamp(t - radius, 0, r - 1);
            }

            ReadOnlySpan<double> kernel = _kernel;
            for (int i = 0; i < r; i++)
            {
                ReadOnlySpan<double> source = re.Slice(i * r, r);
                Span<double> target = tmp.Slice(i * r, r);
                for (int j = 0; j < r; j++)
                {
                    double sum = 0;
                    ReadOnlySpan<int> taps = clamp.Slice(j, kernel.Length);
                    for (int t = 0; t < kernel.Length; t++)
                    {
                        sum += kernel[t] * source[taps[t]];
                    }

                    target[j] = sum;
                }
            }

            re.Clear();
            for (int i = 0; i < r; i++)
            {
                Span<double> target = re.Slice(i * r, r);
                for (int t = 0; t < kernel.Length; t++)
                {
                    double k = kernel[t];
                    ReadOnlySpan<double> source = tmp.Slice(clamp[i + t] * r, r);
                    for (int j = 0; j < r; j++)
                    {
                        target[j] += k * source[j];
                    }
                }
            }

            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double v in re)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            // (8)
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
