using System.Globalization;
using MixAug.ImageSharp.Drawing;
using MixAug.ImageSharp.Tests.Drawing;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Preview;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Preview;

/// <summary>--dense: the band under each method's tiles shows the label maps and boxes mixed by the images' plan, read
/// back from the PNG and compared with LabelMapMixer and BoxMixer run here on a plan drawn again from the seed.</summary>
[CancelAfter(120_000)]
public class PreviewDenseTests
{
    private const int Size = 64;
    private const int Count = 4;
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("mixaug-preview-dense-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static (byte[] Maps, DetectionBoxes[] Boxes, DetectionBoxes[] Sources) MixTargets(ulong seed, ulong planSeed)
    {
        (PreviewBatch batch, byte[] maps, DetectionBoxes[] boxes) = SyntheticScenes.Generate(Count, Size, seed);
        MixPlan plan = new CutMix(1.0, 1.0, LambdaMode.Element, PairingStrategy.Flip, correctLambda: true).CreatePlan(batch.Shape, new MixRandom(planSeed));
        var mixedMaps = new byte[maps.Length];
        LabelMapMixer.Mix(plan, maps, mixedMaps);
        return (mixedMaps, BoxMixer.Mix(plan, boxes), boxes);
    }

    /// <summary>Pixels of the band whose overlay differs from the expected map, or whose box outlines do.</summary>
    private static int Mismatches(Image<Rgb24> sheet, byte[] maps, DetectionBoxes[] boxes, string title = "cutmix  alpha 1  p 1  elem  flip  seed 3")
    {
        var layout = new ContactSheetLayout(Size, Size, Count, Count, title, sourceNames: true);
        int wrong = 0;
        for (int tile = 0; tile < Count; tile++)
        {
            Rectangle mixed = layout.MixedBounds(tile);
            var panel = new Point(layout.TileBounds(tile).X, layout.Height + ContactSheetLayout.Margin);
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    if (DenseTargetPanelTests.UnderABox(boxes[tile], x, y, 1))
                    {
                        continue;
                    }

                    // The tile shows the mixed sample exactly; the overlay is it averaged with the class colour.
                    Rgb24 m = sheet[mixed.X + x, mixed.Y + y];
                    Rgb24 c = DenseTargetPanel.ClassColor(maps[(tile * Size * Size) + (y * Size) + x]);
                    var expected = new Rgb24((byte)((m.R + c.R) / 2), (byte)((m.G + c.G) / 2), (byte)((m.B + c.B) / 2));
                    wrong += sheet[panel.X + x, panel.Y + y] == expected ? 0 : 1;
                }
            }

            // Every box's left and right columns, between its corners, in its class colour (the last box drawn wins).
            DetectionBoxes tileBoxes = boxes[tile];
            for (int b = 0; b < tileBoxes.Count; b++)
            {
                Rectangle r = DenseTargetPanel.OutlineBounds(tileBoxes.Corners.Slice(4 * b, 4));
                for (int y = r.Top; y < r.Bottom; y++)
                {
                    foreach (int x in new[] { r.Left, r.Right - 1 })
                    {
                        bool laterCovers = Enumerable.Range(b + 1, tileBoxes.Count - b - 1).Any(later => DenseTargetPanelTests.UnderABox(
                            new DetectionBoxes(tileBoxes.Corners.Slice(4 * later, 4), [tileBoxes.Classes[later]], [tileBoxes.Weights[later]]), x, y, 1));
                        if (!laterCovers)
                        {
                            wrong += sheet[panel.X + x, panel.Y + y] == DenseTargetPanel.ClassColor(tileBoxes.Classes[b]) ? 0 : 1;
                        }
                    }
                }
            }
        }

