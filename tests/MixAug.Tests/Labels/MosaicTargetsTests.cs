using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Tests.Labels;

/// <summary>Label maps and detection boxes of Mosaic plans, against positions and boxes worked out by hand.</summary>
public class MosaicTargetsTests
{
    private static readonly SpatialShape Eight = new(8, 8);

    /// <summary>A plan of sample 0 mosaicked from samples 0 to 3 by <paramref name="region"/>; the others kept.</summary>
    private static MixPlan Plan(MosaicRegion region)
    {
        var shares = new double[4];
        region.MeasureShares(region.Spatial, [], shares);
        return new MixPlan(region.Spatial, [new SampleRecipe([0, 1, 2, 3], shares, region), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2), SampleRecipe.Unmixed(3)]);
    }

    /// <summary>Every element's label names its sample and position: 1000·sample + index.</summary>
    private static int[] PositionLabels(int batch, int n) => [.. Enumerable.Range(0, batch * n).Select(e => (1000 * (e / n)) + (e % n))];

    [Test]
    public void HalvedTilesTakeTheClassOfTheSourcePixelAtEachOutputCentre()
    {
        // Centre (4, 4) of 8x8, tiles 4x4: each output pixel covers 2x2 source pixels, its centre lies on the corner
        // they share, and ⌊(i + ½)·2⌋ = 2i + 1 takes the lower-right one. Top-left quadrant (y, x) ← source 0 at
        // (2y + 1, 2x + 1); top-right ← source 1 at (2y + 1, 2(x − 4) + 1); and so on.
        MixPlan plan = Plan(new MosaicRegion(Eight, 4, 4, 4, 4, [0, 1, 2, 3]));
        int[] labels = PositionLabels(4, 64);
        var mixed = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, mixed);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                int source = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1);
                int sy = (2 * (y % 4)) + 1, sx = (2 * (x % 4)) + 1;
                Assert.That(mixed[(y * 8) + x], Is.EqualTo((1000 * source) + (sy * 8) + sx), $"({y}, {x})");
            }
        }

        Assert.That(mixed.AsSpan(64).ToArray(), Is.EqualTo(labels.AsSpan(64).ToArray()), "kept samples keep their maps");
    }

    [TestCase(10, 8, 3, 5, 7, 6)]
    [TestCase(17, 11, 9, 2, 11, 9)]
    [TestCase(224, 224, 100, 150, 150, 150)]
    public void EveryOutputPixelTakesTheSourcePixelWhoseCellHoldsItsResampledCentre(int h, int w, int cy, int cx, int th, int tw)
    {
        // The centre of tile row t in source rows is (t + ½)·h/th; the pixel whose cell [j, j + 1) holds it is its floor,
        // computed here in decimal arithmetic, apart from the integer rule of the code.
        var spatial = new SpatialShape(h, w);
        MixPlan plan = Plan(new MosaicRegion(spatial, cy, cx, th, tw, [0, 1, 2, 3]));
        int n = h * w;
        int[] labels = PositionLabels(4, n);
        var mixed = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, mixed);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int tileRow = y < cy ? th - cy + y : y - cy, tileColumn = x < cx ? tw - cx + x : x - cx;
                int sy = (int)decimal.Floor((tileRow + 0.5m) * h / th), sx = (int)decimal.Floor((tileColumn + 0.5m) * w / tw);
                int source = (y < cy ? 0 : 2) + (x < cx ? 0 : 1);
                Assert.That(mixed[(y * w) + x], Is.EqualTo((1000 * source) + (sy * w) + sx), $"({y}, {x})");
            }
        }
    }

    [Test]
    public void UnscaledTilesGiveLabelsThatMatchThePixelsExactly()
    {
        // Tiles at the image's own size are crops: the image mixer copies each pixel, so labels carried as pixel values
        // must come out equal to the label map's.
        var shape = new BatchShape(6, 1, 12, 10);
        MixPlan plan = new Mosaic(shrinkTiles: false).CreatePlan(shape, new MixRandom(7));
        int[] labels = PositionLabels(6, 120);
        float[] asPixels = [.. labels.Select(l => (float)l)];
        var pixels = new float[asPixels.Length];
        CpuMixer.Apply(plan, asPixels, pixels);
        var mixed = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, mixed);
        Assert.That(mixed.Select(l => (float)l), Is.EqualTo(pixels));
    }

    [Test]
    public void PairsAndSoftTargetsAgreeWithTheHardMap()
    {
        var shape = new BatchShape(5, 1, 9, 7);
        MixPlan plan = new Mosaic(probability: 0.8).CreatePlan(shape, new MixRandom(11));
        int n = 63;
        int[] labels = [.. Enumerable.Range(0, 5 * n).Select(e => (e * 7) % 5)];
        var hard = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, hard);
        int[] a = new int[labels.Length], b = new int[labels.Length];
        var weightA = new float[labels.Length];
        LabelMapMixer.ToPairs(plan, labels, a, b, weightA);
        Assert.That(a, Is.EqualTo(hard));
        Assert.That(b, Is.EqualTo(hard));
        Assert.That(weightA, Is.All.EqualTo(1f));
        var soft = new float[labels.Length * 5];
        LabelMapMixer.ToSoftTargets(plan, labels, 5, -1, soft);
        for (int i = 0; i < 5; i++)
        {
            for (int e = 0; e < n; e++)
            {
                for (int c = 0; c < 5; c++)
                {
                    Assert.That(soft[(((i * 5) + c) * n) + e], Is.EqualTo(hard[(i * n) + e] == c ? 1f : 0f));
                }
            }
        }
    }

    [Test]
    public void BoxesAreScaledIntoTheirTileAndClippedToItsQuadrant()
    {
        // Centre (4, 4) of 8x8, tiles 4x4 (scale ½). Source 0's tile ends at the centre: (x, y) → (x/2, y/2).
        // Source 1's starts at column 4: (x, y) → (4 + x/2, y/2). Source 3's at (4, 4).
        MixPlan plan = Plan(new MosaicRegion(Eight, 4, 4, 4, 4, [0, 1, 2, 3]));
        DetectionBoxes[] boxes =
        [
            Boxes((2, 2, 6, 6, 1)),
            Boxes((0, 0, 8, 8, 2)),
            DetectionBoxes.Empty,
            Boxes((1, 2, 3, 7, 3)),
        ];
        DetectionBoxes mixed = BoxMixer.Mix(plan, boxes)[0];
        Assert.That(Rows(mixed), Is.EqualTo(new[] { (1f, 1f, 3f, 3f, 1, 1f), (4f, 0f, 8f, 4f, 2, 1f), (4.5f, 5f, 5.5f, 7.5f, 3, 1f) }));
    }

    [Test]
    public void UnscaledTilesClipBoxesAndDropThoseBelowTheVisibleFractionOrTheMinimumSide()
    {
        // Centre (3, 5), tiles 8x8 (crops): source 0's tile lies at rows [−5, 3) × columns [−3, 5), shown in
        // rows [0, 3) × columns [0, 5). Box (0, 0, 8, 8) → (−3, −5, 5, 3), clipped (0, 0, 5, 3): 15 of 64 visible, kept.
        // Box (0, 0, 4, 4) → (−3, −5, 1, −1): nothing visible. Box (4, 4, 8, 8) → (1, −1, 5, 3) → (1, 0, 5, 3): 12 of 16.
        // Box (6, 4, 8, 8) → (3, −1, 5, 3) → (3, 0, 5, 3): 6 of 8, but only 2 wide: dropped by YOLOv5's minimum side of
        // 2 pixels (w > 2), kept without it. Box (0, 6, 8, 8) → (−3, 1, 5, 3) → (0, 1, 5, 3): 10 of 16 (0.625), dropped
        // with minVisibleFraction 0.7, as the first box is, and only 2 high, so dropped by the minimum side too.
        MixPlan plan = Plan(new MosaicRegion(Eight, 3, 5, 8, 8, [0, 1, 2, 3]));
        DetectionBoxes own = Boxes((0, 0, 8, 8, 1), (0, 0, 4, 4, 2), (4, 4, 8, 8, 3), (6, 4, 8, 8, 4), (0, 6, 8, 8, 5));
        DetectionBoxes[] boxes = [own, DetectionBoxes.Empty, DetectionBoxes.Empty, DetectionBoxes.Empty];
        Assert.That(Rows(BoxMixer.Mix(plan, boxes)[0]), Is.EqualTo(new[]
        {
            (0f, 0f, 5f, 3f, 1, 1f), (1f, 0f, 5f, 3f, 3, 1f), (3f, 0f, 5f, 3f, 4, 1f), (0f, 1f, 5f, 3f, 5, 1f),
        }));
        Assert.That(Rows(BoxMixer.Mix(plan, boxes, minSide: BoxMixer.YoloMinSide)[0]), Is.EqualTo(new[]
        {
            (0f, 0f, 5f, 3f, 1, 1f), (1f, 0f, 5f, 3f, 3, 1f),
        }));
        Assert.That(Rows(BoxMixer.Mix(plan, boxes, minVisibleFraction: 0.7)[0]).Select(r => r.Class), Is.EqualTo(new[] { 3, 4 }));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => BoxMixer.Mix(plan, boxes, minSide: -1))!.ParamName, Is.EqualTo("minSide"));
    }

    [Test]
    public void APartnerInTwoQuadrantsShowsItsBoxesInBoth()
    {
        // Two samples: sample 0's partner fills three quadrants of centre (4, 4), tiles 4x4.
        var region = new MosaicRegion(Eight, 4, 4, 4, 4, [0, 1, 1, 1]);
        var plan = new MixPlan(Eight, [new SampleRecipe([0, 1], [0.25, 0.75], region), SampleRecipe.Unmixed(1)]);
        DetectionBoxes[] boxes = [DetectionBoxes.Empty, Boxes((0, 0, 8, 8, 7))];
        Assert.That(Rows(BoxMixer.Mix(plan, boxes)[0]), Is.EqualTo(new[] { (4f, 0f, 8f, 4f, 7, 1f), (0f, 4f, 4f, 8f, 7, 1f), (4f, 4f, 8f, 8f, 7, 1f) }));
    }

    [Test]
    public void MultiLabelRowsAreWeightedByTheQuadrantAreas()
    {
        // 10x8, centre (3, 5): sample k (one label, class k) supplies 15, 9, 35 and 21 of 80 pixels.
        MixPlan plan = Plan(new MosaicRegion(new SpatialShape(10, 8), 3, 5, 7, 6, [0, 1, 2, 3]));
        float[] rows = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        float[] weighted = MultiLabelMixer.ToTargets(plan, rows, 4);
        Assert.That(weighted.AsSpan(0, 4).ToArray(), Is.EqualTo(new[] { (float)(15 / 80.0), (float)(9 / 80.0), (float)(35 / 80.0), (float)(21 / 80.0) }));
        Assert.That(MultiLabelMixer.ToTargets(plan, rows, 4, MultiLabelMode.Union).AsSpan(0, 4).ToArray(), Is.EqualTo(new[] { 1f, 1f, 1f, 1f }));
        Assert.That(weighted.AsSpan(4).ToArray(), Is.EqualTo(rows.AsSpan(4).ToArray()), "kept samples keep their rows");
    }

    private static DetectionBoxes Boxes(params (float X0, float Y0, float X1, float Y1, int Class)[] boxes) =>
        new([.. boxes.SelectMany(b => new[] { b.X0, b.Y0, b.X1, b.Y1 })], [.. boxes.Select(b => b.Class)]);

    private static (float X0, float Y0, float X1, float Y1, int Class, float Weight)[] Rows(DetectionBoxes boxes) =>
        [.. Enumerable.Range(0, boxes.Count).Select(b => (boxes.Corners[4 * b], boxes.Corners[(4 * b) + 1], boxes.Corners[(4 * b) + 2], boxes.Corners[(4 * b) + 3], boxes.Classes[b], boxes.Weights[b]))];
}
