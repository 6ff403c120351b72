using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Tests.Labels;

/// <summary>Detection boxes mixed by a plan, against values worked out by hand (areas counted on paper).</summary>
public class BoxMixerTests
{
    private static readonly SpatialShape Ten = new(10, 10);

    private static DetectionBoxes Boxes(params (float X0, float Y0, float X1, float Y1, int Class)[] boxes) =>
        new([.. boxes.SelectMany(b => new[] { b.X0, b.Y0, b.X1, b.Y1 })], [.. boxes.Select(b => b.Class)]);

    private static (float X0, float Y0, float X1, float Y1, int Class, float Weight)[] Rows(DetectionBoxes boxes) =>
        [.. Enumerable.Range(0, boxes.Count).Select(b => (boxes.Corners[4 * b], boxes.Corners[(4 * b) + 1], boxes.Corners[(4 * b) + 2], boxes.Corners[(4 * b) + 3], boxes.Classes[b], boxes.Weights[b]))];

    // Image 0's own boxes: A untouched, B under the paste, H cut along its bottom side, F with a corner cut off.
    private static readonly DetectionBoxes Own = Boxes((0, 0, 4, 4, 1), (6, 6, 10, 10, 2), (6, 2, 9, 7, 3), (3, 3, 7, 6, 6));

    // Image 1's boxes: D inside the paste, E outside it, I a third inside, J 0.5 of 5.5 inside (0.0909).
    private static readonly DetectionBoxes Partner = Boxes((5, 5, 9, 9, 4), (0, 5, 3, 8, 5), (4, 4, 6, 10, 7), (0, 9, 5.5f, 10, 8));

    [Test]
    public void CutMixClipsThePasteAndTheCoveredOwnBoxesAndDropsWhatIsHidden()
    {
        // Image 0 takes image 1's rows [5, 10) x cols [5, 10): area 25 of 100.
        var plan = new MixPlan(Ten, [1, 1], [0.75, 1.0], [new BoxRegion(5, 5, 10, 10), MixRegion.Keep]);
        DetectionBoxes[] mixed = BoxMixer.Mix(plan, [Own, Partner]);
        Assert.That(Rows(mixed[0]), Is.EqualTo(new[]
        {
            (0f, 0f, 4f, 4f, 1, 1f),  // A: untouched
            // B (6, 6, 10, 10): wholly under the paste, dropped
            (6f, 2f, 9f, 5f, 3, 1f),  // H: rows 5..7 pasted over, 3 of 5 rows stay (0.6)
            (3f, 3f, 7f, 6f, 6, 1f),  // F: 2 of 12 covered at its corner; its remainder's bounding box is the box
            (5f, 5f, 9f, 9f, 4, 1f),  // D: inside the paste
            // E (0, 5, 3, 8): left of the paste, not shown
            (5f, 5f, 6f, 10f, 7, 1f), // I: 5 of 12 shown (0.417), clipped to the paste
            // J: 0.5 of 5.5 shown (0.0909 <= 0.1), dropped
        }));
        Assert.That(Rows(mixed[1]), Is.EqualTo(Rows(Partner)), "a kept image keeps its boxes");

        // Below J's fraction it is kept, clipped to (5, 9, 5.5, 10).
        DetectionBoxes loose = BoxMixer.Mix(plan, [Own, Partner], minVisibleFraction: 0.09)[0];
        Assert.That(Rows(loose)[^1], Is.EqualTo((5f, 9f, 5.5f, 10f, 8, 1f)));

        // At 0.6, H (exactly 0.6) goes: a box needs more than the threshold (Ultralytics' area_thr is strict too).
        Assert.That(Rows(BoxMixer.Mix(plan, [Own, Partner], minVisibleFraction: 0.6)[0]).Select(r => r.Class), Is.EqualTo(new[] { 1, 6, 4 }));
    }

    [Test]
    public void MixUpKeepsBothSetsWithTheirWeights()
    {
        var plan = new MixPlan(Ten, [1, 0], [0.7, 0.25], [MixRegion.Blend, MixRegion.Blend]);
        var weighted = new DetectionBoxes([1, 1, 2, 2], [9], [0.5f]);
        DetectionBoxes[] mixed = BoxMixer.Mix(plan, [weighted, Boxes((0, 0, 10, 10, 3))]);
        Assert.That(Rows(mixed[0]), Is.EqualTo(new[] { (1f, 1f, 2f, 2f, 9, 0.5f * 0.7f), (0f, 0f, 10f, 10f, 3, 0.3f) }));
        Assert.That(Rows(mixed[1]), Is.EqualTo(new[] { (0f, 0f, 10f, 10f, 3, 0.25f), (1f, 1f, 2f, 2f, 9, 0.5f * 0.75f) }));
    }

