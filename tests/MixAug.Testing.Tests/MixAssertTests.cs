using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Testing.Tests;

/// <summary>Every check passes on correct output and catches each planted defect, with a message that says where.</summary>
public class MixAssertTests
{
    private static readonly BatchShape Shape = new(4, 2, 6, 5);

    [Test]
    public void PassesOnMixAugsOwnOutputForEveryMethodAndMode()
    {
        var random = new MixRandom(1);
        IMixTransform[] transforms =
        [
            new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Roll),
            new CutMix(mode: LambdaMode.Pair, pairing: PairingStrategy.Permutation),
            new FixedPlanTransform(FixedPlans.Mask(Shape, Enumerable.Range(0, 30).Select(e => (e % 3) / 2f).ToArray())),
        ];
        foreach (IMixTransform t in transforms)
        {
            MixPlan plan = t.CreatePlan(Shape, random);
            float[] input = Batch(Shape, 2);
            var output = new float[input.Length];
            CpuMixer.Apply(plan, input, output);
            Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));
            Assert.DoesNotThrow(() => MixAssert.LambdasMatchRegions(plan));

            byte[] bytes = input.Select(v => (byte)(v * 255)).ToArray();
            var byteOutput = new byte[bytes.Length];
            CpuMixer.Apply(plan, bytes, byteOutput);
            Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, bytes, byteOutput));

            int[] labels = [0, 1, 2, 1];
            float[] targets = LabelMixer.ToSoftTargets(plan, labels, 3, 0.1);
            Assert.DoesNotThrow(() => MixAssert.TargetsFollowPlan(plan, labels, 3, targets, 0.1));
        }
    }

    [Test]
    public void CatchesSwappedLambda()
    {
        MixPlan plan = FixedPlans.Blend(Shape, 0.7);
        MixPlan swapped = FixedPlans.Blend(Shape, 0.3);
        float[] input = Batch(Shape, 3);
        var output = new float[input.Length];
        CpuMixer.Apply(swapped, input, output);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.That(e!.Sample, Is.Zero);
        Assert.That(e.Message, Does.Contain("Sample 0").And.Contain("channel 0").And.Contain("pixel (y 0, x 0)").And.Contain("inverted"));
    }

    [Test]
    public void CatchesABoxOffByOnePixel()
    {
        MixPlan plan = FixedPlans.Box(Shape, new BoxRegion(1, 1, 4, 3));
        MixPlan shifted = FixedPlans.Box(Shape, new BoxRegion(1, 1, 4, 4));
        float[] input = Batch(Shape, 4);
        var output = new float[input.Length];
        CpuMixer.Apply(shifted, input, output);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.That(e!.Message, Does.Contain("pixel (y 1, x 3)").And.Contain("box is off"));
    }

    [Test]
    public void CatchesAPixelFromAThirdImage()
    {
        MixPlan plan = FixedPlans.Box(Shape, new BoxRegion(0, 0, 2, 2));
        float[] input = Batch(Shape, 5);
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        int sampleSize = Shape.SampleSize;
        // Element 7 lies outside the box, so it must be sample 1's own; put sample 0's there (neither sample 1 nor
        // its flip partner, sample 2).
        output[(1 * sampleSize) + 7] = input[(0 * sampleSize) + 7];
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.That(e!.Sample, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("third image"));
    }

    [Test]
    public void CatchesATouchedUnmixedSample()
    {
        var shape = new BatchShape(3, 1, 2, 2);
        MixPlan plan = FixedPlans.Blend(shape, 0.5); // the middle sample of three is kept
        float[] input = Batch(shape, 6);
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        output[5] += 1e-6f;
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.That(e!.Sample, Is.EqualTo(1));
        Assert.That(e.Message, Does.Contain("keep"));
    }

    [Test]
    public void ToleranceAcceptsAnotherEvaluationOrderButStillCatchesCopies()
    {
        MixPlan plan = FixedPlans.Blend(Shape, 0.3);
        float[] input = Batch(Shape, 7);
        // x + (p - x)·(1 - λ): the same value up to rounding, as another backend might compute it.
        float[] output = new float[input.Length];
        for (int i = 0; i < 4; i++)
        {
            for (int k = 0; k < Shape.SampleSize; k++)
            {
                float x = input[(i * Shape.SampleSize) + k];
                float p = input[((3 - i) * Shape.SampleSize) + k];
                output[(i * Shape.SampleSize) + k] = x + ((p - x) * 0.7f);
            }
        }

        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output, tolerance: 1e-6f));
    }

    [Test]
    public void CatchesSmoothMixStyleInvertedLambda()
    {
        // OpenMixup's SmoothMix reports mean(G) as the weight of the sample although G weights the partner.
        var weights = Enumerable.Range(0, 30).Select(e => e < 10 ? 1f : 0f).ToArray();
        var mask = new MaskRegion(weights);
        var shape = new BatchShape(2, 1, 6, 5);
        var inverted = new MixPlan(shape.Spatial, [1, 0], [1 - mask.Mean, 1 - mask.Mean], [mask, mask]);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(inverted));
        Assert.That(e!.Message, Does.Contain("Sample 0").And.Contain("0.6666666666666667").And.Contain("0.3333333333333333"));
    }

    /// <summary>
    /// A mask weight of exactly 1 or 0 copies its source's element, as the mixers do: a partner's NaN or infinity under a
    /// weight of 1 (padding past a valid length) is not read, and an output that blended it in is caught.
    /// </summary>
    [Test]
    public void MaskWeightsOfOneAndZeroCopyWithoutReadingTheOtherSource()
    {
        var shape = new BatchShape(2, 1, 1, 4);
        var mask = new MaskRegion([1f, 1f, 0f, 0.5f]);
        var plan = new MixPlan(shape.Spatial, [1, 1], [mask.Mean, 1.0], [mask, MixRegion.Keep]);
        float[] input = [1, 2, 3, 4, float.NaN, float.PositiveInfinity, 7, 8];
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        Assert.That(output[..4], Is.EqualTo(new[] { 1f, 2f, 7f, (4f * 0.5f) + (8f * 0.5f) }), "the mixer copies where the weight is 1 or 0");
        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));

        float[] blended = [.. output];
        blended[0] = (1f * 1f) + (float.NaN * 0f); // the partner's NaN read under a weight of 1
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, blended));
        Assert.That(e!.Message, Does.Contain("Sample 0"));
    }

    [Test]
    public void CatchesLabelsThatWereNotSmoothed()
    {
        MixPlan plan = FixedPlans.Blend(Shape, 0.75);
        int[] labels = [0, 1, 2, 3];
        float[] unsmoothed = LabelMixer.ToSoftTargets(plan, labels, 4, 0.0);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.TargetsFollowPlan(plan, labels, 4, unsmoothed, smoothing: 0.1));
        Assert.That(e!.Message, Does.Contain("Sample 0, class 0").And.Contain("not applied"));
    }

    [Test]
    public void CatchesTargetsWithInvertedLambda()
    {
        MixPlan plan = FixedPlans.Blend(Shape, 0.75);
        int[] labels = [0, 1, 2, 3];
        float[] inverted = LabelMixer.ToSoftTargets(FixedPlans.Blend(Shape, 0.25), labels, 4);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.TargetsFollowPlan(plan, labels, 4, inverted));
        Assert.That(e!.Message, Does.Contain("inverted"));
    }

    [Test]
    public void CatchesRowsThatAreNotDistributions()
    {
        Assert.Throws<MixInvariantException>(() => MixAssert.TargetsAreDistributions([0.5f, 0.6f], 2));
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.TargetsAreDistributions([0.5f, 0.5f, 1.5f, -0.5f], 2));
        Assert.That(e!.Message, Does.Contain("Sample 1, class 1"));
        Assert.DoesNotThrow(() => MixAssert.TargetsAreDistributions([0.25f, 0.75f, 1f, 0f], 2));
    }

    [Test]
    public void RejectsBuffersOfTheWrongLength()
    {
        MixPlan plan = FixedPlans.Identity(Shape);
        var e = Assert.Throws<ArgumentException>(() => MixAssert.PixelsFollowPlan(plan, new float[3], new float[Shape.ElementCount]));
        Assert.That(e!.Message, Does.Contain("input has 3"));
    }

    private static float[] Batch(BatchShape shape, ulong seed)
    {
        var random = new MixRandom(seed);
        return Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble()).ToArray();
    }
}