        return wrong;
    }

    [Test]
    public void TheBandShowsTheLabelMapsAndBoxesMixedByTheImagesPlan()
    {
        string output = Path.Combine(_folder, "p.png");
        (int code, string stdout, string stderr) = Run("--dense", "--method", "cutmix", "--size", "64", "--count", "4", "--seed", "3", "--out", output);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("drew 4 synthetic scenes"));
        using Image<Rgb24> sheet = Image.Load<Rgb24>(output);

        (byte[] maps, DetectionBoxes[] boxes, _) = MixTargets(3, 3);
        Assert.That(boxes.Sum(b => b.Count), Is.GreaterThan(4));
        Assert.That(Mismatches(sheet, maps, boxes), Is.Zero);

        // Planted: the targets mixed by another draw of the plan do not match the band.
        (byte[] otherMaps, DetectionBoxes[] otherBoxes, _) = MixTargets(3, 4);
        Assert.That(Mismatches(sheet, otherMaps, otherBoxes), Is.GreaterThan(100));
    }

    [Test]
    public void TheGalleryListsEveryBoxWithItsClassWeightAndVisibleFraction()
    {
        string html = Path.Combine(_folder, "g");
        (int code, _, string stderr) = Run("--dense", "--method", "cutmix", "--size", "64", "--count", "4", "--seed", "3", "--out", Path.Combine(_folder, "p.png"), "--html", html);
        Assert.That(code, Is.Zero, stderr);
        string index = File.ReadAllText(Path.Combine(html, "index.html"));
        (_, DetectionBoxes[] boxes, DetectionBoxes[] sources) = MixTargets(3, 3);
        int kept = 0;
        for (int tile = 0; tile < Count; tile++)
        {
            Assert.That(File.Exists(Path.Combine(html, "cutmix", $"tile{tile:D2}-dense.png")), Is.True);
            Assert.That(index, Does.Contain($"cutmix/tile{tile:D2}-dense.png"));
            for (int b = 0; b < boxes[tile].Count; b++)
            {
                ReadOnlySpan<float> c = boxes[tile].Corners.Slice(4 * b, 4);
                string name = SyntheticScenes.ClassNames[boxes[tile].Classes[b]];
                string line = string.Create(CultureInfo.InvariantCulture, $"{name} from #");
                string tail = string.Create(CultureInfo.InvariantCulture, $"weight {boxes[tile].Weights[b]:0.000}, visible ");
                string corners = string.Create(CultureInfo.InvariantCulture, $"box ({c[0]:0.#}, {c[1]:0.#}, {c[2]:0.#}, {c[3]:0.#})</li>");
                Assert.That(index, Does.Contain(line).And.Contain(tail).And.Contain(corners), $"tile {tile} box {b}");
                kept++;
            }
        }

        // Every source box of every tile is listed, kept or dropped: own boxes plus the partner's.
        int listed = index.Split("<li").Length - 1;
        int expected = Enumerable.Range(0, Count).Sum(t => sources[t].Count + sources[Count - 1 - t].Count);
        Assert.That(listed, Is.EqualTo(expected));
        Assert.That(index.Split("<li class=\"dropped\"").Length - 1, Is.EqualTo(listed - kept));
        Assert.That(index, Does.Contain(System.Net.WebUtility.HtmlEncode(PreviewApp.DenseLegend[0].Text)), "the legend explains the band");
    }

    [Test]
    public void TransplantationPastesWholeObjectsOfThePartnersAndItsBandShowsTheirClasses()
    {
        string output = Path.Combine(_folder, "p.png");
        (int code, _, string stderr) = Run("--dense", "--method", "transplantation", "--size", "64", "--count", "4", "--seed", "3", "--out", output);
        Assert.That(code, Is.Zero, stderr);
        using Image<Rgb24> sheet = Image.Load<Rgb24>(output);

        // The plan drawn again as the app draws it: the scenes' maps, the background (class 0) never pasted, Kornia's
        // donor i − 1, the method's own generator seeded with --seed.
        (PreviewBatch batch, byte[] maps, DetectionBoxes[] boxes) = SyntheticScenes.Generate(Count, Size, 3);
        var features = new BatchFeatures([], new ClassMaps(batch.Shape.Spatial, [.. maps.Select(c => (int)c)]));
        MixPlan plan = new Transplantation(excludedClasses: [0]).CreatePlan(new MixRequest(batch.Shape, new MixRandom(3), features));
        var mixedMaps = new byte[maps.Length];
        LabelMapMixer.Mix(plan, maps, mixedMaps);
        int n = Size * Size, pasted = 0;
        for (int i = 0; i < Count; i++)
        {
            int donor = (i + Count - 1) % Count;
            for (int e = 0; e < n; e++)
            {
                bool fromDonor = mixedMaps[(i * n) + e] != maps[(i * n) + e] || (plan.Regions[i] is not KeepRegion && maps[(donor * n) + e] != 0 && mixedMaps[(i * n) + e] == maps[(donor * n) + e]);
                pasted += fromDonor ? 1 : 0;
                Assert.That(!fromDonor || maps[(donor * n) + e] != 0, Is.True, $"sample {i}, pixel {e}: only objects are pasted, never the background");
            }
        }

        Assert.That(pasted, Is.GreaterThan(Size), "objects were pasted");
        Assert.That(Mismatches(sheet, mixedMaps, BoxMixer.Mix(plan, boxes), "transplantation  exclude [0]  p 1  roll  seed 3"), Is.Zero);
    }

    [Test]
    public void TransplantationNeedsTheScenesLabelMapsSoAllLeavesItOutWithoutDense()
    {
        (int code, _, string stderr) = Run("--method", "transplantation", "--out", Path.Combine(_folder, "p.png"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--method transplantation").And.Contain("add --dense"));

        (code, string stdout, stderr) = Run("--size", "32", "--count", "2", "--out", Path.Combine(_folder, "all.png"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("multicutmix").And.Not.Contain("transplantation"));

        (code, stdout, stderr) = Run("--dense", "--size", "32", "--count", "2", "--out", Path.Combine(_folder, "dense.png"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("transplantation"));
    }

    [Test]
    public void EveryMethodDrawsItsTargetsOverSeeds()
    {
        // BoxReport matches its visible boxes to BoxMixer's output and throws when they disagree: soft masks (Mixup,
        // SmoothMix), hard masks, tiles and several partners, over seeds; ResizeMix and Mosaic list BoxMixer's boxes.
        for (ulong seed = 1; seed <= 4; seed++)
        {
            (int code, string stdout, string stderr) = Run("--dense", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--size", "32", "--count", "6", "--out", Path.Combine(_folder, "p.png"));
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Does.Not.Contain("dense targets not drawn"), $"seed {seed}");
        }
    }

    [TestCase("resizemix")]
    [TestCase("mosaic")]
    public void MethodsThatMoveSourcesListTheBoxesBoxMixerKeptAndDenseRefusesAnImageFolder(string method)
    {
        string html = Path.Combine(_folder, "g");
        (int code, string stdout, string stderr) = Run("--dense", "--method", method, "--size", "64", "--count", "6", "--out", Path.Combine(_folder, "p.png"), "--html", html);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Not.Contain("dense targets not drawn"));
        string index = File.ReadAllText(Path.Combine(html, "index.html"));
        int listed = index.Split("<li").Length - 1;
        Assert.That(listed, Is.GreaterThan(0));
        Assert.That(index.Split(", kept: weight ").Length - 1, Is.EqualTo(listed), "only BoxMixer's kept boxes are listed, none with a visible fraction");
        for (int tile = 0; tile < 6; tile++)
        {
            Assert.That(File.Exists(Path.Combine(html, method, $"tile{tile:D2}-dense.png")), Is.True, $"tile {tile}");
        }

        (code, _, stderr) = Run("--dense", "--images", _folder);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--dense mixes its own synthetic scenes").And.Contain("it does not take --images"));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = PreviewApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
