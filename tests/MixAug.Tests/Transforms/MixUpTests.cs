using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class MixUpTests
{
    [TestCase(0.0)]
    [TestCase(-0.5)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void RejectsBadAlpha(double alpha)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixUp(alpha));
        Assert.That(e!.ParamName, Is.EqualTo("alpha"));
        Assert.That(e.Message, Does.Contain(alpha.ToString()));
    }

    [TestCase(-0.01)]
    [TestCase(1.01)]
    [TestCase(double.NaN)]
    public void RejectsBadProbability(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixUp(probability: p));
        Assert.That(e!.ParamName, Is.EqualTo("probability"));
    }

    [Test]
    public void RejectsPairModeWithRollPairing()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixUp(mode: LambdaMode.Pair, pairing: PairingStrategy.Roll));
        Assert.That(e!.ParamName, Is.EqualTo("pairing"));
        Assert.Throws<ArgumentException>(() => _ = new MixUp(pairing: PairingStrategy.Custom));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixUp(mode: (LambdaMode)7));
    }

    [Test]
    public void BatchModeDrawsOneLambdaAfterTheDocumentedDrawOrder()
    {
        // Flip pairing draws nothing and probability 1 flips no coin, so lambda is the first Beta draw.
        var shape = new BatchShape(4, 3, 2, 2);
        MixPlan plan = new MixUp(alpha: 0.4).CreatePlan(shape, new MixRandom(9));
        double expected = BetaSampler.Sample(new MixRandom(9), 0.4, 0.4);
        Assert.That(plan.Lambdas.ToArray(), Is.EqualTo(Enumerable.Repeat(expected, 4).ToArray()));
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(new[] { 3, 2, 1, 0 }));
        Assert.That(plan.Regions, Has.All.SameAs(MixRegion.Blend));
        Assert.That(plan.TransformName, Is.EqualTo("MixUp"));
    }

    [Test]
    public void ElementModeDrawsOneLambdaPerSample()
    {
        var shape = new BatchShape(5, 1, 1, 1);
        MixPlan plan = new MixUp(alpha: 1, mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(2));
        var replay = new MixRandom(2);
        double[] expected = [BetaSampler.Sample(replay, 1, 1), BetaSampler.Sample(replay, 1, 1), 1.0, BetaSampler.Sample(replay, 1, 1), BetaSampler.Sample(replay, 1, 1)];
        Assert.That(plan.Lambdas.ToArray(), Is.EqualTo(expected));
        Assert.That(plan.Regions[2], Is.SameAs(MixRegion.Keep), "the middle sample of an odd flipped batch pairs with itself");
    }

    [Test]
    public void PairModeSharesLambdaWithinPairs()
    {
        var shape = new BatchShape(8, 1, 1, 1);
        MixPlan plan = new MixUp(mode: LambdaMode.Pair, pairing: PairingStrategy.Permutation).CreatePlan(shape, new MixRandom(4));
        for (int i = 0; i < 8; i++)
        {
            Assert.That(plan.Lambdas[plan.Partners[i]], Is.EqualTo(plan.Lambdas[i]));
            Assert.That(plan.Partners[plan.Partners[i]], Is.EqualTo(i));
        }

        Assert.That(plan.Lambdas.ToArray().Distinct().Count(), Is.EqualTo(4));
    }

    [Test]
    public void ProbabilityZeroLeavesEverySampleAlone()
    {
        foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
        {
            MixPlan plan = new MixUp(probability: 0, mode: mode).CreatePlan(new BatchShape(6, 1, 2, 2), new MixRandom(1));
            Assert.That(plan.MixedCount, Is.Zero);
            Assert.That(plan.Lambdas.ToArray(), Has.All.EqualTo(1.0));
        }
    }

    [Test]
    public void ElementProbabilityMixesTheExpectedShare()
    {
        var random = new MixRandom(6);
        var transform = new MixUp(probability: 0.3, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
        int mixed = 0;
        const int batches = 200;
        for (int k = 0; k < batches; k++)
        {
            mixed += transform.CreatePlan(new BatchShape(50, 1, 1, 1), random).MixedCount;
        }

        // 10,000 Bernoulli(0.3) coins: mean 3000, sd 46; 5 sd either way.
        Assert.That(mixed, Is.InRange(2770, 3230));
    }

    [Test]
    public void SingleSampleBatchIsNeverMixed()
    {
        foreach (PairingStrategy pairing in new[] { PairingStrategy.Flip, PairingStrategy.Roll, PairingStrategy.Permutation })
        {
            MixPlan plan = new MixUp(pairing: pairing, mode: LambdaMode.Element).CreatePlan(new BatchShape(1, 3, 4, 4), new MixRandom(1));
            Assert.That(plan.MixedCount, Is.Zero);
            Assert.That(plan.Lambdas[0], Is.EqualTo(1.0));
        }
    }

    [Test]
    public void SameSeedSamePlanDifferentSeedDifferentPlan()
    {
        var shape = new BatchShape(16, 3, 8, 8);
        var t = new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
        string a = MixPlanJson.Serialize(t.CreatePlan(shape, MixRandom.ForBatch(1, 0, 0)));
        string b = MixPlanJson.Serialize(t.CreatePlan(shape, MixRandom.ForBatch(1, 0, 0)));
        string c = MixPlanJson.Serialize(t.CreatePlan(shape, MixRandom.ForBatch(1, 0, 1)));
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void PlansDoNotDependOnTheThreadThatDrawsThem()
    {
        var shape = new BatchShape(32, 3, 8, 8);
        var t = new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
        string[] sequential = Enumerable.Range(0, 16).Select(i => MixPlanJson.Fingerprint(t.CreatePlan(shape, MixRandom.ForBatch(3, 1, i)))).ToArray();
        var parallel = new string[16];
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[15 - i] = MixPlanJson.Fingerprint(t.CreatePlan(shape, MixRandom.ForBatch(3, 1, 15 - i))));
        Assert.That(parallel, Is.EqualTo(sequential));
    }
}
