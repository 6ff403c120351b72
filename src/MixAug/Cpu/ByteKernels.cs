using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Cpu;

/// <summary>
/// uint8 mixing kernels for collate-time mixing before normalisation, as timm's <c>FastCollateMixup</c>: each
/// result is computed in float32 as <c>a·wa + b·wb</c> (no fused multiply-add) and rounded half to even
/// (<c>np.rint</c>). The result of a convex combination of two bytes always lies in [0, 255].
/// </summary>
internal readonly unsafe partial struct ByteKernels : IMixKernels<byte>
{
    public static int SegmentTarget => 32768;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Blend(byte* self, byte* partner, byte* destination, int count, float selfWeight, float partnerWeight)
    {
        if (Avx2.IsSupported)
        {
            BlendAvx2(self, partner, destination, count, selfWeight, partnerWeight);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BlendPortable(self, partner, destination, count, selfWeight, partnerWeight);
        }
        else
        {
            Blend128(self, partner, destination, count, selfWeight, partnerWeight);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaskBlend(byte* self, byte* partner, float* mask, byte* destination, int count)
    {
        if (Avx2.IsSupported)
        {
            MaskBlendAvx2(self, partner, mask, destination, count);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            MaskBlendPortable(self, partner, mask, destination, count);
        }
        else
        {
            MaskBlend128(self, partner, mask, destination, count);
        }
    }

    /// <summary>
    /// The weights of a chunk of the row are written to the stack and mixed by <see cref="MaskBlend"/>: uint8 mixing is
    /// bound by its arithmetic, not by memory, so the weights' few kilobytes in the first-level cache cost little.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftRowBlend(byte* self, byte* partner, float* columnFalloffs, float rowFalloff, byte* destination, int count)
    {
        const int Chunk = 512;
        float* weights = stackalloc float[Chunk];
        for (int from = 0; from < count; from += Chunk)
        {
            int n = Math.Min(Chunk, count - from);
            var chunk = new Span<float>(weights, n);
            TensorPrimitives.Multiply(new ReadOnlySpan<float>(columnFalloffs + from, n), rowFalloff, chunk);
            TensorPrimitives.Subtract(1f, chunk, chunk);
            MaskBlend(self + from, partner + from, weights, destination + from, n);
        }
    }

    /// <summary>
    /// The x64 path: bytes are widened straight from memory (<c>vpmovzxbd</c>), and the results packed back with two
    /// saturating packs and one lane permutation, about half the instructions of the portable widen/narrow helpers,
    /// which matters because uint8 mixing moves a quarter of the bytes of float32 and is bound by arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlendAvx2(byte* self, byte* partner, byte* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = 0;
        for (int head = KernelAlignment.Head(destination, count); k < head; k++)
        {
            destination[k] = (byte)MathF.Round((self[k] * selfWeight) + (partner[k] * partnerWeight));
        }

        Vector256<float> ws = Vector256.Create(selfWeight);
        Vector256<float> wp = Vector256.Create(partnerWeight);
        for (; k <= count - 32; k += 32)
        {
            Vector256<float> r0 = Avx.Add(Avx.Multiply(LoadSingles(self + k), ws), Avx.Multiply(LoadSingles(partner + k), wp));
            Vector256<float> r1 = Avx.Add(Avx.Multiply(LoadSingles(self + k + 8), ws), Avx.Multiply(LoadSingles(partner + k + 8), wp));
            Vector256<float> r2 = Avx.Add(Avx.Multiply(LoadSingles(self + k + 16), ws), Avx.Multiply(LoadSingles(partner + k + 16), wp));
            Vector256<float> r3 = Avx.Add(Avx.Multiply(LoadSingles(self + k + 24), ws), Avx.Multiply(LoadSingles(partner + k + 24), wp));
            PackAvx2(r0, r1, r2, r3).Store(destination + k);
        }

        for (; k < count; k++)
        {
            destination[k] = (byte)MathF.Round((self[k] * selfWeight) + (partner[k] * partnerWeight));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskBlendAvx2(byte* self, byte* partner, float* mask, byte* destination, int count)
    {
        int k = 0;
        for (int head = KernelAlignment.Head(destination, count); k < head; k++)
        {
            float m = mask[k];
            destination[k] = (byte)MathF.Round((self[k] * m) + (partner[k] * (1f - m)));
        }

        Vector256<float> one = Vector256<float>.One;
        for (; k <= count - 32; k += 32)
        {
            Vector256<float> m0 = Vector256.Load(mask + k);
            Vector256<float> m1 = Vector256.Load(mask + k + 8);
            Vector256<float> m2 = Vector256.Load(mask + k + 16);
            Vector256<float> m3 = Vector256.Load(mask + k + 24);
            Vector256<float> r0 = Avx.Add(Avx.Multiply(LoadSingles(self + k), m0), Avx.Multiply(LoadSingles(partner + k), Avx.Subtract(one, m0)));
            Vector256<float> r1 = Avx.Add(Avx.Multiply(LoadSingles(self + k + 8), m1), Avx.Multiply(LoadSingles(partner + k + 8), Avx.Subtract(one, m1)));
            Vector256<float> r2 = Avx.Add(Avx.Multiply(LoadSingles(self + k + 16), m2), Avx.Multiply(LoadSingles(partner + k + 16), Avx.Subtract(one, m2)));
            Vector256<float> r3 = Avx.Add(Avx.Multiply(LoadSingles(self + k + 24), m3), Avx.Multiply(LoadSingles(partner + k + 24), Avx.Subtract(one, m3)));
            PackAvx2(r0, r1, r2, r3).Store(destination + k);
        }

        for (; k < count; k++)
        {
            float m = mask[k];
            destination[k] = (byte)MathF.Round((self[k] * m) + (partner[k] * (1f - m)));
        }
    }

    /// <summary>Eight bytes from memory to eight floats.</summary>
    private static Vector256<float> LoadSingles(byte* bytes) => Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(bytes));

    /// <summary>
    /// Rounds 32 floats in [0, 255] half to even and packs them into 32 bytes in element order. The packs work per
    /// 128-bit lane, which leaves the 4-byte groups in the order a0 b0 c0 d0 a1 b1 c1 d1 (a = r0, a0 its first four);
    /// the permutation puts them back to a0 a1 b0 b1 c0 c1 d0 d1.
    /// </summary>
    internal static Vector256<byte> PackAvx2(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3)
    {
        // vcvtps2dq rounds by the MXCSR mode, which .NET leaves at round-to-nearest-even (the same mode every
        // float multiply and add here already relies on), so it is rint in one instruction.
        Vector256<int> i0 = Avx.ConvertToVector256Int32(r0);
        Vector256<int> i1 = Avx.ConvertToVector256Int32(r1);
        Vector256<int> i2 = Avx.ConvertToVector256Int32(r2);
        Vector256<int> i3 = Avx.ConvertToVector256Int32(r3);
        Vector256<byte> packed = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(i0, i1), Avx2.PackSignedSaturate(i2, i3));
        return Avx2.PermuteVar8x32(packed.AsInt32(), Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7)).AsByte();
    }

    /// <summary>The 128-bit path (Arm64 NEON, x64 without AVX2): 16 bytes at a time through four vectors of four floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Blend128(byte* self, byte* partner, byte* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> ws = Vector128.Create(selfWeight);
            Vector128<float> wp = Vector128.Create(partnerWeight);
            for (; k <= count - Vector128<byte>.Count; k += Vector128<byte>.Count)
            {
                (Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3) = ToSingles(Vector128.Load(self + k));
                (Vector128<float> b0, Vector128<float> b1, Vector128<float> b2, Vector128<float> b3) = ToSingles(Vector128.Load(partner + k));
                ToBytes((a0 * ws) + (b0 * wp), (a1 * ws) + (b1 * wp), (a2 * ws) + (b2 * wp), (a3 * ws) + (b3 * wp)).Store(destination + k);
            }
        }

        for (; k < count; k++)
        {
            destination[k] = (byte)MathF.Round((self[k] * selfWeight) + (partner[k] * partnerWeight));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskBlend128(byte* self, byte* partner, float* mask, byte* destination, int count)
    {
        int k = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> one = Vector128<float>.One;
            int n = Vector128<float>.Count;
            for (; k <= count - Vector128<byte>.Count; k += Vector128<byte>.Count)
            {
                (Vector128<float> a0, Vector128<float> a1, Vector128<float> a2, Vector128<float> a3) = ToSingles(Vector128.Load(self + k));
                (Vector128<float> b0, Vector128<float> b1, Vector128<float> b2, Vector128<float> b3) = ToSingles(Vector128.Load(partner + k));
                Vector128<float> m0 = Vector128.Load(mask + k);
                Vector128<float> m1 = Vector128.Load(mask + k + n);
                Vector128<float> m2 = Vector128.Load(mask + k + (2 * n));
                Vector128<float> m3 = Vector128.Load(mask + k + (3 * n));
                ToBytes(
                    (a0 * m0) + (b0 * (one - m0)),
                    (a1 * m1) + (b1 * (one - m1)),
                    (a2 * m2) + (b2 * (one - m2)),
                    (a3 * m3) + (b3 * (one - m3))).Store(destination + k);
            }
        }

        for (; k < count; k++)
        {
            float m = mask[k];
            destination[k] = (byte)MathF.Round((self[k] * m) + (partner[k] * (1f - m)));
        }
    }

    /// <summary>Widens 16 bytes to four vectors of 4 floats, in element order.</summary>
    private static (Vector128<float>, Vector128<float>, Vector128<float>, Vector128<float>) ToSingles(Vector128<byte> bytes)
    {
        (Vector128<ushort> lo, Vector128<ushort> hi) = Vector128.Widen(bytes);
        (Vector128<uint> q0, Vector128<uint> q1) = Vector128.Widen(lo);
        (Vector128<uint> q2, Vector128<uint> q3) = Vector128.Widen(hi);
        return (
            Vector128.ConvertToSingle(q0.AsInt32()),
            Vector128.ConvertToSingle(q1.AsInt32()),
            Vector128.ConvertToSingle(q2.AsInt32()),
            Vector128.ConvertToSingle(q3.AsInt32()));
    }

    /// <summary>Rounds four vectors of floats in [0, 255] half to even and packs them into 16 bytes, in element order.</summary>
    private static Vector128<byte> ToBytes(Vector128<float> f0, Vector128<float> f1, Vector128<float> f2, Vector128<float> f3)
    {
        Vector128<uint> i0 = Vector128.ConvertToInt32(Vector128.Round(f0)).AsUInt32();
        Vector128<uint> i1 = Vector128.ConvertToInt32(Vector128.Round(f1)).AsUInt32();
        Vector128<uint> i2 = Vector128.ConvertToInt32(Vector128.Round(f2)).AsUInt32();
        Vector128<uint> i3 = Vector128.ConvertToInt32(Vector128.Round(f3)).AsUInt32();
        return Vector128.Narrow(Vector128.Narrow(i0, i1), Vector128.Narrow(i2, i3));
    }

    /// <summary>The 256-bit portable path (x64 without AVX2 but with 256-bit vectors), built on the cross-platform vector API.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlendPortable(byte* self, byte* partner, byte* destination, int count, float selfWeight, float partnerWeight)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> ws = Vector256.Create(selfWeight);
            Vector256<float> wp = Vector256.Create(partnerWeight);
            for (; k <= count - Vector256<byte>.Count; k += Vector256<byte>.Count)
            {
                (Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3) = ToSingles(Vector256.Load(self + k));
                (Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3) = ToSingles(Vector256.Load(partner + k));
                ToBytes((a0 * ws) + (b0 * wp), (a1 * ws) + (b1 * wp), (a2 * ws) + (b2 * wp), (a3 * ws) + (b3 * wp)).Store(destination + k);
            }
        }

        for (; k < count; k++)
        {
            destination[k] = (byte)MathF.Round((self[k] * selfWeight) + (partner[k] * partnerWeight));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MaskBlendPortable(byte* self, byte* partner, float* mask, byte* destination, int count)
    {
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> one = Vector256<float>.One;
            int n = Vector256<float>.Count;
            for (; k <= count - Vector256<byte>.Count; k += Vector256<byte>.Count)
            {
                (Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3) = ToSingles(Vector256.Load(self + k));
                (Vector256<float> b0, Vector256<float> b1, Vector256<float> b2, Vector256<float> b3) = ToSingles(Vector256.Load(partner + k));
                Vector256<float> m0 = Vector256.Load(mask + k);
                Vector256<float> m1 = Vector256.Load(mask + k + n);
                Vector256<float> m2 = Vector256.Load(mask + k + (2 * n));
                Vector256<float> m3 = Vector256.Load(mask + k + (3 * n));
                ToBytes(
                    (a0 * m0) + (b0 * (one - m0)),
                    (a1 * m1) + (b1 * (one - m1)),
                    (a2 * m2) + (b2 * (one - m2)),
                    (a3 * m3) + (b3 * (one - m3))).Store(destination + k);
            }
        }

        for (; k < count; k++)
        {
            float m = mask[k];
            destination[k] = (byte)MathF.Round((self[k] * m) + (partner[k] * (1f - m)));
        }
    }

    /// <summary>Widens 32 bytes to four vectors of 8 floats, in element order.</summary>
    private static (Vector256<float>, Vector256<float>, Vector256<float>, Vector256<float>) ToSingles(Vector256<byte> bytes)
    {
        (Vector256<ushort> lo, Vector256<ushort> hi) = Vector256.Widen(bytes);
        (Vector256<uint> q0, Vector256<uint> q1) = Vector256.Widen(lo);
        (Vector256<uint> q2, Vector256<uint> q3) = Vector256.Widen(hi);
        return (
            Vector256.ConvertToSingle(q0.AsInt32()),
            Vector256.ConvertToSingle(q1.AsInt32()),
            Vector256.ConvertToSingle(q2.AsInt32()),
            Vector256.ConvertToSingle(q3.AsInt32()));
    }

    /// <summary>Rounds four vectors of floats in [0, 255] half to even and packs them into 32 bytes, in element order.</summary>
    private static Vector256<byte> ToBytes(Vector256<float> f0, Vector256<float> f1, Vector256<float> f2, Vector256<float> f3)
    {
        Vector256<uint> i0 = Vector256.ConvertToInt32(Vector256.Round(f0)).AsUInt32();
        Vector256<uint> i1 = Vector256.ConvertToInt32(Vector256.Round(f1)).AsUInt32();
        Vector256<uint> i2 = Vector256.ConvertToInt32(Vector256.Round(f2)).AsUInt32();
        Vector256<uint> i3 = Vector256.ConvertToInt32(Vector256.Round(f3)).AsUInt32();
        return Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3));
    }
}
