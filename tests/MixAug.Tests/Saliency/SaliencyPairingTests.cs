using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;
using NUnit.Framework;

namespace MixAug.Tests.Saliency;

/// <summary>GuidedMix's pairing: OpenMixup's greedy one-cycle cover and the distances it reads.</summary>
public class SaliencyPairingTests
{
    /// <summary>
    /// Worked by hand. The largest off-diagonal entry is 9 at (0, 2): 0 → 2. From 2, among {1, 3, 4}: 3, 6, 7 → 4.
    /// From 4, among {1, 3}: 5, 2.5 → 1. From 1, only 3 is left → 3. The last closes the cycle: 3 → 0.
    /// </summary>
    [Test]
    public void GreedyCycleOnAHandMadeMatrix()
    {
        double[] distances =
        [
            0, 2, 9, 4, 1,
            2, 0, 3, 8, 5,
            9, 3, 0, 6, 7,
            4, 8, 6, 0, 2.5,
            1, 5, 7, 2.5, 0,
        ];
        Assert.That(SaliencyPairing.GreedyCycle(distances, 5), Is.EqualTo(new[] { 2, 3, 4, 0, 1 }));
    }

    /// <summary>Ties go to the first pair in row-major order, then to the smallest index (NumPy's argmax).</summary>
    [Test]
    public void TiesGoToTheSmallestIndex()
    {
        Assert.That(SaliencyPairing.GreedyCycle(Enumerable.Repeat(1.0, 16).ToArray(), 4), Is.EqualTo(new[] { 1, 2, 3, 0 }));
        Assert.That(SaliencyPairing.GreedyCycle([0, 3, 3, 0], 2), Is.EqualTo(new[] { 1, 0 }));
        Assert.That(SaliencyPairing.GreedyCycle([0], 1), Is.EqualTo(new[] { 0 }));
    }

    /// <summary>
    /// Against a transcription of OpenMixup's <c>onecycle_cover</c> (a copy of the matrix, the diagonal and the used
    /// columns set to −∞, argmax over the flattened matrix and over rows), on random matrices of every size 2 to 17:
    /// the same partners, and always one cycle through the whole batch.
    /// </summary>
    [Test]
    public void MatchesOpenMixupsOneCycleCoverAndFormsOneCycle()
    {
        var random = new MixRandom(12);
        for (int trial = 0; trial < 300; trial++)
        {
            int b = 2 + (trial % 16);
            var distances = new double[b * b];
            for (int i = 0; i < b; i++)
            {
                for (int j = i + 1; j < b; j++)
                {
                    // a coarse grid of values, so that ties happen
                    distances[(i * b) + j] = distances[(j * b) + i] = random.NextInt(trial % 2 == 0 ? 5 : 1000);
                }
            }

            int[] partners = SaliencyPairing.GreedyCycle(distances, b);
            Assert.That(partners, Is.EqualTo(OneCycleCover(distances, b)), $"trial {trial}");
            int at = 0, length = 0;
            do
            {
                Assert.That(partners[at], Is.Not.EqualTo(at));
                at = partners[at];
                length++;
            }
            while (at != 0 && length <= b);
            Assert.That(length, Is.EqualTo(b), "one cycle through every sample");
        }
    }

    private static int[] OneCycleCover(double[] source, int b)
    {
        double[] m = [.. source];
        var sorted = new int[b];
        for (int i = 0; i < b; i++)
        {
            m[(i * b) + i] = double.NegativeInfinity;
        }

        int maxIdx = ArgMax(m, 0, b * b);
        int row = maxIdx / b, col = maxIdx % b, firstRow = row;
        sorted[row] = col;
        MaskColumn(m, b, row);
        for (int idx = 0; idx < b - 2;)
        {
            idx++;
            row = col;
            col = ArgMax(m, row * b, b);
            sorted[row] = col;
            MaskColumn(m, b, row);
        }

        sorted[col] = firstRow;
        return sorted;
    }

