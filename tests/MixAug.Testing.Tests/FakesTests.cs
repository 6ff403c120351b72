using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Testing.Tests;

public class FakesTests
{
    [Test]
    public void ScriptedRandomDrivesAnExactCutMixPlan()
    {
        // Roll pairing draws nothing; probability 1 flips no coin. CutMix draws Beta(1, 1) through the Gamma sampler
        // (which consumes doubles), then the centre row and column. Script enough doubles and the two ints.
        double[] doubles = [0.1, 0.7, 0.35, 0.9, 0.2, 0.55, 0.8, 0.05, 0.6, 0.45, 0.3, 0.95];
        var random = new ScriptedRandom().WithDoubles(doubles).WithInts(2, 3);
        MixPlan plan = new CutMix(pairing: PairingStrategy.Roll).CreatePlan(new BatchShape(2, 1, 8, 8), random);
        var box = (BoxRegion)plan.Regions[0];
        double lambda = BetaSampler.Sample(new ScriptedRandom().WithDoubles(doubles), 1, 1);
        int cut = (int)(8 * Math.Sqrt(1 - lambda));
        Assert.That((box.Top, box.Left), Is.EqualTo((Math.Max(0, 2 - (cut / 2)), Math.Max(0, 3 - (cut / 2)))));
        MixAssert.LambdasMatchRegions(plan);
    }

    [Test]
    public void ScriptedRandomReportsOverdrawAndLeftovers()
    {
        var random = new ScriptedRandom().WithDoubles(0.25).WithInts(4).WithWords(9);
        Assert.That(random.NextDouble(), Is.EqualTo(0.25));
        Assert.That(random.NextUInt64(), Is.EqualTo(9UL));
        var e = Assert.Throws<InvalidOperationException>(() => random.NextInt(3));
        Assert.That(e!.Message, Does.Contain("NextInt(3)").And.Contain("4"));
        e = Assert.Throws<InvalidOperationException>(() => random.NextDouble());
        Assert.That(e!.Message, Does.Contain("NextDouble"));

        var leftovers = new ScriptedRandom().WithDoubles(0.1, 0.2);
        leftovers.NextDouble();
        Assert.That(Assert.Throws<InvalidOperationException>(leftovers.AssertExhausted)!.Message, Does.Contain("1 doubles"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ScriptedRandom().WithDoubles(1.0));
    }

    [Test]
    public void FixedPlansHaveTheirDocumentedNumbers()
    {
        var shape = new BatchShape(3, 1, 2, 2);
        MixPlan blend = FixedPlans.Blend(shape, 0.25);
        Assert.That(blend.Partners.ToArray(), Is.EqualTo(new[] { 2, 1, 0 }));
        Assert.That(blend.Lambdas.ToArray(), Is.EqualTo(new[] { 0.25, 1.0, 0.25 }));
        MixPlan box = FixedPlans.Box(shape, new BoxRegion(0, 0, 1, 2));
        Assert.That(box.Lambdas[0], Is.EqualTo(0.5));
        Assert.That(FixedPlans.Mask(shape, [1, 1, 1, 0]).Lambdas[2], Is.EqualTo(0.75));
        Assert.That(FixedPlans.Identity(shape).MixedCount, Is.Zero);
    }

    [Test]
    public void FixedPlanTransformHandsOutItsPlanForItsShapeOnly()
    {
        var shape = new BatchShape(2, 1, 2, 2);
        MixPlan plan = FixedPlans.Blend(shape, 0.5);
        var transform = new FixedPlanTransform(plan);
        Assert.That(transform.CreatePlan(shape, new MixRandom(1)), Is.SameAs(plan));
        Assert.That(transform.Calls, Is.EqualTo(1));
        var e = Assert.Throws<ArgumentException>(() => transform.CreatePlan(new BatchShape(4, 1, 2, 2), new MixRandom(1)));
        Assert.That(e!.Message, Does.Contain("2 samples of 2x2").And.Contain("4x1x2x2"));
    }
}
