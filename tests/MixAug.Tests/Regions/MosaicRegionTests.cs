using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;

namespace MixAug.Tests.Regions;

public class MosaicRegionTests
{
    private static readonly SpatialShape Plane = new(10, 8);

    [Test]
    public void RejectsBadGeometryByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MosaicRegion(Plane, 0, 4, 10, 8, [0, 1, 2, 3]))!.ParamName, Is.EqualTo("centreY"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MosaicRegion(Plane, 5, 8, 10, 8, [0, 1, 2, 3]))!.Message, Does.Contain("[1, 7]").And.Contain("8"));
        // Centre row 3 of 10: the bottom quadrants are 7 rows high, so a 6-row tile cannot fill them.
        var low = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MosaicRegion(Plane, 3, 4, 6, 8, [0, 1, 2, 3]))!;
        Assert.That((low.ParamName, low.Message), Is.EqualTo(("tileHeight", low.Message)));
        Assert.That(low.Message, Does.Contain("7 to 10").And.Contain("6"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MosaicRegion(Plane, 3, 4, 7, 9, [0, 1, 2, 3]))!.ParamName, Is.EqualTo("tileWidth"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MosaicRegion(Plane, 3, 4, 7, 4, [0, 1, 2]))!.ParamName, Is.EqualTo("slots"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MosaicRegion(Plane, 3, 4, 7, 4, [0, 1, -2, 3]))!.Message, Does.Contain("-2"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MosaicRegion(SpatialShape.Sequence(9), 3, 4, 7, 4, [0, 1, 2, 3]))!.ParamName, Is.EqualTo("spatial"));
        Assert.Throws<ArgumentNullException>(() => _ = new MosaicRegion(Plane, 3, 4, 7, 4, null!));

        var region = new MosaicRegion(Plane, 3, 4, 7, 4, [0, 1, 2, 3]);
        Assert.That(Assert.Throws<ArgumentException>(() => region.Compose(new float[319], new float[80]))!.ParamName, Is.EqualTo("sources"));
        Assert.That(Assert.Throws<ArgumentException>(() => region.Compose(new float[320], new float[81]))!.ParamName, Is.EqualTo("output"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => region.QuadrantAt(10, 0))!.Message, Does.Contain("10"));
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Plane, [new SampleRecipe([0, 1], [0.5, 0.5], region), SampleRecipe.Unmixed(1)]));
        Assert.That(e!.Message, Does.Contain("slot 2").And.Contain("2 sources"));
    }

    [Test]
    public void SharesAreTheQuadrantAreasWorkedOutByHand()
    {
        // 10x8, centre (3, 5): top-left 3x5 = 15, top-right 3x3 = 9, bottom-left 7x5 = 35, bottom-right 7x3 = 21 of 80.
        var four = new MosaicRegion(Plane, 3, 5, 7, 6, [0, 1, 2, 3]);
        var shares = new double[4];
        four.MeasureShares(Plane, [], shares);
        Assert.That(shares, Is.EqualTo(new[] { 15 / 80.0, 9 / 80.0, 35 / 80.0, 21 / 80.0 }));

        // A partner drawn twice keeps one slot: slot 1 fills the top-right and bottom-left quadrants.
        var two = new MosaicRegion(Plane, 3, 5, 7, 6, [0, 1, 1, 0]);
        shares = new double[2];
        two.MeasureShares(Plane, [], shares);
        Assert.That(shares, Is.EqualTo(new[] { 36 / 80.0, 44 / 80.0 }));
        Assert.That(two.OwnShare(Plane, 0.3), Is.EqualTo(36 / 80.0));
    }

    [Test]
    public void SlotsOfTheRasteriserAreTheQuadrants()
    {
        var region = new MosaicRegion(Plane, 3, 5, 7, 6, [0, 2, 1, 0]);
        var slots = new byte[Plane.Size];
        RegionRasterizer.WriteSlots(region, Plane, slots);
        for (int y = 0; y < 10; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                int expected = y < 3 ? (x < 5 ? 0 : 2) : (x < 5 ? 1 : 0);
                Assert.That(slots[(y * 8) + x], Is.EqualTo(expected), $"({y}, {x})");
            }
        }

        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteOwnWeights(region, Plane, 1, new float[80]))!.Message, Does.Contain("WriteSlots"));
    }

    [TestCase(10, 8, 3, 5, 7, 6)]    // the smallest tile of centre (3, 5): shrink by 1/0.7 and 8/6
    [TestCase(12, 12, 6, 6, 6, 6)]   // the middle: every image halved
    [TestCase(9, 7, 2, 6, 9, 7)]     // tiles of the image's own size: crops, no resampling
    [TestCase(11, 13, 5, 4, 8, 13)]  // rows shrink, columns kept
    public void ComposesEachQuadrantFromItsSourceResizedAsTheDefinition(int h, int w, int cy, int cx, int th, int tw)
    {
        var spatial = new SpatialShape(h, w);
        var region = new MosaicRegion(spatial, cy, cx, th, tw, [0, 1, 2, 3]);
        float[] planes = TestBatches.RandomBatch(new BatchShape(4, 1, h, w), (ulong)(h * w));
        var output = new float[h * w];
        region.Compose(planes, output);
        double[][] rows = ResampleReference.Weights(h, th), columns = ResampleReference.Weights(w, tw);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                // Written from the layout, not from the region's helpers: top tiles end at the centre row, bottom ones
                // start there; left tiles end at the centre column, right ones start there.
                int quadrant = (y < cy ? 0 : 2) + (x < cx ? 0 : 1);
                int tileRow = y < cy ? th - (cy - y) : y - cy;
                int tileColumn = x < cx ? tw - (cx - x) : x - cx;
                ReadOnlySpan<float> source = planes.AsSpan(quadrant * h * w, h * w);
                double expected = ResampleReference.At(source, w, rows, columns, tileRow, tileColumn);
                Assert.That(output[(y * w) + x], Is.EqualTo(expected).Within(2e-6), $"({y}, {x}) of quadrant {quadrant}");
                if (th == h && tw == w)
                {
                    Assert.That(output[(y * w) + x], Is.EqualTo(source[(tileRow * w) + tileColumn]), "a tile of the image's size is a crop, bit for bit");
                }
            }
        }
    }

    [Test]
    public void TilesAgreeWithResizeMixsResamplerBitForBit()
    {
        // A bottom-right quadrant starting at (0, 0) of a tile is ResizeRegion's box over the same tile size.
        var spatial = new SpatialShape(14, 12);
        float[] planes = TestBatches.RandomBatch(new BatchShape(4, 1, 14, 12), 9);
        var mosaic = new MosaicRegion(spatial, 5, 4, 9, 8, [0, 1, 2, 3]);
        var output = new float[spatial.Size];
        mosaic.Compose(planes, output);
        var resize = new ResizeRegion(spatial, 0, 0, 9, 8);
        var patch = new float[resize.Area];
        resize.ResizePartner(planes.AsSpan(3 * spatial.Size, spatial.Size), patch);
        for (int y = 5; y < 14; y++)
        {
            for (int x = 4; x < 12; x++)
            {
                Assert.That(output[(y * 12) + x], Is.EqualTo(patch[((y - 5) * 8) + x - 4]), $"({y}, {x})");
            }
        }
    }

    [Test]
    public void CpuMixerFollowsTheRegionInAndOutOfPlaceForAnyPartCount()
    {
        var shape = new BatchShape(5, 3, 10, 8);
        var regions = new MixRegion[]
        {
            new MosaicRegion(Plane, 3, 5, 7, 6, [0, 1, 2, 3]),
            new MosaicRegion(Plane, 7, 2, 7, 6, [0, 1, 1, 0]),
            MixRegion.Keep,
            new MosaicRegion(Plane, 5, 4, 10, 8, [0, 1, 2, 1]),
            new MosaicRegion(Plane, 1, 7, 9, 8, [2, 1, 0, 3]),
        };
        int[][] sources = [[0, 1, 2, 3], [1, 4], [2], [3, 0, 2], [4, 3, 2, 1]];
        var recipes = new SampleRecipe[5];
        for (int i = 0; i < 5; i++)
        {
            var shares = new double[sources[i].Length];
            regions[i].MeasureShares(Plane, [1.0], shares);
            recipes[i] = new SampleRecipe(sources[i], shares, regions[i]);
        }

        var plan = new MixPlan(Plane, recipes);
        float[] input = TestBatches.RandomBatch(shape, 5);
        var expected = new float[input.Length];
        CpuMixer.Apply(plan, input, expected);
        MixAssert.PixelsFollowPlan(plan, input, expected);
        MixAssert.LambdasMatchRegions(plan);
        PartCounts.AssertMixes(plan, input, expected, [1, 2, 3, 7]);
    }

    [Test]
    public void MixAssertCatchesQuadrantsSwappedAndTilesPastedUnresized()
    {
        var shape = new BatchShape(4, 2, 10, 8);
        float[] input = TestBatches.RandomBatch(shape, 8);
        MixPlan plan = Plan(new MosaicRegion(Plane, 3, 5, 7, 6, [0, 1, 2, 3]));

        // Planted defect 1: the top-right and bottom-left sources swapped.
        var swapped = new float[input.Length];
        CpuMixer.Apply(Plan(new MosaicRegion(Plane, 3, 5, 7, 6, [0, 2, 1, 3])), input, swapped);
        Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, swapped));

        // Planted defect 2: the sources cropped at their own size instead of resized to the tile.
        var cropped = new float[input.Length];
        CpuMixer.Apply(Plan(new MosaicRegion(Plane, 3, 5, 10, 8, [0, 1, 2, 3])), input, cropped);
        Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, cropped));

        // Planted defect 3: the weights of a box (the top-left quadrant's own share against one partner) claimed.
        var wrongWeights = new MixPlan(Plane, [
            new SampleRecipe([0, 1, 2, 3], [0.25, 0.25, 0.25, 0.25], plan.Regions[0]),
            SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2), SampleRecipe.Unmixed(3)]);
        Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(wrongWeights));

        static MixPlan Plan(MosaicRegion region)
        {
            var shares = new double[4];
            region.MeasureShares(Plane, [], shares);
            return new MixPlan(Plane, [new SampleRecipe([0, 1, 2, 3], shares, region), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2), SampleRecipe.Unmixed(3)]);
        }
    }

    [TestCase(224, 112)]
    [TestCase(224, 150)]
    [TestCase(31, 23)]
    [TestCase(9, 8)]
    [TestCase(40, 3)]
    public void TheVectorisedResamplerGivesTheBitsOfTheScalarSumInInputOrder(int inputs, int outputs)
    {
        // The definition's float order: each output row is Σ_k w_k·row_k over whole rows (first product, then adds),
        // then each output element ((0 + w₀·l₀) + w₁·l₁) + … over its taps. Written here with the scalar loops only.
        var spatial = new SpatialShape(inputs, inputs);
        float[] plane = TestBatches.RandomBatch(new BatchShape(1, 1, inputs, inputs), (ulong)outputs);
        var region = new ResizeRegion(spatial, 0, 0, outputs, outputs);
        var patch = new float[region.Area];
        region.ResizePartner(plane, patch);
        Resampling.Taps taps = Resampling.Taps.For(inputs, outputs);
        for (int oy = 0; oy < outputs; oy++)
        {
            ReadOnlySpan<float> wy = taps.WeightsOf(oy);
            var line = new float[inputs];
            for (int x = 0; x < inputs; x++)
            {
                line[x] = plane[(taps.Start[oy] * inputs) + x] * wy[0];
                for (int k = 1; k < wy.Length; k++)
                {
                    line[x] = (plane[((taps.Start[oy] + k) * inputs) + x] * wy[k]) + line[x];
                }
            }

            for (int ox = 0; ox < outputs; ox++)
            {
                ReadOnlySpan<float> wx = taps.WeightsOf(ox);
                float sum = 0f;
                for (int k = 0; k < wx.Length; k++)
                {
                    sum += wx[k] * line[taps.Start[ox] + k];
                }

                Assert.That(patch[(oy * outputs) + ox], Is.EqualTo(sum), $"({oy}, {ox})");
            }
        }
    }
}
