namespace MixAug.Randomness;

/// <summary>Draws standard normal variates with Marsaglia's polar method from an injected generator.</summary>
public static class NormalSampler
{
    /// <summary>Draws one N(0, 1) variate.</summary>
    /// <param name="random">The generator to draw from.</param>
    /// <returns>A finite standard normal value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    public static double Sample(IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        while (true)
        {
            double u = 2.0 * random.NextDouble() - 1.0;
            double v = 2.0 * random.NextDouble() - 1.0;
            double s = u * u + v * v;
            if (s > 0 && s < 1)
            {
                // The second variate of the pair is dropped: keeping it would make the sampler stateful.
                return u * Math.Sqrt(-2.0 * Math.Log(s) / s);
            }
        }
    }
}
