using System.Buffers;

namespace MixAug.Fourier;

/// <summary>
/// The 2D complex transform of the spectral-residual saliency grid, built from <see cref="FftPlan"/>: the column
/// transforms act on whole padded rows, then the rows are transposed to the outside and transformed the same way.
/// (FMix synthesises its band-limited noise without an FFT; see <c>FourierSynthesis</c>.)
/// </summary>
internal static class MultiFft
{
    /// <summary>
    /// The unnormalised 2D complex DFT of an <paramref name="height"/> × <paramref name="width"/> row-major array,
    /// in place: <c>X[u, v] = Σ x[y, x]·exp(sign·2πi·(u·y/H + v·x/W))</c>.
    /// </summary>
    public static void Complex2D(int height, int width, Span<double> re, Span<double> im, int sign)
    {
        int stride = FftPlan.PadStride(width);
        int tStride = FftPlan.PadStride(height);
        int size = Math.Max(height * stride, width * tStride);
        double[] aRe = ArrayPool<double>.Shared.Rent(size);
        double[] aIm = ArrayPool<double>.Shared.Rent(size);
        try
        {
            Span<double> ar = aRe.AsSpan(0, height * stride), ai = aIm.AsSpan(0, height * stride);
            ar.Clear();
            ai.Clear();
            for (int y = 0; y < height; y++)
            {
                re.Slice(y * width, width).CopyTo(ar.Slice(y * stride));
                im.Slice(y * width, width).CopyTo(ai.Slice(y * stride));
            }

            FftPlan.Get(height).Transform(ar, ai, stride, sign);
            for (int y = 0; y < height; y++)
            {
                ar.Slice(y * stride, width).CopyTo(re.Slice(y * width));
                ai.Slice(y * stride, width).CopyTo(im.Slice(y * width));
            }

            // Along the rows: transpose to [width][height padded].
            Span<double> br = aRe.AsSpan(0, width * tStride), bi = aIm.AsSpan(0, width * tStride);
            br.Clear();
            bi.Clear();
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    br[(x * tStride) + y] = re[(y * width) + x];
                    bi[(x * tStride) + y] = im[(y * width) + x];
                }
            }

            FftPlan.Get(width).Transform(br, bi, tStride, sign);
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
            ArrayPool<double>.Shared.Return(aRe);
            ArrayPool<double>.Shared.Return(aIm);
        }
    }
}