    [Test]
    public void SoftMasksWeighBoxesByTheMaskAndTilesFollowThePaintingOrder()
    {
        // A 4x4 mask: own weight 1 in columns 0-1, 0.5 in columns 2-3.
        var spatial = new SpatialShape(4, 4);
        float[] mask = [.. Enumerable.Range(0, 16).Select(e => e % 4 < 2 ? 1f : 0.5f)];
        var plan = new MixPlan(spatial, [1, 1], [0.75, 1.0], [new MaskRegion(mask), MixRegion.Keep]);
        DetectionBoxes[] mixed = BoxMixer.Mix(plan, [Boxes((0, 0, 4, 4, 1)), Boxes((2, 0, 4, 4, 2), (0, 0, 2, 2, 3))]);
        Assert.That(Rows(mixed[0]), Is.EqualTo(new[]
        {
            (0f, 0f, 4f, 4f, 1, 0.75f), // 8·1 + 8·0.5 of 16
            (2f, 0f, 4f, 4f, 2, 0.5f),  // the partner's 0.5 over all of it
            // box 3 lies where the partner has weight 0
        }));

        // Tiles: slot 1 over rows [0, 5) x cols [0, 5), then slot 2 over rows [0, 2) x all columns.
        var tiles = new MixPlan(Ten,
        [
            new SampleRecipe([0, 1, 2], [0.65, 0.15, 0.2], new TileRegion([new Tile(1, 0, 0, 5, 5), new Tile(2, 0, 0, 2, 10)])),
            SampleRecipe.Unmixed(1),
            SampleRecipe.Unmixed(2),
        ]);
        mixed = BoxMixer.Mix(tiles, [Boxes((0, 0, 10, 10, 0)), Boxes((0, 0, 5, 5, 1)), Boxes((8, 0, 10, 4, 2))]);
        Assert.That(Rows(mixed[0]), Is.EqualTo(new[]
        {
            (0f, 2f, 10f, 10f, 0, 1f), // 65 of 100 visible, rows 0-1 all covered
            (0f, 2f, 5f, 5f, 1, 1f),   // 15 of 25: rows 0-1 painted over by slot 2
            (8f, 0f, 10f, 2f, 2, 1f),  // 4 of 8
        }));
    }

    [Test]
    public void CutMixPlansKeepOnlyBoxesThatOverlapTheirSourcesPixels()
    {
        // Over many CutMix plans (image j's classes are 100·j + box): the partner's boxes that overlap the paste are kept, inside it; the own boxes the paste does not wholly cover are kept.
        var shape = new BatchShape(4, 1, 16, 12);
        for (ulong seed = 0; seed < 200; seed++)
        {
            var random = new MixRandom(seed);
            MixPlan plan = new CutMix(mode: LambdaMode.Element).CreatePlan(shape, random);
            DetectionBoxes[] input = [.. Enumerable.Range(0, 4).Select(image => RandomBoxes(random, 12, 16, 100 * image))];
            DetectionBoxes[] mixed = BoxMixer.Mix(plan, input, minVisibleFraction: 0);
            for (int i = 0; i < 4; i++)
            {
                var rows = Rows(mixed[i]);
                if (plan.Regions[i] is not BoxRegion paste)
                {
                    Assert.That(rows, Is.EqualTo(Rows(input[i])));
                    continue;
                }

                int partner = plan.Partners[i];
                foreach (var r in rows.Where(r => r.Class / 100 == partner))
                {
                    Assert.That(r.X0 >= paste.Left && r.X1 <= paste.Right && r.Y0 >= paste.Top && r.Y1 <= paste.Bottom, $"seed {seed}: partner box {r} outside {paste}");
                }

                int partnerShown = Rows(input[partner]).Count(r => Math.Min(r.X1, paste.Right) > Math.Max(r.X0, paste.Left) && Math.Min(r.Y1, paste.Bottom) > Math.Max(r.Y0, paste.Top));
                Assert.That(rows.Count(r => r.Class / 100 == partner), Is.EqualTo(partnerShown), $"seed {seed}: partner boxes that overlap the paste are kept");
                int ownKept = rows.Count(r => r.Class / 100 == i);
                int ownVisible = Rows(input[i]).Count(r => !(r.X0 >= paste.Left && r.X1 <= paste.Right && r.Y0 >= paste.Top && r.Y1 <= paste.Bottom));
                Assert.That(ownKept, Is.EqualTo(ownVisible), $"seed {seed}: own boxes not wholly pasted over are kept");
            }
        }

        DetectionBoxes RandomBoxes(MixRandom random, int width, int height, int firstClass)
        {
            var list = new List<(float, float, float, float, int)>();
            for (int b = 0; b < 5; b++)
            {
                int x0 = random.NextInt(width - 1), y0 = random.NextInt(height - 1);
                list.Add((x0, y0, x0 + 1 + random.NextInt(width - x0 - 1), y0 + 1 + random.NextInt(height - y0 - 1), firstClass + list.Count));
            }

            return Boxes([.. list]);
        }
    }

