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
}
