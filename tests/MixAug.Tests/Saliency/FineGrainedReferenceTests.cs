using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;
using NUnit.Framework;

namespace MixAug.Tests.Saliency;

/// <summary>
/// <see cref="FineGrainedSaliency"/> (float32 blur, integral images, SIMD rows) against
/// <see cref="FineGrainedReference"/> (double precision, explicit window sums, OpenCV's loops), on generated images.
/// </summary>
public class FineGrainedReferenceTests
{
    /// <summary>
    /// Largest |fast − reference| accepted on maps in [0, 2]. The fast map differs from the reference by the float32
    /// rounding of the grayscale and of the two blurs (about 4 roundings of 6·10⁻⁸ relative to the intensities), of
    /// the stored sums and of the final scaling (2 more); the window sums themselves are double. Relative to the
    /// maxima that normalise the map, which on these images are at least a tenth of the intensity range, that is of
    /// order 10⁻⁶ (measured: see <see cref="FastMapMatchesReference"/>'s output); 10⁻⁴ leaves a margin, while a
    /// changed neighbourhood or a missing blur moves the map by 10⁻² or more (<see cref="PlantedDefectsAreCaught"/>).
    /// </summary>
    internal const double Tolerance = 1e-4;

    internal static IEnumerable<TestCaseData> Cases()
    {
        // channels, height, width, image kind, seed
        yield return new TestCaseData(3, 48, 64, "noise", 1ul);
        yield return new TestCaseData(3, 64, 64, "blob", 2ul);
        yield return new TestCaseData(3, 56, 40, "shapes", 3ul);
        yield return new TestCaseData(1, 37, 29, "noise", 4ul);
        yield return new TestCaseData(2, 90, 17, "shapes", 5ul);
        yield return new TestCaseData(3, 28, 28, "blob", 6ul);
        yield return new TestCaseData(3, 1, 57, "noise", 7ul); // one row: the vertical blur reflects onto itself
        yield return new TestCaseData(1, 45, 1, "shapes", 8ul); // one column
        yield return new TestCaseData(3, 3, 3, "noise", 9ul); // (a side of 2 is flattened by the blur: both pixels reflect onto each other)
        yield return new TestCaseData(4, 32, 48, "noise", 10ul); // four channels: the mean
        yield return new TestCaseData(3, 80, 70, "disc", 11ul);
        yield return new TestCaseData(3, 72, 72, "patch", 12ul);
        yield return new TestCaseData(3, 30, 250, "shapes", 13ul); // wider than the largest window
    }

    [TestCaseSource(nameof(Cases))]
    public void FastMapMatchesReference(int channels, int height, int width, string kind, ulong seed)
    {
        var shape = new BatchShape(1, channels, height, width);
        float[] image = Image(shape, kind, seed);
        float[] map = Compute(shape, image);
        double[] reference = FineGrainedReference.Map(shape, image);
        (double worst, int at) = MaxDifference(map, reference);
        TestContext.Out.WriteLine($"max |fast − reference| = {worst:E2} at {at}; reference range [{reference.Min()}, {reference.Max()}]");
        Assert.That(worst, Is.LessThan(Tolerance), $"pixel ({at / width}, {at % width}): {map[at]} against {reference[at]}");
        Assert.That(reference.Max(), Is.GreaterThan(0.5), "the image has salient structure");
    }

    /// <summary>The peak and the rank order of the fast map are the reference's.</summary>
    [TestCase("disc", 96, 96, 21ul)]
    [TestCase("patch", 96, 96, 22ul)]
    [TestCase("blob", 80, 112, 23ul)]
    [TestCase("shapes", 64, 96, 24ul)]
    public void PeakAndRanksAgreeWithReference(string kind, int height, int width, ulong seed)
    {
        var shape = new BatchShape(1, 3, height, width);
        float[] image = Image(shape, kind, seed);
        float[] map = Compute(shape, image);
        double[] reference = FineGrainedReference.Map(shape, image);
        int peak = SpectralResidualSaliency.ArgMax(map), expected = ArgMax(reference);
        Assert.That(peak == expected || reference[peak] >= reference[expected] - Tolerance, Is.True, $"peak {peak} against {expected}");
        double rho = Spearman(map, reference);
        TestContext.Out.WriteLine($"Spearman ρ = {rho:F6}");
        Assert.That(rho, Is.GreaterThan(0.9999));
    }

