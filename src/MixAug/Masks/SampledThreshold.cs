using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MixAug.Masks;

/// <summary>
/// One mask of <see cref="MaskThreshold"/> from values ranked by nothing else: instead of bucketing every element (what
/// <see cref="BucketRanking"/> does so that many masks can share one ranking), an eighth of the plane is sampled to
/// guess two thresholds that bracket the boundary ranks, one vector pass writes the mask above the upper threshold and
/// collects the few elements between the two, and only those are ranked by their exact keys. The counts of that pass
/// prove the guess; a wrong guess is retried once with wider margins and then left to <see cref="BucketRanking"/>, so
/// the mask is always the exact one.
/// </summary>
/// <remarks>One instance is scratch for one thread.</remarks>
internal sealed class SampledThreshold
{
    /// <summary>Planes smaller than this are left to <see cref="BucketRanking"/>: sampling would not pay.</summary>
    internal const int MinimumLength = 4096;

    private const int Buckets = 1024;
    private const int ChunkLength = 32;  // contiguous elements per sampled chunk (whole 256-bit vectors)
    private const int ChunkStride = 256; // one chunk every this many elements: an eighth of the plane
    private const double TightSigmas = 2;
    private const double WideSigmas = 6;

    private readonly int[] _histogram = new int[Buckets + 1];
    private readonly int[] _histograms = new int[4 * (Buckets + 1)];
    private ulong[] _keys = [];

    /// <summary>How the last <see cref="TryWriteMask"/> ended (a test hook: every way must give the same mask).</summary>
    internal Outcome LastOutcome { get; private set; }

    /// <summary>Test hook: the widest vectors the pass may use (256, 128, or 1 for scalar code); masks never depend on it.</summary>
    internal static int MaxVectorBits { get; set; } = 256;

    /// <summary>How a call ended.</summary>
    internal enum Outcome
    {
        /// <summary>The mask needed no ranking (all weights 0 or all 1).</summary>
        Trivial,

        /// <summary>The first, tight bracket held the boundary ranks.</summary>
        Tight,

        /// <summary>The second, wide bracket held them.</summary>
        Wide,

        /// <summary>Neither did, or the plane is too small or its sampled values are not finite: nothing was written.</summary>
        NotWritten,
    }

    /// <summary>
    /// Writes the mask of <see cref="MaskThreshold.Apply(ReadOnlySpan{float}, int, double, Span{float})"/> for
    /// <paramref name="values"/> (no NaN), or returns false without a usable mask (then rank with
    /// <see cref="BucketRanking"/>).
    /// </summary>
    public bool TryWriteMask(ReadOnlySpan<float> values, int ownCount, double maxSoft, Span<float> mask)
    {
        int n = values.Length;
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = MaskThreshold.Layout(n, ownCount, maxSoft);
        if (ones + rampLength == 0 || ones == n)
        {
            mask.Fill(ones == n ? 1f : 0f);
            LastOutcome = Outcome.Trivial;
            return true;
        }

        LastOutcome = Outcome.NotWritten;
        if (n < MinimumLength)
        {
            return false;
        }

        (float max, float scale, int sampled) = SampleHistogram(values);
        if (sampled == 0)
        {
            return false;
        }

        // Room for the soft edge (whose keys must be sorted anyway) and an eighth of the plane around it; a bracket
        // holding more is too wide to be worth it.
        int capacity = (int)Math.Min(n, rampLength + (n / 8L) + 64);
        if (_keys.Length < capacity)
        {
            _keys = new ulong[capacity];
        }

        int end = ones + rampLength;
        foreach ((double sigmas, Outcome outcome) in (ReadOnlySpan<(double, Outcome)>)[(TightSigmas, Outcome.Tight), (WideSigmas, Outcome.Wide)])
        {
            float upper = Threshold(max, scale, sampled, (double)ones / n, -sigmas);
            float lower = Threshold(max, scale, sampled, (double)end / n, +sigmas);
            (int above, int band) = Pass(values, upper, lower, mask, capacity);
            if (band >= 0 && above <= ones && above + band >= end)
            {
                TopRanking.ResolveBoundary(_keys.AsSpan(0, band), ones - above, rampLength, rampStart - rampFrom, rampTotal, mask);
                LastOutcome = outcome;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Histograms the sampled chunks into <see cref="Buckets"/> buckets of equal width over their value range, largest
    /// values in bucket 0, as cumulative counts: <c>_histogram[b]</c> = sampled values in buckets below b.
    /// </summary>
    /// <returns>The sampled maximum and the bucket scale, and the number sampled (0 when the range is not finite and positive).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (float Max, float Scale, int Sampled) SampleHistogram(ReadOnlySpan<float> values)
    {
        int n = values.Length, sampled = 0;
        ref float v0 = ref MemoryMarshal.GetReference(values);
        Vector256<float> lo = Vector256.Create(float.PositiveInfinity), hi = Vector256.Create(float.NegativeInfinity);
        for (int start = 0; start + ChunkLength <= n; start += ChunkStride)
        {
            for (int j = 0; j < ChunkLength; j += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)(start + j));
                lo = Vector256.Min(lo, v);
                hi = Vector256.Max(hi, v);
            }

            sampled += ChunkLength;
        }

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int lane = 0; lane < Vector256<float>.Count; lane++)
        {
            min = Math.Min(min, lo[lane]);
            max = Math.Max(max, hi[lane]);
        }

        float range = max - min;
        if (!(float.IsFinite(range) && range > 0))
        {
            return (0, 0, 0);
        }

        // Neighbouring values of a smooth plane share buckets: four interleaved histograms keep the increments of one
        // bucket from waiting on each other.
        float scale = Buckets / range;
        const int Stride = Buckets + 1;
        Span<int> four = _histograms;
        four.Clear();
        Span<int> bucket = stackalloc int[ChunkLength];
        Vector256<float> vMax = Vector256.Create(max), vScale = Vector256.Create(scale);
        Vector256<int> vLast = Vector256.Create(Buckets - 1);
        for (int start = 0; start + ChunkLength <= n; start += ChunkStride)
        {
            for (int j = 0; j < ChunkLength; j += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)(start + j));
                Vector256.Min(Vector256.ConvertToInt32((vMax - v) * vScale), vLast).CopyTo(bucket.Slice(j));
            }

