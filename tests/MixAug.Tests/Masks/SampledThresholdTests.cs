using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using NUnit.Framework;

namespace MixAug.Tests.Masks;

/// <summary>
/// The sampled threshold writes exactly the mask of a full sort by key, whichever way it ends: a tight bracket, a wide
/// one, or no mask (then the caller ranks with buckets). Each way is reached on purpose below.
/// </summary>
public class SampledThresholdTests
{
    private const int N = 65536; // sampled elements are those with index % 256 < 32: 8192 of them

    [TestCase(0.0)]
    [TestCase(0.1)]
    [TestCase(0.5)]
    public void SmoothNoiseNeedsOnlyTheTightBracket(double maxSoft)
    {
        var values = new float[224 * 224];
        new FourierNoise(new SpatialShape(224, 224), 3, 11).Synthesize(values);
        var threshold = new SampledThreshold();
        foreach (int own in new[] { 1, 500, 25088, 40000, values.Length - 1 })
        {
            float[] mask = AssertExact(threshold, values, own, maxSoft);
            Assert.That(threshold.LastOutcome, Is.EqualTo(SampledThreshold.Outcome.Tight), $"own {own}");
            Assert.That(mask.Select(m => (double)m).Sum() / mask.Length, Is.EqualTo(MaskThreshold.Mean(mask.Length, own, maxSoft)));
        }
    }

    [Test]
    public void ASampleThatMisjudgesTheQuantileALittleFallsBackToTheWideBracket()
    {
        // Unsampled elements sit 0.025 higher than sampled ones: the sample puts the median 2.2 % of the ranks too low,
        // beyond the tight margin (2 sigma + 8 = 98 of 8192 sampled ranks, 1.2 %) and within the wide one (3.4 %).
        var random = new MixRandom(3);
        float[] values = [.. Enumerable.Range(0, N).Select(i => (float)random.NextDouble() + (i % 256 < 32 ? 0f : 0.025f))];
        var threshold = new SampledThreshold();
        AssertExact(threshold, values, N / 2, 0);
        Assert.That(threshold.LastOutcome, Is.EqualTo(SampledThreshold.Outcome.Wide));
    }

    [Test]
    public void ASampleThatMisjudgesTheQuantileBadlyWritesNothingAndTheMaskThresholdRanksWithBuckets()
    {
        // Every unsampled element is larger than every sampled one.
        var random = new MixRandom(4);
        float[] values = [.. Enumerable.Range(0, N).Select(i => (float)random.NextDouble() + (i % 256 < 32 ? 0f : 2f))];
        var threshold = new SampledThreshold();
        Assert.That(threshold.TryWriteMask(values, N / 2, 0, new float[N]), Is.False);
        Assert.That(threshold.LastOutcome, Is.EqualTo(SampledThreshold.Outcome.NotWritten));
        AssertApplyExact(values, N / 2, 0);
    }

    /// <summary>Planes where sampling cannot work, each rejected and then thresholded exactly by <see cref="MaskThreshold"/>.</summary>
    [TestCase("constant")]
    [TestCase("two values")]
    [TestCase("infinity sampled")]
    [TestCase("signed zeros")]
    [TestCase("small plane")]
    public void HostilePlanesAreLeftToTheBucketsAndStillExact(string kind)
    {
        var random = new MixRandom(5);
        int n = kind == "small plane" ? SampledThreshold.MinimumLength - 1 : N;
        float[] values = [.. Enumerable.Range(0, n).Select(i => kind switch
        {
            "constant" => 0.25f,
            "two values" => random.NextDouble() < 0.5 ? 0f : 1f,
            "infinity sampled" => i == 3 ? float.PositiveInfinity : (float)random.NextDouble(),
            "signed zeros" => random.NextDouble() < 0.5 ? -0f : 0f,
            _ => (float)random.NextDouble(),
        })];
        foreach (int own in new[] { 1, n / 3, n / 2, n - 1 })
        {
            var threshold = new SampledThreshold();
            bool written = threshold.TryWriteMask(values, own, 0, new float[n]);
            Assert.That(written, Is.False, $"{kind}, own {own}: {threshold.LastOutcome}");
            AssertApplyExact(values, own, 0);
        }
    }

