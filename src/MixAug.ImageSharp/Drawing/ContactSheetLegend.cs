using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// The legend of a contact sheet: what each part of a tile, each colour and each grey means, so that a reader needs no
/// other page. <see cref="Tile"/> explains what <see cref="ContactSheet.Draw(Planning.MixPlan, ReadOnlySpan{byte}, ReadOnlySpan{byte}, int?, int?, string?, IReadOnlyList{string}?)"/>
/// draws; an application adds entries for the abbreviations of its own titles, and an HTML page can render the same
/// entries as text (the preview's gallery does).
/// </summary>
/// <threadsafety>Stateless; safe from any thread.</threadsafety>
public static class ContactSheetLegend
{
    /// <summary>Colour of the keys of entries.</summary>
    public static Rgb24 KeyColor { get; } = new(235, 235, 235);

    /// <summary>Colour of the explanations.</summary>
    public static Rgb24 ExplanationColor { get; } = new(170, 170, 170);

    /// <summary>What the parts of a tile mean, top to bottom.</summary>
    public static IReadOnlyList<LegendEntry> Tile { get; } =
    [
        new(LegendMark.None, "top", "the mixed sample: the mixed batch's pixels"),
        new(LegendMark.OwnSource, string.Empty, "left: the sample's own image"),
        new(LegendMark.PartnerSource, string.Empty, "right: its partner"),
        new(LegendMark.OwnPixels, string.Empty, "region, white: own pixels"),
        new(LegendMark.PartnerPixels, string.Empty, "black: the partner's; greys: a soft edge"),
        new(LegendMark.Blend, string.Empty, "even grey: both blended, level λ (Mixup)"),
        new(LegendMark.Box, string.Empty, "blue outline: a box from the partner"),
        new(LegendMark.Partners, string.Empty, "several partners (MultiCutMix): a strip each, the whole image squeezed to it; its colour marks its tiles in the region (the first's black) and its share of the label bar"),
        new(LegendMark.None, "λ 0.625 3+4", "own share λ of pixels and label; sample 3 mixed with 4 (3+4+1: with 4 and 1; ~ marks a shortened list)"),
        new(LegendMark.None, "kind", "the region's kind: Box, Blend, Mask, Fourier (FMix mask), Salient (saliency mask), Tiles (grid or several boxes), SoftBox (soft-edged box), Resize (resized partner), Mosaic (four resized sources), Keep (not mixed)"),
        new(LegendMark.None, "names", "own source (orange), partner's (blue); ~ marks a shortened name"),
        new(LegendMark.LabelBar, string.Empty, "label bar: λ orange, 1 - λ blue, as the soft target is split"),
    ];

    /// <summary>Characters per line the narrowest legend holds.</summary>
    public const int MinimumCharacters = 32;

    /// <summary>The narrowest legend at <paramref name="textScale"/>: <see cref="MinimumCharacters"/> characters between
    /// the margins. Under a narrower sheet, draw it this wide; stacking widens the sheet to match.</summary>
    /// <param name="textScale">Sheet pixels per font pixel (1 to 8).</param>
    /// <returns>The width in pixels.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="textScale"/> is outside [1, 8].</exception>
    public static int MinimumWidth(int textScale)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(textScale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(textScale, 8);
        return (2 * ContactSheetLayout.Margin) + (MinimumCharacters * BitmapFont.Advance * textScale) - textScale;
    }