    private static void MaskColumn(double[] m, int b, int column)
    {
        for (int r = 0; r < b; r++)
        {
            m[(r * b) + column] = double.NegativeInfinity;
        }
    }

    private static int ArgMax(double[] m, int start, int count)
    {
        int best = 0;
        for (int k = 1; k < count; k++)
        {
            if (m[start + k] > m[start + best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>The distribution is the grid convolved with the 2D Gaussian (reflect-101 borders), divided by its sum.</summary>
    [TestCase(8, 9)]
    [TestCase(3, 2)]
    [TestCase(1, 5)]
    [TestCase(64, 64)]
    public void DistributionIsTheNormalisedGaussianSmoothing(int h, int w)
    {
        var random = new MixRandom((ulong)(h * w));
        float[] grid = [.. Enumerable.Range(0, h * w).Select(_ => (float)random.NextDouble() - 0.2f)];
        double[] actual = SaliencyPairing.Distribution(grid, h, w);
        double[] g = [.. Enumerable.Range(-3, 7).Select(t => Math.Exp(-(t * t) / 18.0))];
        var expected = new double[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0, weight = 0;
                for (int dy = -3; dy <= 3; dy++)
                {
                    for (int dx = -3; dx <= 3; dx++)
                    {
                        sum += g[dy + 3] * g[dx + 3] * Math.Max(0, grid[(Fold(y + dy, h) * w) + Fold(x + dx, w)]);
                        weight += g[dy + 3] * g[dx + 3];
                    }
                }

                expected[(y * w) + x] = sum / weight;
            }
        }

        double total = expected.Sum();
        Assert.That(actual, Is.EqualTo(expected.Select(v => v / total)).Within(1e-12));
        Assert.That(SaliencyPairing.Distribution(new float[h * w], h, w), Is.All.EqualTo(1.0 / (h * w)), "a flat grid is uniform");
    }

    /// <summary>Reflect-101 by walking: bounce off either end until inside.</summary>
    private static int Fold(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        while (i < 0 || i >= n)
        {
            i = i < 0 ? -i : (2 * (n - 1)) - i;
        }

        return i;
    }

    [Test]
    public void DistanceHasTheBitsOfFourScalarPartialSumsAtEveryLength()
    {
        // The vector path must equal the documented scalar definition bit for bit (lane j = the elements k ≡ j mod 4,
        // multiplies and adds unfused), so pairings are the same on every machine.
        var random = new Random(5);
        for (int n = 0; n <= 70; n++)
        {
            double[] a = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() / 4096)];
            double[] b = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() / 4096)];
            var sums = new double[4];
            int quads = n / 4 * 4;
            for (int k = 0; k < quads; k++)
            {
                double d = a[k] - b[k];
                sums[k % 4] += d * d;
            }

            for (int k = quads; k < n; k++)
            {
                double d = a[k] - b[k];
                sums[0] += d * d;
            }

            double expected = Math.Sqrt((sums[0] + sums[1]) + (sums[2] + sums[3]));
            Assert.That(BitConverter.DoubleToInt64Bits(SaliencyPairing.Distance(a, b, n)), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"length {n}");
        }
    }
    /// <summary>
    /// The batch's distance matrix is each pair's <see cref="SaliencyPairing.Distance"/> to the bit, whatever the blocks
    /// and groups of four partners the kernel takes them in: batches of 1 to 9 and 37 (three blocks of 64×64 grids, the
    /// last of five), grids of 1, 3, 7 and 4096 cells, on one to three threads; the diagonal is 0 and the matrix symmetric.
    /// </summary>
    [TestCase(1, 1, 1)]
    [TestCase(2, 1, 3)]
    [TestCase(5, 1, 7)]
    [TestCase(9, 3, 3)]
    [TestCase(6, 2, 2)]
    [TestCase(37, 64, 64)]
    [TestCase(21, 64, 64)]
    public void DistancesHaveTheBitsOfEachPairsDistance(int b, int h, int w)
    {
        var random = new MixRandom((ulong)((b * 131) + (h * w)));
        int cells = h * w;
        float[] grids = [.. Enumerable.Range(0, b * cells).Select(_ => (float)random.NextDouble())];
        SaliencyMaps maps = SaliencyMaps.FromGrids(SpectralResidualSaliency.Default, new SpatialShape(h, w), h, w, grids);
        double[][] distributions = [.. Enumerable.Range(0, b).Select(i => SaliencyPairing.Distribution(grids.AsSpan(i * cells, cells), h, w))];
        foreach (int threads in new[] { 1, 2, 3 })
        {
            AssertEveryPair(SaliencyPairing.Distances(maps, new MixConfiguration(maxDegreeOfParallelism: threads)), distributions, b, cells, $"{threads} threads");
        }

        AssertEveryPair(SaliencyPairing.Distances(maps), distributions, b, cells, "the default configuration");
    }

    private static void AssertEveryPair(double[] distances, double[][] distributions, int b, int cells, string what)
    {
        for (int i = 0; i < b; i++)
        {
            Assert.That(distances[(i * b) + i], Is.EqualTo(0.0), $"{what}: diagonal {i}");
            for (int j = 0; j < b; j++)
            {
                if (i != j)
                {
                    long expected = BitConverter.DoubleToInt64Bits(SaliencyPairing.Distance(distributions[Math.Min(i, j)], distributions[Math.Max(i, j)], cells));
                    Assert.That(BitConverter.DoubleToInt64Bits(distances[(i * b) + j]), Is.EqualTo(expected), $"{what}: pair ({i}, {j})");
                }
            }
        }
    }

    /// <summary>
    /// The distribution has the bits of the definition worked out tap by tap: each window's reflected index computed
    /// per tap, each output summed over its window in order from 0, the total in row-major order, then one division per
    /// cell. Grids narrower and shorter than the window (folded more than once), of width 1, and wider than a vector's
    /// run; negative and zero values among them.
    /// </summary>
    [TestCase(1, 1)]
    [TestCase(1, 6)]
    [TestCase(2, 9)]
    [TestCase(5, 3)]
    [TestCase(7, 7)]
    [TestCase(8, 11)]
    [TestCase(13, 12)]
    [TestCase(64, 64)]
    [TestCase(9, 1)]
    public void DistributionHasTheBitsOfTheTapByTapDefinition(int h, int w)
    {
        var random = new MixRandom((ulong)((h * 1000) + w));
        float[] grid = [.. Enumerable.Range(0, h * w).Select(k => k % 5 == 0 ? 0f : (float)random.NextDouble() - 0.3f)];
        double[] expected = TapByTap(grid, h, w);
        double[] actual = SaliencyPairing.Distribution(grid, h, w);
        Assert.That(actual.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(expected.Select(BitConverter.DoubleToInt64Bits)));
    }

    private static double[] TapByTap(float[] grid, int h, int w)
    {
        double[] taps = [.. Enumerable.Range(-3, 7).Select(t => Math.Exp(-(t * t) / 18.0))];
        double norm = 0;
        foreach (double t in taps)
        {
            norm += t; // in tap order, as the source normalises them
        }

        taps = [.. taps.Select(t => t / norm)];
        var rows = new double[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int t = -3; t <= 3; t++)
                {
                    sum += taps[t + 3] * Math.Max(grid[(y * w) + Fold(x + t, w)], 0f);
                }

                rows[(y * w) + x] = sum;
            }
        }

        var smoothed = new double[h * w];
        double total = 0;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int t = -3; t <= 3; t++)
                {
                    sum += taps[t + 3] * rows[(Fold(y + t, h) * w) + x];
                }

                smoothed[(y * w) + x] = sum;
                total += sum;
            }
        }

        return [.. smoothed.Select(v => total > 0 ? v / total : 1.0 / smoothed.Length)];
    }
}
