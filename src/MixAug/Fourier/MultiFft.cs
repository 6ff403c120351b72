using System.Buffers;

namespace MixAug.Fourier;

/// <summary>
/// Multi-dimensional transforms built from <see cref="FftPlan"/>: numpy's <c>irfftn</c> for 1 to 3 dimensions, and a
/// plain 2D complex transform. Transforms along outer axes act on whole padded rows; the last axis is transposed
/// to the outside first.
/// </summary>
internal static class MultiFft
{
    /// <summary>
    /// numpy's <c>irfftn(spectrum, dims)</c>: the real array whose n-dimensional DFT has the given half spectrum
    /// (last axis of length <c>dims[^1]/2 + 1</c>), normalised by 1/N. As numpy, the imaginary parts that a real
    /// signal cannot carry (last-axis bins 0 and, for even lengths, the Nyquist bin, after the outer transforms)
    /// are dropped.
    /// </summary>
    /// <param name="dims">Output extents, 1 to 3 of them, each at least 1.</param>
    /// <param name="halfRe">Real parts, <c>[outer…][halfStride]</c>; overwritten.</param>
    /// <param name="halfIm">Imaginary parts, same layout; overwritten.</param>
    /// <param name="halfStride">Row stride of the half spectrum: <see cref="FftPlan.PadStride"/> of <c>dims[^1]/2 + 1</c>.</param>
    /// <param name="output">The real result, row-major, <c>Π dims</c> values.</param>
    public static void InverseReal(ReadOnlySpan<int> dims, Span<double> halfRe, Span<double> halfIm, int halfStride, Span<double> output)
    {
        int w = dims[^1];
        int half = (w / 2) + 1;
        int outer = 1;
        for (int a = 0; a < dims.Length - 1; a++)
        {
            outer *= dims[a];
        }

        int total = outer * w;
        if (halfStride != FftPlan.PadStride(half) || halfRe.Length < outer * halfStride || halfIm.Length < outer * halfStride || output.Length != total)
        {
            throw new ArgumentException("Half-spectrum buffers do not match the dimensions.");
        }

        halfRe = halfRe.Slice(0, outer * halfStride);
        halfIm = halfIm.Slice(0, outer * halfStride);

        // Complex inverse along every axis but the last.
        int inner = halfStride;
        for (int a = dims.Length - 2; a >= 0; a--)
        {
            int n = dims[a];
            int blocks = halfRe.Length / (n * inner);
            FftPlan plan = FftPlan.Get(n);
            for (int b = 0; b < blocks; b++)
            {
                int start = b * n * inner;
                plan.Transform(halfRe.Slice(start, n * inner), halfIm.Slice(start, n * inner), inner, +1);
            }

            inner *= n;
        }

        if (w % 2 == 0 && w >= 4)
        {
            InverseRealEvenLastAxis(w, outer, halfRe, halfIm, halfStride, output);
            return;
        }

        // Complex-to-real along the last axis: transpose to [w][outerPadded] with the Hermitian extension
        // Z[k] = conj(Y[w − k]) for k > w/2, inverse along the (now outer) axis, keep the real part.
        int tStride = FftPlan.PadStride(outer);
        int size = w * tStride;
        double[] tRe = ArrayPool<double>.Shared.Rent(size);
        double[] tIm = ArrayPool<double>.Shared.Rent(size);
        try
        {
            Span<double> re = tRe.AsSpan(0, size), im = tIm.AsSpan(0, size);
            for (int k = 0; k < w; k++)
            {
                int source = k < half ? k : w - k;
                double conj = k < half ? 1.0 : -1.0;
                Span<double> rowRe = re.Slice(k * tStride, tStride), rowIm = im.Slice(k * tStride, tStride);
                for (int p = 0; p < outer; p++)
                {
                    rowRe[p] = halfRe[(p * halfStride) + source];
                    rowIm[p] = conj * halfIm[(p * halfStride) + source];
                }

                rowRe.Slice(outer).Clear();
                rowIm.Slice(outer).Clear();
            }

            FftPlan.Get(w).Transform(re, im, tStride, +1);
            double scale = 1.0 / total;
            for (int p = 0; p < outer; p++)
            {
                Span<double> row = output.Slice(p * w, w);
                for (int t = 0; t < w; t++)
                {
                    row[t] = re[(t * tStride) + p] * scale;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(tRe);
            ArrayPool<double>.Shared.Return(tIm);
        }
    }

    /// <summary>
    /// The last-axis complex-to-real step for an even length W = 2M with one complex FFT of length M: with X the
    /// row's half spectrum (imaginary parts of X[0] and X[M] dropped, as irfft does),
    /// Z[k] = ½·[(X[k] + conj X[M − k]) + i·e^{2πik/W}·(X[k] − conj X[M − k])] is the spectrum of
    /// z[t] = x[2t] + i·x[2t + 1], so x comes out of an inverse FFT of length M.
    /// </summary>
    private static void InverseRealEvenLastAxis(int w, int outer, Span<double> halfRe, Span<double> halfIm, int halfStride, Span<double> output)
    {
        int m = w / 2;
        int tStride = FftPlan.PadStride(outer);
        int size = m * tStride;
        double[] tRe = ArrayPool<double>.Shared.Rent(size);
        double[] tIm = ArrayPool<double>.Shared.Rent(size);
        try
        {
            Span<double> re = tRe.AsSpan(0, size), im = tIm.AsSpan(0, size);
            for (int p = 0; p < outer; p++)
            {
                halfIm[p * halfStride] = 0;
                halfIm[(p * halfStride) + m] = 0;
            }

            for (int k = 0; k < m; k++)
            {
                (double cr, double ci) = FftPlan.UnitRoot(2L * k, w); // e^{2πik/W}
                Span<double> rowRe = re.Slice(k * tStride, tStride), rowIm = im.Slice(k * tStride, tStride);
                for (int p = 0; p < outer; p++)
                {
                    int at = p * halfStride;
                    double ar = halfRe[at + k], ai = halfIm[at + k];
                    double br = halfRe[at + m - k], bi = -halfIm[at + m - k]; // conj X[M − k]
                    double er = ar + br, ei = ai + bi; // even part ×2
                    double dr = ar - br, di = ai - bi;
                    double or = (dr * cr) - (di * ci), oi = (dr * ci) + (di * cr); // e^{2πik/W}·(…), odd part ×2
                    rowRe[p] = 0.5 * (er - oi); // + i·odd
                    rowIm[p] = 0.5 * (ei + or);
                }

                rowRe.Slice(outer).Clear();
                rowIm.Slice(outer).Clear();
            }

            FftPlan.Get(m).Transform(re, im, tStride, +1);
            double scale = 1.0 / ((double)outer * m);
            for (int p = 0; p < outer; p++)
            {
                Span<double> row = output.Slice(p * w, w);
                for (int t = 0; t < m; t++)
                {
                    row[2 * t] = re[(t * tStride) + p] * scale;
                    row[(2 * t) + 1] = im[(t * tStride) + p] * scale;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(tRe);
            ArrayPool<double>.Shared.Return(tIm);
        }
    }

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
