// The complete example of docs/testing.md. DocsExampleTests checks that the page shows this file's text.
using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Testing;
using MixAug.Transforms;
using NUnit.Framework;

namespace MyTeam.Augmentation.Tests;

/// <summary>The code under test: a team's own batch step built on MixAug.</summary>
public static class OurBatchStep
{
    public static (float[] Pixels, float[] Targets) Mix(
        IMixTransform policy, MixPlan? fixedPlan, BatchShape shape, float[] pixels, int[] labels, int classCount, IMixRandom random)
    {
        MixPlan plan = fixedPlan ?? policy.CreatePlan(shape, random);
        var mixed = new float[pixels.Length];
        CpuMixer.Apply(plan, pixels, mixed);
        return (mixed, LabelMixer.ToSoftTargets(plan, labels, classCount, smoothing: 0.1));
    }
}

public class OurBatchStepTests
{
    private static readonly BatchShape Shape = new(batchSize: 8, channels: 3, height: 32, width: 32);

    [Test]
    public void MixedBatchesKeepEveryInvariant()
    {
        var policy = new MixChoice((new MixUp(alpha: 0.8, mode: LambdaMode.Element), 0.5), (new CutMix(alpha: 1.0), 0.5));
        var random = new MixRandom(seed: 1);
        for (int step = 0; step < 50; step++)
        {
            MixPlan plan = policy.CreatePlan(Shape, random);
            float[] pixels = RandomPixels(random);
            int[] labels = Enumerable.Range(0, Shape.BatchSize).Select(_ => random.NextInt(10)).ToArray();

            (float[] mixed, float[] targets) = OurBatchStep.Mix(policy, plan, Shape, pixels, labels, 10, random);

            MixAssert.LambdasMatchRegions(plan);                                    // lambda = true share of own pixels
            MixAssert.PixelsFollowPlan(plan, pixels, mixed);                        // exact lerp or copy, element by element
            MixAssert.TargetsFollowPlan(plan, labels, 10, targets, smoothing: 0.1); // labels mixed and smoothed as configured
        }
    }

    [Test]
    public void AKnownPlanGivesKnownTargets()
    {
        // Sample i blends 0.75 of itself with sample 7 - i.
        MixPlan plan = FixedPlans.Blend(Shape, lambda: 0.75);
        int[] labels = [0, 1, 2, 3, 4, 5, 6, 7];

        (_, float[] targets) = OurBatchStep.Mix(new FixedPlanTransform(plan), plan, Shape, new float[Shape.ElementCount], labels, 10, new MixRandom(0));

        // Sample 0 (class 0) and its partner sample 7 (class 7), smoothing 0.1 over 10 classes: off = 0.01, on = 0.91.
        Assert.That(targets[0], Is.EqualTo((0.75f * 0.91f) + (0.25f * 0.01f)).Within(1e-6f));
        Assert.That(targets[7], Is.EqualTo((0.75f * 0.01f) + (0.25f * 0.91f)).Within(1e-6f));
    }

    [Test]
    public void LambdasFollowTheConfiguredBetaDistribution()
    {
        List<double> lambdas = MixStatistics.SampleLambdas(
            new MixUp(alpha: 0.8, mode: LambdaMode.Element), Shape, new MixRandom(seed: 2), batches: 200);

        // Fails for a correct sampler with probability 0.001; the fixed seed makes the test deterministic.
        MixStatistics.AssertBetaDistributed(lambdas, 0.8, 0.8, falseAlarmRate: 1e-3);
    }

    private static float[] RandomPixels(IMixRandom random) =>
        Enumerable.Range(0, Shape.ElementCount).Select(_ => (float)random.NextDouble()).ToArray();
}
