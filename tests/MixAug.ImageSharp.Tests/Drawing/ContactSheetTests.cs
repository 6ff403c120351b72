using MixAug.Cpu;
using MixAug.ImageSharp.Drawing;
using MixAug.ImageSharp.Tests.Support;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Testing;
using MixAug.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Drawing;

public class ContactSheetTests
{
    private static (MixPlan Plan, byte[] Sources, byte[] Mixed) Mixed(IMixTransform transform, int count = 5, int size = 40)
    {
        var images = Enumerable.Range(0, count).Select(i => TestFiles.Noise(size, size, seed: i)).ToArray();
        try
        {
            var format = new BatchFormat(size, size);
            byte[] sources = ImageBatch.ToBytes(images, format);
            MixPlan plan = transform.CreatePlan(format.ShapeFor(count), new MixRandom(11));
            byte[] mixed = new byte[sources.Length];
            CpuMixer.Apply(plan, sources, mixed);
            return (plan, sources, mixed);
        }
        finally
        {
            Array.ForEach(images, i => i.Dispose());
        }
    }

    [Test]
    public void SheetHasTheLayoutsDimensions()
    {
        (MixPlan plan, byte[] sources, byte[] mixed) = Mixed(new MixUp(), count: 5, size: 40);
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, columns: 2, title: "t");
        var layout = new ContactSheetLayout(40, 40, 5, 2, "t");
        Assert.That((sheet.Width, sheet.Height), Is.EqualTo((layout.Width, layout.Height)));
        // Font scale 1 below 128-pixel samples; lines 10 high. The region row is the taller of the 20-pixel panel and
        // its three caption lines (27); one line (7) for the region kind, no names.
        int tileHeight = 40 + 3 + 20 + 3 + 27 + 3 + 7 + 3 + 8;
        Assert.That(layout.Width, Is.EqualTo(6 + (2 * (40 + 6))));
        Assert.That(layout.Height, Is.EqualTo(6 + (7 + 6) + (3 * (tileHeight + 6))));
    }

    [Test]
    public void MixedPartOfEachTileEqualsTheMixedBatch()
    {
        (MixPlan plan, byte[] sources, byte[] mixed) = Mixed(new CutMix(mode: LambdaMode.Element), count: 5, size: 40);
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, columns: 3);
        var layout = new ContactSheetLayout(40, 40, 5, 3);
        for (int tile = 0; tile < 5; tile++)
        {
            Rectangle m = layout.MixedBounds(tile);
            for (int y = 0; y < 40; y++)
            {
                for (int x = 0; x < 40; x++)
                {
                    int k = (tile * 3 * 1600) + (y * 40) + x;
                    Rgb24 expected = new(mixed[k], mixed[k + 1600], mixed[k + 3200]);
                    Assert.That(sheet[m.X + x, m.Y + y], Is.EqualTo(expected), $"tile {tile} pixel ({x}, {y})");
                }
            }
        }
    }

    [Test]
    public void LabelBarSplitsInProportionToLambda()
    {
        (MixPlan plan, byte[] sources, byte[] mixed) = Mixed(new MixUp(mode: LambdaMode.Element), count: 4, size: 64);
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed);
        var layout = new ContactSheetLayout(64, 64, 4, 4);
        for (int tile = 0; tile < 4; tile++)
        {
            Rectangle bar = layout.LabelBarBounds(tile);
            int self = Enumerable.Range(bar.X, bar.Width).Count(x => sheet[x, bar.Y + 4] == ContactSheet.SelfColor);
            int partner = Enumerable.Range(bar.X, bar.Width).Count(x => sheet[x, bar.Y + 4] == ContactSheet.PartnerColor);
            Assert.That(self, Is.EqualTo((int)Math.Round(plan.Lambdas[tile] * 64, MidpointRounding.ToEven)), $"tile {tile}, lambda {plan.Lambdas[tile]}");
            Assert.That(self + partner, Is.EqualTo(64));
        }
    }

    [Test]
    public void RegionPanelShowsTheBoxInBlackAndTheRestInWhite()
    {
        var shape = new BatchShape(2, 3, 40, 40);
        MixPlan plan = FixedPlans.Box(shape, new BoxRegion(top: 0, left: 20, bottom: 20, right: 40));
        byte[] sources = new byte[shape.ElementCount];
        byte[] mixed = new byte[shape.ElementCount];
        CpuMixer.Apply(plan, sources, mixed);
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed);
        Rectangle panel = new ContactSheetLayout(40, 40, 2, 2).RegionBounds(0);
        Assert.That(sheet[panel.X + 5, panel.Y + 15], Is.EqualTo(new Rgb24(255, 255, 255)), "outside the box: the sample's own");
        Assert.That(sheet[panel.X + 15, panel.Y + 5], Is.EqualTo(new Rgb24(0, 0, 0)), "inside the box: the partner's");
    }

    [Test]
    public void MaskPanelShowsTheWeights()
    {
        var shape = new BatchShape(2, 1, 4, 4);
        float[] weights = Enumerable.Range(0, 16).Select(i => i / 15f).ToArray();
        MixPlan plan = FixedPlans.Mask(shape, weights);
        byte[] batch = new byte[shape.ElementCount];
        var wide = new BatchShape(2, 1, 8, 8);
        MixPlan widePlan = FixedPlans.Mask(wide, Enumerable.Range(0, 64).Select(i => ((i / 8) / 2 * 4) + ((i % 8) / 2)).Select(i => weights[i]).ToArray());
        byte[] wideBatch = new byte[wide.ElementCount];
        using Image<Rgb24> sheet = ContactSheet.Draw(widePlan, wideBatch, wideBatch);
        Rectangle panel = new ContactSheetLayout(8, 8, 2, 2).RegionBounds(0);
        Assert.That(plan.Regions[0], Is.InstanceOf<MaskRegion>());
        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                byte v = ImageBatch.ToByte(weights[(y * 4) + x]);
                Assert.That(sheet[panel.X + x, panel.Y + y], Is.EqualTo(new Rgb24(v, v, v)));
            }
        }

        Assert.That(batch, Has.Length.EqualTo(32));
    }

    [Test]
    public void CaptionGivesLambdaPairAndRegion()
    {
        var shape = new BatchShape(2, 3, 8, 8);
        MixPlan plan = FixedPlans.Blend(shape, 0.625);
        Assert.That(ContactSheet.Caption(plan, 0), Is.EqualTo(new[] { "λ", "0.625", "0+1" }));
        Assert.That(ContactSheet.ShortName(plan.Regions[0].Kind), Is.EqualTo("Blend"));
    }

    [Test]
    public void EveryRegionKindHasAShortNameOfAtMostSevenCharacters()
    {
        foreach (MixRegionKind kind in Enum.GetValues<MixRegionKind>())
        {
            Assert.That(ContactSheet.ShortName(kind), Has.Length.InRange(1, 7), kind.ToString());
        }
    }

    [Test]
    public void SheetsOfTheNewMethodsAreDrawn()
    {
        // Planted first: SoftBox and Resize had no short name, so drawing their sheets threw. ResizeMix mixes uint8 too.
        foreach (IMixTransform transform in new IMixTransform[] { new GridMix(mode: LambdaMode.Element), new SmoothMix(mode: LambdaMode.Element), new MultiCutMix(partners: 3), new ResizeMix(mode: LambdaMode.Element) })
        {
            (MixPlan plan, byte[] sources, byte[] mixed) = Mixed(transform, count: 4, size: 32);
            using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed);
            Assert.That((sheet.Width, sheet.Height), Is.EqualTo((new ContactSheetLayout(32, 32, 4, 4).Width, new ContactSheetLayout(32, 32, 4, 4).Height)));
        }
    }

    [Test]
    public void FloatAndByteBatchesDrawTheSameSheet()
    {
        (MixPlan plan, byte[] sources, byte[] mixed) = Mixed(new MixUp(), count: 3, size: 32);
        float[] fs = sources.Select(b => b / 255f).ToArray();
        float[] fm = mixed.Select(b => b / 255f).ToArray();
        using Image<Rgb24> a = ContactSheet.Draw(plan, sources, mixed);
        using Image<Rgb24> b = ContactSheet.Draw(plan, fs, fm);
        Assert.That(ImageBatchTests.Pixels(b), Is.EqualTo(ImageBatchTests.Pixels(a)));
    }

    [Test]
    public void MismatchedBatchIsRejected()
    {
        (MixPlan plan, byte[] sources, _) = Mixed(new MixUp(), count: 2, size: 16);
        var e = Assert.Throws<ArgumentException>(() => ContactSheet.Draw(plan, sources, new byte[10]))!;
        Assert.That(e.Message, Does.Contain("mixed").And.Contain("10"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContactSheet.Draw(plan, sources, sources, tileCount: 3));
    }

    [TestCase(40, 1)]
    [TestCase(64, 1)]
    [TestCase(127, 1)]
    [TestCase(128, 2)]
    [TestCase(192, 3)]
    [TestCase(256, 4)]
    [TestCase(1024, 4)]
    public void FontScaleIsOnePixelPer64SamplePixelsUpToFour(int size, int scale)
    {
        var layout = new ContactSheetLayout(size, size, 1, 1);
        Assert.That(layout.TextScale, Is.EqualTo(scale));
        Assert.That(layout.LineHeight, Is.EqualTo(10 * scale));
    }

    [Test]
    public void ATileLineHoldsTenCharactersAtThePreviewsSize()
    {
        // 128 pixels at scale 2: glyphs advance 12 pixels and the last needs only 10, so (128 + 2) / 12 = 10.
        Assert.That(new ContactSheetLayout(128, 128, 1, 1).CharactersPerTileLine, Is.EqualTo(10));
    }

    [TestCase("class-3/photo-00012.jpg", 10, "clas~00012")]
    [TestCase("astronaut.jpg", 10, "astronaut")]
    [TestCase("rocket.jpg", 10, "rocket.jpg")]
    [TestCase("IMG_20230412_153012.jpeg", 9, "IMG_~3012")]
    [TestCase("abcdef", 2, "ab")]
    public void NamesAreShortenedInTheMiddle(string name, int max, string expected) =>
        Assert.That(ContactSheet.ShortenName(name, max), Is.EqualTo(expected));

    [Test]
    public void TitleWrapsBetweenItsGroupsNotInsideThem()
    {
        // Three 64-pixel columns: 216 pixels, 204 inside the margins, 34 characters at scale 1.
        var layout = new ContactSheetLayout(64, 64, 6, 3, "mixup  alpha 1  p 1  elem  flip  seed 7");
        Assert.That(layout.TitleLines, Is.EqualTo(new[] { "mixup  alpha 1  p 1  elem  flip", "seed 7" }));
        Assert.That(layout.TitleHeight, Is.EqualTo(10 + 7 + 6));
    }

    [Test]
    public void TilesNameTheirSourceAndPartnerInTheirColours()
    {
        (MixPlan plan, byte[] sources, byte[] mixed) = Mixed(new MixUp(mode: LambdaMode.Element), count: 2, size: 64);
        string[] names = ["first.png", "a-rather-long-name-0007.jpg"];
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, sourceNames: names);
        var layout = new ContactSheetLayout(64, 64, 2, 2, sourceNames: true);

        // Tile 0 (flip pairing: partner 1) prints "first.png" in orange and the partner's name, shortened to 10, in blue.
        AssertText(sheet, layout.DetailLineBounds(0, 1), "first.png", ContactSheet.SelfColor);
        AssertText(sheet, layout.DetailLineBounds(0, 2), "a-ra~-0007", ContactSheet.PartnerColor);
        AssertText(sheet, layout.DetailLineBounds(1, 1), "a-ra~-0007", ContactSheet.SelfColor);
        AssertText(sheet, layout.DetailLineBounds(0, 0), "Blend", ContactSheet.TextColor);
        Assert.Throws<ArgumentException>(() => ContactSheet.Draw(plan, sources, mixed, sourceNames: ["only one"]));
    }

    [Test]
    public void TheLegendHasASwatchForEveryMarkAndEveryCharacterItPrintsHasAGlyph()
    {
        Assert.That(ContactSheetLegend.Tile.Select(e => e.Mark).Where(m => m != LegendMark.None).Distinct(),
            Is.EquivalentTo(Enum.GetValues<LegendMark>().Where(m => m != LegendMark.None)));
        foreach (char c in string.Concat(ContactSheetLegend.Tile.Select(e => e.Key + e.Text)).Distinct().Where(c => c != ' '))
        {
            Assert.That(HasOwnGlyph(c), Is.True, $"'{c}' would print as '?'");
        }

        using Image<Rgb24> legend = ContactSheetLegend.Draw(ContactSheetLegend.Tile, 542, 2);
        Assert.That(legend.Width, Is.EqualTo(542));
        Assert.That((legend.Height - 12) % 20, Is.Zero, "whole lines of 20 pixels between 6-pixel margins");
        // 44 characters a line: the heading takes one, "top: the mixed sample: ..." (47) two, so the own colour's swatch
        // is the fourth line.
        Assert.That(legend[6 + 4, 6 + 60 + 4], Is.EqualTo(ContactSheet.SelfColor));
        Assert.That(legend[6 + 4, 6 + 80 + 4], Is.EqualTo(ContactSheet.PartnerColor));
        Assert.That(ContactSheetLegend.MinimumWidth(2), Is.EqualTo(12 + (32 * 12) - 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContactSheetLegend.Draw(ContactSheetLegend.Tile, ContactSheetLegend.MinimumWidth(2) - 1, 2));
    }

    [Test]
    public void EveryPrintableCaptionCharacterHasAGlyph()
    {
        foreach (char c in "λ0123456789.#+ABCDEFGHIJKLMNOPQRSTUVWXYZ[],=-()/~'")
        {
            bool any = Enumerable.Range(0, 35).Any(i => MixAug.ImageSharp.Drawing.BitmapFont.IsSet(c, i % 5, i / 5));
            bool isQuestion = Enumerable.Range(0, 35).All(i => MixAug.ImageSharp.Drawing.BitmapFont.IsSet(c, i % 5, i / 5) == MixAug.ImageSharp.Drawing.BitmapFont.IsSet('?', i % 5, i / 5));
            Assert.That(any && !isQuestion, Is.True, $"'{c}' has no glyph of its own");
        }
    }

    private static bool HasOwnGlyph(char c) =>
        Enumerable.Range(0, 35).Any(i => MixAug.ImageSharp.Drawing.BitmapFont.IsSet(c, i % 5, i / 5))
        && !Enumerable.Range(0, 35).All(i => MixAug.ImageSharp.Drawing.BitmapFont.IsSet(c, i % 5, i / 5) == MixAug.ImageSharp.Drawing.BitmapFont.IsSet('?', i % 5, i / 5));

    /// <summary>Checks that <paramref name="area"/> shows exactly <paramref name="text"/> in the 5x7 font at the area's
    /// scale (its height / 10), rendered here from the glyph bits, in <paramref name="color"/> on the background.</summary>
    internal static void AssertText(Image<Rgb24> sheet, Rectangle area, string text, Rgb24 color)
    {
        int scale = area.Height / 10;
        for (int y = 0; y < 7 * scale; y++)
        {
            for (int x = 0; x < area.Width; x++)
            {
                int glyph = x / (6 * scale), gx = (x % (6 * scale)) / scale, gy = y / scale;
                bool ink = glyph < text.Length && gx < 5 && MixAug.ImageSharp.Drawing.BitmapFont.IsSet(text[glyph], gx, gy);
                Assert.That(sheet[area.X + x, area.Y + y], Is.EqualTo(ink ? color : ContactSheet.Background), $"'{text}' at ({x}, {y})");
            }
        }
    }
}
