using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MixAug.Cpu;

/// <summary>
/// float32 mixing kernels. Each result is <c>a·wa + b·wb</c> rounded after each multiplication and after the
/// addition, exactly as the scalar expression in C#, which never contracts to a fused multiply-add; the vector and
/// scalar paths therefore give the same bits, on every x64 or Arm machine.
/// </summary>
/// <remarks>
/// Not <c>TensorPrimitives.Lerp</c>: its vector path is free to use fused multiply-add where the hardware has it, so
/// its bits depend on the machine, and the contract of a plan is that every backend gives the same pixels.
/// </remarks>
internal readonly unsafe struct FloatKernels : IMixKernels<float>
{
    public static int SegmentTarget => 2048;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blend(float* self, float* partner, float* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (int head = KernelAlignment.Head(destination, count); k < head; k++)
            {
                destination[k] = (self[k] * selfWeight) + (partner[k] * partnerWeight);
            }

            Vector256<float> ws = Vector256.Create(selfWeight);
            Vector256<float> wp = Vector256.Create(partnerWeight);
            for (; k <= count - 2 * Vector256<float>.Count; k += 2 * Vector256<float>.Count)
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
        }

        for (; k < count; k++)
        {
            destination[k] = (self[k] * selfWeight) + (partner[k] * partnerWeight);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaskBlend(float* self, float* partner, float* mask, float* destination, int count)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (int head = KernelAlignment.Head(destination, count); k < head; k++)
            {
                float m = mask[k];
                destination[k] = (self[k] * m) + (partner[k] * (1f - m));
            }

            Vector256<float> one = Vector256<float>.One;
            for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                Vector256<float> m = Vector256.Load(mask + k);
                ((Vector256.Load(self + k) * m) + (Vector256.Load(partner + k) * (one - m))).Store(destination + k);
            }
        }

        for (; k < count; k++)
        {
            float m = mask[k];
            destination[k] = (self[k] * m) + (partner[k] * (1f - m));
        }
    }
}
