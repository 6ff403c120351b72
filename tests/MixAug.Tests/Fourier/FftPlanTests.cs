using MixAug.Fourier;
using MixAug.Randomness;
using NUnit.Framework;

namespace MixAug.Tests.Fourier;

/// <summary>The FFT against the O(N²) definition, computed here independently with angles reduced in integers.</summary>
public class FftPlanTests
{
    private static IEnumerable<int> Sizes() =>
        Enumerable.Range(1, 40).Concat([43, 47, 49, 53, 64, 97, 100, 121, 128, 224, 225, 257, 331]);

    [TestCaseSource(nameof(Sizes))]
    public void ComplexTransformMatchesNaiveDftInBothDirections(int n)
    {
        const int stride = 8;
        var random = new MixRandom((ulong)n);
        var re = new double[n * stride];
        var im = new double[n * stride];
        for (int i = 0; i < re.Length; i++)
        {
            re[i] = (2 * random.NextDouble()) - 1;
            im[i] = (2 * random.NextDouble()) - 1;
        }

        foreach (int sign in new[] { -1, 1 })
        {
            double[] outRe = (double[])re.Clone(), outIm = (double[])im.Clone();
            FftPlan.Get(n).Transform(outRe, outIm, stride, sign);
            double worst = 0;
            for (int c = 0; c < stride; c++)
            {
                for (int k = 0; k < n; k++)
                {
                    (double er, double ei) = NaiveDft(n, k, t => (re[(t * stride) + c], im[(t * stride) + c]), sign);
                    worst = Math.Max(worst, Math.Abs(er - outRe[(k * stride) + c]) + Math.Abs(ei - outIm[(k * stride) + c]));
                }
            }

            // Inputs are in [-1, 1], so |X[k]| <= 2n; double rounding of an FFT grows like log n, naive sums like n.
            Assert.That(worst, Is.LessThan(1e-11 * n), $"n = {n}, sign = {sign}");
        }
    }

