using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Testing.Tests;

/// <summary>
/// MixAssert must hold every sample to its own lambda, partner and region. The Catches* tests in MixAssertTests use
/// plans in which all samples share one lambda and one region, so an oracle weakened to accept a value that matches
/// <i>any</i> sample's lambda or region would still pass them (issue 11). Here every sample has its own lambda, box,
/// mask and partner (a 5-cycle, so no pair is mutual), and each defect takes exactly one sample's numbers from
/// another sample: the oracle must name that sample.
/// </summary>
public class MixAssertPerSampleTests
{
    private static readonly BatchShape Shape = new(5, 2, 6, 5);

    // Sample i takes from Partners[i]: one cycle 0 → 2 → 4 → 3 → 1 → 0, so no two samples share a partner.
    private static readonly int[] Partners = [2, 0, 4, 1, 3];

    private static readonly double[] BlendLambdas = [0.9, 0.3, 0.62, 0.15, 0.47];

    private static readonly BoxRegion[] Boxes =
    [
        // Areas 4, 6, 20, 12 and 8: every box has its own lambda too.
        new(0, 0, 2, 2),
        new(1, 1, 4, 3),
        new(2, 0, 6, 5),
        new(0, 3, 6, 5),
        new(3, 1, 5, 5),
    ];

    [Test]
    public void EveryBlendWithAnotherSamplesLambdaIsCaughtAtThatSample()
    {
        MixPlan plan = Pairwise(BlendLambdas, Enumerable.Repeat<MixRegion>(MixRegion.Blend, 5).ToArray());
        float[] input = Batch(Shape, 1);
        AssertPasses(plan, input);
        int caught = 0;
        foreach ((int i, int j) in Pairs())
        {
            double[] lambdas = [.. BlendLambdas];
            lambdas[i] = BlendLambdas[j];
            MixPlan defective = Pairwise(lambdas, [.. plan.Regions]);
            float[] output = Apply(defective, input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i} with sample {j}'s lambda");
            Assert.That(e!.Sample, Is.EqualTo(i));
            Assert.That(e.Message, Does.Contain($"lambda {BlendLambdas[i]:G9}"));
            caught++;
        }

        Assert.That(caught, Is.EqualTo(20));
    }

    [Test]
    public void ABackendThatUsesTheFirstLambdaForTheWholeBatchIsCaught()
    {
        MixPlan plan = Pairwise(BlendLambdas, Enumerable.Repeat<MixRegion>(MixRegion.Blend, 5).ToArray());
        MixPlan batchLambda = Pairwise(Enumerable.Repeat(BlendLambdas[0], 5).ToArray(), [.. plan.Regions]);
        float[] input = Batch(Shape, 2);
        float[] output = Apply(batchLambda, input);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.That(e!.Sample, Is.EqualTo(1));
    }

    [Test]
    public void EveryBlendWithAnotherSamplesPartnerIsCaughtAtThatSample()
    {
        MixPlan plan = Pairwise(BlendLambdas, Enumerable.Repeat<MixRegion>(MixRegion.Blend, 5).ToArray());
        float[] input = Batch(Shape, 3);
        int caught = 0;
        foreach ((int i, int j) in Pairs().Where(p => Partners[p.J] != p.I))
        {
            int[] partners = [.. Partners];
            partners[i] = Partners[j];
            var defective = new MixPlan(Shape.Spatial, partners, BlendLambdas, [.. plan.Regions]);
            float[] output = Apply(defective, input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i} with sample {j}'s partner");
            Assert.That(e!.Sample, Is.EqualTo(i));
            caught++;
        }

        Assert.That(caught, Is.EqualTo(15)); // 20 pairs less the 5 that would pair a sample with itself
    }

