using MixAug.Fourier;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;
using NUnit.Framework;

namespace MixAug.Tests.Saliency;

/// <summary>
/// The float32 grid pipeline of <see cref="SpectralResidualSaliency"/> against a straightforward double-precision
/// reference of the same algorithm written here (area resampling by exact overlaps, DFTs by the definition, the
/// residual, blur and normalisation spelled out), and the same bits at every vector width.
/// </summary>
public class SpectralResidualReferenceTests
{
    /// <summary>
    /// Largest |float pipeline − double reference| accepted on a grid normalised to [0, 1]. Rounding in float32 is
    /// 6·10⁻⁸ per operation; the steps that grow it are the two FFTs (about log₂(r²) ≈ 12 roundings deep, relative to
    /// the largest coefficient) and the spectral residual, which whitens the amplitude, so a coefficient 10⁻³ of the
    /// largest carries a relative error about 10³ times the FFT's after exp(R). That gives errors of order 10⁻⁵ of
    /// the map's range (measured: see <see cref="FloatPipelineMatchesDoubleReference"/>'s message); 10⁻³ leaves a
    /// wide margin for other machines' log/exp, while a wrong stage (a planted defect) moves the map by 10⁻² or more.
    /// </summary>
    internal const double Tolerance = 1e-3;

    internal static IEnumerable<TestCaseData> Cases()
    {
        // resolution, sigma, channels, height, width, image kind, seed
        yield return new TestCaseData(64, 2.5, 3, 224, 224, "noise", 1ul);
        yield return new TestCaseData(64, 2.5, 3, 224, 224, "blob", 2ul);
        yield return new TestCaseData(64, 2.5, 3, 224, 224, "shapes", 3ul);
        yield return new TestCaseData(64, 2.5, 1, 97, 131, "noise", 4ul);
        yield return new TestCaseData(64, 2.5, 2, 300, 17, "shapes", 5ul);
        yield return new TestCaseData(64, 2.5, 3, 28, 28, "blob", 6ul);
        yield return new TestCaseData(64, 2.5, 3, 48, 40, "noise", 7ul);
        yield return new TestCaseData(37, 1.5, 3, 120, 90, "shapes", 8ul); // a Bluestein length
        yield return new TestCaseData(50, 2.5, 3, 113, 64, "blob", 9ul); // radix 2 and 5, no radix 4
        yield return new TestCaseData(4, 0.7, 1, 19, 23, "noise", 10ul);
        yield return new TestCaseData(20, 1.0, 3, 1, 57, "noise", 11ul); // one row
        yield return new TestCaseData(20, 1.0, 1, 45, 1, "shapes", 12ul); // one column
        yield return new TestCaseData(128, 4.0, 3, 160, 200, "shapes", 13ul);
        yield return new TestCaseData(64, 2.5, 3, 32, 32, "noise", 14ul); // half the grid: exact spectral zeros
        yield return new TestCaseData(64, 2.5, 3, 32, 48, "noise", 15ul); // the golden plans' images
        yield return new TestCaseData(64, 2.5, 3, 16, 16, "blob", 16ul);
        yield return new TestCaseData(100, 2.5, 3, 50, 50, "noise", 17ul); // exact zeros with radix 5
        yield return new TestCaseData(48, 2.5, 1, 24, 16, "shapes", 18ul); // and radix 3
        yield return new TestCaseData(37, 1.5, 2, 1, 80, "noise", 19ul); // and Bluestein
    }

    [TestCaseSource(nameof(Cases))]
    public void FloatPipelineMatchesDoubleReference(int resolution, double sigma, int channels, int height, int width, string kind, ulong seed)
    {
        var source = new SpectralResidualSaliency(resolution, sigma);
        var shape = new BatchShape(1, channels, height, width);
        float[] image = Image(shape, kind, seed);
        var grid = new float[resolution * resolution];
        source.ComputeGrid(shape, image, grid);
        double[] reference = ReferenceGrid(shape, image, resolution, sigma);
        (double worst, int at) = MaxDifference(grid, reference);
        TestContext.Out.WriteLine($"max |float − double| = {worst:E2} at cell {at}");
        Assert.That(worst, Is.LessThan(Tolerance), $"cell ({at / resolution}, {at % resolution}): {grid[at]} against {reference[at]}");
        // The peak is the reference's peak cell or a neighbour, unless the reference ties there (a one-row image's
        // grid has equal rows): then its value at the float peak is its maximum up to the rounding measured above.
        int peak = SpectralResidualSaliency.ArgMax(grid), expected = ArgMax(reference);
        bool adjacent = Math.Abs((peak / resolution) - (expected / resolution)) <= 1 && Math.Abs((peak % resolution) - (expected % resolution)) <= 1;
        Assert.That(adjacent || reference[peak] >= reference[expected] - (2 * worst), Is.True, $"peak {peak} against {expected}: reference {reference[peak]} against {reference[expected]}");
    }

