using System.Buffers;
using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MixAug.Masks;

/// <summary>
/// The ranking of <see cref="TopRanking"/> (largest float32 value first, ties to the smaller index) without sorting
/// the plane: one pass puts every element into one of up to 4096 buckets of equal value width, in an order that
/// never contradicts the ranking (a larger value never lands in a later bucket); a mask then only has to resolve
/// the few elements of the buckets that hold its boundary ranks, with the exact 64-bit keys. The masks are the
/// same, bit for bit, as those of a full sort by key.
/// </summary>
/// <remarks>One instance is scratch for one thread; <see cref="WriteMask"/> only reads it, so several threads may
/// write masks from one built ranking at once.</remarks>
internal sealed class BucketRanking
{
    private const int MaxBuckets = 4096;

    private ushort[] _bucket = [];
    private int[] _start = [];
    private int[] _histograms = [];
    private int _length;
    private int _buckets;

    /// <summary>Buckets <paramref name="values"/> (no NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Build(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        int buckets = Math.Clamp(n / 8, 1, MaxBuckets);
        if (_bucket.Length < n)
        {
            _bucket = new ushort[Math.Max(n, _bucket.Length * 2)];
        }

        if (_start.Length < MaxBuckets + 1)
        {
            _start = new int[MaxBuckets + 1];
            _histograms = new int[4 * (MaxBuckets + 1)];
        }

        _length = n;
        _buckets = buckets;
        Span<int> counts = _start.AsSpan(0, buckets + 1);
        counts.Clear();
        Span<ushort> bucket = _bucket.AsSpan(0, n);
        (float min, float max) = MinMax(values);
        float range = max - min;
        if (!(float.IsFinite(range) && range > 0))
        {
            bucket.Clear();
            counts[1] = n; // everything in bucket 0 (counts are shifted by one for the exclusive scan below)
        }
        else
        {
            // (max − v)·scale is non-decreasing as v falls (each rounding is monotone): bucket order agrees with ranks.
            float scale = buckets / range;
            int last = buckets - 1;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> vMax = Vector256.Create(max), vScale = Vector256.Create(scale);
                Vector256<int> vLast = Vector256.Create(last);
                ref float v0 = ref MemoryMarshal.GetReference(values);
                ref ushort b0 = ref MemoryMarshal.GetReference(bucket);
                for (; i <= n - 16; i += 16)
                {
                    Vector256<int> lo = Vector256.Min(Vector256.ConvertToInt32((vMax - Vector256.LoadUnsafe(ref v0, (nuint)i)) * vScale), vLast);
                    Vector256<int> hi = Vector256.Min(Vector256.ConvertToInt32((vMax - Vector256.LoadUnsafe(ref v0, (nuint)(i + 8))) * vScale), vLast);
                    Vector256.Narrow(lo.AsUInt32(), hi.AsUInt32()).StoreUnsafe(ref b0, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                bucket[i] = (ushort)Math.Min((int)((max - values[i]) * scale), last);
            }

            // Neighbouring elements of a smooth image share buckets: four interleaved histograms keep the increments
            // of one bucket from waiting on each other.
            int stride = buckets + 1;
            Span<int> four = _histograms.AsSpan(0, 4 * stride);
            four.Clear();
            ref int h0 = ref MemoryMarshal.GetReference(four);
            ref ushort first = ref MemoryMarshal.GetReference(bucket);
            int j = 0;
            for (; j <= n - 4; j += 4)
            {
                Unsafe.Add(ref h0, Unsafe.Add(ref first, j) + 1)++;
                Unsafe.Add(ref h0, stride + Unsafe.Add(ref first, j + 1) + 1)++;
                Unsafe.Add(ref h0, (2 * stride) + Unsafe.Add(ref first, j + 2) + 1)++;
                Unsafe.Add(ref h0, (3 * stride) + Unsafe.Add(ref first, j + 3) + 1)++;
            }

            for (; j < n; j++)
            {
                four[bucket[j] + 1]++;
            }

            TensorPrimitives.Add(four.Slice(0, stride), four.Slice(stride, stride), counts);
            TensorPrimitives.Add(counts, four.Slice(2 * stride, stride), counts);
            TensorPrimitives.Add(counts, four.Slice(3 * stride, stride), counts);
        }

        for (int b = 1; b <= buckets; b++)
        {
            counts[b] += counts[b - 1]; // now _start[b] = first rank of bucket b, _start[buckets] = n
        }
    }

