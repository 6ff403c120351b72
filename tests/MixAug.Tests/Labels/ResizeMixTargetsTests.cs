using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Transforms;

namespace MixAug.Tests.Labels;

/// <summary>Label maps and detection boxes of ResizeMix plans, against positions and boxes worked out by hand.</summary>
public class ResizeMixTargetsTests
{
    /// <summary>Every element's label names its sample and position: 1000·sample + index.</summary>
    private static int[] PositionLabels(int batch, int n) => [.. Enumerable.Range(0, batch * n).Select(e => (1000 * (e / n)) + (e % n))];

    private static MixPlan Plan(ResizeRegion region)
    {
        double own = region.OwnShare(region.Spatial, 1);
        return new MixPlan(region.Spatial, [1, 1], [own, 1.0], [region, MixRegion.Keep]);
    }

    [Test]
    public void TheBoxTakesThePartnersClassesAtTheResampledCentresAndTheRestIsOwn()
    {
        // 8x8, the partner halved into rows [2, 6) × columns [0, 4): box element (y, x) covers partner pixels
        // 2(y − 2) and 2(y − 2) + 1 (rows), and ⌊(i + ½)·2⌋ = 2i + 1 takes the second of each pair.
        var spatial = new SpatialShape(8, 8);
        MixPlan plan = Plan(new ResizeRegion(spatial, 2, 0, 6, 4));
        int[] labels = PositionLabels(2, 64);
        var mixed = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, mixed);
        for (int y = 0; y < 8; y++)
        {
            for (int x = 0; x < 8; x++)
            {
                bool inBox = y >= 2 && y < 6 && x < 4;
                int expected = inBox ? 1000 + (((2 * (y - 2)) + 1) * 8) + (2 * x) + 1 : (y * 8) + x;
                Assert.That(mixed[(y * 8) + x], Is.EqualTo(expected), $"({y}, {x})");
            }
        }

