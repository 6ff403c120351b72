using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class SmoothMixTests
{
    [Test]
    public void RejectsBadParametersByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothMix(alpha: double.NaN))!.ParamName, Is.EqualTo("alpha"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothMix(softness: 0))!.ParamName, Is.EqualTo("softness"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothMix(softness: 1.5))!.Message, Does.Contain("1.5"));
        var spatial = new SpatialShape(8, 6);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 2, 0, 9, 3, 1))!.Message, Does.Contain("9").And.Contain("8"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 0, -1, 2, 3, 1))!.ParamName, Is.EqualTo("left"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 0, 3, 2, 3, 1))!.ParamName, Is.EqualTo("right"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 0, 0, 2, 3, 0))!.ParamName, Is.EqualTo("sigma"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new SoftBoxRegion(SpatialShape.Volume(2, 3, 4), 0, 0, 1, 1, 1))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new SoftBoxRegion(default, 0, 0, 1, 1, 1))!.ParamName, Is.EqualTo("spatial"));
    }

    [Test]
    public void RejectsVolumesAndValidLengths()
    {
        BatchShape volume = BatchShape.Volume(2, 1, 3, 4, 5);
        var e = Assert.Throws<ArgumentException>(() => new SmoothMix().CreatePlan(volume, new MixRandom(1)));
        Assert.That(e!.Message, Does.Contain(volume.ToString()));

        // The soft tails reach every position, so a sequence with padding is refused by name before anything is drawn.
        var lengths = Assert.Throws<ArgumentException>(() => new SmoothMix().CreatePlan(new MixRequest(BatchShape.Sequence(2, 1, 10), new MixRandom(1), [10, 6])));
        Assert.That(lengths!.ParamName, Is.EqualTo("request"));
        Assert.That(lengths.Message, Does.Contain("SmoothMix does not support valid lengths"));
    }

    [Test]
    public void ASequenceGetsASoftSegmentFollowingTheDocumentedDraws()
    {
        var shape = BatchShape.Sequence(2, 3, 200);
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = new SmoothMix(alpha: 0.7, softness: 0.05).CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            double lambda = BetaSampler.Sample(replay, 0.7, 0.7);
            int cut = Math.Max(1, (int)(200 * (1 - lambda)));
            _ = replay.NextInt(1); // the row: 0
            int cx = replay.NextInt(200);
            var segment = (SoftBoxRegion)plan.Regions[0];
            Assert.That(
                (segment.Top, segment.Left, segment.Bottom, segment.Right),
                Is.EqualTo((0, Math.Max(0, cx - (cut / 2)), 1, Math.Min(200, cx - (cut / 2) + cut))),
                $"seed {seed}");
            Assert.That(segment.Sigma, Is.EqualTo(0.05 * 200), "σ is a share of the length");
            Assert.That(plan.Lambdas[0], Is.EqualTo(segment.Mean));
            MixAssert.LambdasMatchRegions(plan);
        }
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void SequencesMixLikeTheReferenceInPlaceAndOutOfPlaceForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        var shape = BatchShape.Sequence(9, 3, 301);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            MixPlan plan = new SmoothMix(mode: mode, pairing: pairing).CreatePlan(shape, new MixRandom(seed));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [Test]
    public void BatchModeBoxFollowsTheDocumentedDraws()
    {
        var shape = new BatchShape(2, 1, 30, 20);
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = new SmoothMix(alpha: 0.7, softness: 0.2).CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            double lambda = BetaSampler.Sample(replay, 0.7, 0.7);
            int cutH = Math.Max(1, (int)(30 * Math.Sqrt(1 - lambda)));
            int cutW = Math.Max(1, (int)(20 * Math.Sqrt(1 - lambda)));
            int cy = replay.NextInt(30), cx = replay.NextInt(20);
            var box = (SoftBoxRegion)plan.Regions[0];
            Assert.That(
                (box.Top, box.Left, box.Bottom, box.Right),
                Is.EqualTo((Math.Max(0, cy - (cutH / 2)), Math.Max(0, cx - (cutW / 2)), Math.Min(30, cy - (cutH / 2) + cutH), Math.Min(20, cx - (cutW / 2) + cutW))),
                $"seed {seed}");
            Assert.That(box.Sigma, Is.EqualTo(0.2 * 20));
            Assert.That(plan.Regions[1], Is.SameAs(box));
        }
    }

    [Test]
    public void RasterisedWeightsFollowTheDefinitionBitForBit()
    {
        // Written here from the documented formula, not through the region: 1f − gy·gx with g = (float)exp(−d²/(2σ²)).
        var spatial = new SpatialShape(13, 17);
        var region = new SoftBoxRegion(spatial, 3, 5, 7, 6, 2.5);
        var weights = new float[spatial.Size];
        RegionRasterizer.WriteOwnWeights(region, spatial, 1.0, weights);
        for (int y = 0; y < 13; y++)
        {
            for (int x = 0; x < 17; x++)
            {
                double dy = y < 3 ? 3 - y : y > 6 ? y - 6 : 0;
                double dx = x < 5 ? 5 - x : x > 5 ? x - 5 : 0;
                float gy = (float)Math.Exp(-(dy * dy) / (2 * 2.5 * 2.5));
                float gx = (float)Math.Exp(-(dx * dx) / (2 * 2.5 * 2.5));
                float expected = 1f - (gy * gx);
                Assert.That(BitConverter.SingleToInt32Bits(weights[(y * 17) + x]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"({y}, {x})");
                Assert.That(expected, dy == 0 && dx == 0 ? Is.EqualTo(0f) : Is.GreaterThan(0f).And.LessThanOrEqualTo(1f));
            }
        }
    }

    [Test]
    public void LambdaIsTheExactMeanOfTheRasterisedWeights()
    {
        var random = new MixRandom(12);
        BatchShape[] shapes = [new(4, 1, 1, 1), new(5, 1, 2, 3), new(4, 2, 1, 40), new(4, 1, 40, 1), new(6, 3, 32, 32), new(3, 1, 224, 224), new(2, 1, 17, 61)];
        int mixed = 0;
        foreach (BatchShape shape in shapes)
        {
            foreach (SmoothMix t in new[] { new SmoothMix(mode: LambdaMode.Element), new SmoothMix(alpha: 0.2, softness: 1, mode: LambdaMode.Pair, pairing: PairingStrategy.Permutation), new SmoothMix(softness: 0.01, mode: LambdaMode.Element, pairing: PairingStrategy.Roll) })
            {
                for (int trial = 0; trial < 10; trial++)
                {
                    MixPlan plan = t.CreatePlan(shape, random);
                    MixAssert.LambdasMatchRegions(plan);
                    var weights = new float[shape.PlaneSize];
                    for (int i = 0; i < plan.BatchSize; i++)
                    {
                        if (plan.Regions[i] is not SoftBoxRegion region)
                        {
                            continue;
                        }

                        mixed++;
                        RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[i], weights);

                        // Every weight is a whole number of 2^-24 (the premise of the exact mean), so their sum is exact
                        // in integers, whatever the order.
                        long sum = 0;
                        double naive = 0;
                        foreach (float v in weights)
                        {
                            double scaled = v * 16777216.0;
                            Assert.That(scaled, Is.EqualTo(Math.Floor(scaled)), $"weight {v:R} is not a multiple of 2^-24");
                            sum += (long)scaled;
                            naive += v;
                        }

                        Assert.That(plan.Lambdas[i], Is.EqualTo(sum / (16777216.0 * shape.PlaneSize)), $"{shape} sample {i}");
                        Assert.That(plan.Lambdas[i], Is.EqualTo(naive / shape.PlaneSize).Within(1e-12));
                        Assert.That(plan.Lambdas[i], Is.LessThan(1.0), "the box's own pixels always go to the partner");
                    }
                }
            }
        }

        Assert.That(mixed, Is.GreaterThan(300));
    }

    [Test]
    public void TheDrawnLambdaIsNotTheLabel()
    {
        // A plan that kept the drawn λ (as OpenMixup's inverted λ) is caught by MixAssert: the soft edges take more.
        var shape = new BatchShape(2, 1, 32, 32);
        MixPlan plan = new SmoothMix(alpha: 1.0).CreatePlan(shape, new MixRandom(3));
        double drawn = BetaSampler.Sample(new MixRandom(3), 1, 1);
        Assert.That(plan.Lambdas[0], Is.LessThan(drawn));
        var wrong = new MixPlan(shape.Spatial, [1, 0], [drawn, drawn], [plan.Regions[0], plan.Regions[1]]);
        Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(wrong));
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void MixesLikeTheReferenceInPlaceAndOutOfPlaceForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        var shape = new BatchShape(9, 3, 21, 18);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            MixPlan plan = new SmoothMix(mode: mode, pairing: pairing, softness: 0.15).CreatePlan(shape, new MixRandom(seed));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [Test]
    public void PlansRoundTripThroughJson()
    {
        MixPlan plan = new SmoothMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, probability: 0.8, softness: 0.37).CreatePlan(new BatchShape(9, 3, 31, 29), new MixRandom(3));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"region\":\"softbox\""));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
        MixAssert.LambdasMatchRegions(back);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i] is SoftBoxRegion soft)
            {
                var read = (SoftBoxRegion)back.Regions[i];
                Assert.That((read.Top, read.Left, read.Bottom, read.Right, read.Sigma, read.Spatial), Is.EqualTo((soft.Top, soft.Left, soft.Bottom, soft.Right, soft.Sigma, soft.Spatial)));
            }
        }
    }
}
