using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class MosaicTests
{
    [Test]
    public void RejectsBadParametersByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Mosaic(minCentre: 0))!.ParamName, Is.EqualTo("minCentre"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Mosaic(maxCentre: 1))!.Message, Does.Contain("1"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Mosaic(maxCentre: double.NaN))!.ParamName, Is.EqualTo("maxCentre"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new Mosaic(minCentre: 0.6, maxCentre: 0.4))!.Message, Does.Contain("0.6").And.Contain("0.4"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Mosaic(probability: 1.5))!.ParamName, Is.EqualTo("probability"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new Mosaic(pairing: PairingStrategy.Flip))!.ParamName, Is.EqualTo("pairing"));
        foreach (BatchShape shape in new[] { BatchShape.Sequence(2, 1, 10), BatchShape.Volume(2, 1, 3, 4, 5), new BatchShape(2, 1, 1, 9) })
        {
            var e = Assert.Throws<ArgumentException>(() => new Mosaic().CreatePlan(shape, new MixRandom(1)))!;
            Assert.That((e.ParamName, e.Message.Contains(shape.ToString(), StringComparison.Ordinal)), Is.EqualTo(("shape", true)));
        }
    }

    [Test]
    public void FollowsTheDocumentedDrawsWithAHandWorkedCentreAndTile()
    {
        // Roll pairing draws nothing: partners of sample i are i − 1, i − 2, i − 3. Each sample draws the centre row's
        // u, then the column's v, as 0.25 + 0.5·d: d = 0.2 gives u = 0.35, row ⌊10·0.35⌋ = 3; d = 0.9 gives v = 0.7,
        // column ⌊8·0.7⌋ = 5. The largest quadrant is 7 of 10 rows and 5 of 8 columns; rows need the larger share
        // (0.7), so the tile is 7 rows × ⌈0.7·8⌉ = 6 columns.
        var shape = new BatchShape(5, 1, 10, 8);
        var random = new ScriptedRandom().WithDoubles(0.2, 0.9, 0.2, 0.9, 0.2, 0.9, 0.2, 0.9, 0.2, 0.9);
        MixPlan plan = new Mosaic(pairing: PairingStrategy.Roll).CreatePlan(shape, random);
        Assert.That(random.Drawn, Is.EqualTo(10));
        var region = (MosaicRegion)plan.Regions[2];
        Assert.That((region.CentreY, region.CentreX, region.TileHeight, region.TileWidth), Is.EqualTo((3, 5, 7, 6)));
        Assert.That(region.Slots, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(plan.Sources(2).ToArray(), Is.EqualTo(new[] { 2, 1, 0, 4 }));
        Assert.That(plan.Weights(2).ToArray(), Is.EqualTo(new[] { 15 / 80.0, 9 / 80.0, 35 / 80.0, 21 / 80.0 }));
        Assert.That(plan.Lambdas[2], Is.EqualTo(15 / 80.0));
    }

    [Test]
    public void WeightsAreTheExactPixelSharesAndSumToOneOverManySeeds()
    {
        foreach (BatchShape shape in new[] { new BatchShape(7, 1, 17, 11), new BatchShape(4, 1, 2, 2), new BatchShape(9, 1, 224, 160) })
        {
            for (ulong seed = 0; seed < 60; seed++)
            {
                var transform = new Mosaic(minCentre: 0.05, maxCentre: 0.95, probability: 0.9, pairing: seed % 2 == 0 ? PairingStrategy.Permutation : PairingStrategy.Roll, shrinkTiles: seed % 3 != 0);
                MixPlan plan = transform.CreatePlan(shape, new MixRandom(seed));
                MixAssert.LambdasMatchRegions(plan);
                for (int i = 0; i < plan.BatchSize; i++)
                {
                    ReadOnlySpan<double> weights = plan.Weights(i);
                    Assert.That(weights.ToArray().Sum(), Is.EqualTo(1.0).Within(1e-12));
                    if (plan.Regions[i] is not MosaicRegion region)
                    {
                        continue;
                    }

                    // Shares counted pixel by pixel from the quadrant rule, independently of the region's own measure.
                    var counts = new long[weights.Length];
                    for (int y = 0; y < shape.Height; y++)
                    {
                        for (int x = 0; x < shape.Width; x++)
                        {
                            counts[region.Slots[(y < region.CentreY ? 0 : 2) + (x < region.CentreX ? 0 : 1)]]++;
                        }
                    }

                    for (int k = 0; k < weights.Length; k++)
                    {
                        Assert.That(weights[k], Is.EqualTo((double)counts[k] / shape.Spatial.Size), $"seed {seed}, sample {i}, slot {k}");
                    }

                    // The tile fills the largest quadrant with the image's aspect ratio, one side rounded up (or the whole image).
                    int qy = Math.Max(region.CentreY, shape.Height - region.CentreY), qx = Math.Max(region.CentreX, shape.Width - region.CentreX);
                    Assert.That(region.TileHeight, Is.GreaterThanOrEqualTo(qy));
                    Assert.That(region.TileWidth, Is.GreaterThanOrEqualTo(qx));
                    if (transform.ShrinkTiles)
                    {
                        Assert.That(region.TileHeight == qy || region.TileWidth == qx, Is.True, "no larger than it needs to be");
                        Assert.That(Math.Abs(((double)region.TileHeight / shape.Height) - ((double)region.TileWidth / shape.Width)), Is.LessThan(1.0 / Math.Min(shape.Height, shape.Width)));
                    }
                    else
                    {
                        Assert.That((region.TileHeight, region.TileWidth), Is.EqualTo((shape.Height, shape.Width)));
                    }
                }
            }
        }
    }

    [Test]
    public void ABatchOfOneIsKeptAndSmallBatchesShareSlots()
    {
        // A batch of one has no other sample: every partner is the sample itself, so it is kept (as every method keeps
        // a sample paired with itself), and the centre is still drawn.
        MixPlan one = new Mosaic().CreatePlan(new BatchShape(1, 3, 8, 8), new MixRandom(4));
        Assert.That(one.Regions[0], Is.SameAs(MixRegion.Keep));
        Assert.That(one.Weights(0).ToArray(), Is.EqualTo(new[] { 1.0 }));

        // Two samples: Permutation's derangements always give the other one, which fills three quadrants.
        MixPlan two = new Mosaic().CreatePlan(new BatchShape(2, 1, 8, 8), new MixRandom(4));
        for (int i = 0; i < 2; i++)
        {
            Assert.That(two.Sources(i).ToArray(), Is.EqualTo(new[] { i, 1 - i }));
            Assert.That(((MosaicRegion)two.Regions[i]).Slots, Is.EqualTo(new[] { 0, 1, 1, 1 }));
        }

        // Roll over three samples: partners i − 1, i − 2 and i − 3 = i itself, which shows the sample again.
        MixPlan three = new Mosaic(pairing: PairingStrategy.Roll).CreatePlan(new BatchShape(3, 1, 8, 8), new MixRandom(4));
        Assert.That(three.Sources(0).ToArray(), Is.EqualTo(new[] { 0, 2, 1 }));
        Assert.That(((MosaicRegion)three.Regions[0]).Slots, Is.EqualTo(new[] { 0, 1, 2, 0 }));
        MixAssert.LambdasMatchRegions(three);
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(13)]
    public void OddBatchesMixAsThePlanSaysInAndOutOfPlace(int batch)
    {
        var shape = new BatchShape(batch, 3, 23, 19);
        for (ulong seed = 1; seed <= 2; seed++)
        {
            MixPlan plan = new Mosaic(probability: 0.8).CreatePlan(shape, new MixRandom(seed));
            float[] input = TestBatches.RandomBatch(shape, seed);
            var expected = new float[input.Length];
            CpuMixer.Apply(plan, input, expected);
            MixAssert.PixelsFollowPlan(plan, input, expected);
            PartCounts.AssertMixes(plan, input, expected, [1, 2, 5]);
        }
    }

    [Test]
    public void ProbabilityZeroKeepsEverySampleAndDrawsOnlyTheCoins()
    {
        MixPlan plan = new Mosaic(probability: 0).CreatePlan(new BatchShape(6, 1, 8, 8), new MixRandom(3));
        Assert.That(plan.Regions.All(r => r is KeepRegion), Is.True);
    }

    [Test]
    public void UInt8IsTheFloatPathOnTheSameValuesRoundedHalfToEven()
    {
        // uint8 Mosaic was refused until the uint8 mixer widened each quadrant's source plane as ResizeMix's rows are
        // widened; it must give exactly the float32 result on the same values, rounded half to even. Tall planes span
        // several work segments.
        foreach (BatchShape shape in new[] { new BatchShape(5, 3, 23, 19), new BatchShape(4, 3, 224, 160) })
        {
            for (ulong seed = 1; seed <= 3; seed++)
            {
                MixPlan plan = new Mosaic(pairing: seed == 2 ? PairingStrategy.Roll : PairingStrategy.Permutation).CreatePlan(shape, new MixRandom(seed));
                ResampledBytes.AssertFloatPathRounded(plan, shape, seed);
            }
        }
    }

    [Test]
    public void PlansRoundTripThroughJsonAndBadMosaicsAreRefused()
    {
        MixPlan plan = new Mosaic(probability: 0.8, pairing: PairingStrategy.Roll).CreatePlan(new BatchShape(9, 3, 31, 29), new MixRandom(3));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"region\":\"mosaic\"").And.Contain("\"centre\":[").And.Contain("\"slots\":["));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        for (int i = 0; i < plan.BatchSize; i++)
        {
            Assert.That(back.Weights(i).ToArray(), Is.EqualTo(plan.Weights(i).ToArray()));
            Assert.That(back.Regions[i].ToString(), Is.EqualTo(plan.Regions[i].ToString()));
        }

        int at = json.IndexOf("\"slots\":[", StringComparison.Ordinal);
        string threeSlots = json[..at] + "\"slots\":[0,1,2]" + json[(json.IndexOf(']', at) + 1)..];
        Assert.That(Assert.Throws<FormatException>(() => MixPlanJson.Parse(threeSlots))!.Message, Does.Contain("slot per quadrant"));
        at = json.IndexOf("\"tile\":[", StringComparison.Ordinal);
        string tinyTile = json[..at] + "\"tile\":[1,1]" + json[(json.IndexOf(']', at) + 1)..];
        var invalid = Assert.Catch<ArgumentException>(() => MixPlanJson.Parse(tinyTile))!;
        Assert.That((invalid.ParamName, invalid.Message.Contains("tile must be", StringComparison.Ordinal)), Is.EqualTo(("json", true)));
    }
}
