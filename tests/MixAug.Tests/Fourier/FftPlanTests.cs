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

    /// <summary>
    /// float32 transforms against the definition in double: errors grow like log n relative to the largest |X|
    /// (≤ 2n for inputs in [−1, 1]); 2·10⁻⁶·n bounds them with room (float rounding is 6·10⁻⁸ per operation).
    /// </summary>
    [TestCase(1)]
    [TestCase(8)]
    [TestCase(20)]
    [TestCase(37)]
    [TestCase(64)]
    [TestCase(96)]
    [TestCase(125)]
    [TestCase(331)]
    [TestCase(512)]
    public void FloatTransformMatchesNaiveDftInBothDirections(int n)
    {
        const int stride = 16;
        var random = new MixRandom((ulong)n + 100);
        var re = new float[n * stride];
        var im = new float[n * stride];
        for (int i = 0; i < re.Length; i++)
        {
            re[i] = (float)((2 * random.NextDouble()) - 1);
            im[i] = (float)((2 * random.NextDouble()) - 1);
        }

        foreach (int sign in new[] { -1, 1 })
        {
            float[] outRe = (float[])re.Clone(), outIm = (float[])im.Clone();
            FftPlan.Get(n).Transform<float>(outRe, outIm, stride, sign);
            double worst = 0;
            for (int c = 0; c < stride; c++)
            {
                for (int k = 0; k < n; k++)
                {
                    (double er, double ei) = NaiveDft(n, k, t => (re[(t * stride) + c], im[(t * stride) + c]), sign);
                    worst = Math.Max(worst, Math.Abs(er - outRe[(k * stride) + c]) + Math.Abs(ei - outIm[(k * stride) + c]));
                }
            }

            Assert.That(worst, Is.LessThan(2e-6 * n * Math.Max(1, Math.Log2(n))), $"n = {n}, sign = {sign}");
        }
    }

    /// <summary>Every transform, float and double, has the same bits at every vector width (512, 256, 128 bits, scalar).</summary>
    [TestCase(8)]
    [TestCase(12)]
    [TestCase(37)]
    [TestCase(64)]
    [TestCase(100)]
    public void TransformsDoNotDependOnTheVectorWidth(int n)
    {
        const int stride = 16;
        var random = new MixRandom((ulong)n + 200);
        double[] re = [.. Enumerable.Range(0, n * stride).Select(_ => (2 * random.NextDouble()) - 1)];
        double[] im = [.. Enumerable.Range(0, n * stride).Select(_ => (2 * random.NextDouble()) - 1)];
        float[] reF = [.. re.Select(v => (float)v)], imF = [.. im.Select(v => (float)v)];
        (double[], double[], float[], float[]) Run(int sign)
        {
            double[] a = (double[])re.Clone(), b = (double[])im.Clone();
            float[] c = (float[])reF.Clone(), d = (float[])imF.Clone();
            FftPlan.Get(n).Transform<double>(a, b, stride, sign);
            FftPlan.Get(n).Transform<float>(c, d, stride, sign);
            return (a, b, c, d);
        }

        foreach (int sign in new[] { -1, 1 })
        {
            var reference = Run(sign);
            try
            {
                foreach (int bits in new[] { 256, 128, 1 })
                {
                    SimdLanes.MaxVectorBits = bits;
                    var other = Run(sign);
                    Assert.That(other.Item1, Is.EqualTo(reference.Item1), $"double re, {bits}-bit code, sign {sign}");
                    Assert.That(other.Item2, Is.EqualTo(reference.Item2), $"double im, {bits}-bit code, sign {sign}");
                    Assert.That(other.Item3, Is.EqualTo(reference.Item3), $"float re, {bits}-bit code, sign {sign}");
                    Assert.That(other.Item4, Is.EqualTo(reference.Item4), $"float im, {bits}-bit code, sign {sign}");
                }
            }
            finally
            {
                SimdLanes.MaxVectorBits = 512;
            }
        }
    }

    /// <summary>The transpose moves every element to its place at every width, tiles and edges alike.</summary>
    [TestCase(1, 1)]
    [TestCase(3, 5)]
    [TestCase(8, 8)]
    [TestCase(13, 21)]
    [TestCase(64, 64)]
    [TestCase(17, 40)]
    public void TransposeMovesEveryElement(int rows, int columns)
    {
        int sourceStride = columns + 3, destinationStride = rows + 5;
        float[] source = [.. Enumerable.Range(0, rows * sourceStride).Select(i => (float)i)];
        try
        {
            foreach (int bits in new[] { 512, 256, 128, 1 })
            {
                SimdLanes.MaxVectorBits = bits;
                var destination = new float[columns * destinationStride];
                destination.AsSpan().Fill(-1);
                MultiFft.Transpose<float>(source, sourceStride, destination, destinationStride, rows, columns);
                for (int c = 0; c < columns; c++)
                {
                    for (int r = 0; r < destinationStride; r++)
                    {
                        float expected = r < rows ? source[(r * sourceStride) + c] : -1;
                        Assert.That(destination[(c * destinationStride) + r], Is.EqualTo(expected), $"{bits} bits, ({c}, {r})");
                    }
                }
            }
        }
        finally
        {
            SimdLanes.MaxVectorBits = 512;
        }
    }

    /// <summary>The portable 4 × 4 tile (the AdvSimd path) transposes like the SSE one.</summary>
    [Test]
    public void PortableTileTransposes()
    {
        float[] source = [.. Enumerable.Range(0, 4 * 6).Select(i => (float)i)];
        var destination = new float[4 * 7];
        MultiFft.Tile4Portable(ref source[0], 6, ref destination[0], 7);
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                Assert.That(destination[(c * 7) + r], Is.EqualTo(source[(r * 6) + c]));
            }
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