    /// <summary>The grid has the same bits at every vector width (512, 256, 128 bits, scalar code).</summary>
    [TestCaseSource(nameof(Cases))]
    public void GridDoesNotDependOnTheVectorWidth(int resolution, double sigma, int channels, int height, int width, string kind, ulong seed)
    {
        var source = new SpectralResidualSaliency(resolution, sigma);
        var shape = new BatchShape(1, channels, height, width);
        float[] image = Image(shape, kind, seed);
        var reference = new float[resolution * resolution];
        source.ComputeGrid(shape, image, reference);
        try
        {
            foreach (int bits in new[] { 256, 128, 1 })
            {
                SimdLanes.MaxVectorBits = bits;
                var grid = new float[resolution * resolution];
                source.ComputeGrid(shape, image, grid);
                Assert.That(grid, Is.EqualTo(reference), $"{bits}-bit code");
            }
        }
        finally
        {
            SimdLanes.MaxVectorBits = 512;
        }
    }

    /// <summary>
    /// Grids computed concurrently on many threads, alternating resolutions on each (so the per-thread workspaces are
    /// replaced, and a 300² one is never kept) and image sizes, equal the grids computed one by one.
    /// </summary>
    [Test]
    public void ConcurrentGridsEqualSequentialOnes()
    {
        (SpectralResidualSaliency Source, BatchShape Shape, float[] Image)[] jobs =
        [
            .. Enumerable.Range(0, 24).Select(i =>
            {
                var source = new SpectralResidualSaliency(i % 3 == 0 ? 64 : i % 3 == 1 ? 37 : 300, 2.0);
                var shape = new BatchShape(1, 1 + (i % 3), 20 + (7 * i), 90 - (3 * i));
                return (source, shape, Image(shape, i % 2 == 0 ? "noise" : "shapes", (ulong)i));
            }),
        ];
        float[][] sequential = [.. jobs.Select(job => Grid(job.Source, job.Shape, job.Image))];
        var concurrent = new float[jobs.Length * 4][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var job = jobs[k % jobs.Length];
            concurrent[k] = Grid(job.Source, job.Shape, job.Image);
        });
        for (int k = 0; k < concurrent.Length; k++)
        {
            Assert.That(concurrent[k], Is.EqualTo(sequential[k % jobs.Length]), $"job {k % jobs.Length}, round {k / jobs.Length}");
        }

