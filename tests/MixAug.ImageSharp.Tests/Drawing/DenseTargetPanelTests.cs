using MixAug.ImageSharp.Drawing;
using MixAug.Labels;
using MixAug.Planning;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Drawing;

public class DenseTargetPanelTests
{
    /// <summary>True for the pixels a box's outline or weight may cover: the outline's border and the text's cells.</summary>
    internal static bool UnderABox(DetectionBoxes boxes, int x, int y, int textScale)
    {
        for (int b = 0; b < boxes.Count; b++)
        {
            Rectangle r = DenseTargetPanel.OutlineBounds(boxes.Corners.Slice(4 * b, 4));
            bool border = r.Contains(x, y) && (x == r.Left || x == r.Right - 1 || y == r.Top || y == r.Bottom - 1);
            var text = new Rectangle(r.X + 2, r.Y + 2, DenseTargetPanel.WeightText(boxes.Weights[b]).Length * 6 * textScale, 7 * textScale);
            if (border || text.Contains(x, y))
            {
                return true;
            }
        }

        return false;
    }

    [Test]
    public void EveryPixelIsTheMixedPixelAndItsClassColourAveragedAndOutlinesAreInTheClassColour()
    {
        // Sample 1 of a 2-sample 3-channel 20x30 batch; every pixel a different value; classes in vertical bands.
        var shape = new BatchShape(2, 3, 20, 30);
        byte[] mixed = [.. Enumerable.Range(0, shape.ElementCount).Select(i => (byte)((i * 37) % 256))];
        byte[] maps = [.. Enumerable.Range(0, 2 * 600).Select(i => (byte)((i % 30) / 8))]; // classes 0..3 by column
        var boxes = new DetectionBoxes([2.5f, 1.2f, 14f, 9f, 20f, 11f, 29.5f, 19.9f], [2, 3], [0.625f, 1f]);
        using Image<Rgb24> panel = DenseTargetPanel.Draw(mixed, shape, 1, maps, boxes);
        Assert.That((panel.Width, panel.Height), Is.EqualTo((30, 20)));

        // The palette written out: background black, then red, green, yellow.
        Rgb24[] colors = [new(0, 0, 0), new(225, 87, 89), new(89, 161, 79), new(237, 201, 72)];
        int checkedPixels = 0;
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 30; x++)
            {
                if (UnderABox(boxes, x, y, 1))
                {
                    continue;
                }

                int e = (y * 30) + x, at = 1800 + e;
                Rgb24 c = colors[x / 8];
                var expected = new Rgb24((byte)((mixed[at] + c.R) / 2), (byte)((mixed[at + 600] + c.G) / 2), (byte)((mixed[at + 1200] + c.B) / 2));
                Assert.That(panel[x, y], Is.EqualTo(expected), $"({x}, {y})");
                checkedPixels++;
            }
        }

        Assert.That(checkedPixels, Is.GreaterThan(300), "most pixels lie off the outlines and weights");

        // Box 0 covers pixels [2, 14) x [1, 9): its left column and top row are green (class 2); box 1 [20, 30) x [11, 20) yellow.
        Assert.That(Enumerable.Range(1, 8).Select(y => panel[2, y]), Is.All.EqualTo(colors[2]));
        Assert.That(Enumerable.Range(2, 12).Select(x => panel[x, 1]), Is.All.EqualTo(colors[2]));
        Assert.That(Enumerable.Range(2, 12).Select(x => panel[x, 8]), Is.All.EqualTo(colors[2]));
        Assert.That(Enumerable.Range(11, 9).Select(y => panel[29, y]), Is.All.EqualTo(colors[3]));

        // The weight "0.62" (0.625 to two decimals, half to even in float formatting) starts inside the corner, in the
        // class colour: the '0' glyph's top row is .###., so (2 + 2 + 1, 1 + 2) is ink.
        Assert.That(DenseTargetPanel.WeightText(0.625f), Is.EqualTo("0.62").Or.EqualTo("0.63"));
        Assert.That(panel[5, 3], Is.EqualTo(colors[2]));
    }

    [Test]
    public void ClassColoursAreBlackThenEightRepeating()
    {
        Assert.That(DenseTargetPanel.ClassColor(0), Is.EqualTo(new Rgb24(0, 0, 0)));
        Rgb24[] first = [.. Enumerable.Range(1, 8).Select(DenseTargetPanel.ClassColor)];
        Assert.That(first.Distinct().Count(), Is.EqualTo(8));
        Assert.That(first, Has.None.EqualTo(ContactSheet.SelfColor).And.None.EqualTo(ContactSheet.PartnerColor));
        Assert.That(DenseTargetPanel.ClassColor(9), Is.EqualTo(DenseTargetPanel.ClassColor(1)));
        Assert.That(DenseTargetPanel.ClassColor(255), Is.EqualTo(DenseTargetPanel.ClassColor(1 + (254 % 8))));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => DenseTargetPanel.ClassColor(-2))!.ParamName, Is.EqualTo("classIndex"));
    }

    [Test]
    public void BadArgumentsAreRefusedByNameWithTheNumbers()
    {
        var shape = new BatchShape(2, 3, 4, 5);
        var mixed = new byte[shape.ElementCount];
        var maps = new byte[40];
        DetectionBoxes none = DetectionBoxes.Empty;
        Assert.That(Assert.Throws<ArgumentException>(() => DenseTargetPanel.Draw(mixed.AsSpan(1), shape, 0, maps, none))!.Message, Does.Contain("119").And.Contain("120"));
        Assert.That(Assert.Throws<ArgumentException>(() => DenseTargetPanel.Draw(mixed, shape, 0, maps.AsSpan(1), none))!.ParamName, Is.EqualTo("labelMaps"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => DenseTargetPanel.Draw(mixed, shape, 2, maps, none))!.Message, Does.Contain("[0, 2)"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => DenseTargetPanel.Draw(mixed, shape, 0, maps, none, textScale: 9))!.ParamName, Is.EqualTo("textScale"));
        Assert.Throws<ArgumentNullException>(() => DenseTargetPanel.Draw(mixed, shape, 0, maps, null!));
        var outside = new DetectionBoxes([1f, 1f, 5.5f, 3f], [1]);
        Assert.That(Assert.Throws<ArgumentException>(() => DenseTargetPanel.Draw(mixed, shape, 0, maps, outside))!.Message, Does.Contain("5.5").And.Contain("5x4"));
        var twoChannels = new BatchShape(2, 2, 4, 5);
        Assert.That(Assert.Throws<ArgumentException>(() => DenseTargetPanel.Draw(new byte[80], twoChannels, 0, maps, none))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentException>(() => DenseTargetPanel.OutlineBounds([1f, 2f, 3f]))!.ParamName, Is.EqualTo("corners"));
    }
}
