using System.Buffers;
using MixAug.Internal;
using MixAug.Randomness;

namespace MixAug.Masks;

/// <summary>
/// Turning a ranking into a mask with an exact own share, as FMix and SaliencyMix's mask mode do: the number of own
/// elements is drawn from λ by unbiased rounding, the <c>ownCount</c> highest-ranked elements get weight 1 and the
/// rest 0, with an optional linear soft edge. The mean of such a mask depends on the counts only, so a plan knows its
/// exact lambda before any noise is synthesised.
/// </summary>
/// <remarks>
/// <para><b>Ranking.</b> Elements are ranked by value, largest first, values compared as float32, ties broken by the
/// smaller index, so the ranking is a total order.</para>
/// <para><b>Soft edge.</b> With λ = ownCount/N and <c>s = ⌊N·min(maxSoft, λ, 1 − λ)⌋</c>: ranks below ownCount − s get 1,
/// ranks in [ownCount − s, ownCount + s) a linear ramp from 1 to 0 (numpy's <c>linspace(1, 0, 2s)</c>, each value rounded
/// to a multiple of 2^−24), the rest 0. The rounding makes every partial sum of the weights exact in double, so the
/// mean is exact in any order of summation.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class MaskThreshold
{
    /// <summary>
    /// Draws the number of own elements for a sampled λ by unbiased stochastic rounding: ⌊λ·N⌋, plus one with
    /// probability equal to the fractional part (the FMix reference flips a fair coin between floor and ceiling, which
    /// is biased unless the fraction is 1/2). Draws one double from <paramref name="random"/>.
    /// </summary>
    /// <param name="lambda">The sampled weight of the sample itself, in [0, 1].</param>
    /// <param name="planeSize">Number of elements N (at least 1).</param>
    /// <param name="random">The generator.</param>
    /// <returns>A count in [0, N] whose expectation is λ·N.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
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
    /// The exact mean of the mask that <see cref="Apply(ReadOnlySpan{float}, int, double, Span{float})"/> writes for <paramref name="ownCount"/> and
    /// <paramref name="maxSoft"/>; it depends on the counts only, not on the values.
    /// </summary>
    /// <param name="planeSize">Number of elements N (at least 1).</param>
    /// <param name="ownCount">Number of elements ranked as the sample's own, in [0, N].</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5].</param>
    /// <returns>The mask mean, equal bit for bit to the double mean of the written weights in any order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double Mean(int planeSize, int ownCount, double maxSoft)
    {
        CheckCounts(planeSize, ownCount);
        return WeightSum(planeSize, ownCount, maxSoft) / planeSize;
    }

    /// <summary>
    /// The sum of the mask's weights, exact in double: every ramp value is a multiple of 2^−24 and a plane holds at most
    /// 2^27 elements, so each partial sum needs at most 51 bits. <see cref="Mean"/> is this sum divided by N.
    /// </summary>
    internal static double WeightSum(int planeSize, int ownCount, double maxSoft)
    {
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = Layout(planeSize, ownCount, maxSoft);
        double sum = ones;
        for (int j = 0; j < rampLength; j++)
        {
            sum += Ramp(rampStart - rampFrom + j, rampTotal);
        }

        return sum;
    }

    /// <summary>
    /// Thresholds <paramref name="values"/> into <paramref name="mask"/>: the <paramref name="ownCount"/> largest values
    /// get weight 1 (minus the soft edge), the rest 0 (see the remarks).
    /// </summary>
    /// <param name="values">The values to rank; no NaN (infinities rank as the largest and smallest values).</param>
    /// <param name="ownCount">Number of elements that belong to the sample itself, in [0, N].</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5]; 0 gives a binary mask.</param>
    /// <param name="mask">Receives the weights; same length as <paramref name="values"/>.</param>
    /// <returns>The exact mean of the mask, equal to <see cref="Mean"/>.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ownCount"/> or <paramref name="maxSoft"/> is out of range.</exception>
    public static double Apply(ReadOnlySpan<float> values, int ownCount, double maxSoft, Span<float> mask)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("There are no values to threshold.", nameof(values));
        }

        Guard.Length(mask.Length, values.Length, nameof(mask), "the values");
        CheckCounts(values.Length, ownCount);
        CheckMaxSoft(maxSoft);
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                throw new ArgumentException($"Value {i} is NaN, which has no rank.", nameof(values));
            }
        }

        if (!new SampledThreshold().TryWriteMask(values, ownCount, maxSoft, mask))
        {
            var ranking = new BucketRanking();
            ranking.Build(values);
            ranking.WriteMask(values, ownCount, maxSoft, mask);
        }

        return Mean(values.Length, ownCount, maxSoft);
    }

    /// <summary>As <see cref="Apply(ReadOnlySpan{float}, int, double, Span{float})"/>, for double values (compared as float32).</summary>
    /// <param name="values">The values to rank; no NaN.</param>
    /// <param name="ownCount">Number of own elements, in [0, N].</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5].</param>
    /// <param name="mask">Receives the weights.</param>
    /// <returns>The exact mean of the mask.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ownCount"/> or <paramref name="maxSoft"/> is out of range.</exception>
    public static double Apply(ReadOnlySpan<double> values, int ownCount, double maxSoft, Span<float> mask)
    {
        float[] rented = ArrayPool<float>.Shared.Rent(Math.Max(values.Length, 1));
        try
        {
            Span<float> single = rented.AsSpan(0, values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                single[i] = (float)values[i];
            }

            return Apply(single, ownCount, maxSoft, mask);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    internal static void CheckMaxSoft(double maxSoft, string name = "maxSoft")
    {
        if (!(maxSoft >= 0 && maxSoft <= 0.5))
        {
            throw new ArgumentOutOfRangeException(name, maxSoft, $"{name} must lie in [0, 0.5]; it was {maxSoft}.");
        }
    }

    private static void CheckCounts(int planeSize, int ownCount)
    {
        Guard.Positive(planeSize);
        if ((uint)ownCount > (uint)planeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ownCount), ownCount, $"ownCount must lie in [0, planeSize = {planeSize}]; it was {ownCount}.");
        }
    }

    /// <summary>
    /// The soft-edge layout: ranks [0, ones) get 1, ranks [rampStart, rampStart + rampLength) get ramp values
    /// <c>Ramp(rank − rampFrom, rampTotal)</c>, the rest 0. The ramp nominally spans [ownCount − s, ownCount + s)
    /// and is clipped to [0, N).
    /// </summary>
    internal static (int Ones, int RampStart, int RampLength, int RampFrom, int RampTotal) Layout(int n, int ownCount, double maxSoft)
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
    internal static double Ramp(int j, int total) =>
        Math.Round((1.0 - ((double)j / (total - 1))) * 16_777_216.0) / 16_777_216.0;
}