    /// <summary>
    /// Writes the mask of <see cref="MaskThreshold.Apply(ReadOnlySpan{float}, int, double, Span{float})"/> for the built values: ranks below the soft edge
    /// get 1, the edge the rounded ramp, the rest 0. Every element of <paramref name="mask"/> is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteMask(ReadOnlySpan<float> values, int ownCount, double maxSoft, Span<float> mask)
    {
        int n = _length;
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = MaskThreshold.Layout(n, ownCount, maxSoft);
        if (ones + rampLength == 0)
        {
            mask.Clear();
            return;
        }

        if (ones == n)
        {
            mask.Fill(1f);
            return;
        }

        int lo = BucketOfRank(ones), hi = BucketOfRank(Math.Max(ones + rampLength - 1, ones));
        int candidates = _start[hi + 1] - _start[lo];
        ulong[] rented = ArrayPool<ulong>.Shared.Rent(candidates);
        try
        {
            ReadOnlySpan<ushort> bucket = _bucket.AsSpan(0, n);
            Span<ulong> keys = rented.AsSpan(0, candidates);
            int count = 0;
            uint span = (uint)(hi - lo);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // 16 elements at a time: weight 1 below the boundary buckets; a block touching them is redone below.
                Vector256<ushort> vLo = Vector256.Create((ushort)lo), vSpan = Vector256.Create((ushort)span);
                Vector256<float> one = Vector256<float>.One;
                ref ushort b0 = ref MemoryMarshal.GetReference(bucket);
                ref float m0 = ref MemoryMarshal.GetReference(mask);
                for (; i <= n - 16; i += 16)
                {
                    Vector256<ushort> b = Vector256.LoadUnsafe(ref b0, (nuint)i);
                    Vector256<ushort> below = Vector256.LessThan(b, vLo);
                    (Vector256<int> belowLo, Vector256<int> belowHi) = Vector256.Widen(below.AsInt16()); // all-ones lanes stay all ones
                    (one & belowLo.AsSingle()).StoreUnsafe(ref m0, (nuint)i);
                    (one & belowHi.AsSingle()).StoreUnsafe(ref m0, (nuint)(i + 8));
                    if (Vector256.LessThanOrEqualAny(b - vLo, vSpan))
                    {
                        for (int t = i; t < i + 16; t++)
                        {
                            if ((uint)(bucket[t] - lo) <= span)
                            {
                                keys[count++] = TopRanking.Key(values[t], t);
                            }
                        }
                    }
                }
            }

            for (; i < n; i++)
            {
                int b = bucket[i];
                mask[i] = b < lo ? 1f : 0f;
                if ((uint)(b - lo) <= span)
                {
                    keys[count++] = TopRanking.Key(values[i], i);
                }
            }

            TopRanking.ResolveBoundary(keys, ones - _start[lo], rampLength, rampStart - rampFrom, rampTotal, mask);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Smallest and largest value (no NaN). Which zero comes out when ±0 tie does not matter: any bucketing that is
    /// monotone in the value gives the same masks.
    /// </summary>
    internal static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= 32)
        {
            ref float v0 = ref MemoryMarshal.GetReference(values);
            Vector256<float> lo0 = Vector256.Create(min), lo1 = lo0, hi0 = Vector256.Create(max), hi1 = hi0;
            for (; i <= values.Length - 16; i += 16)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref v0, (nuint)i), b = Vector256.LoadUnsafe(ref v0, (nuint)(i + 8));
                lo0 = Vector256.MinNative(lo0, a);
                lo1 = Vector256.MinNative(lo1, b);
                hi0 = Vector256.MaxNative(hi0, a);
                hi1 = Vector256.MaxNative(hi1, b);
            }

            lo0 = Vector256.MinNative(lo0, lo1);
            hi0 = Vector256.MaxNative(hi0, hi1);
            for (int lane = 0; lane < Vector256<float>.Count; lane++)
            {
                min = Math.Min(min, lo0[lane]);
                max = Math.Max(max, hi0[lane]);
            }
        }

        for (; i < values.Length; i++)
        {
            min = Math.Min(min, values[i]);
            max = Math.Max(max, values[i]);
        }

        return (min, max);
    }

    /// <summary>The bucket holding rank <paramref name="rank"/> (0 ≤ rank &lt; n): the last b with _start[b] ≤ rank.</summary>
    private int BucketOfRank(int rank)
    {
        int lo = 0, hi = _buckets - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_start[mid] <= rank)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}
