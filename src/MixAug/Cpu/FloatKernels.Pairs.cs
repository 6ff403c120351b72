using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Cpu;

/// <summary>
/// The pair kernels of <see cref="FloatKernels"/>: the two samples of a 2-cycle (the flip pairing's pairs), each the
/// other's partner, mixed in one pass. Each output element is what <see cref="Blend"/> or <see cref="MaskBlend"/>
/// would make of its sample and partner (for masks, weight 1 keeps the sample and 0 takes the partner; no fused
/// multiply-add anywhere), but both
/// sources are read before either output is written: in place, the pair needs no spare copy of one sample, and each
/// element is loaded once for both outputs instead of twice.
/// </summary>
internal readonly unsafe partial struct FloatKernels
{
    /// <summary>One row of two soft boxes: the weights <c>1f − gy·gx</c> of each sample made on the way, as <see cref="SoftRowBlend"/> makes them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftPairRowBlend(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            SoftPairRowBlend512(a, b, rowA, rowB, destinationA, destinationB, count, stream);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            SoftPairRowBlend256(a, b, rowA, rowB, destinationA, destinationB, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            SoftPairRowBlend128(a, b, rowA, rowB, destinationA, destinationB, count);
        }
        else
        {
            SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, 0, count);
        }
    }

    /// <summary>Two samples mixed by their weight planes (FMix, saliency masks): <paramref name="maskA"/> weighs <c>a</c> against <c>b</c>, <paramref name="maskB"/> <c>b</c> against <c>a</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaskPairBlend(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MaskPairBlend512(a, b, maskA, maskB, destinationA, destinationB, count, stream);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            MaskPairBlend256(a, b, maskA, maskB, destinationA, destinationB, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            MaskPairBlend128(a, b, maskA, maskB, destinationA, destinationB, count);
        }
        else
        {
            MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, 0, count);
        }
    }

    /// <summary>Two samples blended by fixed weights (Mixup): <c>a·A.Self + b·A.Partner</c> and <c>b·B.Self + a·B.Partner</c>, as <see cref="Blend"/> makes each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BlendPair(float* a, float* b, BlendWeights weightsA, BlendWeights weightsB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            BlendPair512(a, b, weightsA, weightsB, destinationA, destinationB, count, stream);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BlendPair256(a, b, weightsA, weightsB, destinationA, destinationB, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            BlendPair128(a, b, weightsA, weightsB, destinationA, destinationB, count);
        }
        else
        {
            BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, 0, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftPairRowBlend512(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        int k = KernelAlignment.Head(destinationA, count, 64);
        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB, streamed = Streams(stream, a, destinationA, destinationB);
        float* columnsA = rowA.ColumnFalloffs, columnsB = rowB.ColumnFalloffs;
        Vector512<float> one = Vector512<float>.One, gyA = Vector512.Create(rowA.RowFalloff), gyB = Vector512.Create(rowB.RowFalloff);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            PairStep512(a, b, one - (gyA * Vector512.Load(columnsA + k)), one - (gyB * Vector512.Load(columnsB + k)), destinationA, destinationB, k, inPlace, streamed);
        }

        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftPairRowBlend256(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 32);
        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB;
        float* columnsA = rowA.ColumnFalloffs, columnsB = rowB.ColumnFalloffs;
        Vector256<float> one = Vector256<float>.One, gyA = Vector256.Create(rowA.RowFalloff), gyB = Vector256.Create(rowB.RowFalloff);
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            PairStep256(a, b, one - (gyA * Vector256.Load(columnsA + k)), one - (gyB * Vector256.Load(columnsB + k)), destinationA, destinationB, k, inPlace);
        }

        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftPairRowBlend128(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 16);
        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB;
        float* columnsA = rowA.ColumnFalloffs, columnsB = rowB.ColumnFalloffs;
        Vector128<float> one = Vector128<float>.One, gyA = Vector128.Create(rowA.RowFalloff), gyB = Vector128.Create(rowB.RowFalloff);
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            PairStep128(a, b, one - (gyA * Vector128.Load(columnsA + k)), one - (gyB * Vector128.Load(columnsB + k)), destinationA, destinationB, k, inPlace);
        }

        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskPairBlend512(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        int k = KernelAlignment.Head(destinationA, count, 64);
        MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB, streamed = Streams(stream, a, destinationA, destinationB);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            PairStep512(a, b, Vector512.Load(maskA + k), Vector512.Load(maskB + k), destinationA, destinationB, k, inPlace, streamed);
        }

        MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskPairBlend256(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 32);
        MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB;
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            PairStep256(a, b, Vector256.Load(maskA + k), Vector256.Load(maskB + k), destinationA, destinationB, k, inPlace);
        }

        MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskPairBlend128(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 16);
        MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB;
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            PairStep128(a, b, Vector128.Load(maskA + k), Vector128.Load(maskB + k), destinationA, destinationB, k, inPlace);
        }

        MaskPairBlendScalar(a, b, maskA, maskB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlendPair512(float* a, float* b, BlendWeights weightsA, BlendWeights weightsB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        int k = KernelAlignment.Head(destinationA, count, 64);
        BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, 0, k);
        Vector512<float> selfA = Vector512.Create(weightsA.Self), partnerA = Vector512.Create(weightsA.Partner);
        Vector512<float> selfB = Vector512.Create(weightsB.Self), partnerB = Vector512.Create(weightsB.Partner);
        bool streamed = Streams(stream, a, destinationA, destinationB);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            Vector512<float> x = Vector512.Load(a + k), y = Vector512.Load(b + k);
            Store512((x * selfA) + (y * partnerA), destinationA + k, streamed);
            Store512((y * selfB) + (x * partnerB), destinationB + k, streamed);
        }

        BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlendPair256(float* a, float* b, BlendWeights weightsA, BlendWeights weightsB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 32);
        BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, 0, k);
        Vector256<float> selfA = Vector256.Create(weightsA.Self), partnerA = Vector256.Create(weightsA.Partner);
        Vector256<float> selfB = Vector256.Create(weightsB.Self), partnerB = Vector256.Create(weightsB.Partner);
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            Vector256<float> x = Vector256.Load(a + k), y = Vector256.Load(b + k);
            ((x * selfA) + (y * partnerA)).Store(destinationA + k);
            ((y * selfB) + (x * partnerB)).Store(destinationB + k);
        }

        BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlendPair128(float* a, float* b, BlendWeights weightsA, BlendWeights weightsB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 16);
        BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, 0, k);
        Vector128<float> selfA = Vector128.Create(weightsA.Self), partnerA = Vector128.Create(weightsA.Partner);
        Vector128<float> selfB = Vector128.Create(weightsB.Self), partnerB = Vector128.Create(weightsB.Partner);
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            Vector128<float> x = Vector128.Load(a + k), y = Vector128.Load(b + k);
            ((x * selfA) + (y * partnerA)).Store(destinationA + k);
            ((y * selfB) + (x * partnerB)).Store(destinationB + k);
        }

        BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, k, count);
    }

    /// <summary>Elements [k, k + Vector512&lt;float&gt;.Count) of a pair mixed by their weights: <see cref="PairScalar"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairStep512(float* a, float* b, Vector512<float> mA, Vector512<float> mB, float* destinationA, float* destinationB, int k, bool inPlace, bool streamed)
    {
        Vector512<float> one = Vector512<float>.One, zero = Vector512<float>.Zero;
        Vector512<float> x = Vector512.Load(a + k), y = Vector512.Load(b + k);
        Vector512<float> keepA = Vector512.Equals(mA, one), keepB = Vector512.Equals(mB, one);

        // In place, a vector that keeps its sample is not stored: its cache line may then stay clean.
        if (!inPlace || Vector512.ExtractMostSignificantBits(keepA) != 0xFFFF)
        {
            Store512(Vector512.ConditionalSelect(keepA, x, Vector512.ConditionalSelect(Vector512.Equals(mA, zero), y, (x * mA) + (y * (one - mA)))), destinationA + k, streamed);
        }

        if (!inPlace || Vector512.ExtractMostSignificantBits(keepB) != 0xFFFF)
        {
            Store512(Vector512.ConditionalSelect(keepB, y, Vector512.ConditionalSelect(Vector512.Equals(mB, zero), x, (y * mB) + (x * (one - mB)))), destinationB + k, streamed);
        }
    }

    /// <summary>Elements [k, k + Vector256&lt;float&gt;.Count) of a pair mixed by their weights: <see cref="PairScalar"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairStep256(float* a, float* b, Vector256<float> mA, Vector256<float> mB, float* destinationA, float* destinationB, int k, bool inPlace)
    {
        Vector256<float> one = Vector256<float>.One, zero = Vector256<float>.Zero;
        Vector256<float> x = Vector256.Load(a + k), y = Vector256.Load(b + k);
        Vector256<float> keepA = Vector256.Equals(mA, one), keepB = Vector256.Equals(mB, one);

        // In place, a vector that keeps its sample is not stored: its cache line may then stay clean.
        if (!inPlace || Vector256.ExtractMostSignificantBits(keepA) != 0xFF)
        {
            Vector256.ConditionalSelect(keepA, x, Vector256.ConditionalSelect(Vector256.Equals(mA, zero), y, (x * mA) + (y * (one - mA)))).Store(destinationA + k);
        }

        if (!inPlace || Vector256.ExtractMostSignificantBits(keepB) != 0xFF)
        {
            Vector256.ConditionalSelect(keepB, y, Vector256.ConditionalSelect(Vector256.Equals(mB, zero), x, (y * mB) + (x * (one - mB)))).Store(destinationB + k);
        }
    }

    /// <summary>Elements [k, k + Vector128&lt;float&gt;.Count) of a pair mixed by their weights: <see cref="PairScalar"/> lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairStep128(float* a, float* b, Vector128<float> mA, Vector128<float> mB, float* destinationA, float* destinationB, int k, bool inPlace)
    {
        Vector128<float> one = Vector128<float>.One, zero = Vector128<float>.Zero;
        Vector128<float> x = Vector128.Load(a + k), y = Vector128.Load(b + k);
        Vector128<float> keepA = Vector128.Equals(mA, one), keepB = Vector128.Equals(mB, one);

        // In place, a vector that keeps its sample is not stored: its cache line may then stay clean.
        if (!inPlace || Vector128.ExtractMostSignificantBits(keepA) != 0xF)
        {
            Vector128.ConditionalSelect(keepA, x, Vector128.ConditionalSelect(Vector128.Equals(mA, zero), y, (x * mA) + (y * (one - mA)))).Store(destinationA + k);
        }

        if (!inPlace || Vector128.ExtractMostSignificantBits(keepB) != 0xF)
        {
            Vector128.ConditionalSelect(keepB, y, Vector128.ConditionalSelect(Vector128.Equals(mB, zero), x, (y * mB) + (x * (one - mB)))).Store(destinationB + k);
        }
    }

    /// <summary>Elements [from, to) of a soft-box pair by the scalar definition.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SoftPairRowBlendScalar(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            PairScalar(a, b, 1f - (rowA.RowFalloff * rowA.ColumnFalloffs[k]), 1f - (rowB.RowFalloff * rowB.ColumnFalloffs[k]), destinationA, destinationB, k);
        }
    }

    /// <summary>Elements [from, to) of a mask pair by the scalar definition.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MaskPairBlendScalar(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            PairScalar(a, b, maskA[k], maskB[k], destinationA, destinationB, k);
        }
    }

    /// <summary>Element k of a pair: both sources read, then each output mixed by its weight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairScalar(float* a, float* b, float mA, float mB, float* destinationA, float* destinationB, int k)
    {
        float x = a[k], y = b[k];
        destinationA[k] = mA == 1f ? x : mA == 0f ? y : (x * mA) + (y * (1f - mA));
        destinationB[k] = mB == 1f ? y : mB == 0f ? x : (y * mB) + (x * (1f - mB));
    }

    /// <summary>Elements [from, to) of a blend pair by the scalar definition: both sources read, then both outputs written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BlendPairScalar(float* a, float* b, BlendWeights weightsA, BlendWeights weightsB, float* destinationA, float* destinationB, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            float x = a[k], y = b[k];
            destinationA[k] = (x * weightsA.Self) + (y * weightsA.Partner);
            destinationB[k] = (y * weightsB.Self) + (x * weightsB.Partner);
        }
    }

    /// <summary>
    /// Whether a pair's 512-bit stores go past the caches (non-temporal, whole lines written without reading them):
    /// asked for, out of place, and both outputs at the same offset within a line, so that the vectors from
    /// <c>destinationA</c>'s aligned head on are aligned in both.
    /// </summary>
    private static bool Streams(bool stream, float* a, float* destinationA, float* destinationB) =>
        stream && a != destinationA && Avx512F.IsSupported && (((nint)destinationA ^ (nint)destinationB) & 63) == 0;

    /// <summary>Stores an aligned vector, past the caches when <paramref name="streamed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(Vector512<float> value, float* at, bool streamed)
    {
        if (streamed)
        {
            Avx512F.StoreAlignedNonTemporal(at, value);
        }
        else
        {
            value.Store(at);
        }
    }
}