            for (int j = 0; j < ChunkLength; j += 4)
            {
                four[bucket[j]]++;
                four[Stride + bucket[j + 1]]++;
                four[(2 * Stride) + bucket[j + 2]]++;
                four[(3 * Stride) + bucket[j + 3]]++;
            }
        }

        Span<int> counts = _histogram;
        counts[0] = 0;
        for (int b = 0; b < Buckets; b++)
        {
            counts[b + 1] = counts[b] + four[b] + four[Stride + b] + four[(2 * Stride) + b] + four[(3 * Stride) + b];
        }

        return (max, scale, sampled);
    }

    /// <summary>
    /// A threshold at plane share <paramref name="share"/> of the ranks, moved by <paramref name="sigmas"/> binomial
    /// standard deviations of the sample (negative: towards larger values): the edge of the first bucket whose
    /// cumulative count reaches the moved sample rank; ±∞ when the moved rank falls outside the sample.
    /// </summary>
    private float Threshold(float max, float scale, int sampled, double share, double sigmas)
    {
        double rank = (share * sampled) + (sigmas * Math.Sqrt(sampled * share * (1 - share))) + Math.Sign(sigmas) * 8;
        if (rank <= 0)
        {
            return float.PositiveInfinity;
        }

        if (rank >= sampled)
        {
            return float.NegativeInfinity;
        }

        // The first b with at least `rank` sampled values in buckets below it; bucket b starts at max − b/scale.
        ReadOnlySpan<int> counts = _histogram;
        int lo = 0, hi = Buckets;
        while (lo < hi)
        {
            int mid = (lo + hi) >> 1;
            if (counts[mid] >= rank)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return sigmas < 0 ? max - ((lo - 1) / scale) : max - (lo / scale);
    }

    /// <summary>
    /// Writes 1 where a value is above <paramref name="upper"/> and 0 elsewhere, counts the ones, and collects the keys of
    /// the values in [<paramref name="lower"/>, <paramref name="upper"/>].
    /// </summary>
    /// <returns>The count above, and the count collected (−1 when they did not fit: the bracket is too wide).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Above, int Band) Pass(ReadOnlySpan<float> values, float upper, float lower, Span<float> mask, int capacity)
    {
        int n = values.Length, i = 0, above = 0, band = 0;
        Span<ulong> keys = _keys;
        ref float v0 = ref MemoryMarshal.GetReference(values);
        ref float m0 = ref MemoryMarshal.GetReference(mask);
        if (MaxVectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vUpper = Vector256.Create(upper), vLower = Vector256.Create(lower);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref v0, (nuint)i);
                Vector256<float> isAbove = Vector256.GreaterThan(v, vUpper);
                (Vector256<float>.One & isAbove).StoreUnsafe(ref m0, (nuint)i);
                above += BitOperations.PopCount(isAbove.ExtractMostSignificantBits());
                uint inBand = Vector256.AndNot(Vector256.GreaterThanOrEqual(v, vLower), isAbove).ExtractMostSignificantBits();
                if (inBand != 0 && !Collect(inBand, i, values, keys, ref band, capacity))
                {
                    return (above, -1);
                }
            }
        }

        if (MaxVectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vUpper = Vector128.Create(upper), vLower = Vector128.Create(lower);
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                Vector128<float> v = Vector128.LoadUnsafe(ref v0, (nuint)i);
                Vector128<float> isAbove = Vector128.GreaterThan(v, vUpper);
                (Vector128<float>.One & isAbove).StoreUnsafe(ref m0, (nuint)i);
                above += BitOperations.PopCount(isAbove.ExtractMostSignificantBits());
                uint inBand = Vector128.AndNot(Vector128.GreaterThanOrEqual(v, vLower), isAbove).ExtractMostSignificantBits();
                if (inBand != 0 && !Collect(inBand, i, values, keys, ref band, capacity))
                {
                    return (above, -1);
                }
            }
        }

        for (; i < n; i++)
        {
            float v = values[i];
            bool isAbove = v > upper;
            mask[i] = isAbove ? 1f : 0f;
            above += isAbove ? 1 : 0;
            if (!isAbove && v >= lower && !Collect(1u, i, values, keys, ref band, capacity))
            {
                return (above, -1);
            }
        }

        return (above, band);
    }

    /// <summary>Appends the keys of the elements <paramref name="first"/> + each set bit of <paramref name="lanes"/>.</summary>
    private static bool Collect(uint lanes, int first, ReadOnlySpan<float> values, Span<ulong> keys, ref int count, int capacity)
    {
        if (count + BitOperations.PopCount(lanes) > capacity)
        {
            return false;
        }

        while (lanes != 0)
        {
            int index = first + BitOperations.TrailingZeroCount(lanes);
            keys[count++] = TopRanking.Key(values[index], index);
            lanes &= lanes - 1;
        }

        return true;
    }
}
