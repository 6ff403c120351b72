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
        int tileHeight = 40 + 3 + 20 + 3 + 20 + 3 + 8;
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
        Assert.That(ContactSheet.Caption(plan, 0), Is.EqualTo(new[] { "λ 0.625", "#0+#1", "Blend" }));
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

    [Test]
    public void EveryPrintableCaptionCharacterHasAGlyph()
    {
        foreach (char c in "λ0123456789.#+ABCDEFGHIJKLMNOPQRSTUVWXYZ[],=-()/")
        {
            bool any = Enumerable.Range(0, 35).Any(i => MixAug.ImageSharp.Drawing.BitmapFont.IsSet(c, i % 5, i / 5));
            bool isQuestion = Enumerable.Range(0, 35).All(i => MixAug.ImageSharp.Drawing.BitmapFont.IsSet(c, i % 5, i / 5) == MixAug.ImageSharp.Drawing.BitmapFont.IsSet('?', i % 5, i / 5));
            Assert.That(any && !isQuestion, Is.True, $"'{c}' has no glyph of its own");
        }
    }
}
