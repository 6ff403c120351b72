using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Fourier;

/// <summary>
/// 2D complex transforms built from <see cref="FftPlan"/>: the column transforms act on whole padded rows, then the
/// array is transposed and the former rows are transformed the same way.
/// (FMix synthesises its band-limited noise without an FFT; see <c>FourierSynthesis</c>.)
/// </summary>
internal static class MultiFft
{
    /// <summary>
    /// The unnormalised 2D complex DFT of an <paramref name="height"/> × <paramref name="width"/> row-major array,
    /// in place: <c>X[u, v] = Σ x[y, x]·exp(sign·2πi·(u·y/H + v·x/W))</c>.
    /// </summary>
    public static void Complex2D<T>(int height, int width, Span<T> re, Span<T> im, int sign)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = FftPlan.PadStride<T>(width);
        int tStride = FftPlan.PadStride<T>(height);
        int size = Math.Max(height * stride, width * tStride);
        T[] rented = ArrayPool<T>.Shared.Rent(4 * size);
        try
        {
            int along = height * stride, across = width * tStride;
            Span<T> ar = rented.AsSpan(0, size), ai = rented.AsSpan(size, size);
            Span<T> br = rented.AsSpan(2 * size, size), bi = rented.AsSpan(3 * size, size);
            ar.Clear();
            ai.Clear();
            for (int y = 0; y < height; y++)
            {
                re.Slice(y * width, width).CopyTo(ar.Slice(y * stride));
                im.Slice(y * width, width).CopyTo(ai.Slice(y * stride));
            }

            // Along the columns, then transposed to [width][height padded] and along the former rows.
            FftPlan.Get(height).Transform(ar.Slice(0, along), ai.Slice(0, along), br.Slice(0, along), bi.Slice(0, along), stride, sign);
            br.Clear();
            bi.Clear();
            Transpose<T>(ar, stride, br, tStride, height, width);
            Transpose<T>(ai, stride, bi, tStride, height, width);
            FftPlan.Get(width).Transform(br.Slice(0, across), bi.Slice(0, across), ar.Slice(0, across), ai.Slice(0, across), tStride, sign);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    re[(y * width) + x] = br[(x * tStride) + y];
                    im[(y * width) + x] = bi[(x * tStride) + y];
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The unnormalised 2D complex DFT of an n × n array held as <c>[n][stride]</c> in
    /// (<paramref name="re"/>, <paramref name="im"/>), written <b>transposed</b> to (<paramref name="outRe"/>,
    /// <paramref name="outIm"/>): <c>out[v·stride + u] = X[u, v]</c>. The input is clobbered (it is the scratch of the
    /// second pass) and columns n … stride − 1 of the output are left as they were. A transform of a transposed array
    /// is the transpose of its transform, so two of these in a row (forward, then inverse) end in the original
    /// orientation with one transpose each, not two.
    /// </summary>
    public static void Square2DTransposed<T>(int n, int stride, Span<T> re, Span<T> im, Span<T> outRe, Span<T> outIm, int sign)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        FftPlan plan = FftPlan.Get(n);
        plan.Transform(re, im, outRe, outIm, stride, sign);
        Transpose<T>(re, stride, outRe, stride, n, n);
        Transpose<T>(im, stride, outIm, stride, n, n);
        plan.Transform(outRe, outIm, re, im, stride, sign);
    }

    /// <summary>
    /// <c>destination[c·destinationStride + r] = source[r·sourceStride + c]</c> for r &lt; <paramref name="rows"/>,
    /// c &lt; <paramref name="columns"/>. Floats move in 8 × 8 tiles of AVX registers or 4 × 4 tiles of 128-bit
    /// vectors (<see cref="SimdLanes.MaxVectorBits"/> picks, down to scalar code); a transpose only moves values, so
    /// every path gives the same result.
    /// </summary>
    public static void Transpose<T>(ReadOnlySpan<T> source, int sourceStride, Span<T> destination, int destinationStride, int rows, int columns)
        where T : unmanaged
    {
        if (rows <= 0 || columns <= 0)
        {
            return;
        }

        if ((((long)(rows - 1) * sourceStride) + columns > source.Length) || (((long)(columns - 1) * destinationStride) + rows > destination.Length))
        {
            throw new ArgumentException($"A {rows}x{columns} transpose does not fit buffers of {source.Length} (stride {sourceStride}) and {destination.Length} (stride {destinationStride}).");
        }

        ref T s0 = ref MemoryMarshal.GetReference(source);
        ref T d0 = ref MemoryMarshal.GetReference(destination);
        int tiledRows = 0, tiledColumns = 0;
        if (typeof(T) == typeof(float))
        {
            ref float s = ref Unsafe.As<T, float>(ref s0);
            ref float d = ref Unsafe.As<T, float>(ref d0);
            if (SimdLanes.MaxVectorBits >= 256 && Avx.IsSupported)
            {
                (tiledRows, tiledColumns) = (rows / 8 * 8, columns / 8 * 8);
                for (int r = 0; r < tiledRows; r += 8)
                {
                    for (int c = 0; c < tiledColumns; c += 8)
                    {
                        Tile8(ref Unsafe.Add(ref s, ((nint)r * sourceStride) + c), sourceStride, ref Unsafe.Add(ref d, ((nint)c * destinationStride) + r), destinationStride);
                    }
                }
            }
            else if (SimdLanes.MaxVectorBits >= 128 && Vector128.IsHardwareAccelerated)
            {
                (tiledRows, tiledColumns) = (rows / 4 * 4, columns / 4 * 4);
                for (int r = 0; r < tiledRows; r += 4)
                {
                    for (int c = 0; c < tiledColumns; c += 4)
                    {
                        Tile4(ref Unsafe.Add(ref s, ((nint)r * sourceStride) + c), sourceStride, ref Unsafe.Add(ref d, ((nint)c * destinationStride) + r), destinationStride);
                    }
                }
            }
        }

        // What the tiles left: the columns beyond them in the tiled rows, then the rows below.
        for (int r = 0; r < rows; r++)
        {
            ref T row = ref Unsafe.Add(ref s0, (nint)r * sourceStride);
            for (int c = r < tiledRows ? tiledColumns : 0; c < columns; c++)
            {
                Unsafe.Add(ref d0, ((nint)c * destinationStride) + r) = Unsafe.Add(ref row, c);
            }
        }
    }