        static float[] Grid(SpectralResidualSaliency source, BatchShape shape, float[] image)
        {
            var grid = new float[source.Resolution * source.Resolution];
            source.ComputeGrid(shape, image, grid);
            return grid;
        }
    }

    /// <summary>
    /// The comparison can fail: the reference with one stage perturbed (a 5×5 instead of a 3×3 local mean, a blur σ
    /// 10 % off, the phase dropped, the area weights shifted by one pixel) differs from the pipeline by more than the
    /// tolerance.
    /// </summary>
    [TestCase("mean5x5")]
    [TestCase("sigma")]
    [TestCase("no-phase")]
    [TestCase("shifted-area")]
    [TestCase("amplitude-not-squared")]
    public void PlantedDefectIsCaught(string defect)
    {
        var shape = new BatchShape(1, 3, 224, 224);
        float[] image = Image(shape, "shapes", 3);
        var grid = new float[64 * 64];
        SpectralResidualSaliency.Default.ComputeGrid(shape, image, grid);
        double[] perturbed = ReferenceGrid(shape, image, 64, 2.5, defect);
        (double worst, _) = MaxDifference(grid, perturbed);
        Assert.That(worst, Is.GreaterThan(10 * Tolerance), defect);
    }

    /// <summary>
    /// Test images: "noise" (uniform in [0, 1) per pixel and channel), "blob" (faint noise and a Gaussian blob),
    /// "shapes" (a horizontal ramp, a bright rectangle, a dark disc and a diagonal stripe, channels scaled).
    /// </summary>
    internal static float[] Image(BatchShape shape, string kind, ulong seed)
    {
        var random = new MixRandom(seed);
        int h = shape.Height, w = shape.Width, plane = h * w;
        var image = new float[shape.SampleSize];
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double v = kind switch
                    {
                        "noise" => random.NextDouble(),
                        "blob" => 0.45 + (0.1 * random.NextDouble()) + (0.5 * Math.Exp(-((Sq(y - (0.3 * h)) + Sq(x - (0.7 * w))) / Math.Max(2.0, 0.01 * plane)))),
                        _ => Shapes(y, x, h, w) * (1 + (0.2 * c)),
                    };
                    image[(c * plane) + (y * w) + x] = (float)v;
                }
            }
        }

        return image;
    }

    private static double Sq(double v) => v * v;

    private static double Shapes(int y, int x, int h, int w)
    {
        double v = 0.2 + (0.3 * x / Math.Max(w - 1, 1));
        if (y >= h / 5 && y < h / 2 && x >= w / 2 && x < (4 * w) / 5)
        {
            v += 0.6;
        }

        if (Sq(y - (0.7 * h)) + Sq(x - (0.3 * w)) < Sq(0.12 * Math.Min(h, w)) + 0.5)
        {
            v -= 0.15;
        }

        if (Math.Abs((y * w / (double)h) - x) < 0.04 * w + 0.5)
        {
            v += 0.25;
        }

        return v;
    }

    /// <summary>
    /// Steps 1–8 of <see cref="SpectralResidualSaliency"/> in double, by the definitions: the channel mean; cell
    /// (i, j) = Σ overlap·pixel / (sy·sx) over the cell's footprint [i·sy, (i+1)·sy) × [j·sx, (j+1)·sx); the DFT
    /// X[u, v] = Σ x[y, x]·exp(−2πi(uy + vx)/r); A = 10⁻¹²·max|X| (phase 1) where |X| &lt; 10⁻⁶·max|X|, else |X|; R = log A − (3×3
    /// mean of log A, replicated borders); Y = exp(R)·X/|X|; the inverse DFT, |·|²; a normalised Gaussian of radius
    /// ⌈3σ⌉ along x then y, replicated borders; (s − min)/(max − min).
    /// </summary>
    internal static double[] ReferenceGrid(BatchShape shape, float[] image, int r, double sigma, string? defect = null)
    {
        int h = shape.Height, w = shape.Width, plane = h * w;
        var gray = new double[plane];
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int k = 0; k < plane; k++)
            {
                gray[k] += image[(c * plane) + k];
            }
        }

        for (int k = 0; k < plane; k++)
        {
            gray[k] /= shape.Channels;
        }

        int shift = defect == "shifted-area" ? 1 : 0;
        double[,] wy = Overlaps(h, r), wx = Overlaps(w, r);
        var re = new double[r * r];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < r; j++)
            {
                double sum = 0;
                for (int y = 0; y < h; y++)
                {
                    if (wy[i, y] == 0)
                    {
                        continue;
                    }

                    for (int x = 0; x < w; x++)
                    {
                        sum += wy[i, y] * wx[j, x] * gray[(y * w) + Math.Min(x + shift, w - 1)];
                    }
                }

                re[(i * r) + j] = sum;
            }
        }

        if (re.Max() - re.Min() <= 1e-6 * Math.Max(Math.Abs(re.Max()), Math.Abs(re.Min())))
        {
            return new double[r * r];
        }

        var im = new double[r * r];
        Dft2(re, im, r, -1);
        var amplitude = new double[r * r];
        for (int k = 0; k < amplitude.Length; k++)
        {
            amplitude[k] = Math.Sqrt((re[k] * re[k]) + (im[k] * im[k]));
        }

        double floor = amplitude.Max() * 1e-12, zero = amplitude.Max() * 1e-6;
        var log = new double[r * r];
        for (int k = 0; k < log.Length; k++)
        {
            if (amplitude[k] < zero)
            {
                (re[k], im[k], amplitude[k]) = (floor, 0, floor);
            }

            log[k] = Math.Log(defect == "amplitude-not-squared" ? amplitude[k] * amplitude[k] : amplitude[k]);
        }

        int half = defect == "mean5x5" ? 2 : 1;
        var residual = new double[r * r];
        for (int u = 0; u < r; u++)
        {
            for (int v = 0; v < r; v++)
            {
                double sum = 0;
                for (int du = -half; du <= half; du++)
                {
                    for (int dv = -half; dv <= half; dv++)
                    {
                        sum += log[(Math.Clamp(u + du, 0, r - 1) * r) + Math.Clamp(v + dv, 0, r - 1)];
                    }
                }

                residual[(u * r) + v] = log[(u * r) + v] - (sum / Sq((2 * half) + 1));
            }
        }

        for (int k = 0; k < residual.Length; k++)
        {
            double scale = Math.Exp(residual[k]) / (defect == "no-phase" ? 1 : amplitude[k]);
            re[k] = defect == "no-phase" ? scale : re[k] * scale;
            im[k] = defect == "no-phase" ? 0 : im[k] * scale;
        }

        Dft2(re, im, r, +1);
        var saliency = new double[r * r];
        for (int k = 0; k < saliency.Length; k++)
        {
            saliency[k] = (re[k] * re[k]) + (im[k] * im[k]);
        }

        double blurSigma = defect == "sigma" ? sigma * 1.1 : sigma;
        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[(2 * radius) + 1];
        for (int t = -radius; t <= radius; t++)
        {
            kernel[t + radius] = Math.Exp(-(t * t) / (2 * blurSigma * blurSigma));
        }

        double total = kernel.Sum();
        var across = new double[r * r];
        var blurred = new double[r * r];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < r; j++)
            {
                double sum = 0;
                for (int t = -radius; t <= radius; t++)
                {
                    sum += kernel[t + radius] / total * saliency[(i * r) + Math.Clamp(j + t, 0, r - 1)];
                }

                across[(i * r) + j] = sum;
            }
        }

        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < r; j++)
            {
                double sum = 0;
                for (int t = -radius; t <= radius; t++)
                {
                    sum += kernel[t + radius] / total * across[(Math.Clamp(i + t, 0, r - 1) * r) + j];
                }

                blurred[(i * r) + j] = sum;
            }
        }

        double min = blurred.Min(), max = blurred.Max();
        return [.. blurred.Select(s => max > min ? (s - min) / (max - min) : 0)];
    }

    /// <summary>[cell, pixel] = |[cell·s, (cell+1)·s) ∩ [pixel, pixel+1)| / s with s = source/cells.</summary>
    private static double[,] Overlaps(int source, int cells)
    {
        var weights = new double[cells, source];
        double s = (double)source / cells;
        for (int j = 0; j < cells; j++)
        {
            for (int p = 0; p < source; p++)
            {
                double overlap = Math.Min((j + 1) * s, p + 1) - Math.Max(j * s, p);
                weights[j, p] = overlap > 0 ? overlap / s : 0;
            }
        }

        return weights;
    }

    /// <summary>The unnormalised 2D DFT by the definition (rows, then columns), angles reduced in integers.</summary>
    private static void Dft2(double[] re, double[] im, int r, int sign)
    {
        var cos = new double[r];
        var sin = new double[r];
        for (int k = 0; k < r; k++)
        {
            cos[k] = Math.Cos(2 * Math.PI * k / r);
            sin[k] = sign * Math.Sin(2 * Math.PI * k / r);
        }

        var lineRe = new double[r];
        var lineIm = new double[r];
        for (int pass = 0; pass < 2; pass++)
        {
            for (int a = 0; a < r; a++)
            {
                // pass 0: row a; pass 1: column a.
                int At(int b) => pass == 0 ? (a * r) + b : (b * r) + a;
                for (int k = 0; k < r; k++)
                {
                    double sr = 0, si = 0;
                    for (int t = 0; t < r; t++)
                    {
                        int m = t * k % r;
                        double xr = re[At(t)], xi = im[At(t)];
                        sr += (xr * cos[m]) - (xi * sin[m]);
                        si += (xr * sin[m]) + (xi * cos[m]);
                    }

                    (lineRe[k], lineIm[k]) = (sr, si);
                }

                for (int k = 0; k < r; k++)
                {
                    (re[At(k)], im[At(k)]) = (lineRe[k], lineIm[k]);
                }
            }
        }
    }

    private static (double Worst, int At) MaxDifference(float[] grid, double[] reference)
    {
        double worst = -1;
        int at = 0;
        for (int k = 0; k < grid.Length; k++)
        {
            double d = Math.Abs(grid[k] - reference[k]);
            if (!(d <= worst))
            {
                (worst, at) = (d, k);
            }
        }

        return (worst, at);
    }

    private static int ArgMax(double[] values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }
}
