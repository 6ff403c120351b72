namespace MixAug.Testing;

/// <content>The distributions the checks test against: the Kolmogorov–Smirnov test and the Beta distribution function, with the special functions they need.</content>
public static partial class MixStatistics
{
    /// <summary>The one-sample Kolmogorov–Smirnov statistic and its asymptotic p-value (Stephens' small-sample correction).</summary>
    /// <param name="sample">The sample (at least 20 values).</param>
    /// <param name="cdf">The hypothesised cumulative distribution function.</param>
    /// <returns>The statistic D and the p-value.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">Fewer than 20 values, a value is NaN, or <paramref name="cdf"/> returns a value
    /// outside [0, 1].</exception>
    public static (double Statistic, double PValue) KolmogorovSmirnov(IReadOnlyCollection<double> sample, Func<double, double> cdf) =>
        KolmogorovSmirnov(sample, cdf, nameof(sample));

    private static (double Statistic, double PValue) KolmogorovSmirnov(IReadOnlyCollection<double> sample, Func<double, double> cdf, string sampleName)
    {
        ArgumentNullException.ThrowIfNull(sample, sampleName);
        ArgumentNullException.ThrowIfNull(cdf);
        if (sample.Count < 20)
        {
            throw new ArgumentException($"A Kolmogorov-Smirnov test needs at least 20 values; {sample.Count} were given.", sampleName);
        }

        double[] x = sample.Order().ToArray();
        if (x.Any(double.IsNaN))
        {
            throw new ArgumentException($"{x.Count(double.IsNaN)} of the {x.Length} values are NaN, which no distribution produces.", sampleName);
        }

        int n = x.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(x[i]);
            if (!(f >= 0 && f <= 1))
            {
                throw new ArgumentException($"cdf({x[i]}) is {f}; a distribution function lies in [0, 1].", nameof(cdf));
            }

            d = Math.Max(d, Math.Max(((i + 1.0) / n) - f, f - ((double)i / n)));
        }

        double sqrtN = Math.Sqrt(n);
        return (d, KolmogorovQ((sqrtN + 0.12 + (0.11 / sqrtN)) * d));
    }

    /// <summary>The regularised incomplete beta function I_x(a, b), the CDF of Beta(a, b).</summary>
    /// <param name="x">The point, in [0, 1].</param>
    /// <param name="a">First shape, in [1e-300, 1e6].</param>
    /// <param name="b">Second shape, in [1e-300, 1e6].</param>
    /// <returns>P(X ≤ x) for X ~ Beta(a, b).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="x"/> is NaN, or a shape is outside [1e-300, 1e6] (beyond it
    /// the log-gamma difference loses its accuracy).</exception>
    public static double BetaCdf(double x, double a, double b)
    {
        if (double.IsNaN(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "x is NaN; a distribution function is defined for numbers.");
        }

        CheckShapes(a, b);
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = Math.Exp((a * Math.Log(x)) + (b * Math.Log(1 - x)) - LogBeta(a, b));
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(x, a, b) / a
            : 1 - (front * BetaContinuedFraction(1 - x, b, a) / b);
    }

    private static double KolmogorovQ(double lambda)
    {
        if (lambda < 0.2)
        {
            return 1;
        }

        double sum = 0;
        for (int j = 1; j <= 100; j++)
        {
            double term = Math.Exp(-2.0 * j * j * lambda * lambda);
            sum += (j % 2 == 1 ? 2 : -2) * term;
            if (term < 1e-16)
            {
                break;
            }
        }

        return Math.Clamp(sum, 0, 1);
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15 relative for x &gt; 0.</summary>
    private static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Γ(x) = Γ(x + 1)/x: exact, and finite down to the smallest double (the reflection formula overflowed there).
            return LogGamma(x + 1) - Math.Log(x);
        }

        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++)
        {
            sum += c[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>Lentz's evaluation of the continued fraction of the incomplete beta function.</summary>
    private static double BetaContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - (qab * x / qap);
        d = Math.Abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + (aa * d);
            d = Math.Abs(d) < tiny ? tiny : d;
            c = 1 + (aa / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }
}
