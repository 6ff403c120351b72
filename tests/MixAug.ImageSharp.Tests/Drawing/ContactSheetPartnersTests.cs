using MixAug.Cpu;
using MixAug.ImageSharp.Drawing;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Drawing;

/// <summary>Tiles of samples with several partners (MultiCutMix), the source colours, and the legend's region kinds.</summary>
public class ContactSheetPartnersTests
{
    private const int Size = 64;

    /// <summary>Six samples, each one flat colour of its own, mixed by MultiCutMix with three partners.</summary>
    private static (MixPlan Plan, byte[] Sources, byte[] Mixed, Rgb24[] Colors) FlatBatch(ulong seed)
    {
        var shape = new BatchShape(6, 3, Size, Size);
        Rgb24[] colors = [.. Enumerable.Range(0, 6).Select(i => new Rgb24((byte)(20 + (40 * i)), (byte)(230 - (30 * i)), (byte)(60 + (25 * i))))];
        byte[] sources = new byte[shape.ElementCount];
        int plane = Size * Size;
        for (int i = 0; i < 6; i++)
        {
            sources.AsSpan((i * 3 * plane), plane).Fill(colors[i].R);
            sources.AsSpan((i * 3 * plane) + plane, plane).Fill(colors[i].G);
            sources.AsSpan((i * 3 * plane) + (2 * plane), plane).Fill(colors[i].B);
        }

        MixPlan plan = new MultiCutMix(partners: 3).CreatePlan(shape, new MixRandom(seed));
        byte[] mixed = new byte[sources.Length];
        CpuMixer.Apply(plan, sources, mixed);
        return (plan, sources, mixed, colors);
    }

    [Test]
    public void EachPartnerGetsAStripOfItsImageUnderlinedInItsSourceColour()
    {
        int checkedTiles = 0;
        for (ulong seed = 1; seed <= 6; seed++)
        {
            (MixPlan plan, byte[] sources, byte[] mixed, Rgb24[] colors) = FlatBatch(seed);
            using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, columns: 3);
            var layout = new ContactSheetLayout(Size, Size, 6, 3);
            for (int tile = 0; tile < 6; tile++)
            {
                int[] partners = plan.Sources(tile)[1..].ToArray();
                if (partners.Length < 2)
                {
                    continue;
                }

                checkedTiles++;
                Rectangle area = layout.PartnerBounds(tile);
                for (int j = 0; j < partners.Length; j++)
                {
                    // Strip j covers columns [j·w/n, (j + 1)·w/n) of the partner's place.
                    int left = area.X + (j * area.Width / partners.Length), right = area.X + ((j + 1) * area.Width / partners.Length);
                    for (int x = left; x < right; x++)
                    {
                        Assert.That(sheet[x, area.Y + (area.Height / 2)], Is.EqualTo(colors[partners[j]]), $"seed {seed} tile {tile} strip {j} x {x}");
                        Assert.That(sheet[x, area.Bottom], Is.EqualTo(ContactSheet.SourceColor(j + 1)), $"underline of strip {j}");
                        Assert.That(sheet[x, area.Bottom + 1], Is.EqualTo(ContactSheet.SourceColor(j + 1)));
                    }
                }
            }
        }

