using System.Buffers;
using MixAug.Fourier;
using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Masks;

/// <summary>
/// The masks of FMix (Harris, Marcu, Painter, Niranjan, Prügel-Bennett and Hare, "FMix: Enhancing Mixed Sample Data
/// Augmentation", arXiv:2002.12047): a random low-frequency image, thresholded so that an exact number of
/// elements belongs to the sample itself. Works on sequences, images and volumes of any extents.
/// </summary>
/// <remarks>
/// <para><b>Low-frequency image.</b> Over the half spectrum of the plane (numpy's <c>rfftn</c> grid: <c>fftfreq</c>
/// along every axis but the last, <c>rfftfreq</c> along the last, in cycles per element), each bin gets
/// <c>scale·(a + i·b)</c> with a, b ~ N(0, 1) and <c>scale = 1 / max(|f|, 1/max(extents))^decayPower</c>; the image is
/// <c>irfftn</c> of that spectrum. Its expected power spectrum therefore falls as <c>|f|^(−2·decayPower)</c>.
/// Normals are drawn in row-major order of the half spectrum, real part then imaginary part, as pairs of
/// Marsaglia's polar method.</para>
/// <para><b>Threshold.</b> Elements are ranked by value, largest first (values compared as float32, ties broken by
/// the smaller index, so the ranking is a total order); the first <c>ownCount</c> get weight 1 and the rest 0. With
/// soft edges, <c>s = ⌊N·min(maxSoft, λ, 1 − λ)⌋</c> with λ = ownCount/N: ranks below ownCount − s get 1, ranks in
/// [ownCount − s, ownCount + s) a linear ramp from 1 to 0 (numpy's <c>linspace(1, 0, 2s)</c>, each value rounded to
/// a multiple of 2^−24), the rest 0. The rounding makes every partial sum of the weights exact in double, so the
/// mask mean—the plan's lambda—is known exactly before the noise is drawn.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class FourierMaskGenerator
{
    private readonly int[] _dims;
    private readonly int _halfStride;
    private readonly int _outer;
    private readonly int _half;
    private readonly double[] _scale;

    /// <summary>Prepares the spectrum weights for the planes of <paramref name="shape"/>.</summary>
    /// <param name="shape">The batch shape; its spatial extents (1, 2 or 3 of them) are the plane's.</param>
    /// <param name="decayPower">Exponent of the frequency decay; finite and greater than 0 (the paper's default is 3).</param>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decayPower"/> is not a finite positive number.</exception>
    public FourierMaskGenerator(BatchShape shape, double decayPower = 3.0)
    {
        if (shape.BatchSize == 0)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }

        Guard.PositiveFinite(decayPower);
        DecayPower = decayPower;
        _dims = shape.SpatialRank switch
        {
            1 => [shape.Width],
            2 => [shape.Height, shape.Width],
            _ => [shape.Depth, shape.Height, shape.Width],
        };
        PlaneSize = shape.PlaneSize;
        int w = _dims[^1];
        _half = (w / 2) + 1;
        _halfStride = FftPlan.PadStride(_half);
        _outer = PlaneSize / w;
        _scale = new double[_outer * _half];
        double floor = 1.0 / _dims.Max();
        for (int p = 0; p < _outer; p++)
        {
            int rest = p;
            double outerSquared = 0;
            for (int a = _dims.Length - 2; a >= 0; a--)
            {
                int n = _dims[a];
                int q = rest % n;
                rest /= n;
                double f = (q <= (n - 1) / 2 ? q : q - n) / (double)n; // numpy fftfreq
                outerSquared += f * f;
            }

            for (int k = 0; k < _half; k++)
            {
                double fLast = k / (double)w; // numpy rfftfreq
                double magnitude = Math.Sqrt(outerSquared + (fLast * fLast));
                _scale[(p * _half) + k] = 1.0 / Math.Pow(Math.Max(magnitude, floor), decayPower);
            }
        }

    }

    /// <summary>The decay exponent of the spectrum.</summary>
    public double DecayPower { get; }

    /// <summary>Number of elements of one mask (the shape's <see cref="BatchShape.PlaneSize"/>).</summary>
    public int PlaneSize { get; }

    /// <summary>Draws one low-frequency image (the unthresholded mask) into <paramref name="destination"/>.</summary>
    /// <param name="random">The generator; exactly one polar-method pair per half-spectrum bin (plus rejections) is drawn.</param>
    /// <param name="destination">Receives <see cref="PlaneSize"/> values in plane order.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have <see cref="PlaneSize"/> elements.</exception>
    public void SampleLowFrequencyImage(IMixRandom random, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        Guard.Length(destination.Length, PlaneSize, nameof(destination), "one plane");
        int size = _outer * _halfStride;
        double[] re = ArrayPool<double>.Shared.Rent(size);
        double[] im = ArrayPool<double>.Shared.Rent(size);
        try
        {
            for (int p = 0; p < _outer; p++)
            {
                int row = p * _halfStride;
                for (int k = 0; k < _half; k++)
                {
                    // MixRandom is sealed: the direct overload inlines its generator (same numbers, faster).
                    (double a, double b) = random is MixRandom concrete ? NormalPair(concrete) : NormalPair(random);
                    double s = _scale[(p * _half) + k];
                    re[row + k] = s * a;
                    im[row + k] = s * b;
                }

                for (int k = _half; k < _halfStride; k++)
                {
                    re[row + k] = 0;
                    im[row + k] = 0;
                }
            }

            MultiFft.InverseReal(_dims, re.AsSpan(0, size), im.AsSpan(0, size), _halfStride, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(re);
            ArrayPool<double>.Shared.Return(im);
        }
    }

    /// <summary>
    /// Draws the number of own elements for a sampled λ by unbiased stochastic rounding: ⌊λ·N⌋, plus one with
    /// probability equal to the fractional part (the reference flips a fair coin between floor and ceiling, which is
    /// biased unless the fraction is 1/2). Draws one double from <paramref name="random"/>.
    /// </summary>
    /// <param name="lambda">The sampled weight of the sample itself, in [0, 1].</param>
    /// <param name="planeSize">Number of elements N (at least 1).</param>
    /// <param name="random">The generator.</param>
    /// <returns>A count in [0, N] whose expectation is λ·N.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is outside [0, 1] or <paramref name="planeSize"/> is below 1.</exception>
    public static int DrawOwnCount(double lambda, int planeSize, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Guard.Probability(lambda);
        Guard.Positive(planeSize);
        double exact = lambda * planeSize;
        double floor = Math.Floor(exact);
        int count = (int)floor + (random.NextDouble() < exact - floor ? 1 : 0);
        return Math.Clamp(count, 0, planeSize);
    }

    /// <summary>
    /// The exact mean of the mask that <see cref="Threshold"/> writes for <paramref name="ownCount"/> and
    /// <paramref name="maxSoft"/>; it depends on the counts only, not on the values.
    /// </summary>
    /// <param name="planeSize">Number of elements N.</param>
    /// <param name="ownCount">Number of elements ranked as the sample's own.</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5].</param>
    /// <returns>The mask mean, equal bit for bit to the double mean of the written weights in any order.</returns>
    public static double MaskMean(int planeSize, int ownCount, double maxSoft)
    {
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = Layout(planeSize, ownCount, maxSoft);
        double sum = ones;
        for (int j = 0; j < rampLength; j++)
        {
            sum += Ramp(rampStart - rampFrom + j, rampTotal);
        }

        return sum / planeSize;
    }

    /// <summary>
    /// Thresholds <paramref name="values"/> into <paramref name="mask"/>: the <paramref name="ownCount"/> largest
    /// values get weight 1 (minus the soft edge), the rest 0 (see the remarks on <see cref="FourierMaskGenerator"/>).
    /// </summary>
    /// <param name="values">The values to rank (no NaN).</param>
    /// <param name="ownCount">Number of elements that belong to the sample itself, in [0, N].</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5]; 0 gives a binary mask.</param>
    /// <param name="mask">Receives the weights; same length as <paramref name="values"/>.</param>
    /// <returns>The exact mean of the mask, equal to <see cref="MaskMean"/>.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ownCount"/> or <paramref name="maxSoft"/> is out of range.</exception>
    public static double Threshold(ReadOnlySpan<double> values, int ownCount, double maxSoft, Span<float> mask)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("There are no values to threshold.", nameof(values));
        }

        Guard.Length(mask.Length, values.Length, nameof(mask), "the values");
        ulong[] keys = ArrayPool<ulong>.Shared.Rent(values.Length);
        try
        {
            Span<ulong> k = keys.AsSpan(0, values.Length);
            TopRanking.BuildKeys(values, k);
            return ThresholdKeys(k, ownCount, maxSoft, mask);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(keys);
        }
    }

    /// <summary>Thresholds from ranking keys (which are reordered).</summary>
    internal static double ThresholdKeys(Span<ulong> keys, int ownCount, double maxSoft, Span<float> mask)
    {
        int n = keys.Length;
        if ((uint)ownCount > (uint)n)
        {
            throw new ArgumentOutOfRangeException(nameof(ownCount), ownCount, $"ownCount must lie in [0, {n}]; it was {ownCount}.");
        }

        CheckMaxSoft(maxSoft);
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = Layout(n, ownCount, maxSoft);
        mask.Clear();
        TopRanking.SelectSmallest(keys, ones);
        for (int i = 0; i < ones; i++)
        {
            mask[TopRanking.IndexOf(keys[i])] = 1f;
        }

        if (rampLength > 0)
        {
            Span<ulong> rest = keys.Slice(ones);
            TopRanking.SelectSmallest(rest, rampLength);
            Span<ulong> ramp = rest.Slice(0, rampLength);
            ramp.Sort();
            for (int j = 0; j < rampLength; j++)
            {
                mask[TopRanking.IndexOf(ramp[j])] = (float)Ramp(rampStart - rampFrom + j, rampTotal);
            }
        }

        return MaskMean(n, ownCount, maxSoft);
    }

    internal static void CheckMaxSoft(double maxSoft, string name = "maxSoft")
    {
        if (!(maxSoft >= 0 && maxSoft <= 0.5))
        {
            throw new ArgumentOutOfRangeException(name, maxSoft, $"{name} must lie in [0, 0.5]; it was {maxSoft}.");
        }
    }

    /// <summary>
    /// The soft-edge layout: ranks [0, ones) get 1, ranks [rampStart, rampStart + rampLength) get ramp values
    /// <c>Ramp(rank − rampFrom, rampTotal)</c>, the rest 0. The ramp nominally spans [ownCount − s, ownCount + s)
    /// and is clipped to [0, N).
    /// </summary>
    private static (int Ones, int RampStart, int RampLength, int RampFrom, int RampTotal) Layout(int n, int ownCount, double maxSoft)
    {
        CheckMaxSoft(maxSoft);
        double lambda = (double)ownCount / n;
        double effective = Math.Min(maxSoft, Math.Min(lambda, 1 - lambda));
        int soft = (int)(n * effective);
        if (soft == 0)
        {
            return (ownCount, ownCount, 0, ownCount, 0);
        }

        int from = ownCount - soft, to = ownCount + soft;
        int start = Math.Max(from, 0), end = Math.Min(to, n);
        return (start, start, end - start, from, 2 * soft);
    }

    /// <summary>linspace(1, 0, total)[j], rounded to a multiple of 2^−24 (exact in float, exact sums in double).</summary>
    private static double Ramp(int j, int total) =>
        Math.Round((1.0 - ((double)j / (total - 1))) * 16_777_216.0) / 16_777_216.0;

    private static (double A, double B) NormalPair(MixRandom random)
    {
        while (true)
        {
            double u = (2.0 * random.NextDouble()) - 1.0;
            double v = (2.0 * random.NextDouble()) - 1.0;
            double s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
                return (u * f, v * f);
            }
        }
    }

    private static (double A, double B) NormalPair(IMixRandom random)
    {
        while (true)
        {
            double u = (2.0 * random.NextDouble()) - 1.0;
            double v = (2.0 * random.NextDouble()) - 1.0;
            double s = (u * u) + (v * v);
            if (s > 0 && s < 1)
            {
                double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
                return (u * f, v * f);
            }
        }
    }
}
