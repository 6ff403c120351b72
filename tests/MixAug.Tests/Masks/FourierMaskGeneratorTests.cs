using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using NUnit.Framework;

namespace MixAug.Tests.Masks;

public class FourierMaskGeneratorTests
{
    [Test]
    public void ThresholdKeepsTheLargestValuesAndBreaksTiesByIndex()
    {
        double[] values = [0.1, 0.5, 0.5, 0.9, -1.0];
        var mask = new float[5];
        double mean = FourierMaskGenerator.Threshold(values, 2, 0.0, mask);
        Assert.That(mask, Is.EqualTo(new float[] { 0, 1, 0, 1, 0 }));
        Assert.That(mean, Is.EqualTo(0.4));
    }

    [Test]
    public void ThresholdOfAConstantImageIsTheFirstIndices()
    {
        var values = new double[7];
        var mask = new float[7];
        double mean = FourierMaskGenerator.Threshold(values, 3, 0.0, mask);
        Assert.That(mask, Is.EqualTo(new float[] { 1, 1, 1, 0, 0, 0, 0 }));
        Assert.That(mean, Is.EqualTo(3.0 / 7.0));
    }

    [Test]
    public void SoftEdgeIsALinearRampAroundTheThreshold()
    {
        // Values fall with the index, so rank = index. N = 10, own 5: λ = 0.5, s = ⌊10·0.2⌋ = 2:
        // ranks 0..2 → 1, ranks 3..6 → linspace(1, 0, 4) = 1, 2/3, 1/3, 0 (to multiples of 2^-24), rest 0.
        double[] values = [.. Enumerable.Range(0, 10).Select(i => -(double)i)];
        var mask = new float[10];
        double mean = FourierMaskGenerator.Threshold(values, 5, 0.2, mask);
        const double q = 16_777_216.0;
        float twoThirds = (float)(Math.Round(2.0 / 3.0 * q) / q), oneThird = (float)(Math.Round(1.0 / 3.0 * q) / q);
        Assert.That(mask, Is.EqualTo(new float[] { 1, 1, 1, 1, twoThirds, oneThird, 0, 0, 0, 0 }));
        Assert.That(mean, Is.EqualTo(0.5)); // 11184811 + 5592405 = 2^24: the ramp sums to exactly 2
        Assert.That(mean, Is.EqualTo(FourierMaskGenerator.MaskMean(10, 5, 0.2)));
    }