    /// <summary>Draws a legend as wide as a sheet, to stack under it (<see cref="ContactSheet.Stack"/>).</summary>
    /// <param name="entries">The entries, in order.</param>
    /// <param name="width">Width of the image, at least <see cref="MinimumWidth"/>; lines wrap to it.</param>
    /// <param name="textScale">Sheet pixels per font pixel (1 to 8), as the sheet's <see cref="ContactSheetLayout.TextScale"/>.</param>
    /// <param name="heading">A first line, or null.</param>
    /// <returns>A new image; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> or one of them is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="textScale"/> is out of range.</exception>
    public static Image<Rgb24> Draw(IReadOnlyList<LegendEntry> entries, int width, int textScale, string? heading = "How to read a tile, top to bottom")
    {
        ArgumentNullException.ThrowIfNull(entries);
        int minimum = MinimumWidth(textScale);
        if (width < minimum)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), width, $"width must be at least {minimum} pixels ({MinimumCharacters} characters at text scale {textScale}); it was {width}.");
        }

        if (entries.Any(e => e is null))
        {
            throw new ArgumentNullException(nameof(entries), "One of the entries is null.");
        }

        int margin = ContactSheetLayout.Margin;
        int lineHeight = (BitmapFont.GlyphHeight + 3) * textScale;
        int columns = TextFit.Characters(width - (2 * margin), textScale);

        // Each entry starts at the margin with its swatch (three characters wide) or its key, the explanation follows on
        // the same line, and what does not fit wraps under it, indented by two characters.
        const int Swatch = 4;
        var lines = new List<(LegendMark Mark, string Key, string Text, int TextColumn)>();
        if (heading is not null)
        {
            lines.AddRange(TextFit.Wrap(heading, columns).Select(l => (LegendMark.None, l, string.Empty, 0)));
        }

        foreach (LegendEntry entry in entries)
        {
            int lead = entry.Mark != LegendMark.None ? Swatch : entry.Key.Length == 0 ? 0 : entry.Key.Length + 2;
            string key = entry.Key;
            if (lead > columns / 2)
            {
                // A long key gets its own lines.
                lines.AddRange(TextFit.Wrap(key, columns - 1).Select(k => (LegendMark.None, k, string.Empty, 0)));
                key = string.Empty;
                lead = 2;
            }

            IReadOnlyList<string> first = TextFit.Wrap(entry.Text, columns - lead);
            lines.Add((entry.Mark, key, first[0], lead));
            string rest = string.Join(' ', first.Skip(1));
            if (rest.Length > 0)
            {
                lines.AddRange(TextFit.Wrap(rest, columns - 2).Select(l => (LegendMark.None, string.Empty, l, 2)));
            }
        }

        int height = (2 * margin) + (lines.Count * lineHeight);
        var canvas = new PixelCanvas(width, height, ContactSheet.Background);
        var clip = new Rectangle(0, 0, width - margin, height);
        int advance = BitmapFont.Advance * textScale;
        for (int i = 0; i < lines.Count; i++)
        {
            (LegendMark mark, string key, string text, int textColumn) = lines[i];
            int y = margin + (i * lineHeight);
            if (mark != LegendMark.None)
            {
                DrawMark(canvas, mark, new Rectangle(margin, y, (3 * advance) - textScale, BitmapFont.GlyphHeight * textScale));
            }
            else if (key.Length > 0)
            {
                canvas.Text(key + ":", margin, y, KeyColor, textScale, clip);
            }

            canvas.Text(text, margin + (textColumn * advance), y, ExplanationColor, textScale, clip);
        }

        return canvas.ToImage();
    }

    /// <summary>A swatch drawn the way the tile draws what it stands for.</summary>
    private static void DrawMark(PixelCanvas canvas, LegendMark mark, Rectangle area)
    {
        var outline = new Rgb24(90, 90, 90);
        switch (mark)
        {
            case LegendMark.OwnSource:
                canvas.Fill(area, ContactSheet.SelfColor);
                break;
            case LegendMark.PartnerSource:
                canvas.Fill(area, ContactSheet.PartnerColor);
                break;
            case LegendMark.OwnPixels:
                canvas.Fill(area, new Rgb24(255, 255, 255));
                canvas.Outline(area, outline);
                break;
            case LegendMark.PartnerPixels:
                canvas.Fill(area, new Rgb24(0, 0, 0));
                canvas.Outline(area, outline);
                break;
            case LegendMark.Blend:
                canvas.Fill(area, new Rgb24(160, 160, 160));
                break;
            case LegendMark.Box:
                canvas.Fill(area, new Rgb24(255, 255, 255));
                var box = new Rectangle(area.X + (area.Width / 3), area.Y + (area.Height / 4), area.Width / 2, area.Height / 2);
                canvas.Fill(box, new Rgb24(0, 0, 0));
                canvas.Outline(box, ContactSheet.PartnerColor);
                break;
            case LegendMark.Partners:
                for (int j = 0; j < 3; j++)
                {
                    int left = area.X + (j * area.Width / 3), right = area.X + ((j + 1) * area.Width / 3);
                    canvas.Fill(new Rectangle(left, area.Y, right - left - 1, area.Height - 2), new Rgb24(120, 120, 120));
                    canvas.Fill(new Rectangle(left, area.Bottom - 2, right - left - 1, 2), ContactSheet.SourceColor(j + 1));
                }

                break;
            case LegendMark.LabelBar:
                int own = area.Width * 5 / 8;
                canvas.Fill(new Rectangle(area.X, area.Y + (area.Height / 4), own, area.Height / 2), ContactSheet.SelfColor);
                canvas.Fill(new Rectangle(area.X + own, area.Y + (area.Height / 4), area.Width - own, area.Height / 2), ContactSheet.PartnerColor);
                break;
        }
    }
}
