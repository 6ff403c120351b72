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
}
