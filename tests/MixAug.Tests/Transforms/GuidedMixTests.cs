using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.Transforms;
using NUnit.Framework;

namespace MixAug.Tests.Transforms;

public class GuidedMixTests
{
    private static readonly SalientPaste.KnownPeaks Peaks = new(rowStep: 5, columnStep: 13);

    private static SaliencyMaps Maps(GuidedMix transform, BatchShape shape, float[] batch) =>
        CpuFeatures.Compute(transform.Requirements, shape, batch).Saliency[0];

    [TestCase(2)]
    [TestCase(5)]
    [TestCase(8)]
    [TestCase(11)]
    public void PartnersAreTheGreedyCycleOverTheMapsDistances(int b)
    {
        var shape = new BatchShape(b, 2, 24, 30);
        float[] batch = SalientPaste.IndexedBatch(shape);
        var transform = new GuidedMix(saliency: Peaks);
        MixPlan plan = transform.CreatePlan(shape, batch, new MixRandom(3));
        SaliencyMaps maps = Maps(transform, shape, batch);
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(SaliencyPairing.GreedyCycle(SaliencyPairing.Distances(maps), b)));
        Assert.That(plan.Pairing, Is.EqualTo(PairingStrategy.Custom));
        Assert.That(Enumerable.Range(0, b).All(i => plan.Partners[i] != i && plan.IsMixed(i)), Is.True, "odd or even, every sample is mixed");
        Assert.That(plan.Partners.ToArray().Order(), Is.EqualTo(Enumerable.Range(0, b)), "a permutation");
    }

    /// <summary>
    /// Replay of the draws: the pairing draws nothing, then one Beta variate per sample in order, the box centred on
    /// the partner's peak, lambda the exact own share.
    /// </summary>
    [Test]
    public void BoxIsCentredOnThePartnersPeakWithExactLambda()
    {
        var shape = new BatchShape(7, 2, 20, 31);
        float[] batch = SalientPaste.IndexedBatch(shape);
        var transform = new GuidedMix(beta: 0.7, saliency: Peaks);
        MixPlan plan = transform.CreatePlan(shape, batch, new MixRandom(4));
        var random = new MixRandom(4);
        for (int i = 0; i < 7; i++)
        {
            double lambda = BetaSampler.Sample(random, 0.7, 0.7);
            SalientPaste.AssertBoxCentredOn(plan, i, shape, lambda, Peaks.PeakOf(shape, plan.Partners[i]));
        }
    }

    /// <summary>Applied, every element comes from the sample or its partner, the partner's share exactly 1 − λ.</summary>
    [TestCase(SaliencyRegion.Box, 5)]
    [TestCase(SaliencyRegion.Mask, 5)]
    [TestCase(SaliencyRegion.Mask, 6)]
    public void AppliedPlansHaveExactLambdas(SaliencyRegion region, int b)
    {
        var shape = new BatchShape(b, 3, 32, 40);
        float[] batch = SalientPaste.IndexedBatch(shape);
        MixPlan plan = new GuidedMix(region: region).CreatePlan(shape, batch, new MixRandom(9));
        SalientPaste.AssertPastedFromSelfOrPartner(plan, shape, batch);
        for (int i = 0; i < b && region == SaliencyRegion.Mask; i++)
        {
            var mask = (SaliencyMaskRegion)plan.Regions[i];
            Assert.That(plan.Lambdas[i], Is.EqualTo(mask.OwnCount / (double)shape.PlaneSize), "n/N exactly");
        }
    }

    [Test]
    public void BatchModeMakesOneDrawAtSampleZerosPartner()
    {
        var shape = new BatchShape(5, 1, 24, 24);
        float[] batch = SalientPaste.IndexedBatch(shape);
        MixPlan plan = new GuidedMix(mode: LambdaMode.Batch, saliency: Peaks).CreatePlan(shape, batch, new MixRandom(3));
        SalientPaste.AssertOneBoxForTheBatch(plan, shape, 3, Peaks.PeakOf(shape, plan.Partners[0]));
    }

    [TestCase(LambdaMode.Element)]
    [TestCase(LambdaMode.Batch)]
    public void ABatchOfOneStaysUnmixed(LambdaMode mode)
    {
        var shape = new BatchShape(1, 3, 16, 16);
        MixPlan plan = new GuidedMix(mode: mode).CreatePlan(shape, SalientPaste.IndexedBatch(shape), new MixRandom(5));
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(new[] { 0 }));
        Assert.That(plan.IsMixed(0), Is.False);
        Assert.That(plan.Lambdas[0], Is.EqualTo(1.0));
    }

    /// <summary>The partners are in the plan: its JSON replays it, and the same seed and batch draw it again.</summary>
    [TestCase(SaliencyRegion.Box)]
    [TestCase(SaliencyRegion.Mask)]
    public void PlansReplay(SaliencyRegion region)
    {
        var shape = new BatchShape(6, 3, 28, 36);
        float[] batch = SalientPaste.IndexedBatch(shape);
        var transform = new GuidedMix(region: region);
        MixPlan plan = transform.CreatePlan(shape, batch, MixRandom.ForBatch(1, 2, 3));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(MixPlanJson.Serialize(MixPlanJson.Parse(json)), Is.EqualTo(json));
        Assert.That(MixPlanJson.Serialize(transform.CreatePlan(shape, batch, MixRandom.ForBatch(1, 2, 3))), Is.EqualTo(json));
        Assert.That(json, Does.Contain("\"GuidedMix\"").And.Contain("\"Custom\""));
    }

    [Test]
    public void BadArgumentsAreRejectedClearly()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new GuidedMix(mode: LambdaMode.Pair))!.ParamName, Is.EqualTo("mode"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new GuidedMix(beta: 0))!.ParamName, Is.EqualTo("beta"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new GuidedMix(region: (SaliencyRegion)7))!.ParamName, Is.EqualTo("region"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new GuidedMix(probability: 1.5))!.ParamName, Is.EqualTo("probability"));
        var transform = new GuidedMix();
        Assert.That(() => transform.CreatePlan(new BatchShape(2, 3, 8, 8), new MixRandom(1)), Throws.ArgumentException);
        var sequence = BatchShape.Sequence(2, 3, 8);
        Assert.That(() => transform.CreatePlan(sequence, new float[sequence.ElementCount], new MixRandom(1)), Throws.ArgumentException);
        Assert.That(transform.Requirements.Saliency[0].Detail, Is.EqualTo(SaliencyDetail.Maps));
        Assert.That(transform.Saliency, Is.SameAs(SpectralResidualSaliency.Default), "OpenMixup's sr saliency by default");
    }
}