    [Test]
    public void BadBoxesAreRejectedByName()
    {
        var plan = new MixPlan(Ten, [1, 0], [0.5, 0.5], [MixRegion.Blend, MixRegion.Blend]);
        var ex = Assert.Throws<ArgumentException>(() => BoxMixer.Mix(plan, [Own, Boxes((0, 0, 10.5f, 3, 1))]));
        Assert.That((ex!.ParamName, ex.Message), Is.EqualTo(("boxes", "Box 0 of image 1 is (0, 0, 10.5, 3), outside the 10x10 image [0, 10] × [0, 10]. (Parameter 'boxes')")));
        Assert.That(Assert.Throws<ArgumentException>(() => BoxMixer.Mix(plan, [Own]))!.ParamName, Is.EqualTo("boxes"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => BoxMixer.Mix(plan, [Own, Own], minVisibleFraction: 1))!.ParamName, Is.EqualTo("minVisibleFraction"));
        Assert.That(Assert.Throws<ArgumentException>(() => new DetectionBoxes([3, 0, 2, 1], [0]))!.Message, Does.StartWith("Box 0 is (3, 0, 2, 1); a box needs finite corners with x0 < x1 and y0 < y1."));
        Assert.That(Assert.Throws<ArgumentException>(() => new DetectionBoxes([0, 0, 2, 1], [0, 1]))!.ParamName, Is.EqualTo("corners"));
        Assert.That(Assert.Throws<ArgumentException>(() => new DetectionBoxes([0, 0, 2, 1], [0], [1.5f]))!.ParamName, Is.EqualTo("weights"));
        var sequence = new MixPlan(SpatialShape.Sequence(8), [0], [1.0], [MixRegion.Keep]);
        Assert.That(Assert.Throws<ArgumentException>(() => BoxMixer.Mix(sequence, [DetectionBoxes.Empty]))!.ParamName, Is.EqualTo("plan"));
    }

    /// <summary>
    /// Boxes whose pixel-by-pixel measuring would take more than MaxPixelVisits are refused at once with the numbers
    /// (21,500 image-sized boxes in each of two 224x224 images: 4.3·10⁹ visits under a box plan), while a blend, which
    /// keeps every box without measuring it, takes the same boxes.
    /// </summary>
    [Test]
    public void SoManyLargeBoxesThatMeasuringThemWouldTakeMinutesAreRefusedAtOnce()
    {
        var shape = new BatchShape(2, 3, 224, 224);
        float[] corners = [.. Enumerable.Range(0, 21_500).SelectMany(_ => new float[] { 0, 0, 224, 224 })];
        DetectionBoxes[] boxes = [new DetectionBoxes(corners, new int[21_500]), new DetectionBoxes(corners, new int[21_500])];
        var cut = new MixPlan(shape.Spatial, [1, 0], [0.5, 0.5], [new BoxRegion(0, 0, 112, 224), new BoxRegion(0, 0, 112, 224)]);
        var thrown = Assert.Throws<ArgumentException>(() => BoxMixer.Mix(cut, boxes));
        Assert.That(thrown!.ParamName, Is.EqualTo("boxes"));
        Assert.That(thrown.Message, Does.Contain("4.32E+009 pixel visits").And.Contain("2.15E+009"));
        MixPlan blend = new MixUp(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(1));
        Assert.That(BoxMixer.Mix(blend, boxes).Select(b => b.Count), Is.All.EqualTo(43_000), "a blend keeps both sets without measuring them");
    }
}
