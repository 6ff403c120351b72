namespace MixAug.Randomness;

/// <summary>
/// Draws Gamma(shape, 1) variates, returned as their natural logarithm so that tiny shapes cannot underflow to 0.
/// </summary>
/// <remarks>
/// Marsaglia and Tsang (2000) for shape ≥ 1; for shape &lt; 1 the boost Gamma(a) = Gamma(a + 1)·U^(1/a), taken in
/// log space (log Gamma(a + 1) + log(U)/a). With a = 1e-4 the plain product would be 0 in almost every draw and a
/// Beta built from two of them would be 0/0 (the defect Math.NET covers with a global coin). Every bit comes from
/// the injected generator.
/// </remarks>
public static class GammaSampler
{
    /// <summary>Draws log(X) for X ~ Gamma(<paramref name="shape"/>, 1).</summary>
    /// <param name="random">The generator to draw from.</param>
    /// <param name="shape">The shape parameter; finite and greater than 0.</param>
    /// <returns>The natural logarithm of the Gamma variate (finite).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shape"/> is not a finite positive number.</exception>
    public static double SampleLog(IMixRandom random, double shape)
    {
        (double boosted, double logU) = SampleLogParts(random, shape);
        return boosted + (logU / shape);
    }

    /// <summary>
    /// Draws log(X) in two parts, <c>log X = Boosted + LogU / shape</c> (LogU = 0 for shape ≥ 1), with the same draws as
    /// <see cref="SampleLog"/>. For a shape near the smallest double, LogU / shape overflows to −∞ although the ratio
    /// of two such variates is still defined; <see cref="BetaSampler"/> compares the parts instead.
    /// </summary>
    internal static (double Boosted, double LogU) SampleLogParts(IMixRandom random, double shape)
    {
        ArgumentNullException.ThrowIfNull(random);
        Internal.Guard.PositiveFinite(shape);
        if (shape < 1)
        {
            double boosted = SampleLogAtLeastOne(random, shape + 1);
            double u = 1.0 - random.NextDouble(); // in (0, 1], so the logarithm is finite
            return (boosted, Math.Log(u));
        }

        return (SampleLogAtLeastOne(random, shape), 0.0);
    }

    private static double SampleLogAtLeastOne(IMixRandom random, double shape)
    {
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x = NormalSampler.Sample(random);
            double t = 1.0 + c * x;
            if (t <= 0)
            {
                continue;
            }

            double v = t * t * t;
            double u = 1.0 - random.NextDouble();
            double x2 = x * x;
            // The squeeze accepts about 98 % of draws without a logarithm.
            if (u < 1.0 - 0.0331 * x2 * x2 || Math.Log(u) < 0.5 * x2 + d * (1.0 - v + Math.Log(v)))
            {
                return Math.Log(d) + Math.Log(v);
            }
        }
    }
}
