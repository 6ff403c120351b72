namespace MixAug.Randomness;

/// <summary>Draws Beta(a, b) variates as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), computed in log space.</summary>
/// <remarks>
/// The ratio is evaluated as 1 / (1 + exp(log Y − log X)), which is finite and in [0, 1] for every shape, however
/// small: no 0/0 and no fallback to any other generator.
/// </remarks>
public static class BetaSampler
{
    /// <summary>Draws one Beta(<paramref name="a"/>, <paramref name="b"/>) variate.</summary>
    /// <param name="random">The generator to draw from.</param>
    /// <param name="a">First shape; finite and greater than 0.</param>
    /// <param name="b">Second shape; finite and greater than 0.</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A shape is not a finite positive number.</exception>
    public static double Sample(IMixRandom random, double a, double b)
    {
        double logX = GammaSampler.SampleLog(random, a);
        double logY = GammaSampler.SampleLog(random, b);
        return 1.0 / (1.0 + Math.Exp(logY - logX));
    }
}