    [Test]
    public void PlantedDefectsAreCaught()
    {
        var shape = new BatchShape(1, 3, 64, 64);
        float[] image = Image(shape, "shapes", 31);
        float[] map = Compute(shape, image);
        int[] shifted = [.. FineGrainedReference.OpenCvNeighbourhoods];
        shifted[0] = 13;
        foreach ((string defect, double[] wrong) in new[]
        {
            ("neighbourhood 13 instead of 12", FineGrainedReference.Map(shape, image, shifted)),
            ("one blur instead of two", FineGrainedReference.Map(shape, image, blurs: 1)),
            ("no largest scale", FineGrainedReference.Map(shape, image, FineGrainedReference.OpenCvNeighbourhoods[..5])),
        })
        {
            Assert.That(MaxDifference(map, wrong).Worst, Is.GreaterThan(10 * Tolerance), defect);
        }
    }

    /// <summary>
    /// Test images: those of <see cref="SpectralResidualReferenceTests.Image"/>, "disc" (a bright disc of radius
    /// min(h, w)/6 at (0.4·h, 0.6·w) on a dark background with faint noise) and "patch" (a textured square of uniform
    /// noise, a quarter of the image wide, at (h/2, w/4), on a flat mid-gray background).
    /// </summary>
    internal static float[] Image(BatchShape shape, string kind, ulong seed)
    {
        if (kind is not ("disc" or "patch"))
        {
            return SpectralResidualReferenceTests.Image(shape, kind, seed);
        }

        var random = new MixRandom(seed);
        int h = shape.Height, w = shape.Width, plane = h * w;
        var image = new float[shape.SampleSize];
        double radius = Math.Min(h, w) / 6.0, side = w / 4.0;
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double v = kind == "disc"
                        ? (Math.Pow(y - (0.4 * h), 2) + Math.Pow(x - (0.6 * w), 2) <= radius * radius ? 0.9 : 0.1) + (0.02 * random.NextDouble())
                        : Math.Abs(y - (h / 2.0)) < side / 2 && Math.Abs(x - (w / 4.0)) < side / 2 ? random.NextDouble() : 0.5;
                    image[(c * plane) + (y * w) + x] = (float)v;
                }
            }
        }

        return image;
    }

    internal static float[] Compute(BatchShape shape, float[] image)
    {
        var map = new float[shape.PlaneSize];
        FineGrainedSaliency.Default.ComputeGrid(shape, image, map);
        return map;
    }

    internal static (double Worst, int At) MaxDifference(float[] map, double[] reference)
    {
        double worst = -1;
        int at = 0;
        for (int k = 0; k < map.Length; k++)
        {
            double d = Math.Abs(map[k] - reference[k]);
            if (!(d <= worst))
            {
                (worst, at) = (d, k);
            }
        }

        return (worst, at);
    }

    internal static int ArgMax(double[] values)
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

    /// <summary>Spearman's ρ: the Pearson correlation of the ranks (ties share their mean rank).</summary>
    internal static double Spearman(float[] a, double[] b)
    {
        return TestHelpers.Pearson(Ranks([.. a.Select(v => (double)v)]), Ranks(b));
    }

    private static double[] Ranks(double[] values)
    {
        int[] order = [.. Enumerable.Range(0, values.Length).OrderBy(i => values[i])];
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = (start + end) / 2.0;
            }

            start = end + 1;
        }

        return ranks;
    }
}