    [Test]
    public void SoftEdgeIsLimitedByLambda()
    {
        // own 1 of 10: λ = 0.1 < maxSoft 0.5, so s = ⌊10·0.1⌋ = 1: no ones, ramp over ranks 0..1 = linspace(1, 0, 2) = 1, 0.
        double[] values = [.. Enumerable.Range(0, 10).Select(i => -(double)i)];
        var mask = new float[10];
        double mean = FourierMaskGenerator.Threshold(values, 1, 0.5, mask);
        Assert.That(mask, Is.EqualTo(new float[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.That(mean, Is.EqualTo(0.1));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(37)]
    [TestCase(100)]
    public void BinaryThresholdHasExactlyTheOwnCount(int own)
    {
        var generator = new FourierMaskGenerator(new BatchShape(1, 1, 10, 10));
        var image = new double[100];
        generator.SampleLowFrequencyImage(new MixRandom(3), image);
        var mask = new float[100];
        double mean = FourierMaskGenerator.Threshold(image, own, 0.0, mask);
        Assert.That(mask.Count(m => m == 1f), Is.EqualTo(own));
        Assert.That(mask.All(m => m is 0f or 1f), Is.True);
        Assert.That(mean, Is.EqualTo(own / 100.0));
        // every kept value is at least every dropped one
        double minKept = image.Where((_, i) => mask[i] == 1).DefaultIfEmpty(double.PositiveInfinity).Min();
        double maxDropped = image.Where((_, i) => mask[i] == 0).DefaultIfEmpty(double.NegativeInfinity).Max();
        Assert.That(minKept, Is.GreaterThanOrEqualTo(maxDropped));
    }

    [Test]
    public void DrawOwnCountIsUnbiased()
    {
        var random = new MixRandom(11);
        const int draws = 20000;
        long sum = 0;
        for (int i = 0; i < draws; i++)
        {
            int c = FourierMaskGenerator.DrawOwnCount(0.3, 7, random); // λN = 2.1: 2 or 3, mean 2.1
            Assert.That(c, Is.InRange(2, 3));
            sum += c;
        }

        // sd of one draw is sqrt(0.09) = 0.3, so the mean of 20000 has sd 0.0021; 0.012 is over 5 sd.
        Assert.That(sum / (double)draws, Is.EqualTo(2.1).Within(0.012));
    }

    /// <summary>
    /// The power spectrum of the low-frequency image falls as |f|^(−2·decay). Per bin the expected power is
    /// 2·scale² exactly (the half-spectrum bin and its mirror carry the same draw), except on the last-axis bins 0
    /// and Nyquist, where irfftn averages a bin with its mirror and halves the power; those are left out, and so
    /// is DC (clamped frequency). Powers are averaged over 48 seeds per bin, then bins are grouped in shells of
    /// integer radius and the mean log power is regressed on the mean log frequency. With ≥ 48 exponential draws per
    /// bin and several bins per shell the mean log power of a shell has an sd below 0.1, the fit over shells
    /// spanning a factor ≥ 8 in frequency has an sd of the slope of a few hundredths; the tolerance 0.15 is over
    /// 5 sd, and a wrong grid (such as the reference's non-cubic 3D one) moves the slope by far more.
    /// </summary>
    [TestCase(1, 256, 1, 1, 2.0)]
    [TestCase(2, 48, 64, 1, 3.0)]
    [TestCase(2, 40, 16, 1, 1.0)]
    [TestCase(3, 6, 10, 16, 2.0)]
    [TestCase(2, 96, 80, 1, 3.0, true)] // band-limited: the fit runs over the kept bins
    public void SpectrumDecaysAsDecayPowerSays(int rank, int a, int b, int c, double decay, bool bandLimited = false)
    {
        BatchShape shape = rank switch
        {
            1 => BatchShape.Sequence(1, 1, a),
            2 => new BatchShape(1, 1, a, b),
            _ => BatchShape.Volume(1, 1, a, b, c),
        };
        int[] dims = TestHelpers.SpatialDims(shape);
        var generator = new FourierMaskGenerator(shape, decay);
        int n = shape.PlaneSize;
        var power = new double[n];
        const int seeds = 48;
        var image = new double[n];
        for (int s = 0; s < seeds; s++)
        {
            generator.SampleLowFrequencyImage(new MixRandom((ulong)(1000 + s)), image);
            (double[] re, double[] im) = TestHelpers.NaiveForwardDft(image, dims);
            for (int i = 0; i < n; i++)
            {
                power[i] += ((re[i] * re[i]) + (im[i] * im[i])) / seeds;
            }
        }

        int maxDim = dims.Max();
        var shells = new Dictionary<int, (double LogF, double LogP, int Count)>();
        var coords = new int[dims.Length];
        for (int i = 0; i < n; i++)
        {
            int rest = i;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                coords[d] = rest % dims[d];
                rest /= dims[d];
            }

            int last = coords[^1], w = dims[^1];
            if (last == 0 || (w % 2 == 0 && last == w / 2))
            {
                continue;
            }

            double f2 = 0;
            for (int d = 0; d < dims.Length; d++)
            {
                int q = coords[d] <= (dims[d] - 1) / 2 ? coords[d] : coords[d] - dims[d];
                double f = q / (double)dims[d];
                f2 += f * f;
            }

            double freq = Math.Sqrt(f2);
            if (1.0 / Math.Pow(Math.Max(freq, 1.0 / maxDim), decay) < generator.MinKeptScale)
            {
                continue; // dropped by the band limit: no power at all
            }

            int shell = (int)Math.Round(freq * maxDim);
            var acc = shells.GetValueOrDefault(shell);
            shells[shell] = (acc.LogF + Math.Log(freq), acc.LogP + Math.Log(power[i]), acc.Count + 1);
        }

        var points = shells.Where(kv => kv.Key >= 1).Select(kv => (X: kv.Value.LogF / kv.Value.Count, Y: kv.Value.LogP / kv.Value.Count)).ToList();
        Assert.That(points, Has.Count.GreaterThanOrEqualTo(5));
        Assert.That(generator.IsBandLimited, Is.EqualTo(bandLimited));
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        Assert.That(slope, Is.EqualTo(-2 * decay).Within(0.15));
    }

    [Test]
    public void ImagesAreReproducibleAndDifferBetweenSeeds()
    {
        var generator = new FourierMaskGenerator(BatchShape.Volume(1, 1, 4, 6, 10));
        double[] a = new double[240], b = new double[240], c = new double[240];
        generator.SampleLowFrequencyImage(new MixRandom(1), a);
        generator.SampleLowFrequencyImage(new MixRandom(1), b);
        generator.SampleLowFrequencyImage(new MixRandom(2), c);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void BadArgumentsAreRejectedWithTheirNames()
    {
        var shape = new BatchShape(1, 1, 8, 8);
        foreach (double bad in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FourierMaskGenerator(shape, bad));
            Assert.That(ex!.ParamName, Is.EqualTo("decayPower"));
            Assert.That(ex.Message, Does.Contain(bad.ToString()));
        }

        Assert.Throws<ArgumentException>(() => new FourierMaskGenerator(default));
        var generator = new FourierMaskGenerator(shape);
        var wrong = Assert.Throws<ArgumentException>(() => generator.SampleLowFrequencyImage(new MixRandom(1), new double[63]));
        Assert.That(wrong!.Message, Does.Contain("63").And.Contain("64"));
        var soft = Assert.Throws<ArgumentOutOfRangeException>(() => FourierMaskGenerator.Threshold(new double[4], 2, 0.6, new float[4]));
        Assert.That(soft!.ParamName, Is.EqualTo("maxSoft"));
        Assert.That(soft.Message, Does.Contain("0.6"));
        Assert.Throws<ArgumentOutOfRangeException>(() => FourierMaskGenerator.Threshold(new double[4], 5, 0, new float[4]));
        Assert.Throws<ArgumentException>(() => FourierMaskGenerator.Threshold([], 0, 0, []));
    }

    private static BatchShape ShapeOf(int rank, int a, int b, int c) => rank switch
    {
        1 => BatchShape.Sequence(1, 1, a),
        2 => new BatchShape(1, 1, a, b),
        _ => BatchShape.Volume(1, 1, a, b, c),
    };

    /// <summary>
    /// The dropped share recomputed from the definition: Σ v·scale² over the bins below the kept scale, over the sum
    /// over all bins, with v = 1 on the last-axis bins 0 and Nyquist and 4 elsewhere.
    /// </summary>
    [TestCase(2, 224, 224, 1, 3.0, true)]
    [TestCase(2, 32, 32, 1, 3.0, false)]
    [TestCase(2, 200, 120, 1, 4.0, true)]
    [TestCase(1, 4096, 1, 1, 3.0, true)]
    [TestCase(1, 256, 1, 1, 3.0, true)]
    [TestCase(3, 32, 40, 48, 3.0, false)]
    [TestCase(3, 24, 64, 64, 5.0, true)]
    [TestCase(2, 224, 224, 1, 1.0, false)]
    public void DroppedBinsCarryANegligibleShareOfTheVariance(int rank, int a, int b, int c, double decay, bool bandLimited)
    {
        BatchShape shape = ShapeOf(rank, a, b, c);
        var generator = new FourierMaskGenerator(shape, decay);
        Assert.That(generator.IsBandLimited, Is.EqualTo(bandLimited));
        int[] dims = TestHelpers.SpatialDims(shape);
        int w = dims[^1], half = (w / 2) + 1, outer = shape.PlaneSize / w, maxDim = dims.Max();
        double total = 0, dropped = 0;
        int kept = 0;
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
                double scale = 1.0 / Math.Pow(Math.Max(freq, 1.0 / maxDim), decay);
                double energy = (k == 0 || (w % 2 == 0 && k == w / 2) ? 1.0 : 4.0) * scale * scale;
                total += energy;
                if (scale < generator.MinKeptScale)
                {
                    dropped += energy;
                }
                else
                {
                    kept++;
                }
            }
        }

        Assert.That(generator.KeptBinCount, Is.EqualTo(kept));
        Assert.That(generator.DroppedVarianceShare, Is.EqualTo(dropped / total).Within(1e-9 * (dropped / total)));
        Assert.That(dropped / total, Is.LessThanOrEqualTo(1e-5).And.LessThan(1e-4));
        if (bandLimited)
        {
            Assert.That(kept * 8, Is.LessThanOrEqualTo(half * outer), "a band-limited set is small");
            Assert.That(dropped, Is.GreaterThan(0));
        }
        else
        {
            Assert.That(kept, Is.EqualTo(half * outer), "without the band limit every bin is kept");
        }
    }

