using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;

namespace MixAug.Testing;

/// <summary>
/// Statistical checks of a transform's random choices, each a hypothesis test with a stated false-alarm rate: a
/// correct transform fails the check with probability (about) <c>falseAlarmRate</c>, so a test suite that runs it
/// with a fixed seed is deterministic and fails only for a real defect (or, once in 1/rate seeds, by bad luck).
/// </summary>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static partial class MixStatistics
{
    /// <summary>
    /// Draws <paramref name="batches"/> plans and returns one lambda per independent draw of mixed groups: one per
    /// batch in <see cref="LambdaMode.Batch"/>, one per pair in <see cref="LambdaMode.Pair"/>, one per mixed sample in
    /// <see cref="LambdaMode.Element"/>.
    /// </summary>
    /// <param name="transform">The transform.</param>
    /// <param name="shape">The batch shape to draw plans for.</param>
    /// <param name="random">The generator.</param>
    /// <param name="batches">Number of plans to draw.</param>
    /// <returns>The lambdas.</returns>
    public static List<double> SampleLambdas(IMixTransform transform, BatchShape shape, IMixRandom random, int batches)
    {
        ArgumentNullException.ThrowIfNull(transform);
        var lambdas = new List<double>();
        foreach (MixPlan plan in Plans(transform, shape, random, batches))
        {
            foreach (int i in IndependentSamples(plan))
            {
                lambdas.Add(plan.Lambdas[i]);
            }
        }

        return lambdas;
    }

    /// <summary>
    /// Kolmogorov–Smirnov test that <paramref name="lambdas"/> come from Beta(<paramref name="a"/>, <paramref name="b"/>).
    /// </summary>
    /// <param name="lambdas">The sample (at least 20 values).</param>
    /// <param name="a">First Beta shape, in [1e-300, 1e6].</param>
    /// <param name="b">Second Beta shape, in [1e-300, 1e6].</param>
    /// <param name="falseAlarmRate">The chance that a correct sampler fails the check, in (0, 0.5).</param>
    /// <exception cref="MixInvariantException">The p-value is below <paramref name="falseAlarmRate"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="lambdas"/> is null.</exception>
    /// <exception cref="ArgumentException">Fewer than 20 lambdas, or one is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A shape is outside [1e-300, 1e6], or <paramref name="falseAlarmRate"/>
    /// is outside (0, 0.5) (a NaN rate would pass every sample).</exception>
    public static void AssertBetaDistributed(IReadOnlyCollection<double> lambdas, double a, double b, double falseAlarmRate = 1e-3)
    {
        CheckShapes(a, b);
        CheckFalseAlarmRate(falseAlarmRate);
        (double d, double p) = KolmogorovSmirnov(lambdas, x => BetaCdf(x, a, b), nameof(lambdas));
        if (p < falseAlarmRate)
        {
            throw new MixInvariantException(
                $"The {lambdas.Count} lambdas do not follow Beta({a}, {b}): Kolmogorov-Smirnov D = {d:G6}, p = {p:G4} < {falseAlarmRate}. Mean {lambdas.Average():G6}, expected {a / (a + b):G6}.", -1);
        }
    }

    /// <summary>
    /// Tests that box positions are uniform: for every box that touches no border, its top row is uniform over
    /// the rows where a box of its height touches no border (likewise its left column), which holds for uniformly
    /// drawn centres (CutMix) and uniformly drawn corners (min/max mode). The discrete positions are made continuous
    /// with a uniform jitter from <paramref name="jitter"/> and compared with U(0, 1) by Kolmogorov–Smirnov.
    /// </summary>
    /// <param name="plans">Plans with box regions; one box is taken per independent draw.</param>
    /// <param name="jitter">Generator for the jitter.</param>
    /// <param name="falseAlarmRate">The chance that a correct sampler fails each of the two tests (rows, columns).</param>
    /// <exception cref="MixInvariantException">Fewer than 20 usable boxes, or a p-value below <paramref name="falseAlarmRate"/>.</exception>
    /// <exception cref="ArgumentNullException">An argument or a plan is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="falseAlarmRate"/> is outside (0, 0.5).</exception>
    public static void AssertBoxPositionsUniform(IEnumerable<MixPlan> plans, IMixRandom jitter, double falseAlarmRate = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(jitter);
        CheckFalseAlarmRate(falseAlarmRate);
        var rows = new List<double>();
        var cols = new List<double>();
        foreach (MixPlan plan in plans)
        {
            ArgumentNullException.ThrowIfNull(plan, nameof(plans));
            int height = plan.Spatial.Height;
            int width = plan.Spatial.Width;
            foreach (int i in IndependentSamples(plan))
            {
                if (plan.Regions[i] is not BoxRegion box)
                {
                    continue;
                }

                int h = box.Bottom - box.Top;
                int w = box.Right - box.Left;
                if (box.Top >= 1 && box.Bottom <= height - 1 && height - 1 - h >= 1)
                {
                    rows.Add((box.Top - 1 + jitter.NextDouble()) / (height - 1 - h));
                }

                if (box.Left >= 1 && box.Right <= width - 1 && width - 1 - w >= 1)
                {
                    cols.Add((box.Left - 1 + jitter.NextDouble()) / (width - 1 - w));
                }
            }
        }

        foreach ((string axis, List<double> u) in new[] { ("rows", rows), ("columns", cols) })
        {
            if (u.Count < 20)
            {
                throw new MixInvariantException($"Only {u.Count} boxes away from the border along the {axis}; draw more plans (at least 20 are needed).", -1);
            }

            (double d, double p) = KolmogorovSmirnov(u, x => x);
            if (p < falseAlarmRate)
            {
                throw new MixInvariantException(
                    $"Box positions along the {axis} are not uniform: Kolmogorov-Smirnov D = {d:G6} over {u.Count} boxes, p = {p:G4} < {falseAlarmRate}.", -1);
            }
        }
    }

    /// <summary>
    /// The log-log slope of the radially averaged power spectrum of <paramref name="images"/>: for a noise image whose
    /// amplitude falls as <c>|f|^-d</c> (FMix's low-frequency images), the slope is <c>-2d</c>.
    /// </summary>
    /// <remarks>Each image's 2D discrete Fourier transform is computed directly (O(H·W·(H + W)), fine for the small
    /// images such a test uses), power is averaged over images per frequency bin, bins that carry no power (below
    /// 10⁻¹⁰ of the strongest bin: what a band-limited image such as FMix's leaves out, at float rounding level) are
    /// dropped, the rest are averaged over each integer radius <c>r = round(|f|·max(H, W))</c>, and a least-squares line
    /// is fitted to (log r, log power) for <c>1 ≤ r ≤ min(H, W)/2</c>.</remarks>
    /// <param name="images">Images of <paramref name="height"/> × <paramref name="width"/> values, row-major.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <returns>The fitted slope.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="images"/> is null.</exception>
    /// <exception cref="ArgumentException">No image, an image that is null, of the wrong size or not finite, or fewer than 3 radii with power.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="height"/> or <paramref name="width"/> is below 2.</exception>
    public static double PowerSpectrumSlope(IEnumerable<double[]> images, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        int maxRadius = Math.Min(height, width) / 2;
        long size = (long)height * width;
        double[]? binPower = null; // allocated after the first image proves the size real
        int count = 0;
        foreach (double[] image in images)
        {
            if (image is null || image.Length != size)
            {
                throw new ArgumentException($"Image {count} has {image?.Length.ToString() ?? "no"} values; {height}x{width} = {size} are needed.", nameof(images));
            }

            if (Array.FindIndex(image, v => !double.IsFinite(v)) is int bad and >= 0)
            {
                throw new ArgumentException($"Image {count} has {image[bad]} at {bad}; a power spectrum needs finite values.", nameof(images));
            }

            binPower ??= new double[size];
            AddPower(image, height, width, binPower);
            count++;
        }

        if (binPower is null)
        {
            throw new ArgumentException("No image was given.", nameof(images));
        }

        var power = new double[maxRadius + 1];
        var bins = new int[maxRadius + 1];
        double floor = binPower.Max() * 1e-10;
        int extent = Math.Max(height, width);
        for (int q = 0; q < height; q++)
        {
            for (int k = 0; k < width; k++)
            {
                double fy = Math.Min(q, height - q) / (double)height;
                double fx = Math.Min(k, width - k) / (double)width;
                int r = (int)Math.Round(Math.Sqrt((fx * fx) + (fy * fy)) * extent);
                double p = binPower[(q * width) + k];
                if (r >= 1 && r <= maxRadius && p > floor)
                {
                    power[r] += p;
                    bins[r]++;
                }
            }
        }

        var x = new List<double>();
        var y = new List<double>();
        for (int r = 1; r <= maxRadius; r++)
        {
            if (bins[r] > 0 && power[r] > 0)
            {
                x.Add(Math.Log(r));
                y.Add(Math.Log(power[r] / bins[r]));
            }
        }

        if (x.Count < 3)
        {
            throw new ArgumentException($"Only {x.Count} radii carry power; a slope needs at least 3.", nameof(images));
        }

        double mx = x.Average();
        double my = y.Average();
        double sxy = x.Zip(y, (a, b) => (a - mx) * (b - my)).Sum();
        double sxx = x.Sum(a => (a - mx) * (a - mx));
        return sxy / sxx;
    }

    /// <summary>
    /// Checks that <paramref name="images"/> have the power spectrum of <c>|f|^-decayPower</c> amplitude noise: the
    /// fitted slope (<see cref="PowerSpectrumSlope"/>) is within <paramref name="tolerance"/> of <c>-2·decayPower</c>.
    /// </summary>
    /// <param name="images">Images of <paramref name="height"/> × <paramref name="width"/> values (for FMix: <c>FourierNoise.Synthesize</c>).</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="decayPower">The configured decay power.</param>
    /// <param name="tolerance">Largest accepted distance of the slope from <c>-2·decayPower</c>. Measured over 30 seeds with
    /// 32 FMix images of 32x32: slope −5.75 ± 0.03 for decay power 3 and −3.80 ± 0.03 for 2 (the radial binning biases
    /// the fit by about +0.2), so the default 0.5 covers that bias plus more than 8 standard deviations.</param>
    /// <exception cref="MixInvariantException">The slope is off.</exception>
    /// <exception cref="ArgumentException">As <see cref="PowerSpectrumSlope"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decayPower"/> is not a finite positive number, or
    /// <paramref name="tolerance"/> is negative or not finite (NaN or infinity would pass any slope).</exception>
    public static void AssertPowerSpectrumDecay(IEnumerable<double[]> images, int height, int width, double decayPower, double tolerance = 0.5)
    {
        if (!(decayPower > 0) || double.IsInfinity(decayPower))
        {
            throw new ArgumentOutOfRangeException(nameof(decayPower), decayPower, $"decayPower must be a finite number greater than 0; it was {decayPower}.");
        }

        CheckTolerance(tolerance);
        double slope = PowerSpectrumSlope(images, height, width);
        if (Math.Abs(slope + (2 * decayPower)) > tolerance)
        {
            throw new MixInvariantException(
                $"The power spectrum falls with slope {slope:G4} in log-log; decay power {decayPower} means {-2 * decayPower:G4} (tolerance {tolerance}).", -1);
        }
    }

    /// <summary>Adds the power of every 2D frequency bin of <paramref name="image"/> to <paramref name="power"/> ([q][k]).</summary>
    private static void AddPower(double[] image, int height, int width, double[] power)
    {
        // Rows first: a DFT of every row, then of every column of the result.
        var re = new double[height * width];
        var im = new double[height * width];
        for (int y = 0; y < height; y++)
        {
            for (int k = 0; k < width; k++)
            {
                double sr = 0, si = 0;
                for (int x = 0; x < width; x++)
                {
                    double angle = -2 * Math.PI * k * x / width;
                    sr += image[(y * width) + x] * Math.Cos(angle);
                    si += image[(y * width) + x] * Math.Sin(angle);
                }

                re[(y * width) + k] = sr;
                im[(y * width) + k] = si;
            }
        }

        for (int k = 0; k < width; k++)
        {
            for (int q = 0; q < height; q++)
            {
                double sr = 0, si = 0;
                for (int y = 0; y < height; y++)
                {
                    double angle = -2 * Math.PI * q * y / height;
                    double c = Math.Cos(angle), s = Math.Sin(angle);
                    double ar = re[(y * width) + k], ai = im[(y * width) + k];
                    sr += (ar * c) - (ai * s);
                    si += (ar * s) + (ai * c);
                }

                power[(q * width) + k] += (sr * sr) + (si * si);
            }
        }
    }

    /// <summary>The Beta shapes <see cref="BetaCdf"/> evaluates: beyond 1e6 the log-gamma difference loses its accuracy,
    /// below 1e-300 the scale of the continued fraction leaves the normal doubles.</summary>
    private const double MinBetaShape = 1e-300, MaxBetaShape = 1e6;

    private static void CheckShapes(double a, double b)
    {
        if (!(a >= MinBetaShape && a <= MaxBetaShape))
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, $"a must lie in [{MinBetaShape}, {MaxBetaShape}]; it was {a}.");
        }

        if (!(b >= MinBetaShape && b <= MaxBetaShape))
        {
            throw new ArgumentOutOfRangeException(nameof(b), b, $"b must lie in [{MinBetaShape}, {MaxBetaShape}]; it was {b}.");
        }
    }

    private static void CheckFalseAlarmRate(double falseAlarmRate)
    {
        if (!(falseAlarmRate > 0 && falseAlarmRate < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(falseAlarmRate), falseAlarmRate, $"falseAlarmRate must lie in (0, 0.5); it was {falseAlarmRate}.");
        }
    }

    private static void CheckTolerance(double tolerance)
    {
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"tolerance must be a finite number >= 0; it was {tolerance}.");
        }
    }

    private static IEnumerable<MixPlan> Plans(IMixTransform transform, BatchShape shape, IMixRandom random, int batches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batches, 1);
        for (int k = 0; k < batches; k++)
        {
            yield return transform.CreatePlan(shape, random);
        }
    }

    /// <summary>One mixed sample per independent draw of the plan's mode.</summary>
    private static IEnumerable<int> IndependentSamples(MixPlan plan)
    {
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (!plan.IsMixed(i))
            {
                continue;
            }

            if (plan.Mode == LambdaMode.Pair && plan.Partners[i] < i)
            {
                continue;
            }

            yield return i;
            if (plan.Mode == LambdaMode.Batch)
            {
                yield break;
            }
        }
    }
}
