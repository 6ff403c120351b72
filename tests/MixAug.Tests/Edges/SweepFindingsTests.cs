using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.Transforms;

namespace MixAug.Tests.Edges;

/// <summary>
/// What the public-API sweep (Meta/PublicApiSweepTests) found in the core, one test per finding, each failing before
/// its fix: exceptions that named a parameter the caller never passed, unchecked indices (IndexOutOfRange,
/// DivideByZero), a process crash on a huge FMix extent and a minute-long measurement of tiles.
/// </summary>
public class SweepFindingsTests
{
    private static readonly SpatialShape Plane = new(4, 4);

    [Test]
    public void AHugeFMixExtentIsRejectedInsteadOfExhaustingMemory()
    {
        // 1 x 2^30 - 1: the synthesis tables needed about 13 GB and the process was killed.
        var huge = new SpatialShape(1, (1 << 30) - 1);
        var e = Assert.Throws<ArgumentException>(() => FourierNoise.KeptBinCount(huge, 3.0));
        Assert.That(e!.ParamName, Is.EqualTo("spatial"));
        Assert.That(e.Message, Does.Contain("1073741823").And.Contain(FourierNoise.MaxElements.ToString()));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new FourierNoise(SpatialShape.Volume(513, 512, 512), 3.0, 1))!.ParamName, Is.EqualTo("spatial"));
        var request = new MixRequest(new BatchShape(1, 1, 46340, 46340), new MixRandom(1));
        Assert.That(Assert.Throws<ArgumentException>(() => new FMix().CreatePlan(request))!.ParamName, Is.EqualTo("request"));
        Assert.That(Assert.Throws<ArgumentException>(() => new FMix().CreatePlan(new BatchShape(1, 1, 46340, 46340), new MixRandom(1)))!.ParamName, Is.EqualTo("shape"));
        Assert.That(FourierNoise.KeptBinCount(SpatialShape.Volume(8, 8, 8), 3.0), Is.Positive, "a volume under the limit still works");
    }

    [Test]
    public void PlanConstructorsNameTheirOwnParameters()
    {
        // The recipe constructor named 'weights' and 'regions', which it does not have.
        var nan = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Plane, [new SampleRecipe([0, 1], [double.NaN, 0.5], MixRegion.Blend), SampleRecipe.Unmixed(1)]));
        Assert.That(nan!.ParamName, Is.EqualTo("samples"));
        Assert.That(nan.Message, Does.Contain("NaN"));
        var box = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Plane, [new SampleRecipe([0, 1], [0.5, 0.5], new BoxRegion(0, 0, 9, 9)), SampleRecipe.Unmixed(1)]));
        Assert.That(box!.ParamName, Is.EqualTo("samples"));
        Assert.That(box.Message, Does.Contain("sample 0").And.Contain("4x4"));
        var sum = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Plane, [new SampleRecipe([0, 1], [0.75, 0.75], MixRegion.Blend), SampleRecipe.Unmixed(1)]));
        Assert.That(sum!.ParamName, Is.EqualTo("samples"));
        Assert.That(sum.Message, Does.Contain("1.5"));

        // The pairwise constructor keeps its names.
        var region = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Plane, [1, 0], [0.5, 0.5], [new BoxRegion(0, 0, 9, 9), MixRegion.Blend]));
        Assert.That(region!.ParamName, Is.EqualTo("regions"));
    }

    [Test]
    public void JsonOfAnInvalidPlanNamesTheText()
    {
        const string json = "{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":1,\"lambda\":-0.5,\"region\":\"blend\"},{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}";
        var e = Assert.Throws<ArgumentException>(() => MixPlanJson.Parse(json));
        Assert.That(e!.ParamName, Is.EqualTo("json"));
        Assert.That(e.Message, Does.Contain("-0.5").And.Not.Contain("(Parameter 'weights')"));
    }

    [Test]
    public void FromDimensionsNamesDimensions()
    {
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => BatchShape.FromDimensions([2, 3, 0]));
        Assert.That(zero!.ParamName, Is.EqualTo("dimensions"));
        Assert.That(zero.Message, Does.Contain("it was 0"));
        var big = Assert.Throws<ArgumentOutOfRangeException>(() => SpatialShape.FromDimensions([65536, int.MaxValue]));
        Assert.That(big!.ParamName, Is.EqualTo("dimensions"));
        Assert.That(big.Message, Does.Contain("140737488289792"));
    }

    [Test]
    public void BetaSamplerNamesItsShapes()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => BetaSampler.Sample(new MixRandom(1), 1, -0.0))!.ParamName, Is.EqualTo("b"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => BetaSampler.Sample(null!, 1, 1))!.ParamName, Is.EqualTo("random"));
    }

    [Test]
    public void TransformsNameTheRequestOrTheShapeTheCallerPassed()
    {
        var sequence = BatchShape.Sequence(2, 1, 8);
        var request = new MixRequest(sequence, new MixRandom(1));
        Assert.That(Assert.Throws<ArgumentException>(() => new SaliencyMix().CreatePlan(request))!.ParamName, Is.EqualTo("request"));
        var minMax = new CutMix(minRatio: 0.2, maxRatio: 0.5); // min/max boxes do not take clips
        Assert.That(Assert.Throws<ArgumentException>(() => minMax.CreatePlan(new MixRequest(BatchShape.Volume(2, 1, 2, 4, 4), new MixRandom(1))))!.ParamName, Is.EqualTo("request"));
        Assert.That(Assert.Throws<ArgumentException>(() => minMax.CreatePlan(BatchShape.Volume(2, 1, 2, 4, 4), new MixRandom(1)))!.ParamName, Is.EqualTo("shape"));

        // The pixel-less overload cannot compute saliency: it says so and names the transform.
        var needs = Assert.Throws<ArgumentException>(() => new SaliencyMix().CreatePlan(new BatchShape(2, 1, 8, 8), new MixRandom(1)));
        Assert.That(needs!.ParamName, Is.EqualTo("transform"));
        Assert.That(needs.Message, Does.Contain("needs saliency peaks").And.Contain("CpuPlanning.CreatePlan"));
        Assert.That(Assert.Throws<ArgumentException>(() => new MixChoice((new MixUp(), 1), (new SaliencyMix(), 1)).CreatePlan(new BatchShape(2, 1, 8, 8), new MixRandom(1)))!.ParamName, Is.EqualTo("transform"));

        // The requirement check of the features themselves names its own parameter.
        Assert.That(Assert.Throws<ArgumentException>(() => BatchFeatures.None.CheckSatisfies(new SaliencyMix().Requirements, "SaliencyMix"))!.ParamName, Is.EqualTo("requirements"));
    }

    [Test]
    public void InPlaceMixingNamesTheBatch()
    {
        var box = new BoxRegion(0, 0, 2, 2);
        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.75], [box, box]);
        var bytes = new byte[6];
        var floats = new float[6];
        Assert.That(Assert.Throws<ArgumentException>(() => CpuMixer.ApplyInPlace(plan, bytes))!.ParamName, Is.EqualTo("batch"));
        Assert.That(Assert.Throws<ArgumentException>(() => CpuMixer.ApplyInPlace(plan, floats))!.ParamName, Is.EqualTo("batch"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => CpuMixer.ApplyInPlace(null!, floats))!.ParamName, Is.EqualTo("plan"));
    }

    [TestCase(-1)]
    [TestCase(3)]
    [TestCase(int.MaxValue)]
    public void PlanAccessorsRejectSamplesOutsideTheBatch(int sample)
    {
        // Each was an IndexOutOfRangeException.
        MixPlan plan = new MixUp(mode: LambdaMode.Element).CreatePlan(new BatchShape(3, 1, 2, 2), new MixRandom(1));
        var calls = new Action[]
        {
            () => plan.Sources(sample),
            () => plan.Weights(sample),
            () => plan.IsMixed(sample),
            () => plan.MeasureOwnShare(sample),
            () => plan.MeasureShares(sample, new double[2]),
        };
        foreach (Action call in calls)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => call());
            Assert.That(e!.ParamName, Is.EqualTo("sample"));
            Assert.That(e.Message, Does.Contain(sample.ToString()).And.Contain("[0, 3)"));
        }
    }

    [Test]
    public void SaliencyAccessorsRejectSamplesOutsideTheBatch()
    {
        var maps = SaliencyMaps.FromGrids(SpectralResidualSaliency.Default, Plane, 2, 2, new float[8]);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => maps.Peak(2))!.ParamName, Is.EqualTo("sample"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => maps.Grid(-1))!.ParamName, Is.EqualTo("sample"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => maps.WriteMap(46341, new float[16]))!.ParamName, Is.EqualTo("sample"));
        Assert.That(Assert.Throws<ArgumentException>(() => maps.WriteMap(0, new float[15]))!.ParamName, Is.EqualTo("map"));
        var wide = new SpatialShape(1, SaliencyMaps.MaxWidth + 1);
        Assert.That(Assert.Throws<ArgumentException>(() => SaliencyMaps.PeakOf(new float[4], 1, 4, wide))!.ParamName, Is.EqualTo("spatial"));
    }

    [Test]
    public void PerElementQueriesRejectAnEmptyExtentOrAnIndexOutsideIt()
    {
        // An empty extent divided by zero; an index past the end wrapped around silently.
        var box = new BoxRegion(0, 0, 2, 2);
        var tiles = new TileRegion([new Tile(1, 0, 0, 2, 2)]);
        Assert.That(Assert.Throws<ArgumentException>(() => box.Contains(default, 0))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentException>(() => tiles.SlotAt(default, 0))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => box.Contains(Plane, 16))!.ParamName, Is.EqualTo("index"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => tiles.SlotAt(Plane, -1))!.ParamName, Is.EqualTo("index"));
        Assert.That(box.Contains(Plane, 5), Is.True);
        Assert.That(tiles.SlotAt(Plane, 15), Is.Zero);
    }

    [Test]
    public void SharesOfARegionAreMeasuredOnlyWhereTheyMeanSomething()
    {
        var tiles = new TileRegion([new Tile(1, 0, 0, 2, 2), new Tile(2, 1, 1, 3, 3)]);
        // Three slots need three shares (an IndexOutOfRangeException before), and the own share of a three-slot tiling too.
        Assert.That(Assert.Throws<ArgumentException>(() => tiles.MeasureShares(Plane, [1, 0, 0], new double[2]))!.ParamName, Is.EqualTo("shares"));
        Assert.That(tiles.OwnShare(Plane, 0.5), Is.EqualTo(9.0 / 16));
        // An empty extent, a region that does not fit it, and a lambda outside [0, 1].
        Assert.That(Assert.Throws<ArgumentException>(() => tiles.MeasureShares(default, [1, 0, 0], new double[3]))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentException>(() => new BoxRegion(0, 0, 9, 9).OwnShare(Plane, 0.5))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixRegion.Blend.OwnShare(Plane, 1.5))!.ParamName, Is.EqualTo("lambda"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixRegion.Blend.MeasureShares(Plane, [], new double[2]))!.ParamName, Is.EqualTo("weights"));
    }

    [Test]
    public void TileSharesAreExactOnTheLargestPlaneAtOnce()
    {
        // Counting every element took over a minute on a 46340 x 46340 plane; the edges alone give the same counts.
        var huge = new SpatialShape(46340, 46340);
        var tiles = new TileRegion([new Tile(1, 0, 0, 46340, 23170), new Tile(2, 0, 23170, 1, 46340), new Tile(0, 10, 10, 20, 20)]);
        var shares = new double[3];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        tiles.MeasureShares(huge, [1, 0, 0], shares);
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(1000));
        double plane = 46340.0 * 46340.0;
        Assert.That(shares[1], Is.EqualTo(((46340.0 * 23170) - 100) / plane));
        Assert.That(shares[2], Is.EqualTo(23170 / plane));
        Assert.That(shares[0], Is.EqualTo(((46339.0 * 23170) + 100) / plane));
    }

    [Test]
    public void TileSharesEqualACountOfEveryElement()
    {
        // The edge-based measurement against counting SlotAt over the plane, for random tilings with overlaps.
        var random = new MixRandom(17);
        var spatial = new SpatialShape(9, 13);
        for (int trial = 0; trial < 300; trial++)
        {
            int count = 1 + random.NextInt(6);
            var list = new List<Tile>();
            for (int t = 0; t < count; t++)
            {
                int top = random.NextInt(9), left = random.NextInt(13);
                list.Add(new Tile(random.NextInt(4), top, left, top + 1 + random.NextInt(9 - top), left + 1 + random.NextInt(13 - left)));
            }

            var tiles = new TileRegion(list);
            var counts = new double[4];
            for (int e = 0; e < spatial.Size; e++)
            {
                counts[tiles.SlotAt(spatial, e)]++;
            }

            var shares = new double[4];
            tiles.MeasureShares(spatial, [1, 0, 0, 0], shares);
            Assert.That(shares, Is.EqualTo(counts.Select(c => c / spatial.Size).ToArray()), tiles.ToString());
        }
    }

    [Test]
    public void RasterisingNamesTheRegionAndTheLambda()
    {
        var tiles = new TileRegion([new Tile(1, 0, 0, 2, 2)]);
        var weights = new float[16];
        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteOwnWeights(tiles, Plane, 0.5, weights))!.ParamName, Is.EqualTo("region"));
        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteOwnWeights(new BoxRegion(0, 0, 9, 9), Plane, 0.5, weights))!.ParamName, Is.EqualTo("region"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => RegionRasterizer.WriteOwnWeights(MixRegion.Blend, Plane, double.NaN, weights))!.ParamName, Is.EqualTo("lambda"));
        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteOwnWeights(MixRegion.Keep, default, 1, weights))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(weights, Has.All.Zero, "nothing written");
    }

    [Test]
    public void PairingsCheckTheStrategyBeforeAllocatingTheBatch()
    {
        // Custom with int.MaxValue samples allocated first and failed with OutOfMemoryException.
        Assert.That(Assert.Throws<ArgumentException>(() => Pairings.Create(PairingStrategy.Custom, int.MaxValue, new MixRandom(1), false))!.ParamName, Is.EqualTo("strategy"));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pairings.Create(PairingStrategy.Flip, int.MaxValue, new MixRandom(1), false));
        Assert.That(e!.ParamName, Is.EqualTo("batchSize"));
        Assert.That(e.Message, Does.Contain(int.MaxValue.ToString()).And.Contain(Array.MaxLength.ToString()));
    }
}