    /// <summary>
    /// The band-limited image against the exact irfftn of the full spectrum with the same normals on the kept bins
    /// (and independent normals on the dropped ones): nearly the same image, nearly the same masks.
    /// </summary>
    [TestCase(2, 224, 224, 1, 3.0)]
    [TestCase(2, 96, 80, 1, 3.0)]
    [TestCase(1, 256, 1, 1, 3.0)]
    [TestCase(3, 24, 64, 64, 5.0)]
    public void BandLimitedImageMatchesTheFullSynthesis(int rank, int a, int b, int c, double decay)
    {
        BatchShape shape = ShapeOf(rank, a, b, c);
        var generator = new FourierMaskGenerator(shape, decay);
        Assert.That(generator.IsBandLimited, Is.True);
        int bins = generator.HalfSpectrumBins, n = shape.PlaneSize;
        int differing = 0, masks = 0;
        double worstCorrelation = 1;
        for (int seed = 0; seed < 4; seed++)
        {
            var random = new MixRandom((ulong)(77 + seed));
            var re = new double[bins];
            var im = new double[bins];
            for (int i = 0; i < bins; i++)
            {
                re[i] = NormalSampler.Sample(random);
                im[i] = NormalSampler.Sample(random);
            }

            var truncated = new double[n];
            var full = new double[n];
            generator.SynthesiseFromNormals(re, im, bandLimited: true, truncated);
            generator.SynthesiseFromNormals(re, im, bandLimited: false, full);
            double mt = truncated.Average(), mf = full.Average();
            double cov = 0, vt = 0, vf = 0;
            for (int i = 0; i < n; i++)
            {
                cov += (truncated[i] - mt) * (full[i] - mf);
                vt += (truncated[i] - mt) * (truncated[i] - mt);
                vf += (full[i] - mf) * (full[i] - mf);
            }

            worstCorrelation = Math.Min(worstCorrelation, cov / Math.Sqrt(vt * vf));
            foreach (int own in new[] { n / 2, (3 * n) / 10, n / 10 })
            {
                var mt1 = new float[n];
                var mf1 = new float[n];
                FourierMaskGenerator.Threshold(truncated, own, 0, mt1);
                FourierMaskGenerator.Threshold(full, own, 0, mf1);
                differing += mt1.Zip(mf1).Count(p => p.First != p.Second);
                masks++;
            }
        }

        Assert.That(worstCorrelation, Is.GreaterThan(0.999));
        Assert.That(differing / (double)(masks * n), Is.LessThan(0.01));
    }

