using System.Runtime.Intrinsics;

namespace MixAug.Cpu;

/// <summary>
/// uint8 mixing kernels for collate-time mixing before normalisation, as timm's <c>FastCollateMixup</c>: each
/// result is computed in float32 as <c>a·wa + b·wb</c> (no fused multiply-add) and rounded half to even
/// (<c>np.rint</c>). The result of a convex combination of two bytes always lies in [0, 255].
/// </summary>
internal readonly unsafe struct ByteKernels : IMixKernels<byte>
{
    public static int SegmentTarget => 8192;

    public static void Blend(byte* self, byte* partner, byte* destination, int count, float selfWeight, float partnerWeight)
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

    public static void MaskBlend(byte* self, byte* partner, float* mask, byte* destination, int count)
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
