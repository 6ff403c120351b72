using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using NUnit.Framework;

namespace MixAug.Tests.Masks;

public class MaskThresholdTests
{
    [Test]
    public void ThresholdKeepsTheLargestValuesAndBreaksTiesByIndex()
    {
        double[] values = [0.1, 0.5, 0.5, 0.9, -1.0];
        var mask = new float[5];
        double mean = MaskThreshold.Apply(values, 2, 0.0, mask);
        Assert.That(mask, Is.EqualTo(new float[] { 0, 1, 0, 1, 0 }));
        Assert.That(mean, Is.EqualTo(0.4));
    }

    [Test]
    public void ThresholdOfAConstantImageIsTheFirstIndices()
    {
        var values = new double[7];
        var mask = new float[7];
        double mean = MaskThreshold.Apply(values, 3, 0.0, mask);
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
        double mean = MaskThreshold.Apply(values, 5, 0.2, mask);
        const double q = 16_777_216.0;
        float twoThirds = (float)(Math.Round(2.0 / 3.0 * q) / q), oneThird = (float)(Math.Round(1.0 / 3.0 * q) / q);
        Assert.That(mask, Is.EqualTo(new float[] { 1, 1, 1, 1, twoThirds, oneThird, 0, 0, 0, 0 }));
        Assert.That(mean, Is.EqualTo(0.5)); // 11184811 + 5592405 = 2^24: the ramp sums to exactly 2
        Assert.That(mean, Is.EqualTo(MaskThreshold.Mean(10, 5, 0.2)));
    }

    [Test]
    public void SoftEdgeIsLimitedByLambda()
    {
        // own 1 of 10: λ = 0.1 < maxSoft 0.5, so s = ⌊10·0.1⌋ = 1: no ones, ramp over ranks 0..1 = linspace(1, 0, 2) = 1, 0.
        double[] values = [.. Enumerable.Range(0, 10).Select(i => -(double)i)];
        var mask = new float[10];
        double mean = MaskThreshold.Apply(values, 1, 0.5, mask);
        Assert.That(mask, Is.EqualTo(new float[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));
        Assert.That(mean, Is.EqualTo(0.1));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(37)]
    [TestCase(100)]
    public void BinaryThresholdHasExactlyTheOwnCount(int own)
    {
        var image = new float[100];
        new FourierNoise(new SpatialShape(10, 10), 3.0, 3).Synthesize(image);
        var mask = new float[100];
        double mean = MaskThreshold.Apply(image, own, 0.0, mask);
        Assert.That(mask.Count(m => m == 1f), Is.EqualTo(own));
        Assert.That(mask.All(m => m is 0f or 1f), Is.True);
        Assert.That(mean, Is.EqualTo(own / 100.0));
        // every kept value is at least every dropped one
        float minKept = image.Where((_, i) => mask[i] == 1).DefaultIfEmpty(float.PositiveInfinity).Min();
        float maxDropped = image.Where((_, i) => mask[i] == 0).DefaultIfEmpty(float.NegativeInfinity).Max();
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
            int c = MaskThreshold.DrawOwnCount(0.3, 7, random); // λN = 2.1: 2 or 3, mean 2.1
            Assert.That(c, Is.InRange(2, 3));
            sum += c;
        }

        // sd of one draw is sqrt(0.09) = 0.3, so the mean of 20000 has sd 0.0021; 0.012 is over 5 sd.
        Assert.That(sum / (double)draws, Is.EqualTo(2.1).Within(0.012));
    }

    [Test]
    public void BadArgumentsAreRejectedWithTheirNames()
    {
        var soft = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.Apply(new double[4], 2, 0.6, new float[4]));
        Assert.That(soft!.ParamName, Is.EqualTo("maxSoft"));
        Assert.That(soft.Message, Does.Contain("0.6"));
        var own = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.Apply(new double[4], 5, 0, new float[4]));
        Assert.That(own!.ParamName, Is.EqualTo("ownCount"));
        Assert.That(own.Message, Does.Contain("5").And.Contain("4"));
        Assert.Throws<ArgumentException>(() => MaskThreshold.Apply(Array.Empty<double>(), 0, 0, []));
        var nan = Assert.Throws<ArgumentException>(() => MaskThreshold.Apply([0.5, double.NaN, 1], 1, 0, new float[3]));
        Assert.That(nan!.ParamName, Is.EqualTo("values"));
        Assert.That(nan.Message, Does.Contain("Value 1 is NaN"));
        float[] untouched = [7, 7, 7];
        Assert.Throws<ArgumentException>(() => MaskThreshold.Apply([0.5f, float.NaN, 1f], 1, 0, untouched));
        Assert.That(untouched, Is.EqualTo(new float[] { 7, 7, 7 }), "nothing written before the check");
    }

    [TestCase(0, 0)]
    [TestCase(10, 20)]
    [TestCase(10, -1)]
    [TestCase(-3, 0)]
    public void MeanRejectsImpossibleCounts(int planeSize, int ownCount)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.Mean(planeSize, ownCount, 0));
        Assert.That(e!.ParamName, Is.EqualTo(planeSize < 1 ? "planeSize" : "ownCount"));
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
                    double mean = MaskThreshold.Apply(values, own, maxSoft, mask);
                    Assert.That(mask, Is.EqualTo(ReferenceMask(values, own, maxSoft)), $"n {n} trial {trial} own {own}");
                    Assert.That(mean, Is.EqualTo(MaskThreshold.Mean(n, own, maxSoft)));
                    Assert.That(mask.Select(m => (double)m).Sum() / n, Is.EqualTo(mean));
                }
            }
        }
    }

    /// <summary>Sort every key, then weights by rank: the definition the bucketed threshold must reproduce.</summary>
    internal static float[] ReferenceMask(double[] values, int own, double maxSoft)
    {
        int n = values.Length;
        ulong[] keys = [.. values.Select((v, i) => TopRanking.Key((float)v, i))];
        Array.Sort(keys);
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = MaskThreshold.Layout(n, own, maxSoft);
        var mask = new float[n];
        for (int r = 0; r < n; r++)
        {
            int index = TopRanking.IndexOf(keys[r]);
            mask[index] = r < ones ? 1f
                : r < rampStart + rampLength ? (float)MaskThreshold.Ramp(rampStart - rampFrom + (r - rampStart), rampTotal)
                : 0f;
        }

        return mask;
    }
}
