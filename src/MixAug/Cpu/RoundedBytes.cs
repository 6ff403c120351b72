using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Cpu;

/// <summary>uint8 planes for the float32 resampler: rows widened to float, and resampled rows back to uint8, each value
/// rounded half to even and clamped to [0, 255], as the uint8 blend kernels round (<see cref="ByteKernels"/>).</summary>
internal static unsafe class RoundedBytes
{
    /// <summary>Widens rows [<paramref name="first"/>, <paramref name="end"/>) of a uint8 plane
    /// <paramref name="width"/> wide into the same rows of <paramref name="widened"/> (byte to float is exact, so the
    /// SIMD conversion gives the values an element loop gives).</summary>
    public static void Widen(byte* plane, Span<float> widened, int width, int first, int end)
    {
        int start = first * width, length = (end - first) * width;
        TensorPrimitives.ConvertTruncating(new ReadOnlySpan<byte>(plane + start, length), widened.Slice(start, length));
    }

    /// <summary>Writes <paramref name="values"/> rounded to <paramref name="destination"/>: 32 at a time where AVX2 is
    /// (clamped to [0, 255] first, so infinities saturate as Math.Clamp makes them and NaN gives 0 as the cast does,
    /// then <see cref="ByteKernels.PackAvx2"/> rounds to nearest even), the rest one by one.</summary>
    public static void Write(ReadOnlySpan<float> values, byte* destination)
    {
        int n = values.Length, x = 0;
        fixed (float* v = values)
        {
            if (Avx2.IsSupported)
            {
                for (; x + 32 <= n; x += 32)
                {
                    Avx.Store(destination + x, ByteKernels.PackAvx2(Clamped(v + x), Clamped(v + x + 8), Clamped(v + x + 16), Clamped(v + x + 24)));
                }
            }

            for (; x < n; x++)
            {
                // Normalised non-negative weights keep the value in [0, 255] up to float rounding; clamp that.
                destination[x] = (byte)Math.Clamp(MathF.Round(v[x], MidpointRounding.ToEven), 0f, 255f);
            }
        }
    }

    /// <summary>Eight values clamped to [0, 255]; vmaxps gives its second operand, 0, where the value is NaN.</summary>
    private static Vector256<float> Clamped(float* values) =>
        Avx.Min(Avx.Max(Avx.LoadVector256(values), Vector256<float>.Zero), Vector256.Create(255f));
}