    [TestCase(0, 0.0, 0f)]
    [TestCase(N, 0.0, 1f)]
    [TestCase(0, 0.3, 0f)]
    public void EmptyAndFullMasksNeedNoRanking(int own, double maxSoft, float expected)
    {
        var values = new float[N];
        var mask = new float[N];
        Array.Fill(mask, 0.5f);
        var threshold = new SampledThreshold();
        Assert.That(threshold.TryWriteMask(values, own, maxSoft, mask), Is.True);
        Assert.That(threshold.LastOutcome, Is.EqualTo(SampledThreshold.Outcome.Trivial));
        Assert.That(mask, Is.All.EqualTo(expected));
    }

    /// <summary>The mask is the same bits whatever vector width the pass runs with; the odd length leaves a scalar tail.</summary>
    [Test]
    public void MasksDoNotDependOnTheVectorWidth()
    {
        var values = new float[(223 * 225) + 3];
        new FourierNoise(SpatialShape.Sequence(values.Length), 2, 9).Synthesize(values);
        var expected = new float[values.Length];
        Assert.That(new SampledThreshold().TryWriteMask(values, 20001, 0.05, expected), Is.True);
        try
        {
            foreach (int bits in new[] { 128, 1 })
            {
                SampledThreshold.MaxVectorBits = bits;
                var mask = new float[values.Length];
                Assert.That(new SampledThreshold().TryWriteMask(values, 20001, 0.05, mask), Is.True);
                Assert.That(mask, Is.EqualTo(expected), $"{bits}-bit code");
            }
        }
        finally
        {
            SampledThreshold.MaxVectorBits = 256;
        }
    }

    /// <summary>Many random planes of many shapes: whenever a mask is written, it is the exact one.</summary>
    [Test]
    public void WrittenMasksAreExactOverManySeeds()
    {
        var random = new MixRandom(8);
        var outcomes = new Dictionary<SampledThreshold.Outcome, int>();
        var threshold = new SampledThreshold();
        for (int trial = 0; trial < 60; trial++)
        {
            int n = SampledThreshold.MinimumLength + (int)(random.NextDouble() * 30000);
            float[] values = new float[n];
            if (trial % 2 == 0)
            {
                new FourierNoise(SpatialShape.Sequence(n), 1 + (random.NextDouble() * 3), (ulong)trial).Synthesize(values);
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    values[i] = (float)NormalSampler.Sample(random);
                }
            }

            int own = (int)(random.NextDouble() * (n + 1));
            double maxSoft = trial % 3 == 0 ? 0 : random.NextDouble() * 0.5;
            var mask = new float[n];
            if (threshold.TryWriteMask(values, own, maxSoft, mask))
            {
                Assert.That(mask, Is.EqualTo(MaskThresholdTests.ReferenceMask([.. values.Select(v => (double)v)], own, maxSoft)), $"trial {trial}");
            }

            outcomes[threshold.LastOutcome] = outcomes.GetValueOrDefault(threshold.LastOutcome) + 1;
        }

        Assert.That(outcomes.GetValueOrDefault(SampledThreshold.Outcome.Tight), Is.GreaterThan(50), string.Join(", ", outcomes));
    }

    private static float[] AssertExact(SampledThreshold threshold, float[] values, int own, double maxSoft)
    {
        var mask = new float[values.Length];
        Array.Fill(mask, 0.5f); // every element must be written
        Assert.That(threshold.TryWriteMask(values, own, maxSoft, mask), Is.True, $"own {own}");
        Assert.That(mask, Is.EqualTo(MaskThresholdTests.ReferenceMask([.. values.Select(v => (double)v)], own, maxSoft)), $"own {own}");
        return mask;
    }

    private static void AssertApplyExact(float[] values, int own, double maxSoft)
    {
        var mask = new float[values.Length];
        MaskThreshold.Apply(values, own, maxSoft, mask);
        Assert.That(mask, Is.EqualTo(MaskThresholdTests.ReferenceMask([.. values.Select(v => (double)v)], own, maxSoft)), $"own {own}");
    }
}