    /// <summary>One 8 × 8 tile with AVX: unpack pairs, shuffle quads, swap 128-bit halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile8(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        nuint ss = (nuint)sourceStride, ds = (nuint)destinationStride;
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source), r1 = Vector256.LoadUnsafe(ref source, ss);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, 2 * ss), r3 = Vector256.LoadUnsafe(ref source, 3 * ss);
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, 4 * ss), r5 = Vector256.LoadUnsafe(ref source, 5 * ss);
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, 6 * ss), r7 = Vector256.LoadUnsafe(ref source, 7 * ss);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> q0 = Avx.Shuffle(t0, t2, 0x44), q1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> q2 = Avx.Shuffle(t1, t3, 0x44), q3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> q4 = Avx.Shuffle(t4, t6, 0x44), q5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> q6 = Avx.Shuffle(t5, t7, 0x44), q7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(q0, q4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(q1, q5, 0x20).StoreUnsafe(ref destination, ds);
        Avx.Permute2x128(q2, q6, 0x20).StoreUnsafe(ref destination, 2 * ds);
        Avx.Permute2x128(q3, q7, 0x20).StoreUnsafe(ref destination, 3 * ds);
        Avx.Permute2x128(q0, q4, 0x31).StoreUnsafe(ref destination, 4 * ds);
        Avx.Permute2x128(q1, q5, 0x31).StoreUnsafe(ref destination, 5 * ds);
        Avx.Permute2x128(q2, q6, 0x31).StoreUnsafe(ref destination, 6 * ds);
        Avx.Permute2x128(q3, q7, 0x31).StoreUnsafe(ref destination, 7 * ds);
    }

    /// <summary>One 4 × 4 tile: SSE unpacks and half moves on x86, portable 128-bit operations elsewhere (AdvSimd).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        if (!Sse.IsSupported)
        {
            Tile4Portable(ref source, sourceStride, ref destination, destinationStride);
            return;
        }

        nuint ss = (nuint)sourceStride, ds = (nuint)destinationStride;
        Vector128<float> a = Vector128.LoadUnsafe(ref source), b = Vector128.LoadUnsafe(ref source, ss);
        Vector128<float> c = Vector128.LoadUnsafe(ref source, 2 * ss), d = Vector128.LoadUnsafe(ref source, 3 * ss);
        Vector128<float> ab01 = Sse.UnpackLow(a, b), cd01 = Sse.UnpackLow(c, d);   // a0 b0 a1 b1, c0 d0 c1 d1
        Vector128<float> ab23 = Sse.UnpackHigh(a, b), cd23 = Sse.UnpackHigh(c, d); // a2 b2 a3 b3, c2 d2 c3 d3
        Sse.MoveLowToHigh(ab01, cd01).StoreUnsafe(ref destination);
        Sse.MoveHighToLow(cd01, ab01).StoreUnsafe(ref destination, ds);
        Sse.MoveLowToHigh(ab23, cd23).StoreUnsafe(ref destination, 2 * ds);
        Sse.MoveHighToLow(cd23, ab23).StoreUnsafe(ref destination, 3 * ds);
    }

    /// <summary>One 4 × 4 tile with portable operations (64-bit halves and constant shuffles); internal for its test.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Tile4Portable(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        nuint ss = (nuint)sourceStride, ds = (nuint)destinationStride;
        Vector128<float> a = Vector128.LoadUnsafe(ref source), b = Vector128.LoadUnsafe(ref source, ss);
        Vector128<float> c = Vector128.LoadUnsafe(ref source, 2 * ss), d = Vector128.LoadUnsafe(ref source, 3 * ss);

        // [a0 a1 b0 b1] → [a0 b0 a1 b1], and so on; then the low and high pairs of two such vectors.
        Vector128<float> ab01 = Vector128.Shuffle(Vector128.Create(a.GetLower(), b.GetLower()), Vector128.Create(0, 2, 1, 3));
        Vector128<float> cd01 = Vector128.Shuffle(Vector128.Create(c.GetLower(), d.GetLower()), Vector128.Create(0, 2, 1, 3));
        Vector128<float> ab23 = Vector128.Shuffle(Vector128.Create(a.GetUpper(), b.GetUpper()), Vector128.Create(0, 2, 1, 3));
        Vector128<float> cd23 = Vector128.Shuffle(Vector128.Create(c.GetUpper(), d.GetUpper()), Vector128.Create(0, 2, 1, 3));
        Vector128.Create(ab01.GetLower(), cd01.GetLower()).StoreUnsafe(ref destination);
        Vector128.Create(ab01.GetUpper(), cd01.GetUpper()).StoreUnsafe(ref destination, ds);
        Vector128.Create(ab23.GetLower(), cd23.GetLower()).StoreUnsafe(ref destination, 2 * ds);
        Vector128.Create(ab23.GetUpper(), cd23.GetUpper()).StoreUnsafe(ref destination, 3 * ds);
    }
}
