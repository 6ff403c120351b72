using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using NUnit.Framework;

namespace MixAug.Tests.Masks;

public class FourierNoiseTests
{
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
    [TestCase(2, 96, 80, 1, 3.0)] // a small kept set: the fit runs over the kept bins
    public void SpectrumDecaysAsDecayPowerSays(int rank, int a, int b, int c, double decay)
    {
        SpatialShape shape = ShapeOf(rank, a, b, c);
        int[] dims = shape.ToDimensions();
        FourierSynthesis generator = MixConfiguration.Default.Synthesis(shape, decay, FourierSpectrum.Paper);
        int n = shape.Size;
        var power = new double[n];
        const int seeds = 48;
        var image = new float[n];
        for (int s = 0; s < seeds; s++)
        {
            new FourierNoise(shape, decay, (ulong)(1000 + s)).Synthesize(image);
            (double[] re, double[] im) = TestHelpers.NaiveForwardDft([.. image.Select(v => (double)v)], dims);
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
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double slope = points.Sum(p => (p.X - mx) * (p.Y - my)) / points.Sum(p => (p.X - mx) * (p.X - mx));
        Assert.That(slope, Is.EqualTo(-2 * decay).Within(0.15));
    }

    [Test]
    public void ImagesAreReproducibleAndDifferBetweenSeeds()
    {
        SpatialShape volume = SpatialShape.Volume(4, 6, 10);
        float[] a = new float[240], b = new float[240], c = new float[240];
        new FourierNoise(volume, 3, 1).Synthesize(a);
        new FourierNoise(volume, 3, 1).Synthesize(b, new MixConfiguration(maxDegreeOfParallelism: 1));
        new FourierNoise(volume, 3, 2).Synthesize(c);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void BadArgumentsAreRejectedWithTheirNames()
    {
        var shape = new SpatialShape(8, 8);
        foreach (double bad in new[] { 0.0, -1.0, double.NaN, double.PositiveInfinity })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FourierNoise(shape, bad, 1));
            Assert.That(ex!.ParamName, Is.EqualTo("decayPower"));
            Assert.That(ex.Message, Does.Contain(bad.ToString()));
        }

        Assert.That(Assert.Throws<ArgumentException>(() => new FourierNoise(default, 3, 1))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new FourierNoise(shape, 3, 1, (FourierSpectrum)7))!.ParamName, Is.EqualTo("spectrum"));
        var volume = Assert.Throws<ArgumentException>(() => new FourierNoise(SpatialShape.Volume(4, 4, 4), 3, 1, FourierSpectrum.Reference));
        Assert.That(volume!.ParamName, Is.EqualTo("spectrum"));
        Assert.That(volume.Message, Does.Contain("4x4x4"));
        Assert.Throws<ArgumentException>(() => new FourierNoise(new SpatialShape(1, 16), 3, 1, FourierSpectrum.Reference));
        var wrong = Assert.Throws<ArgumentException>(() => new FourierNoise(shape, 3, 1).Synthesize(new float[63]));
        Assert.That(wrong!.ParamName, Is.EqualTo("destination"));
        Assert.That(wrong.Message, Does.Contain("63").And.Contain("64"));
    }

    private static SpatialShape ShapeOf(int rank, int a, int b, int c) => rank switch
    {
        1 => SpatialShape.Sequence(a),
        2 => new SpatialShape(a, b),
        _ => SpatialShape.Volume(a, b, c),
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
    public void DroppedBinsCarryANegligibleShareOfTheVariance(int rank, int a, int b, int c, double decay, bool small)
    {
        SpatialShape shape = ShapeOf(rank, a, b, c);
        FourierSynthesis generator = MixConfiguration.Default.Synthesis(shape, decay, FourierSpectrum.Paper);
        int[] dims = shape.ToDimensions();
        int w = dims[^1], half = (w / 2) + 1, outer = shape.Size / w;
        double[] scales = TestHelpers.PaperScales(dims, decay);
        double total = 0, dropped = 0;
        int kept = 0;
        for (int p = 0; p < outer; p++)
        {
            for (int k = 0; k < half; k++)
            {
                double scale = scales[(p * half) + k];
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

        Assert.That(generator.Bins.Length, Is.EqualTo(kept));
        Assert.That(FourierNoise.KeptBinCount(shape, decay), Is.EqualTo(kept));
        Assert.That(generator.DroppedVarianceShare, Is.EqualTo(dropped / total).Within(1e-9 * (dropped / total)));
        Assert.That(dropped / total, Is.LessThanOrEqualTo(FourierSynthesis.DroppedVarianceLimit).And.LessThanOrEqualTo(1e-4));
        Assert.That(kept, Is.LessThan(half * outer), "some bins are always dropped");
        if (small)
        {
            Assert.That(kept * 8, Is.LessThanOrEqualTo(half * outer), "steep spectra keep a small set");
            Assert.That(dropped, Is.GreaterThan(0));
        }
    }

    /// <summary>
    /// The band-limited image against the exact irfftn of the full spectrum (every bin, computed here in double by a
    /// naive separable inverse DFT) with the same normals on the kept bins and independent normals on the dropped ones:
    /// nearly the same image, nearly the same masks.
    /// </summary>
    [TestCase(2, 224, 224, 1, 3.0)]
    [TestCase(2, 96, 80, 1, 3.0)]
    [TestCase(1, 256, 1, 1, 3.0)]
    [TestCase(3, 24, 64, 64, 5.0)]
    public void BandLimitedImageMatchesTheFullSynthesis(int rank, int a, int b, int c, double decay)
    {
        SpatialShape shape = ShapeOf(rank, a, b, c);
        FourierSynthesis generator = MixConfiguration.Default.Synthesis(shape, decay, FourierSpectrum.Paper);
        int bins = generator.HalfSpectrumBins, n = shape.Size;
        int[] dims = shape.ToDimensions();
        double[] scales = TestHelpers.PaperScales(dims, decay);
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

            var truncated = new float[n];
            generator.SynthesizeFromNormals([.. generator.Bins.Select(k => re[k])], [.. generator.Bins.Select(k => im[k])], truncated);
            double[] full = TestHelpers.NaiveInverseRealDft(dims, [.. re.Select((v, k) => v * scales[k])], [.. im.Select((v, k) => v * scales[k])]);
            worstCorrelation = Math.Min(worstCorrelation, TestHelpers.Pearson([.. truncated.Select(v => (double)v)], full));
            foreach (int own in new[] { n / 2, (3 * n) / 10, n / 10 })
            {
                var mt1 = new float[n];
                var mf1 = new float[n];
                MaskThreshold.Apply(truncated, own, 0, mt1);
                MaskThreshold.Apply(full, own, 0, mf1);
                differing += mt1.Zip(mf1).Count(p => p.First != p.Second);
                masks++;
            }
        }

        Assert.That(worstCorrelation, Is.GreaterThan(0.999));
        Assert.That(differing / (double)(masks * n), Is.LessThan(0.01));
    }

    /// <summary>numpy's <c>fftfreq(n)[i]</c>, written out again for the reference formula.</summary>
    private static double FftFreq(int n, int i) => (i <= (n - 1) / 2 ? i : i - n) / (double)n;

    /// <summary>
    /// The reference-compatible spectrum against the reference code's expression evaluated here independently:
    /// <c>param</c> of shape (1, H, W', 2), <c>spectrum = scale·param</c>, <c>Z = spectrum[:, 0] + 1j·spectrum[:, 1]</c>
    /// of shape (W', 2), then <c>irfftn(Z, (H, W))</c>, which pads or cuts axis 0 to H and pads axis 1 to W/2 + 1.
    /// </summary>
    [TestCase(32, 32, 3.0)]
    [TestCase(20, 48, 3.0)]
    [TestCase(40, 15, 2.0)]
    [TestCase(9, 64, 3.0)]
    [TestCase(2, 8, 1.0)]
    public void ReferenceSpectrumFollowsTheReferenceExpression(int h, int w, double decay)
    {
        var shape = new SpatialShape(h, w);
        FourierSynthesis reference = MixConfiguration.Default.Synthesis(shape, decay, FourierSpectrum.Reference);
        int columnsOfFreqs = (w / 2) + (w % 2 == 1 ? 2 : 1), half = (w / 2) + 1;
        var random = new MixRandom(91);
        double[] a = [.. Enumerable.Range(0, reference.Bins.Length).Select(_ => NormalSampler.Sample(random))];
        double[] b = [.. Enumerable.Range(0, reference.Bins.Length).Select(_ => NormalSampler.Sample(random))];
        var image = new float[shape.Size];
        reference.SynthesizeFromNormals(a, b, image);

        // param[0, r, j, k] for r in {0, 1}: the pairs a, b in the synthesis' draw order (j, then k).
        double ScaleOf(int r, int j) =>
            1.0 / Math.Pow(Math.Max(Math.Sqrt((FftFreq(h, r) * FftFreq(h, r)) + (FftFreq(w, j) * FftFreq(w, j))), 1.0 / Math.Max(h, w)), decay);
        var re = new double[h * half];
        var im = new double[h * half];
        int next = 0;
        for (int j = 0; j < Math.Min(h, columnsOfFreqs); j++)
        {
            for (int k = 0; k < Math.Min(2, half); k++)
            {
                re[(j * half) + k] = ScaleOf(0, j) * a[next];
                im[(j * half) + k] = ScaleOf(1, j) * b[next];
                next++;
            }
        }

        Assert.That(next, Is.EqualTo(reference.Bins.Length), "one pair per bin the reference expression fills");
        double[] expected = TestHelpers.NaiveInverseRealDft([h, w], re, im);
        double largest = expected.Max(Math.Abs);
        for (int i = 0; i < image.Length; i++)
        {
            Assert.That(image[i], Is.EqualTo(expected[i]).Within(2e-5 * largest), $"element {i}");
        }
    }

    [Test]
    public void ReferenceMasksVaryWithAtMostOneCycleAcrossTheWidth()
    {
        var shape = new SpatialShape(64, 64);
        foreach (FourierSpectrum spectrum in Enum.GetValues<FourierSpectrum>())
        {
            double above = 0, total = 0;
            for (ulong seed = 0; seed < 8; seed++)
            {
                var image = new float[shape.Size];
                new FourierNoise(shape, 3, seed, spectrum).Synthesize(image);
                (double[] re, double[] im) = TestHelpers.NaiveForwardDft([.. image.Select(v => (double)v)], [64, 64]);
                for (int i = 0; i < re.Length; i++)
                {
                    int k = i % 64, kx = Math.Min(k, 64 - k);
                    double power = (re[i] * re[i]) + (im[i] * im[i]);
                    total += power;
                    above += kx >= 2 ? power : 0;
                }
            }

            if (spectrum == FourierSpectrum.Reference)
            {
                Assert.That(above / total, Is.LessThan(1e-9), "no power beyond one cycle across the width");
            }
            else
            {
                Assert.That(above / total, Is.GreaterThan(0.01), "the paper's spectrum varies in both directions");
            }
        }
    }

    [Test]
    public void OneDimensionalReferenceHasTwoBins()
    {
        FourierSynthesis reference = MixConfiguration.Default.Synthesis(SpatialShape.Sequence(100), 3, FourierSpectrum.Reference);
        Assert.That(reference.Bins, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(reference.ScaleOf(0), Is.EqualTo((Math.Pow(100, 3), Math.Pow(100, 3))).Using<(double, double)>((x, y) => Math.Abs(x.Item1 - y.Item1) < 1e-6 * y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-6 * y.Item2));
    }

    /// <summary>The image is the same bits whatever vector width the synthesis runs with (512, 256, 128 or scalar code).</summary>
    [TestCase(2, 224, 224, 1)]
    [TestCase(2, 37, 53, 1)]
    [TestCase(3, 5, 12, 19)]
    [TestCase(1, 333, 1, 1)]
    public void ImagesDoNotDependOnTheVectorWidth(int rank, int a, int b, int c)
    {
        SpatialShape shape = ShapeOf(rank, a, b, c);
        var reference = new float[shape.Size];
        new FourierNoise(shape, 2.5, 5).Synthesize(reference);
        try
        {
            foreach (int bits in new[] { 256, 128, 1 })
            {
                FourierSynthesis.MaxVectorBits = bits;
                var image = new float[shape.Size];
                new FourierNoise(shape, 2.5, 5).Synthesize(image);
                Assert.That(image, Is.EqualTo(reference), $"{bits}-bit code");
            }
        }
        finally
        {
            FourierSynthesis.MaxVectorBits = 512;
        }
    }
}