        Assert.That(checkedTiles, Is.GreaterThan(10), "enough tiles with two or three partners");
    }

    [Test]
    public void TheLabelBarGivesEachSourceItsWeightInItsColour()
    {
        int checkedTiles = 0;
        for (ulong seed = 1; seed <= 6; seed++)
        {
            (MixPlan plan, byte[] sources, byte[] mixed, _) = FlatBatch(seed);
            using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, columns: 3);
            var layout = new ContactSheetLayout(Size, Size, 6, 3);
            for (int tile = 0; tile < 6; tile++)
            {
                double[] weights = plan.Weights(tile).ToArray();
                if (weights.Length < 3)
                {
                    continue;
                }

                checkedTiles++;
                Rectangle bar = layout.LabelBarBounds(tile);
                int[] counts = [.. Enumerable.Range(0, weights.Length).Select(k => Enumerable.Range(bar.X, bar.Width).Count(x => sheet[x, bar.Y + 4] == ContactSheet.SourceColor(k)))];
                Assert.That(counts.Sum(), Is.EqualTo(Size), $"seed {seed} tile {tile}: every bar pixel is a source's colour");
                for (int k = 0; k < weights.Length; k++)
                {
                    // Edges at round(cumulative weight · 64): each share is within one pixel of its weight's.
                    Assert.That(counts[k], Is.EqualTo(weights[k] * Size).Within(1.0), $"seed {seed} tile {tile} source {k} weight {weights[k]}");
                }

                int edge = (int)Math.Round(weights[0] * Size, MidpointRounding.ToEven);
                Assert.That(counts[0], Is.EqualTo(edge), "the own share as a pair's bar draws it");
            }
        }

        Assert.That(checkedTiles, Is.GreaterThan(10));
    }

    [Test]
    public void TheRegionPanelPaintsFurtherPartnersTilesInTheirColours()
    {
        (MixPlan plan, byte[] sources, byte[] mixed, _) = FlatBatch(3);
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, columns: 3);
        var layout = new ContactSheetLayout(Size, Size, 6, 3);
        int furtherPixels = 0;
        for (int tile = 0; tile < 6; tile++)
        {
            var slots = new byte[Size * Size];
            RegionRasterizer.WriteSlots((TileRegion)plan.Regions[tile], plan.Spatial, slots);
            Rectangle panel = layout.RegionBounds(tile);
            for (int y = 0; y < panel.Height; y++)
            {
                for (int x = 0; x < panel.Width; x++)
                {
                    // The half-size panel samples every second element.
                    byte slot = slots[(2 * y * Size) + (2 * x)];
                    Rgb24 expected = slot switch { 0 => new Rgb24(255, 255, 255), 1 => new Rgb24(0, 0, 0), _ => ContactSheet.SourceColor(slot) };
                    furtherPixels += slot >= 2 ? 1 : 0;
                    Assert.That(sheet[panel.X + x, panel.Y + y], Is.EqualTo(expected), $"tile {tile} ({x}, {y}) slot {slot}");
                }
            }
        }

        Assert.That(furtherPixels, Is.GreaterThan(0), "some tile shows a second or third partner");
    }

    [Test]
    public void SourceColoursAreOwnPartnerThenSevenMoreRepeating()
    {
        Assert.That(ContactSheet.SourceColor(0), Is.EqualTo(ContactSheet.SelfColor));
        Assert.That(ContactSheet.SourceColor(1), Is.EqualTo(ContactSheet.PartnerColor));
        Rgb24[] first = [.. Enumerable.Range(0, 9).Select(ContactSheet.SourceColor)];
        Assert.That(first.Distinct().Count(), Is.EqualTo(9), "nine distinct colours");
        Assert.That(first, Has.None.EqualTo(new Rgb24(255, 255, 255)).And.None.EqualTo(new Rgb24(0, 0, 0)), "never the panel's own white or partner black");
        Assert.That(ContactSheet.SourceColor(9), Is.EqualTo(ContactSheet.SourceColor(2)));
        Assert.That(ContactSheet.SourceColor(MultiCutMix.MaxPartners), Is.EqualTo(ContactSheet.SourceColor(2 + ((MultiCutMix.MaxPartners - 2) % 7))));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ContactSheet.SourceColor(-1));
        Assert.That(e!.ParamName, Is.EqualTo("slot"));
        Assert.That(e.Message, Does.Contain("-1"));
    }

    [Test]
    public void TheLegendNamesEveryRegionKindTheTilesPrint()
    {
        // Planted first: Mask, Tiles, SoftBox and Resize were printed on tiles but missing from the legend.
        LegendEntry kinds = ContactSheetLegend.Tile.Single(e => e.Key == "kind");
        string[] words = kinds.Text.Split([' ', ',', ':', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
        foreach (MixRegionKind kind in Enum.GetValues<MixRegionKind>())
        {
            Assert.That(words, Does.Contain(ContactSheet.ShortName(kind)), $"{kind} is printed on tiles but not explained");
        }

        Assert.That(kinds.Text.Split(',').Length, Is.EqualTo(Enum.GetValues<MixRegionKind>().Length), "one explanation per kind, no more");
    }

    [Test]
    public void ALongSourceListIsShortenedAroundATilde()
    {
        (MixPlan plan, byte[] sources, byte[] mixed, int tile) = Enumerable.Range(1, 20)
            .Select(seed => FlatBatch((ulong)seed))
            .SelectMany(b => Enumerable.Range(0, 6).Where(i => b.Plan.Sources(i).Length == 4).Select(i => (b.Plan, b.Sources, b.Mixed, i)))
            .First();
        int[] all = plan.Sources(tile).ToArray();
        string full = ContactSheet.Caption(plan, tile)[2];
        Assert.That(full, Is.EqualTo($"{all[0]}+{all[1]}+{all[2]}+{all[3]}"));

        // Five characters fit beside a 64-pixel tile's panel: the first two and the last two around the '~'.
        using Image<Rgb24> sheet = ContactSheet.Draw(plan, sources, mixed, columns: 3);
        var layout = new ContactSheetLayout(Size, Size, 6, 3);
        Rectangle text = layout.TextBounds(tile);
        var third = new Rectangle(text.X, text.Y + (2 * layout.LineHeight), text.Width, layout.LineHeight);
        ContactSheetTests.AssertText(sheet, third, $"{all[0]}+~+{all[3]}", ContactSheet.TextColor);
    }
}