    [Test]
    public void EveryBoxOfAnotherSampleIsCaughtAtThatSample()
    {
        MixPlan plan = Pairwise(Boxes.Select(b => b.OwnShare(Shape.Spatial, 0)).ToArray(), [.. Boxes]);
        float[] input = Batch(Shape, 4);
        AssertPasses(plan, input);
        foreach ((int i, int j) in Pairs())
        {
            MixRegion[] regions = [.. Boxes];
            regions[i] = Boxes[j];
            double[] lambdas = [.. plan.Lambdas];
            lambdas[i] = plan.Lambdas[j];
            float[] output = Apply(Pairwise(lambdas, regions), input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i} with sample {j}'s box");
            Assert.That(e!.Sample, Is.EqualTo(i));
            Assert.That(e.Message, Does.Contain(Boxes[i].ToString()));

            // The label weights of the swapped box are wrong for sample i too.
            var labels = Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(Pairwise(lambdas, [.. Boxes])));
            Assert.That(labels!.Sample, Is.EqualTo(i));
        }
    }

    [Test]
    public void EveryMaskOfAnotherSampleIsCaughtAtThatSample()
    {
        var random = new MixRandom(5);
        MaskRegion[] masks = [.. Enumerable.Range(0, 5).Select(i => new MaskRegion(
            [.. Enumerable.Range(0, Shape.PlaneSize).Select(_ => i % 2 == 0 ? (random.NextDouble() < 0.5 ? 0f : 1f) : (float)random.NextDouble())]))];
        MixPlan plan = Pairwise(masks.Select(m => m.Mean).ToArray(), [.. masks]);
        float[] input = Batch(Shape, 6);
        AssertPasses(plan, input);
        foreach ((int i, int j) in Pairs())
        {
            MixRegion[] regions = [.. masks];
            regions[i] = masks[j];
            double[] lambdas = [.. plan.Lambdas];
            lambdas[i] = plan.Lambdas[j];
            float[] output = Apply(Pairwise(lambdas, regions), input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i} with sample {j}'s mask");
            Assert.That(e!.Sample, Is.EqualTo(i));
        }
    }

    [Test]
    public void EveryFourierMaskOfAnotherGroupIsCaughtAtThatSample()
    {
        // FMix with one noise image per sample: each sample thresholds its own image at its own count.
        MixPlan plan = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, pairing: PairingStrategy.Roll)
            .CreatePlan(Shape, new MixRandom(7));
        Assert.That(plan.Regions.Select(r => ((FourierMaskRegion)r).Noise.Seed).Distinct().Count(), Is.EqualTo(5));
        float[] input = Batch(Shape, 8);
        AssertPasses(plan, input);
        foreach ((int i, int j) in Pairs())
        {
            MixRegion[] regions = [.. plan.Regions];
            regions[i] = plan.Regions[j];
            double[] lambdas = [.. plan.Lambdas];
            lambdas[i] = plan.Lambdas[j];
            var defective = new MixPlan(Shape.Spatial, plan.Partners, lambdas, regions);
            float[] output = Apply(defective, input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i} with sample {j}'s mask");
            Assert.That(e!.Sample, Is.EqualTo(i));
        }
    }

    [Test]
    public void Uint8BlendsWithAnotherSamplesLambdaAreCaughtAtThatSample()
    {
        MixPlan plan = Pairwise(BlendLambdas, Enumerable.Repeat<MixRegion>(MixRegion.Blend, 5).ToArray());
        byte[] input = [.. Batch(Shape, 9).Select(v => (byte)(v * 255))];
        var output = new byte[input.Length];
        CpuMixer.Apply(plan, input, output);
        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));
        foreach ((int i, int j) in Pairs())
        {
            double[] lambdas = [.. BlendLambdas];
            lambdas[i] = BlendLambdas[j];
            CpuMixer.Apply(Pairwise(lambdas, [.. plan.Regions]), input, output);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i} with sample {j}'s lambda");
            Assert.That(e!.Sample, Is.EqualTo(i));
        }
    }

    [Test]
    public void TargetsWithAnotherSamplesLambdaOrPartnerAreCaughtAtThatSample()
    {
        MixPlan plan = Pairwise(BlendLambdas, Enumerable.Repeat<MixRegion>(MixRegion.Blend, 5).ToArray());
        int[] labels = [0, 1, 2, 3, 4];
        Assert.DoesNotThrow(() => MixAssert.TargetsFollowPlan(plan, labels, 5, LabelMixer.ToSoftTargets(plan, labels, 5, 0.1), 0.1));
        foreach ((int i, int j) in Pairs())
        {
            double[] lambdas = [.. BlendLambdas];
            lambdas[i] = BlendLambdas[j];
            float[] targets = LabelMixer.ToSoftTargets(Pairwise(lambdas, [.. plan.Regions]), labels, 5, 0.1);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.TargetsFollowPlan(plan, labels, 5, targets, 0.1), $"sample {i} with sample {j}'s lambda");
            Assert.That(e!.Sample, Is.EqualTo(i));
            if (Partners[j] != i)
            {
                int[] partners = [.. Partners];
                partners[i] = Partners[j];
                float[] wrongPartner = LabelMixer.ToSoftTargets(new MixPlan(Shape.Spatial, partners, BlendLambdas, [.. plan.Regions]), labels, 5, 0.1);
                var p = Assert.Throws<MixInvariantException>(() => MixAssert.TargetsFollowPlan(plan, labels, 5, wrongPartner, 0.1), $"sample {i} with sample {j}'s partner");
                Assert.That(p!.Sample, Is.EqualTo(i));
            }
        }
    }

    [Test]
    public void SeveralSourcesWithTheirWeightsInAnotherOrderAreCaught()
    {
        // Three sources per sample, each sample with its own weights; a defect that pairs the weights with the
        // sources in another order (the K-source weight order) must be caught in pixels and in targets.
        var spatial = Shape.Spatial;
        double[][] weights = [[0.5, 0.3, 0.2], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5], [0.7, 0.2, 0.1], [0.4, 0.35, 0.25]];
        SampleRecipe Recipe(int i, double[] w) => new([i, (i + 1) % 5, (i + 3) % 5], w, MixRegion.Blend);
        var plan = new MixPlan(spatial, [.. Enumerable.Range(0, 5).Select(i => Recipe(i, weights[i]))]);
        float[] input = Batch(Shape, 10);
        AssertPasses(plan, input);
        int[] labels = [0, 1, 2, 3, 4];
        for (int i = 0; i < 5; i++)
        {
            double[] w = weights[i];
            var reordered = new MixPlan(spatial, [.. Enumerable.Range(0, 5).Select(s => Recipe(s, s == i ? [w[0], w[2], w[1]] : weights[s]))]);
            float[] output = Apply(reordered, input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i}");
            Assert.That(e!.Sample, Is.EqualTo(i));
            float[] targets = LabelMixer.ToSoftTargets(reordered, labels, 5);
            var t = Assert.Throws<MixInvariantException>(() => MixAssert.TargetsFollowPlan(plan, labels, 5, targets), $"sample {i}");
            Assert.That(t!.Sample, Is.EqualTo(i));
        }
    }

    [Test]
    public void TilesOfAnotherSlotAreCaught()
    {
        // Tiles from three sources; a defect that reads a tile from the wrong slot is caught at that sample.
        var spatial = Shape.Spatial;
        TileRegion Tiles(int first, int second) => new([new Tile(first, 0, 0, 3, 3), new Tile(second, 2, 2, 6, 5)]);
        SampleRecipe Recipe(int i, TileRegion region)
        {
            var shares = new double[3];
            region.MeasureShares(spatial, [1, 0, 0], shares);
            return new SampleRecipe([i, (i + 2) % 5, (i + 4) % 5], shares, region);
        }

        var plan = new MixPlan(spatial, [.. Enumerable.Range(0, 5).Select(i => Recipe(i, Tiles(1, 2)))]);
        float[] input = Batch(Shape, 11);
        AssertPasses(plan, input);
        for (int i = 0; i < 5; i++)
        {
            var swapped = new MixPlan(spatial, [.. Enumerable.Range(0, 5).Select(s => Recipe(s, s == i ? Tiles(2, 1) : Tiles(1, 2)))]);
            float[] output = Apply(swapped, input);
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, output), $"sample {i}");
            Assert.That(e!.Sample, Is.EqualTo(i));
            var labels = Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(new MixPlan(spatial, [.. Enumerable.Range(0, 5).Select(s => s == i
                ? new SampleRecipe(swapped.Sources(s).ToArray(), plan.Weights(s).ToArray(), swapped.Regions[s])
                : Recipe(s, Tiles(1, 2)))])));
            Assert.That(labels!.Sample, Is.EqualTo(i));
        }
    }

    private static IEnumerable<(int I, int J)> Pairs() =>
        from i in Enumerable.Range(0, 5) from j in Enumerable.Range(0, 5) where i != j select (i, j);

    private static MixPlan Pairwise(double[] lambdas, MixRegion[] regions) => new(Shape.Spatial, Partners, lambdas, regions);

    private static float[] Apply(MixPlan plan, float[] input)
    {
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        return output;
    }

    private static void AssertPasses(MixPlan plan, float[] input)
    {
        float[] output = Apply(plan, input);
        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.DoesNotThrow(() => MixAssert.LambdasMatchRegions(plan));
    }

    private static float[] Batch(BatchShape shape, ulong seed)
    {
        var random = new MixRandom(seed);
        return [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble())];
    }
}
