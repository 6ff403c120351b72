using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Testing.Tests;

public class MixStatisticsTests
{
    [TestCase(0.3)]
    [TestCase(0.5)]
    [TestCase(0.9)]
    public void BetaCdfMatchesClosedForms(double x)
    {
        Assert.That(MixStatistics.BetaCdf(x, 1, 1), Is.EqualTo(x).Within(1e-12));
        Assert.That(MixStatistics.BetaCdf(x, 2, 2), Is.EqualTo((3 * x * x) - (2 * x * x * x)).Within(1e-12));
        Assert.That(MixStatistics.BetaCdf(x, 0.5, 0.5), Is.EqualTo(2 / Math.PI * Math.Asin(Math.Sqrt(x))).Within(1e-10));
        Assert.That(MixStatistics.BetaCdf(x, 3, 1), Is.EqualTo(x * x * x).Within(1e-12));
    }

    [Test]
    public void MixUpLambdasPassTheBetaTest()
    {
        List<double> lambdas = MixStatistics.SampleLambdas(new MixUp(alpha: 0.4, mode: LambdaMode.Element), new BatchShape(64, 1, 1, 1), new MixRandom(10), 30);
        Assert.That(lambdas, Has.Count.EqualTo(64 * 30));
        Assert.DoesNotThrow(() => MixStatistics.AssertBetaDistributed(lambdas, 0.4, 0.4));
    }

    [Test]
    public void CatchesTheWrongAlpha()
    {
        List<double> lambdas = MixStatistics.SampleLambdas(new MixUp(alpha: 0.4, mode: LambdaMode.Element), new BatchShape(64, 1, 1, 1), new MixRandom(10), 30);
        var e = Assert.Throws<MixInvariantException>(() => MixStatistics.AssertBetaDistributed(lambdas, 1.0, 1.0));
        Assert.That(e!.Message, Does.Contain("Beta(1, 1)"));
    }

    [Test]
    public void BatchModeGivesOneLambdaPerBatch()
    {
        List<double> lambdas = MixStatistics.SampleLambdas(new MixUp(), new BatchShape(8, 1, 1, 1), new MixRandom(2), 50);
        Assert.That(lambdas, Has.Count.EqualTo(50));
    }

    [Test]
    public void TheStatedFalseAlarmRateHolds()
    {
        // 300 independent correct samples at a 5 % rate: about 15 alarms (binomial sd 3.8).
        int alarms = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            List<double> lambdas = MixStatistics.SampleLambdas(new MixUp(alpha: 0.8, mode: LambdaMode.Element), new BatchShape(100, 1, 1, 1), new MixRandom((ulong)seed), 1);
            try
            {
                MixStatistics.AssertBetaDistributed(lambdas, 0.8, 0.8, falseAlarmRate: 0.05);
            }
            catch (MixInvariantException)
            {
                alarms++;
            }
        }

        Assert.That(alarms, Is.InRange(4, 30));
    }

    [Test]
    public void CutMixBoxPositionsPassTheUniformityTest()
    {
        var random = new MixRandom(3);
        var plans = Enumerable.Range(0, 40).Select(_ => new CutMix(mode: LambdaMode.Element).CreatePlan(new BatchShape(32, 1, 20, 24), random)).ToList();
        Assert.DoesNotThrow(() => MixStatistics.AssertBoxPositionsUniform(plans, new MixRandom(4)));
        var minmax = Enumerable.Range(0, 40).Select(_ => new CutMix(minRatio: 0.2, maxRatio: 0.6, mode: LambdaMode.Element).CreatePlan(new BatchShape(32, 1, 20, 24), random)).ToList();
        Assert.DoesNotThrow(() => MixStatistics.AssertBoxPositionsUniform(minmax, new MixRandom(5)));
    }

    [Test]
    public void CatchesBoxesBiasedAwayFromOneEdge()
    {
        // The timm min/max defect: an exclusive upper bound never reaches the last position. Exaggerated here:
        // tops drawn from the first half of the feasible rows only.
        var random = new MixRandom(6);
        var shape = new BatchShape(2, 1, 20, 20);
        var plans = new List<MixPlan>();
        for (int k = 0; k < 300; k++)
        {
            int top = 1 + random.NextInt(7);
            int left = 1 + random.NextInt(13);
            plans.Add(FixedPlans.Box(shape, new BoxRegion(top, left, top + 6, left + 6)));
        }

        var e = Assert.Throws<MixInvariantException>(() => MixStatistics.AssertBoxPositionsUniform(plans, new MixRandom(7)));
        Assert.That(e!.Message, Does.Contain("rows"));
    }

    [Test]
    public void KolmogorovSmirnovNeedsEnoughValues()
    {
        Assert.Throws<ArgumentException>(() => MixStatistics.KolmogorovSmirnov([0.1, 0.2], x => x));
    }

    [TestCase(3.0)]
    [TestCase(2.0)]
    public void FMixNoiseImagesDecayAsConfigured(double decayPower)
    {
        var random = new MixRandom(21);
        var images = Enumerable.Range(0, 32).Select(_ => Noise(decayPower, random.NextUInt64())).ToList();
        Assert.DoesNotThrow(() => MixStatistics.AssertPowerSpectrumDecay(images, 32, 32, decayPower));
    }

    [Test]
    public void CatchesNoiseOfTheWrongDecay()
    {
        var random = new MixRandom(22);
        var white = Enumerable.Range(0, 32).Select(_ => Enumerable.Range(0, 32 * 32).Select(_ => NormalSampler.Sample(random)).ToArray()).ToList();
        Assert.That(MixStatistics.PowerSpectrumSlope(white, 32, 32), Is.EqualTo(0).Within(0.3), "white noise has a flat spectrum");
        var e = Assert.Throws<MixInvariantException>(() => MixStatistics.AssertPowerSpectrumDecay(white, 32, 32, 3.0));
        Assert.That(e!.Message, Does.Contain("-6"));

        var decay2 = Enumerable.Range(0, 32).Select(_ => Noise(2.0, random.NextUInt64())).ToList();
        Assert.Throws<MixInvariantException>(() => MixStatistics.AssertPowerSpectrumDecay(decay2, 32, 32, 3.0));
    }

    private static double[] Noise(double decayPower, ulong seed)
    {
        var image = new float[32 * 32];
        new Masks.FourierNoise(new SpatialShape(32, 32), decayPower, seed).Synthesize(image);
        return [.. image.Select(v => (double)v)];
    }
}