    [TestCase(new[] { 1 })]
    [TestCase(new[] { 7 })]
    [TestCase(new[] { 16 })]
    [TestCase(new[] { 37 })]
    [TestCase(new[] { 5, 8 })]
    [TestCase(new[] { 16, 40 })]
    [TestCase(new[] { 9, 13 })]
    [TestCase(new[] { 1, 6 })]
    [TestCase(new[] { 6, 1 })]
    [TestCase(new[] { 4, 6, 10 })]
    [TestCase(new[] { 3, 5, 7 })]
    [TestCase(new[] { 2, 1, 9 })]
    public void InverseRealMatchesNaiveIrfftn(int[] dims)
    {
        int w = dims[^1];
        int half = (w / 2) + 1;
        int stride = FftPlan.PadStride(half);
        int outer = dims.Take(dims.Length - 1).Aggregate(1, (a, b) => a * b);
        var random = new MixRandom(99);
        var re = new double[outer * stride];
        var im = new double[outer * stride];
        for (int p = 0; p < outer; p++)
        {
            for (int k = 0; k < half; k++)
            {
                re[(p * stride) + k] = NormalSampler.Sample(random);
                im[(p * stride) + k] = NormalSampler.Sample(random);
            }
        }

        double[] expected = NaiveIrfftn(dims, re, im, stride);
        var actual = new double[outer * w];
        MultiFft.InverseReal(dims, (double[])re.Clone(), (double[])im.Clone(), stride, actual);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-12), $"index {i}");
        }
    }

    [TestCase(1, 1)]
    [TestCase(64, 64)]
    [TestCase(7, 12)]
    [TestCase(13, 5)]
    public void Complex2DMatchesNaiveDft(int h, int w)
    {
        var random = new MixRandom(5);
        var re = new double[h * w];
        var im = new double[h * w];
        for (int i = 0; i < re.Length; i++)
        {
            re[i] = random.NextDouble();
            im[i] = random.NextDouble();
        }

        double[] outRe = (double[])re.Clone(), outIm = (double[])im.Clone();
        MultiFft.Complex2D(h, w, outRe, outIm, -1);
        for (int u = 0; u < h; u++)
        {
            for (int v = 0; v < w; v++)
            {
                double sr = 0, si = 0;
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        double angle = -2 * Math.PI * ((((long)u * y % h) * w) + ((long)v * x % w * h)) / ((double)h * w);
                        double c = Math.Cos(angle), s = Math.Sin(angle);
                        sr += (re[(y * w) + x] * c) - (im[(y * w) + x] * s);
                        si += (re[(y * w) + x] * s) + (im[(y * w) + x] * c);
                    }
                }

                Assert.That(outRe[(u * w) + v], Is.EqualTo(sr).Within(1e-9));
                Assert.That(outIm[(u * w) + v], Is.EqualTo(si).Within(1e-9));
            }
        }
    }

    [Test]
    public void ForwardThenInverseRestoresTheInputTimesN()
    {
        const int n = 224, stride = 8;
        var random = new MixRandom(3);
        var re = new double[n * stride];
        var im = new double[n * stride];
        for (int i = 0; i < re.Length; i++)
        {
            re[i] = random.NextDouble();
        }

        double[] original = (double[])re.Clone();
        FftPlan.Get(n).Transform(re, im, stride, -1);
        FftPlan.Get(n).Transform(re, im, stride, +1);
        for (int i = 0; i < re.Length; i++)
        {
            Assert.That(re[i] / n, Is.EqualTo(original[i]).Within(1e-13));
            Assert.That(im[i] / n, Is.EqualTo(0).Within(1e-13));
        }
    }

    private static (double Re, double Im) NaiveDft(int n, int k, Func<int, (double Re, double Im)> x, int sign)
    {
        double sr = 0, si = 0;
        for (int t = 0; t < n; t++)
        {
            double angle = sign * 2 * Math.PI * ((long)t * k % n) / n;
            (double a, double b) = x(t);
            sr += (a * Math.Cos(angle)) - (b * Math.Sin(angle));
            si += (a * Math.Sin(angle)) + (b * Math.Cos(angle));
        }

        return (sr, si);
    }

    /// <summary>
    /// irfftn by the definition: x[t] = (1/N) Σ over the full spectrum, where the full spectrum is the half one
    /// extended by Hermitian symmetry, and the result's real part is taken, as numpy does.
    /// </summary>
    private static double[] NaiveIrfftn(int[] dims, double[] re, double[] im, int stride)
    {
        int rank = dims.Length;
        int w = dims[^1];
        int half = (w / 2) + 1;
        int total = dims.Aggregate(1, (a, b) => a * b);
        int outer = total / w;
        var result = new double[total];
        var coords = new int[rank];
        var freq = new int[rank];
        for (int i = 0; i < total; i++)
        {
            Unravel(i, dims, coords);
            double sum = 0;
            // Outer axes: complex inverse over the half spectrum rows; last axis: irfft of that row.
            for (int p = 0; p < outer; p++)
            {
                Unravel(p, dims[..^1], freq);
                double phaseOuter = 0;
                for (int a = 0; a < rank - 1; a++)
                {
                    phaseOuter += (double)((long)freq[a] * coords[a] % dims[a]) / dims[a];
                }

                for (int k = 0; k < w; k++)
                {
                    // Row p of the outer-inverted spectrum at column k: Y[p', k] contributions. For k > w/2 the
                    // value is conj(Y[w - k]) of the outer-inverted row at the same position, which is the sum
                    // of conj(S[q, w-k]·e^{+i·phase}) = conj(S)·e^{-i·phase}.
                    double phaseLast = (double)((long)k * coords[rank - 1] % w) / w;
                    double ar, ai, phase;
                    if (k < half)
                    {
                        ar = re[(p * stride) + k];
                        ai = im[(p * stride) + k];
                        phase = 2 * Math.PI * (phaseOuter + phaseLast);
                    }
                    else
                    {
                        ar = re[(p * stride) + (w - k)];
                        ai = -im[(p * stride) + (w - k)];
                        phase = 2 * Math.PI * (-phaseOuter + phaseLast);
                    }

                    sum += (ar * Math.Cos(phase)) - (ai * Math.Sin(phase));
                }
            }

            result[i] = sum / total;
        }

        return result;
    }

    private static void Unravel(int index, ReadOnlySpan<int> dims, int[] coords)
    {
        for (int a = dims.Length - 1; a >= 0; a--)
        {
            coords[a] = index % dims[a];
            index /= dims[a];
        }
    }
}
