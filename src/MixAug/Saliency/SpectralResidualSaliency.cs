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
/// (amplitudes below 10⁻⁶·max|F|, which float32 cannot tell from 0, count as 0) minus its 3×3 mean (replicated borders): the spectral residual R; (5) exp(R) with the original phase
/// (F/|F|, or 1 where |F| counts as 0); (6) inverse FFT, squared magnitude; (7) separable Gaussian blur,
/// σ = <see cref="BlurSigma"/> cells, radius ⌈3σ⌉, replicated borders; (8) min–max normalisation to [0, 1], a
/// constant map becoming all 0 (no 0/0); a flat grid after step 2 (a range below 10⁻⁶ of its magnitude) gives an
/// all-0 map directly. Steps 1–8 give the grid
/// (<see cref="ComputeGrid(BatchShape, ReadOnlySpan{float}, Span{float})"/>); (9) the map is its bilinear
/// upsampling (half-pixel centres, clamped) to the image size (<see cref="SaliencyMaps.Upsample"/>).</para>
/// <para>Multiplying an image by a constant c &gt; 0 adds log c to every L, which the local mean removes, so the
/// map is invariant up to rounding (the floor in step 4 is relative for the same reason).</para>
/// <para>Steps 1–8 run in float32, with the same bits at every SIMD width (512, 256, 128 bits, scalar); they agree
/// with a double-precision evaluation of the same steps to about 10⁻⁵ of the grid's range (tested to 10⁻³).</para>
/// </remarks>
/// <threadsafety>Immutable; concurrent calls are safe: each thread computes in its own workspace (kept per thread for
/// grids up to 256², allocated per call above that).</threadsafety>
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

        _kernelSingle = [.. _kernel.Select(v => (float)v)];
    }

    private readonly double[] _kernel;

    // The taps the float32 grid pipeline blurs with (the double ones, rounded once).
    private readonly float[] _kernelSingle;

    // Area weights per image size (height, width), built on first use; a few sizes are kept, others rebuilt per call.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), AreaResampling> _resampling = new();

    private const int MaxCachedImageSizes = 16;

    /// <summary>The amplitude floor of step 4, relative to the largest amplitude: 10⁻¹².</summary>
    internal const double AmplitudeFloor = 1e-12;

    /// <summary>
    /// Amplitudes below this share of the largest (10⁻⁶) count as zeros in step 4 and take the floor. float32 cannot
    /// tell them from zero: where the exact spectrum has zeros (an image constant along an axis, or upsampled to the
    /// grid by whole factors), a float32 FFT leaves rounding noise, measured at most 5·10⁻⁸ of the largest amplitude
    /// (one-row images and images upsampled by 2 or 3, resolutions 20 to 1021, Bluestein lengths included; exactly 0
    /// at powers of two). Floored at 10⁻¹² alone, that noise would keep random phases and the map would depend on the
    /// rounding, where a double-precision FFT leaves its noise (about 10⁻¹⁶) below the floor. The price: genuine
    /// amplitudes below 10⁻⁶·max|F| are floored too. In double precision this rule leaves the grids of the reference
    /// test's images unchanged (SpectralResidualReferenceTests) but one: a synthetic 160 × 200 image of flat shapes at
    /// 128², with 8 of 16,384 amplitudes between 5·10⁻⁷ and 10⁻⁶·max|F|, whose grid moves by up to 0.06, same peak.
    /// </summary>
    internal const double ZeroAmplitude = 1e-6;

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

    /// <summary>Computes the saliency map of one image: <see cref="ComputeGrid(BatchShape, ReadOnlySpan{float}, Span{float})"/>, then <see cref="SaliencyMaps.Upsample"/>.</summary>
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
    public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid) => ComputeGrid(shape, sample, grid, GridStage.Normalise);

    /// <summary>
    /// <see cref="ComputeGrid(BatchShape, ReadOnlySpan{float}, Span{float})"/> up to and including
    /// <paramref name="through"/> (the profiler times the stages as differences of prefixes); the grid is written
    /// only by the last stage or the flat case.
    /// </summary>
    internal void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid, GridStage through)
    {
        CheckImage(shape);
        Guard.Length(sample.Length, shape.SampleSize, nameof(sample), $"one sample of a {shape} batch");
        Guard.Length(grid.Length, (long)Resolution * Resolution, nameof(grid), $"a {Resolution}x{Resolution} grid");
        SpectralResidualGrid work = SpectralResidualGrid.For(Resolution);

        // (1) + (2)
        (float low, float high) = work.Resample(sample, shape, ResamplingFor(shape.Height, shape.Width));
        if (!((double)high - low > FlatTolerance * Math.Max(Math.Abs(low), Math.Abs(high))))
        {
            grid.Clear(); // a flat image has no salient region (and no spectrum to take a residual of)
            return;
        }

        if (through == GridStage.Resample)
        {
            return;
        }

        work.Prescale(low, high);
        work.Forward(); // (3)
        if (through == GridStage.Forward)
        {
            return;
        }

        work.Residual(); // (4), (5)
        if (through == GridStage.Residual)
        {
            return;
        }

        work.Inverse(); // (6)
        if (through == GridStage.Inverse)
        {
            return;
        }

        work.Blur(_kernelSingle); // (7)
        if (through == GridStage.Blur)
        {
            return;
        }

        work.Normalise(grid); // (8)
    }

    /// <summary>The stages of <see cref="ComputeGrid(BatchShape, ReadOnlySpan{float}, Span{float})"/>, in order.</summary>
    internal enum GridStage
    {
        /// <summary>Steps 1–2 (and the flat test).</summary>
        Resample,

        /// <summary>The power-of-two scaling and step 3.</summary>
        Forward,

        /// <summary>Steps 4–5.</summary>
        Residual,

        /// <summary>Step 6.</summary>
        Inverse,

        /// <summary>Step 7.</summary>
        Blur,

        /// <summary>Step 8.</summary>
        Normalise,
    }

    /// <summary>The area weights of steps (1)–(2) for an image size, built once per size.</summary>
    private AreaResampling ResamplingFor(int height, int width)
    {
        if (_resampling.TryGetValue((height, width), out AreaResampling? known))
        {
            return known;
        }

        var built = new AreaResampling(height, width, Resolution);
        if (_resampling.Count < MaxCachedImageSizes)
        {
            _resampling.TryAdd((height, width), built);
        }

        return built;
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
