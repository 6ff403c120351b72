using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MixAug.Cpu;

/// <summary>
/// float32 mixing kernels. Each blended result is <c>a·wa + b·wb</c> rounded after each multiplication and after the
/// addition, exactly as the scalar expression in C#, which never contracts to a fused multiply-add; every vector width
/// and the scalar path therefore give the same bits, on every x64 or Arm machine. A mask weight of exactly 1 or 0
/// copies the sample's or the partner's element instead of blending, so an element a mask gives to one source is that
/// source's element bit for bit (−0 and non-finite values included), and a vector of own elements mixed in place is
/// neither read nor written: FMix and saliency masks, mostly 1 and 0, move about half the memory of a blend.
/// </summary>
/// <remarks>
/// <para>Not <c>TensorPrimitives.Lerp</c>: its vector path is free to use fused multiply-add where the hardware has it, so
/// its bits depend on the machine, and the contract of a plan is that every backend gives the same pixels.</para>
/// <para>Widths, as TensorPrimitives dispatches: 512-bit vectors where they are accelerated (AVX-512), else 256-bit
/// (AVX2), else 128-bit (Arm64 NEON, SSE), else scalar. The kernels are bound by memory, so the widest path is not
/// expected to be faster than 256 bits; it is there so that an AVX-512 machine does not fall back to narrower code.
/// Only the 256-bit path was timed (the project's machines have AVX2, not AVX-512); every path is tested over all
/// lengths and alignments.</para>
/// </remarks>
internal readonly unsafe partial struct FloatKernels : IMixKernels<float>
{
    public static int SegmentTarget => 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blend(float* self, float* partner, float* destination, int count, float selfWeight, float partnerWeight)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Blend512(self, partner, destination, count, selfWeight, partnerWeight);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Blend256(self, partner, destination, count, selfWeight, partnerWeight);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Blend128(self, partner, destination, count, selfWeight, partnerWeight);
        }
        else
        {
            BlendScalar(self, partner, destination, 0, count, selfWeight, partnerWeight);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaskBlend(float* self, float* partner, float* mask, float* destination, int count)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MaskBlend512(self, partner, mask, destination, count);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            MaskBlend256(self, partner, mask, destination, count);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            MaskBlend128(self, partner, mask, destination, count);
        }
        else
        {
            MaskBlendScalar(self, partner, mask, destination, 0, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Blend512(float* self, float* partner, float* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = KernelAlignment.Head(destination, count, 64);
        BlendScalar(self, partner, destination, 0, k, selfWeight, partnerWeight);
        Vector512<float> ws = Vector512.Create(selfWeight), wp = Vector512.Create(partnerWeight);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            ((Vector512.Load(self + k) * ws) + (Vector512.Load(partner + k) * wp)).Store(destination + k);
        }

        BlendScalar(self, partner, destination, k, count, selfWeight, partnerWeight);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Blend256(float* self, float* partner, float* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = KernelAlignment.Head(destination, count, 32);
        BlendScalar(self, partner, destination, 0, k, selfWeight, partnerWeight);
        Vector256<float> ws = Vector256.Create(selfWeight), wp = Vector256.Create(partnerWeight);
        for (; k <= count - (2 * Vector256<float>.Count); k += 2 * Vector256<float>.Count)
        {
            Vector256<float> a0 = Vector256.Load(self + k);
            Vector256<float> a1 = Vector256.Load(self + k + Vector256<float>.Count);
            Vector256<float> b0 = Vector256.Load(partner + k);
            Vector256<float> b1 = Vector256.Load(partner + k + Vector256<float>.Count);
            ((a0 * ws) + (b0 * wp)).Store(destination + k);
            ((a1 * ws) + (b1 * wp)).Store(destination + k + Vector256<float>.Count);
        }

        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            ((Vector256.Load(self + k) * ws) + (Vector256.Load(partner + k) * wp)).Store(destination + k);
        }

        BlendScalar(self, partner, destination, k, count, selfWeight, partnerWeight);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Blend128(float* self, float* partner, float* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = KernelAlignment.Head(destination, count, 16);
        BlendScalar(self, partner, destination, 0, k, selfWeight, partnerWeight);
        Vector128<float> ws = Vector128.Create(selfWeight), wp = Vector128.Create(partnerWeight);
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            ((Vector128.Load(self + k) * ws) + (Vector128.Load(partner + k) * wp)).Store(destination + k);
        }

        BlendScalar(self, partner, destination, k, count, selfWeight, partnerWeight);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskBlend512(float* self, float* partner, float* mask, float* destination, int count)
    {
        int k = KernelAlignment.Head(destination, count, 64);
        MaskBlendScalar(self, partner, mask, destination, 0, k);
        bool inPlace = self == destination;
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            MaskStep512(self, partner, Vector512.Load(mask + k), destination, k, inPlace);
        }

        MaskBlendScalar(self, partner, mask, destination, k, count);
    }

    /// <summary>Elements [k, k + Vector512&lt;float&gt;.Count) mixed by their weights <paramref name="m"/>: 1 keeps the sample
    /// (no store in place), 0 takes the partner, others blend <c>a·m + b·(1 − m)</c>; shared by the mask and soft-row kernels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskStep512(float* self, float* partner, Vector512<float> m, float* destination, int k, bool inPlace)
    {
        Vector512<float> one = Vector512<float>.One, zero = Vector512<float>.Zero;
        if (Vector512.EqualsAll(m, one))
        {
            if (!inPlace)
            {
                Vector512.Load(self + k).Store(destination + k);
            }

            return;
        }

        Vector512<float> b = Vector512.Load(partner + k);
        if (Vector512.EqualsAll(m, zero))
        {
            b.Store(destination + k);
            return;
        }

        Vector512<float> a = Vector512.Load(self + k);
        Vector512<float> blended = (a * m) + (b * (one - m));
        Vector512.ConditionalSelect(Vector512.Equals(m, one), a, Vector512.ConditionalSelect(Vector512.Equals(m, zero), b, blended)).Store(destination + k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskBlend256(float* self, float* partner, float* mask, float* destination, int count)
    {
        int k = KernelAlignment.Head(destination, count, 32);
        MaskBlendScalar(self, partner, mask, destination, 0, k);
        bool inPlace = self == destination;
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            MaskStep256(self, partner, Vector256.Load(mask + k), destination, k, inPlace);
        }

        MaskBlendScalar(self, partner, mask, destination, k, count);
    }

    /// <summary>Elements [k, k + Vector256&lt;float&gt;.Count) mixed by their weights <paramref name="m"/>: 1 keeps the sample
    /// (no store in place), 0 takes the partner, others blend <c>a·m + b·(1 − m)</c>; shared by the mask and soft-row kernels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskStep256(float* self, float* partner, Vector256<float> m, float* destination, int k, bool inPlace)
    {
        Vector256<float> one = Vector256<float>.One, zero = Vector256<float>.Zero;
        if (Vector256.EqualsAll(m, one))
        {
            if (!inPlace)
            {
                Vector256.Load(self + k).Store(destination + k);
            }

            return;
        }

        Vector256<float> b = Vector256.Load(partner + k);
        if (Vector256.EqualsAll(m, zero))
        {
            b.Store(destination + k);
            return;
        }

        Vector256<float> a = Vector256.Load(self + k);
        Vector256<float> blended = (a * m) + (b * (one - m));
        Vector256.ConditionalSelect(Vector256.Equals(m, one), a, Vector256.ConditionalSelect(Vector256.Equals(m, zero), b, blended)).Store(destination + k);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskBlend128(float* self, float* partner, float* mask, float* destination, int count)
    {
        int k = KernelAlignment.Head(destination, count, 16);
        MaskBlendScalar(self, partner, mask, destination, 0, k);
        bool inPlace = self == destination;
        for (; k <= count - Vector128<float>.Count; k += Vector128<float>.Count)
        {
            MaskStep128(self, partner, Vector128.Load(mask + k), destination, k, inPlace);
        }

        MaskBlendScalar(self, partner, mask, destination, k, count);
    }

    /// <summary>Elements [k, k + Vector128&lt;float&gt;.Count) mixed by their weights <paramref name="m"/>: 1 keeps the sample
    /// (no store in place), 0 takes the partner, others blend <c>a·m + b·(1 − m)</c>; shared by the mask and soft-row kernels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskStep128(float* self, float* partner, Vector128<float> m, float* destination, int k, bool inPlace)
    {
        Vector128<float> one = Vector128<float>.One, zero = Vector128<float>.Zero;
        if (Vector128.EqualsAll(m, one))
        {
            if (!inPlace)
            {
                Vector128.Load(self + k).Store(destination + k);
            }

            return;
        }

        Vector128<float> b = Vector128.Load(partner + k);
        if (Vector128.EqualsAll(m, zero))
        {
            b.Store(destination + k);
            return;
        }

        Vector128<float> a = Vector128.Load(self + k);
        Vector128<float> blended = (a * m) + (b * (one - m));
        Vector128.ConditionalSelect(Vector128.Equals(m, one), a, Vector128.ConditionalSelect(Vector128.Equals(m, zero), b, blended)).Store(destination + k);
    }

    /// <summary>Elements [from, to) by the scalar definition: the heads, tails and the path without vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BlendScalar(float* self, float* partner, float* destination, int from, int to, float selfWeight, float partnerWeight)
    {
        for (int k = from; k < to; k++)
        {
            destination[k] = (self[k] * selfWeight) + (partner[k] * partnerWeight);
        }
    }

    /// <summary>Elements [from, to) by the scalar definition: weight 1 copies the sample, 0 the partner, others blend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MaskBlendScalar(float* self, float* partner, float* mask, float* destination, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            float m = mask[k];
            destination[k] = m == 1f ? self[k] : m == 0f ? partner[k] : (self[k] * m) + (partner[k] * (1f - m));
        }
    }
}
