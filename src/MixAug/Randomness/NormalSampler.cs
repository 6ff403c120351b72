namespace MixAug.Randomness;

/// <summary>Draws standard normal variates with Marsaglia's polar method from an injected generator.</summary>
public static class NormalSampler
{
    /// <summary>Draws one N(0, 1) variate.</summary>
    /// <param name="random">The generator to draw from.</param>
    /// <returns>A finite standard normal value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    // The second variate of the pair is dropped: keeping it would make the sampler stateful.
    public static double Sample(IMixRandom random) => SamplePair(random).A;

    /// <summary>Draws two independent N(0, 1) variates from one accepted point of the polar method.</summary>
    /// <param name="random">The generator to draw from.</param>
    /// <returns>The pair; <c>A</c> is what <see cref="Sample"/> returns for the same draws.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public static (double A, double B) SamplePair(IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
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
