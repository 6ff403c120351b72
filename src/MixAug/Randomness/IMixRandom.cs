namespace MixAug.Randomness;

/// <summary>
/// The only source of randomness MixAug uses. Every random choice of a batch (partners, coins, lambdas, boxes,
/// masks) is drawn from an instance of this interface while a plan is created, and never afterwards.
/// </summary>
/// <remarks>
/// Inject an implementation instead of relying on a global generator, as NodaTime injects its clock: production
/// code uses <see cref="MixRandom"/>; tests can supply a generator that replays chosen values.
/// </remarks>
/// <threadsafety>Implementations are not required to be thread-safe; use one instance per thread or per batch.</threadsafety>
public interface IMixRandom
{
    /// <summary>Returns the next 64 uniformly distributed random bits.</summary>
    /// <returns>A value in [0, 2^64).</returns>
    ulong NextUInt64();

    /// <summary>Returns a uniformly distributed double in [0, 1) with 53 random bits.</summary>
    /// <returns>A value in [0, 1).</returns>
    double NextDouble();

    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound; at least 1.</param>
    /// <returns>A value in [0, maxExclusive).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is below 1.</exception>
    int NextInt(int maxExclusive);
}
