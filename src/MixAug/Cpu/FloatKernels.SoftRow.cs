using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MixAug.Cpu;

/// <summary>
/// The soft-box row kernel of <see cref="FloatKernels"/>: SmoothMix's weights <c>1f − gy·gx</c> made in registers from
/// the row's fall-off and the columns' (one product, one difference, rounded as the scalar expression, no fused
/// multiply-add), then mixed as <see cref="MaskBlend"/> mixes (1 keeps the sample, 0 takes the partner). A 200 KB
/// weight plane per sample is then neither written nor read once per channel.
/// </summary>
internal readonly unsafe partial struct FloatKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftRowBlend(float* self, float* partner, float* columnFalloffs, float rowFalloff, float* destination, int count)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            SoftRowBlend512(self, partner, columnFalloffs, rowFalloff, destination, count);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            SoftRowBlend256(self, partner, columnFalloffs, rowFalloff, destination, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            SoftRowBlend128(self, partner, columnFalloffs, rowFalloff, destination, count);
        }
        else
        {
            SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, 0, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftRowBlend512(float* self, float* partner, float* columnFalloffs, float rowFalloff, float* destination, int count)
    {
        int k = KernelAlignment.Head(destination, count, 64);
        SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, 0, k);
        bool inPlace = self == destination;
        Vector512<float> one = Vector512<float>.One, zero = Vector512<float>.Zero, gy = Vector512.Create(rowFalloff);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            Vector512<float> m = one - (gy * Vector512.Load(columnFalloffs + k));
            Vector512<float> isOne = Vector512.Equals(m, one), isZero = Vector512.Equals(m, zero);
            if (Vector512.ExtractMostSignificantBits(isOne | isZero) == 0)
            {
                // Every weight strictly between 0 and 1 (most of a soft box's support): the blend alone.
                ((Vector512.Load(self + k) * m) + (Vector512.Load(partner + k) * (one - m))).Store(destination + k);
                continue;
            }

            MaskStep512(self, partner, m, destination, k, inPlace);
        }

        SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftRowBlend256(float* self, float* partner, float* columnFalloffs, float rowFalloff, float* destination, int count)
    {
        int k = KernelAlignment.Head(destination, count, 32);
        SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, 0, k);
        bool inPlace = self == destination;
        Vector256<float> one = Vector256<float>.One, zero = Vector256<float>.Zero, gy = Vector256.Create(rowFalloff);
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            Vector256<float> m = one - (gy * Vector256.Load(columnFalloffs + k));
            Vector256<float> isOne = Vector256.Equals(m, one), isZero = Vector256.Equals(m, zero);
            if (Vector256.ExtractMostSignificantBits(isOne | isZero) == 0)
            {
                // Every weight strictly between 0 and 1 (most of a soft box's support): the blend alone.
                ((Vector256.Load(self + k) * m) + (Vector256.Load(partner + k) * (one - m))).Store(destination + k);
                continue;
            }

            MaskStep256(self, partner, m, destination, k, inPlace);
        }

        SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftRowBlend128(float* self, float* partner, float* columnFalloffs, float rowFalloff, float* destination, int count)
    {
        int k = KernelAlignment.Head(destination, count, 16);
        SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, 0, k);
        bool inPlace = self == destination;
        Vector128<float> one = Vector128<float>.One, zero = Vector128<float>.Zero, gy = Vector128.Create(rowFalloff);
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            Vector128<float> m = one - (gy * Vector128.Load(columnFalloffs + k));
            Vector128<float> isOne = Vector128.Equals(m, one), isZero = Vector128.Equals(m, zero);
            if (Vector128.ExtractMostSignificantBits(isOne | isZero) == 0)
            {
                // Every weight strictly between 0 and 1 (most of a soft box's support): the blend alone.
                ((Vector128.Load(self + k) * m) + (Vector128.Load(partner + k) * (one - m))).Store(destination + k);
                continue;
            }

            MaskStep128(self, partner, m, destination, k, inPlace);
        }

        SoftRowBlendScalar(self, partner, columnFalloffs, rowFalloff, destination, k, count);
    }

    /// <summary>Elements [from, to) by the scalar definition, weights made on the way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SoftRowBlendScalar(float* self, float* partner, float* columnFalloffs, float rowFalloff, float* destination, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            float m = 1f - (rowFalloff * columnFalloffs[k]);
            destination[k] = m == 1f ? self[k] : m == 0f ? partner[k] : (self[k] * m) + (partner[k] * (1f - m));
        }
    }

    /// <summary>
    /// The two samples of a 2-cycle (flip pairing) mixed with each other in one pass over one row: <c>a</c> takes
    /// <c>b</c> by the first weights and <c>b</c> takes <c>a</c> by the second, each exactly as
    /// <see cref="SoftRowBlend"/> would. Both sources are read before either output is written, so the pair mixes in
    /// place with no spare copy of <c>a</c>, and each element of the two rows is loaded once instead of twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftPairRowBlend(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int count)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            SoftPairRowBlend512(a, b, rowA, rowB, destinationA, destinationB, count);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftPairRowBlend512(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 64);
        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB;
        float* columnsA = rowA.ColumnFalloffs, columnsB = rowB.ColumnFalloffs;
        Vector512<float> one = Vector512<float>.One, zero = Vector512<float>.Zero;
        Vector512<float> gyA = Vector512.Create(rowA.RowFalloff), gyB = Vector512.Create(rowB.RowFalloff);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            Vector512<float> x = Vector512.Load(a + k), y = Vector512.Load(b + k);
            Vector512<float> mA = one - (gyA * Vector512.Load(columnsA + k)), mB = one - (gyB * Vector512.Load(columnsB + k));
            Vector512<float> keepA = Vector512.Equals(mA, one), keepB = Vector512.Equals(mB, one);
            Vector512<float> outA = Vector512.ConditionalSelect(keepA, x, Vector512.ConditionalSelect(Vector512.Equals(mA, zero), y, (x * mA) + (y * (one - mA))));
            Vector512<float> outB = Vector512.ConditionalSelect(keepB, y, Vector512.ConditionalSelect(Vector512.Equals(mB, zero), x, (y * mB) + (x * (one - mB))));

            // In place, a vector that keeps its sample is not stored: its cache line may then stay clean.
            if (!inPlace || Vector512.ExtractMostSignificantBits(keepA) != 0xFFFF)
            {
                outA.Store(destinationA + k);
            }

            if (!inPlace || Vector512.ExtractMostSignificantBits(keepB) != 0xFFFF)
            {
                outB.Store(destinationB + k);
            }
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
        Vector256<float> one = Vector256<float>.One, zero = Vector256<float>.Zero;
        Vector256<float> gyA = Vector256.Create(rowA.RowFalloff), gyB = Vector256.Create(rowB.RowFalloff);
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            Vector256<float> x = Vector256.Load(a + k), y = Vector256.Load(b + k);
            Vector256<float> mA = one - (gyA * Vector256.Load(columnsA + k)), mB = one - (gyB * Vector256.Load(columnsB + k));
            Vector256<float> keepA = Vector256.Equals(mA, one), keepB = Vector256.Equals(mB, one);
            Vector256<float> outA = Vector256.ConditionalSelect(keepA, x, Vector256.ConditionalSelect(Vector256.Equals(mA, zero), y, (x * mA) + (y * (one - mA))));
            Vector256<float> outB = Vector256.ConditionalSelect(keepB, y, Vector256.ConditionalSelect(Vector256.Equals(mB, zero), x, (y * mB) + (x * (one - mB))));

            // In place, a vector that keeps its sample is not stored: its cache line may then stay clean.
            if (!inPlace || Vector256.ExtractMostSignificantBits(keepA) != 0xFF)
            {
                outA.Store(destinationA + k);
            }

            if (!inPlace || Vector256.ExtractMostSignificantBits(keepB) != 0xFF)
            {
                outB.Store(destinationB + k);
            }
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
        Vector128<float> one = Vector128<float>.One, zero = Vector128<float>.Zero;
        Vector128<float> gyA = Vector128.Create(rowA.RowFalloff), gyB = Vector128.Create(rowB.RowFalloff);
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            Vector128<float> x = Vector128.Load(a + k), y = Vector128.Load(b + k);
            Vector128<float> mA = one - (gyA * Vector128.Load(columnsA + k)), mB = one - (gyB * Vector128.Load(columnsB + k));
            Vector128<float> keepA = Vector128.Equals(mA, one), keepB = Vector128.Equals(mB, one);
            Vector128<float> outA = Vector128.ConditionalSelect(keepA, x, Vector128.ConditionalSelect(Vector128.Equals(mA, zero), y, (x * mA) + (y * (one - mA))));
            Vector128<float> outB = Vector128.ConditionalSelect(keepB, y, Vector128.ConditionalSelect(Vector128.Equals(mB, zero), x, (y * mB) + (x * (one - mB))));

            // In place, a vector that keeps its sample is not stored: its cache line may then stay clean.
            if (!inPlace || Vector128.ExtractMostSignificantBits(keepA) != 0xF)
            {
                outA.Store(destinationA + k);
            }

            if (!inPlace || Vector128.ExtractMostSignificantBits(keepB) != 0xF)
            {
                outB.Store(destinationB + k);
            }
        }

        SoftPairRowBlendScalar(a, b, rowA, rowB, destinationA, destinationB, k, count);
    }

    /// <summary>Elements [from, to) of a pair by the scalar definition: both sources read before either output is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SoftPairRowBlendScalar(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            float x = a[k], y = b[k];
            float mA = 1f - (rowA.RowFalloff * rowA.ColumnFalloffs[k]), mB = 1f - (rowB.RowFalloff * rowB.ColumnFalloffs[k]);
            destinationA[k] = mA == 1f ? x : mA == 0f ? y : (x * mA) + (y * (1f - mA));
            destinationB[k] = mB == 1f ? y : mB == 0f ? x : (y * mB) + (x * (1f - mB));
        }
    }
}
