namespace MixAug.Randomness;

/// <summary>Draws Beta(a, b) variates as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), computed in log space.</summary>
/// <remarks>
/// The ratio is evaluated as 1 / (1 + exp(log Y − log X)), which is finite and in [0, 1] for every shape, however
/// small: no 0/0 and no fallback to any other generator. When both logarithms overflow to −∞ (shapes near the smallest
/// double, where the variate is 0 or 1 with overwhelming probability), their parts are compared exactly instead.
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
        ArgumentNullException.ThrowIfNull(random);
        Internal.Guard.PositiveFinite(a);
        Internal.Guard.PositiveFinite(b);
        (double boostedX, double logUX) = GammaSampler.SampleLogParts(random, a);
        (double boostedY, double logUY) = GammaSampler.SampleLogParts(random, b);
        double logX = boostedX + (logUX / a);
        double logY = boostedY + (logUY / b);
        if (logX == double.NegativeInfinity && logY == double.NegativeInfinity)
        {
            // log Y − log X = (boostedY − boostedX) + (logUY/b − logUX/a); the second term's sign is that of
            // logUY·a − logUX·b (both factors finite), and it dominates unless the two are equal. Both shapes are below
            // 1e-306 here (|logU| ≤ 37), so logU·a would underflow to a few units of double.Epsilon, or to 0, and tie
            // (a third of the draws at a = double.Epsilon): scale the shapes by 2^1074 first, which is exact and keeps
            // every product in the normal range.
            double sign = (logUY * Math.ScaleB(a, 1074)) - (logUX * Math.ScaleB(b, 1074));
            return sign > 0 ? 0.0 : sign < 0 ? 1.0 : 1.0 / (1.0 + Math.Exp(boostedY - boostedX));
        }

        return 1.0 / (1.0 + Math.Exp(logY - logX));
    }
}
