using MixAug.Internal;

namespace MixAug.Randomness;

/// <summary>
/// MixAug's own pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018) seeded through SplitMix64.
/// The sequence for a seed is part of MixAug's contract, so it never wraps <see cref="System.Random"/>, whose
/// algorithm is a runtime detail.
/// </summary>
/// <remarks>
/// <para>Integer draws use only integer arithmetic, and <see cref="NextDouble"/> is an exact conversion of 53 bits,
/// so the stream is bit-identical on every machine, operating system and thread count.</para>
/// <para>Use <see cref="ForBatch"/> to derive an independent stream per (seed, epoch, batch index): batches then
/// do not depend on which worker drew them or in which order.</para>
/// </remarks>
/// <threadsafety>Not thread-safe: an instance has mutable state. Use one per thread, or one per batch via
/// <see cref="ForBatch"/>.</threadsafety>
public sealed class MixRandom : IMixRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any 64-bit value; equal seeds give equal sequences.</param>
    public MixRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>
    /// Creates the generator of one batch: a stream that depends only on the run's <paramref name="seed"/>, the
    /// <paramref name="epoch"/> and the <paramref name="batchIndex"/>, and not on scheduling.
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The epoch number (any value, usually counting from 0).</param>
    /// <param name="batchIndex">The batch number within the epoch.</param>
    /// <returns>A fresh generator owned by the caller.</returns>
    public static MixRandom ForBatch(ulong seed, long epoch, long batchIndex)
    {
        // Each coordinate goes through the SplitMix64 finaliser before it is combined, so nearby triples
        // such as (s, 0, 1) and (s, 1, 0) land on unrelated states.
        ulong x = seed;
        ulong h = SplitMix64(ref x);
        x = h ^ (ulong)epoch;
        h = SplitMix64(ref x);
        x = h ^ (ulong)batchIndex;
        h = SplitMix64(ref x);
        return new MixRandom(h);
    }

    /// <summary>
    /// Returns an independent generator for sub-stream <paramref name="stream"/> of this one's current state.
    /// This generator advances by one draw.
    /// </summary>
    /// <param name="stream">A number that tells sub-streams apart (a worker, a sample, a view).</param>
    /// <returns>A fresh generator owned by the caller.</returns>
    public MixRandom Fork(ulong stream)
    {
        ulong x = NextUInt64() ^ (stream * 0xD1B54A32D192ED03UL);
        return new MixRandom(SplitMix64(ref x));
    }

    /// <inheritdoc />
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <inheritdoc />
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc />
    public int NextInt(int maxExclusive)
    {
        Guard.Positive(maxExclusive);
        // Lemire's nearly-divisionless method: unbiased, and integer-only so identical everywhere.
        ulong range = (ulong)maxExclusive;
        UInt128 product = (UInt128)NextUInt64() * range;
        ulong low = (ulong)product;
        if (low < range)
        {
            ulong threshold = (0UL - range) % range;
            while (low < threshold)
            {
                product = (UInt128)NextUInt64() * range;
                low = (ulong)product;
            }
        }

        return (int)(product >> 64);
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
