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

    [ThreadStatic]
    private static BucketRanking? _perThread;

    private ushort[] _bucket = [];
    private int[] _start = [];
    private int _length;
    private int _buckets;

    /// <summary>A ranking object reused by the calling thread.</summary>
    public static BucketRanking ForThread() => _perThread ??= new BucketRanking();

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
        }

        _length = n;
        _buckets = buckets;
        Span<int> counts = _start.AsSpan(0, buckets + 1);
        counts.Clear();
        Span<ushort> bucket = _bucket.AsSpan(0, n);
        float max = TensorPrimitives.Max(values), min = TensorPrimitives.Min(values);
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

            foreach (ushort b in bucket)
            {
                counts[b + 1]++;
            }
        }

        for (int b = 1; b <= buckets; b++)
        {
            counts[b] += counts[b - 1]; // now _start[b] = first rank of bucket b, _start[buckets] = n
        }
    }

    /// <summary>
    /// Writes the mask of <see cref="FourierMaskGenerator.Threshold"/> for the built values: ranks below the soft edge
    /// get 1, the edge the rounded ramp, the rest 0. Every element of <paramref name="mask"/> is written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void WriteMask(ReadOnlySpan<float> values, int ownCount, double maxSoft, Span<float> mask)
    {
        int n = _length;
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = FourierMaskGenerator.Layout(n, ownCount, maxSoft);
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
            for (int i = 0; i < n; i++)
            {
                int b = bucket[i];
                mask[i] = b < lo ? 1f : 0f;
                if ((uint)(b - lo) <= span)
                {
                    keys[count++] = TopRanking.Key(values[i], i);
                }
            }

            int localOnes = ones - _start[lo];
            TopRanking.SelectSmallest(keys, localOnes);
            for (int j = 0; j < localOnes; j++)
            {
                mask[TopRanking.IndexOf(keys[j])] = 1f;
            }

            if (rampLength > 0)
            {
                Span<ulong> rest = keys.Slice(localOnes);
                TopRanking.SelectSmallest(rest, rampLength);
                Span<ulong> ramp = rest.Slice(0, rampLength);
                ramp.Sort();
                for (int j = 0; j < rampLength; j++)
                {
                    mask[TopRanking.IndexOf(ramp[j])] = (float)FourierMaskGenerator.Ramp(rampStart - rampFrom + j, rampTotal);
                }
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }
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