    /// <summary>The bucketed threshold against a full sort by key, on values with many ties, ±0 and infinities.</summary>
    [TestCase(0.0)]
    [TestCase(0.1)]
    [TestCase(0.5)]
    public void BucketedThresholdEqualsAFullSortByKey(double maxSoft)
    {
        var random = new MixRandom(5);
        foreach (int n in new[] { 1, 2, 7, 100, 1000, 5000 })
        {
            for (int trial = 0; trial < 4; trial++)
            {
                var values = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double u = random.NextDouble();
                    values[i] = trial switch
                    {
                        0 => NormalSampler.Sample(random),
                        1 => Math.Round(u * 5) - 2, // few distinct values, many ties
                        2 => u < 0.1 ? -0.0 : u < 0.2 ? 0.0 : u < 0.25 ? double.PositiveInfinity : u < 0.3 ? double.NegativeInfinity : u - 0.5,
                        _ => u < 0.5 ? 1e-30 * u : 1e30 * u, // wide range: most values in one bucket
                    };
                }

                foreach (int own in new[] { 0, 1, n / 3, n / 2, n - 1, n }.Where(o => o >= 0 && o <= n).Distinct())
                {
                    var mask = new float[n];
                    double mean = FourierMaskGenerator.Threshold(values, own, maxSoft, mask);
                    Assert.That(mask, Is.EqualTo(ReferenceMask(values, own, maxSoft)), $"n {n} trial {trial} own {own}");
                    Assert.That(mean, Is.EqualTo(FourierMaskGenerator.MaskMean(n, own, maxSoft)));
                    Assert.That(mask.Select(m => (double)m).Sum() / n, Is.EqualTo(mean));
                }
            }
        }
    }

    /// <summary>Sort every key, then weights by rank: the definition the bucketed threshold must reproduce.</summary>
    private static float[] ReferenceMask(double[] values, int own, double maxSoft)
    {
        int n = values.Length;
        ulong[] keys = [.. values.Select((v, i) => TopRanking.Key((float)v, i))];
        Array.Sort(keys);
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = FourierMaskGenerator.Layout(n, own, maxSoft);
        var mask = new float[n];
        for (int r = 0; r < n; r++)
        {
            int index = TopRanking.IndexOf(keys[r]);
            mask[index] = r < ones ? 1f
                : r < rampStart + rampLength ? (float)FourierMaskGenerator.Ramp(rampStart - rampFrom + (r - rampStart), rampTotal)
                : 0f;
        }

        return mask;
    }
}
