using MixAug.Planning;

namespace MixAug.Tests;

internal static class TestHelpers
{
    /// <summary>Spatial extents of a shape, slowest first.</summary>
    public static int[] SpatialDims(BatchShape shape) => shape.SpatialRank switch
    {
        1 => [shape.Width],
        2 => [shape.Height, shape.Width],
        _ => [shape.Depth, shape.Height, shape.Width],
    };

    /// <summary>Forward DFT of a real row-major array by the definition, one axis at a time (O(N·Σ n)).</summary>
    public static (double[] Re, double[] Im) NaiveForwardDft(double[] values, int[] dims)
    {
        int total = values.Length;
        double[] re = (double[])values.Clone();
        var im = new double[total];
        int inner = total;
        for (int a = 0; a < dims.Length; a++)
        {
            int n = dims[a];
            inner /= n;
            var outRe = new double[total];
            var outIm = new double[total];
            for (int block = 0; block < total / (n * inner); block++)
            {
                for (int c = 0; c < inner; c++)
                {
                    int baseIndex = (block * n * inner) + c;
                    for (int k = 0; k < n; k++)
                    {
                        double sr = 0, si = 0;
                        for (int t = 0; t < n; t++)
                        {
                            double angle = -2 * Math.PI * ((long)t * k % n) / n;
                            double cos = Math.Cos(angle), sin = Math.Sin(angle);
                            double xr = re[baseIndex + (t * inner)], xi = im[baseIndex + (t * inner)];
                            sr += (xr * cos) - (xi * sin);
                            si += (xr * sin) + (xi * cos);
                        }

                        outRe[baseIndex + (k * inner)] = sr;
                        outIm[baseIndex + (k * inner)] = si;
                    }
                }
            }

            re = outRe;
            im = outIm;
        }

        return (re, im);
    }

    /// <summary>
    /// numpy's <c>irfftn(half, dims)</c> by the definition, in double: a naive inverse DFT along every outer axis, then
    /// the complex-to-real transform along the last (imaginary parts of the last-axis bins 0 and Nyquist dropped), all
    /// normalised by 1/N. <paramref name="re"/> and <paramref name="im"/> are <c>[outer…][W/2 + 1]</c>, row-major.
    /// </summary>
    public static double[] NaiveInverseRealDft(int[] dims, double[] re, double[] im)
    {
        int w = dims[^1], half = (w / 2) + 1, outer = re.Length / half;
        double[] zr = (double[])re.Clone(), zi = (double[])im.Clone();
        int stride = half;
        for (int a = dims.Length - 2; a >= 0; a--)
        {
            int n = dims[a];
            int blocks = outer * half / (n * stride);
            var nr = new double[zr.Length];
            var ni = new double[zi.Length];
            for (int block = 0; block < blocks; block++)
            {
                for (int c = 0; c < stride; c++)
                {
                    int start = (block * n * stride) + c;
                    for (int t = 0; t < n; t++)
                    {
                        double sr = 0, si = 0;
                        for (int q = 0; q < n; q++)
                        {
                            double angle = 2 * Math.PI * ((long)q * t % n) / n;
                            double cos = Math.Cos(angle), sin = Math.Sin(angle);
                            double xr = zr[start + (q * stride)], xi = zi[start + (q * stride)];
                            sr += (xr * cos) - (xi * sin);
                            si += (xr * sin) + (xi * cos);
                        }

                        nr[start + (t * stride)] = sr / n;
                        ni[start + (t * stride)] = si / n;
                    }
                }
            }

            zr = nr;
            zi = ni;
            stride *= n;
        }

        var output = new double[outer * w];
        for (int p = 0; p < outer; p++)
        {
            for (int t = 0; t < w; t++)
            {
                double sum = zr[p * half];
                for (int k = 1; k < half; k++)
                {
                    double angle = 2 * Math.PI * ((long)k * t % w) / w;
                    double value = (zr[(p * half) + k] * Math.Cos(angle)) - (zi[(p * half) + k] * Math.Sin(angle));
                    sum += (w % 2 == 0 && k == w / 2) ? value : 2 * value;
                }

                output[(p * w) + t] = sum / w;
            }
        }

        return output;
    }

    /// <summary>The paper's FMix scale of every half-spectrum bin, <c>1 / max(|f|, 1/max(dims))^decay</c>, row-major.</summary>
    public static double[] PaperScales(int[] dims, double decay)
    {
        int w = dims[^1], half = (w / 2) + 1, outer = dims.Aggregate(1, (x, y) => x * y) / w, maxDim = dims.Max();
        var scales = new double[outer * half];
        for (int p = 0; p < outer; p++)
        {
            double outerSquared = 0;
            int rest = p;
            for (int d = dims.Length - 2; d >= 0; d--)
            {
                int q = rest % dims[d];
                rest /= dims[d];
                double f = (q <= (dims[d] - 1) / 2 ? q : q - dims[d]) / (double)dims[d];
                outerSquared += f * f;
            }

            for (int k = 0; k < half; k++)
            {
                double freq = Math.Sqrt(outerSquared + ((k / (double)w) * (k / (double)w)));
                scales[(p * half) + k] = 1.0 / Math.Pow(Math.Max(freq, 1.0 / maxDim), decay);
            }
        }

        return scales;
    }

    /// <summary>Pearson's correlation of two equally long series, in double.</summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        return sab / Math.Sqrt(saa * sbb);
    }
}