        Assert.That(mixed.AsSpan(64).ToArray(), Is.EqualTo(labels.AsSpan(64).ToArray()), "the kept sample keeps its map");
    }

    [Test]
    public void EveryBoxElementTakesThePartnerPixelWhoseCellHoldsItsResampledCentre()
    {
        // Drawn plans; the source pixel is ⌊(i + ½)·n/m⌋ per axis, computed in decimal arithmetic.
        var shape = new BatchShape(5, 1, 23, 17);
        int n = shape.Spatial.Size;
        for (ulong seed = 0; seed < 20; seed++)
        {
            MixPlan plan = new ResizeMix(minScale: 0.1, maxScale: 1, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(shape, new MixRandom(seed));
            int[] labels = PositionLabels(5, n);
            var mixed = new int[labels.Length];
            LabelMapMixer.Mix(plan, labels, mixed);
            var a = new int[labels.Length];
            LabelMapMixer.ToPairs(plan, labels, a, new int[labels.Length], new float[labels.Length]);
            Assert.That(a, Is.EqualTo(mixed), "pairs take the same class");
            for (int i = 0; i < 5; i++)
            {
                var box = (ResizeRegion)plan.Regions[i];
                int partner = plan.Sources(i)[1], bh = box.Bottom - box.Top, bw = box.Right - box.Left;
                for (int y = 0; y < 23; y++)
                {
                    for (int x = 0; x < 17; x++)
                    {
                        bool inBox = y >= box.Top && y < box.Bottom && x >= box.Left && x < box.Right;
                        int sy = (int)decimal.Floor((y - box.Top + 0.5m) * 23 / bh), sx = (int)decimal.Floor((x - box.Left + 0.5m) * 17 / bw);
                        int expected = inBox ? (1000 * partner) + (sy * 17) + sx : (1000 * i) + (y * 17) + x;
                        Assert.That(mixed[(i * n) + (y * 17) + x], Is.EqualTo(expected), $"seed {seed}, sample {i}, ({y}, {x})");
                    }
                }
            }
        }
    }

    [Test]
    public void SoftTargetsAreOneHotOfTheHardMap()
    {
        MixPlan plan = new ResizeMix(mode: LambdaMode.Element).CreatePlan(new BatchShape(4, 1, 9, 11), new MixRandom(2));
        int n = 99;
        int[] labels = [.. Enumerable.Range(0, 4 * n).Select(e => (e * 3) % 4)];
        var hard = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, hard);
        var soft = new float[labels.Length * 4];
        LabelMapMixer.ToSoftTargets(plan, labels, 4, -1, soft);
        for (int i = 0; i < 4; i++)
        {
            for (int c = 0; c < 4; c++)
            {
                for (int e = 0; e < n; e++)
                {
                    Assert.That(soft[(((i * 4) + c) * n) + e], Is.EqualTo(hard[(i * n) + e] == c ? 1f : 0f));
                }
            }
        }
    }

    [Test]
    public void PartnerBoxesAreScaledIntoTheBoxAndOwnBoxesAreCutAsByCutMix()
    {
        // 10x10, the partner halved into rows [5, 10) × columns [5, 10): partner (x, y) → (5 + x/2, 5 + y/2).
        // Own boxes: A (0, 0, 4, 4) untouched; B (6, 6, 10, 10) under the box, dropped; H (6, 2, 9, 7) loses its rows
        // 5 to 7 (9 of 15 visible, 0.6), clipped to (6, 2, 9, 5). Partner boxes: D (0, 0, 10, 10) → (5, 5, 10, 10);
        // E (2, 4, 6, 8) → (6, 7, 8, 9).
        var spatial = new SpatialShape(10, 10);
        MixPlan plan = Plan(new ResizeRegion(spatial, 5, 5, 10, 10));
        DetectionBoxes own = Boxes((0, 0, 4, 4, 1), (6, 6, 10, 10, 2), (6, 2, 9, 7, 3));
        DetectionBoxes partner = Boxes((0, 0, 10, 10, 4), (2, 4, 6, 8, 5));
        DetectionBoxes[] mixed = BoxMixer.Mix(plan, [own, partner]);
        Assert.That(Rows(mixed[0]), Is.EqualTo(new[]
        {
            (0f, 0f, 4f, 4f, 1, 1f), (6f, 2f, 9f, 5f, 3, 1f), (5f, 5f, 10f, 10f, 4, 1f), (6f, 7f, 8f, 9f, 5, 1f),
        }));
        Assert.That(Rows(mixed[1]), Is.EqualTo(Rows(partner)), "the kept sample keeps its boxes");

        // YOLOv5's minimum side: E becomes 2 wide and 2 high, so it is dropped; H's clip is 3 x 3 and stays.
        Assert.That(Rows(BoxMixer.Mix(plan, [own, partner], minSide: BoxMixer.YoloMinSide)[0]).Select(r => r.Class), Is.EqualTo(new[] { 1, 3, 4 }));
    }

    [Test]
    public void APartnerBoxIsStretchedOntoTheSamplesBoxAndWhatLiesOutsideItIsCutAway()
    {
        // 10x10, the partner's rows [0, 10) × columns [5, 10) into the sample's rows [5, 10) × columns [0, 5): partner
        // (x, y) → (x − 5, 5 + y/2). E (6, 2, 9, 6) → (1, 6, 4, 8), whole; F (1, 1, 3, 3) lies left of the partner's box,
        // dropped; G (3, 0, 7, 10) → (−2, 5, 2, 10), half of it in the box: clipped to (0, 5, 2, 10).
        var spatial = new SpatialShape(10, 10);
        MixPlan plan = Plan(new ResizeRegion(spatial, 5, 0, 10, 5).WithPartnerBox(0, 5, 10, 10));
        DetectionBoxes partner = Boxes((6, 2, 9, 6, 5), (1, 1, 3, 3, 6), (3, 0, 7, 10, 7));
        DetectionBoxes[] mixed = BoxMixer.Mix(plan, [Boxes(), partner]);
        Assert.That(Rows(mixed[0]), Is.EqualTo(new[] { (1f, 6f, 4f, 8f, 5, 1f), (0f, 5f, 2f, 10f, 7, 1f) }));
        Assert.That(Rows(BoxMixer.Mix(plan, [Boxes(), partner], minVisibleFraction: 0.6)[0]).Select(r => r.Class), Is.EqualTo(new[] { 5 }), "G shows half");
        MixAssert.BoxesFollowPlan(plan, [Boxes(), partner], mixed);
    }

    private static DetectionBoxes Boxes(params (float X0, float Y0, float X1, float Y1, int Class)[] boxes) =>
        new([.. boxes.SelectMany(b => new[] { b.X0, b.Y0, b.X1, b.Y1 })], [.. boxes.Select(b => b.Class)]);

    private static (float X0, float Y0, float X1, float Y1, int Class, float Weight)[] Rows(DetectionBoxes boxes) =>
        [.. Enumerable.Range(0, boxes.Count).Select(b => (boxes.Corners[4 * b], boxes.Corners[(4 * b) + 1], boxes.Corners[(4 * b) + 2], boxes.Corners[(4 * b) + 3], boxes.Classes[b], boxes.Weights[b]))];
}
