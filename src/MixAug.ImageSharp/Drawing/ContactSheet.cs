using System.Globalization;
using MixAug.Planning;
using MixAug.Regions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// Draws a mix plan as a contact sheet: per sample, the mixed image (its pixels exactly the batch values), both
/// sources, the region, λ as text, and the label mix as a two-colour bar in proportion λ : 1 − λ.
/// See <see cref="ContactSheetLayout"/> for where each part goes.
/// </summary>
/// <remarks>Everything is drawn with integer arithmetic and a built-in bitmap font, so the same plan and batches
/// always give the same pixels (and, through the PNG encoder, the same bytes).</remarks>
/// <threadsafety>Stateless; safe from any thread.</threadsafety>
public static class ContactSheet
{
    /// <summary>Sheet background.</summary>
    public static Rgb24 Background { get; } = new(28, 30, 34);

    /// <summary>Colour of the sample itself in the label bar and under its source.</summary>
    public static Rgb24 SelfColor { get; } = new(242, 142, 43);

    /// <summary>Colour of the partner in the label bar and under its source.</summary>
    public static Rgb24 PartnerColor { get; } = new(78, 121, 167);

    /// <summary>Colour of text.</summary>
    public static Rgb24 TextColor { get; } = new(235, 235, 235);

    // The partners after the first (MultiCutMix): Tableau 10's next colours, after SelfColor's orange and PartnerColor's blue.
    private static readonly Rgb24[] MorePartnerColors =
        [new(225, 87, 89), new(89, 161, 79), new(237, 201, 72), new(176, 122, 161), new(118, 183, 178), new(255, 157, 167), new(156, 117, 95)];

    /// <summary>The colour of a sample's source slot: <see cref="SelfColor"/> for slot 0 (the sample itself),
    /// <see cref="PartnerColor"/> for slot 1, and for the further partners of a several-partner plan (MultiCutMix) seven
    /// more colours, repeating from slot 9 on. Their strips, their tiles in the region panel and their shares of the
    /// label bar are drawn in it.</summary>
    /// <param name="slot">The source slot, 0 or more.</param>
    /// <returns>The colour.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is negative.</exception>
    public static Rgb24 SourceColor(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        return slot switch
        {
            0 => SelfColor,
            1 => PartnerColor,
            _ => MorePartnerColors[(slot - 2) % MorePartnerColors.Length],
        };
    }

    /// <summary>Draws a sheet from uint8 batches.</summary>
    /// <param name="plan">The plan that mixed <paramref name="sources"/> into <paramref name="mixed"/>.</param>
    /// <param name="sources">The batch before mixing, planar <c>[B, C, H, W]</c> with 1 or 3 channels over the plan's extent.</param>
    /// <param name="mixed">The batch after mixing, same shape.</param>
    /// <param name="tileCount">How many samples to show, from sample 0; null for all.</param>
    /// <param name="columns">Tiles per row; null for min(B, 4).</param>
    /// <param name="title">Text above the tiles, wrapped to the sheet's width, or null.</param>
    /// <param name="sourceNames">The name of each sample's source (a file name, say), one per sample of the batch, or
    /// null; each tile then names its own source in <see cref="SelfColor"/> and its partner's in <see cref="PartnerColor"/>,
    /// shortened to the tile's width (see <see cref="ShortenName"/>).</param>
    /// <returns>A new image; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A batch does not match the plan's shape, the shape is not an image batch of 1 or
    /// 3 channels, or <paramref name="sourceNames"/> does not have one name per sample.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tileCount"/> or <paramref name="columns"/> is out of range.</exception>
    public static Image<Rgb24> Draw(
        MixPlan plan,
        ReadOnlySpan<byte> sources,
        ReadOnlySpan<byte> mixed,
        int? tileCount = null,
        int? columns = null,
        string? title = null,
        IReadOnlyList<string>? sourceNames = null)
    {
        BatchShape shape = ImageShape(plan, sources.Length, nameof(sources));
        CheckLength(mixed.Length, shape, nameof(mixed));
        int count = tileCount ?? shape.BatchSize;
        if (count < 1 || count > shape.BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(tileCount), count, $"tileCount must lie in [1, {shape.BatchSize}]; it was {count}.");
        }

        if (sourceNames is not null && sourceNames.Count != shape.BatchSize)
        {
            throw new ArgumentException($"sourceNames has {sourceNames.Count} names but the batch has {shape.BatchSize} samples.", nameof(sourceNames));
        }

        var layout = new ContactSheetLayout(shape.Width, shape.Height, count, columns ?? Math.Min(count, 4), title, sourceNames is not null);
        var canvas = new PixelCanvas(layout.Width, layout.Height, Background);
        var titleArea = new Rectangle(0, 0, layout.Width - ContactSheetLayout.Margin, layout.Height);
        for (int line = 0; line < layout.TitleLines.Count; line++)
        {
            canvas.Text(layout.TitleLines[line], ContactSheetLayout.Margin, ContactSheetLayout.Margin + (line * layout.LineHeight), TextColor, layout.TextScale, titleArea);
        }

        for (int tile = 0; tile < count; tile++)
        {
            DrawTile(canvas, layout, shape, plan, sources, mixed, sourceNames, tile);
        }

        return canvas.ToImage();
    }

    /// <summary>Draws a sheet from float32 batches (values in [0, 1], converted as <see cref="ImageBatch.ToByte"/> does).</summary>
    /// <param name="plan">The plan that mixed <paramref name="sources"/> into <paramref name="mixed"/>.</param>
    /// <param name="sources">The batch before mixing.</param>
    /// <param name="mixed">The batch after mixing.</param>
    /// <param name="tileCount">How many samples to show, from sample 0; null for all.</param>
    /// <param name="columns">Tiles per row; null for min(B, 4).</param>
    /// <param name="title">Text above the tiles, wrapped to the sheet's width, or null.</param>
    /// <param name="sourceNames">The name of each sample's source, one per sample, or null.</param>
    /// <returns>A new image; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A batch does not match the plan's shape, or the names do not match the batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tileCount"/> or <paramref name="columns"/> is out of range.</exception>
    public static Image<Rgb24> Draw(
        MixPlan plan,
        ReadOnlySpan<float> sources,
        ReadOnlySpan<float> mixed,
        int? tileCount = null,
        int? columns = null,
        string? title = null,
        IReadOnlyList<string>? sourceNames = null)
    {
        BatchShape shape = ImageShape(plan, sources.Length, nameof(sources));
        CheckLength(mixed.Length, shape, nameof(mixed));
        return Draw(plan, ToBytes(sources), ToBytes(mixed), tileCount, columns, title, sourceNames);
    }

    /// <summary>Stacks images vertically on the sheet background, left-aligned (one sheet per method, for example).</summary>
    /// <param name="sheets">At least one image.</param>
    /// <returns>A new image as wide as the widest input; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sheets"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="sheets"/> is empty.</exception>
    public static Image<Rgb24> Stack(IReadOnlyList<Image<Rgb24>> sheets)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        if (sheets.Count == 0)
        {
            throw new ArgumentException("sheets is empty.", nameof(sheets));
        }

        if (sheets.Any(s => s is null))
        {
            throw new ArgumentNullException(nameof(sheets), "One of the sheets is null.");
        }

        var canvas = new PixelCanvas(sheets.Max(s => s.Width), sheets.Sum(s => s.Height), Background);
        int y = 0;
        foreach (Image<Rgb24> sheet in sheets)
        {
            canvas.Copy(sheet, 0, y);
            y += sheet.Height;
        }

        return canvas.ToImage();
    }

    /// <summary>The three short lines printed beside the region of a tile: "λ", the sample's own share λ, and the pair
    /// (the sample's index, then its partner's; with several partners, each of them).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="sample">The sample.</param>
    /// <returns>For example <c>["λ", "0.625", "0+7"]</c>: five characters at most for pairs in batches of up to 100
    /// samples, so they fit beside the half-width region panel at every sample size. Several partners make the last
    /// line longer (<c>0+7+3+5</c>); the tile prints it shortened around a '~' (<c>0+~+5</c>).</returns>
    public static IReadOnlyList<string> Caption(MixPlan plan, int sample)
    {
        ArgumentNullException.ThrowIfNull(plan);
        string lambda = plan.Lambdas[sample].ToString("0.000", CultureInfo.InvariantCulture);
        string sources = string.Join("+", plan.Sources(sample).ToArray().Select(s => s.ToString(CultureInfo.InvariantCulture)));
        return ["λ", lambda, sources];
    }

    /// <summary>A source name as a tile prints it in <paramref name="maxCharacters"/>: whole if it fits, else without its
    /// extension, else its start and end around a '~' (<c>class-3/photo-00012.jpg</c> in 10 → <c>clas~00012</c>).</summary>
    /// <param name="name">The name.</param>
    /// <param name="maxCharacters">The room, in characters.</param>
    /// <returns>At most <paramref name="maxCharacters"/> characters.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static string ShortenName(string name, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TextFit.Shorten(name, maxCharacters);
    }

    /// <summary>The region kind in at most seven characters, so that it fits beside the region at every tile size.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>For example <c>Fourier</c> for <see cref="MixRegionKind.FourierMask"/>.</returns>
    public static string ShortName(MixRegionKind kind) => kind switch
    {
        MixRegionKind.Keep => "Keep",
        MixRegionKind.Blend => "Blend",
        MixRegionKind.Box => "Box",
        MixRegionKind.Mask => "Mask",
        MixRegionKind.FourierMask => "Fourier",
        MixRegionKind.SaliencyMask => "Salient",
        MixRegionKind.Tiles => "Tiles",
        MixRegionKind.SoftBox => "SoftBox",
        MixRegionKind.Resize => "Resize",
        MixRegionKind.Mosaic => "Mosaic",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Unknown region kind {(int)kind}."),
    };

    /// <summary>The width of the self-coloured part of a label bar of <paramref name="width"/> pixels: round(λ·width), half to even.</summary>
    /// <param name="lambda">The sample's lambda.</param>
    /// <param name="width">The bar width.</param>
    /// <returns>A value in [0, width].</returns>
    public static int SelfBarWidth(double lambda, int width) => (int)Math.Round(lambda * width, MidpointRounding.ToEven);

    private static void DrawTile(
        PixelCanvas canvas, ContactSheetLayout layout, BatchShape shape, MixPlan plan, ReadOnlySpan<byte> sources, ReadOnlySpan<byte> mixed, IReadOnlyList<string>? names, int tile)
    {
        // Several partners (MultiCutMix) share the partner's place: a strip each, side by side in slot order.
        int[] partners = plan.Sources(tile).Length > 1 ? plan.Sources(tile)[1..].ToArray() : [tile];

        Rectangle m = layout.MixedBounds(tile);
        using (Image<Rgb24> mixedImage = ImageBatch.ToImage(mixed, shape, tile))
        {
            canvas.Copy(mixedImage, m.X, m.Y);
        }

        Rectangle self = layout.SelfBounds(tile);
        DrawThumbnail(canvas, sources, shape, tile, self);
        canvas.Fill(new Rectangle(self.X, self.Bottom, self.Width, 2), SelfColor);
        Rectangle other = layout.PartnerBounds(tile);
        for (int j = 0; j < partners.Length; j++)
        {
            Rectangle strip = Split(other, j, partners.Length);
            DrawThumbnail(canvas, sources, shape, partners[j], strip);
            canvas.Fill(new Rectangle(strip.X, strip.Bottom, strip.Width, 2), SourceColor(j + 1));
        }

        DrawRegion(canvas, layout.RegionBounds(tile), plan, tile);

        Rectangle text = layout.TextBounds(tile);
        IReadOnlyList<string> lines = Caption(plan, tile);
        for (int i = 0; i < lines.Count; i++)
        {
            // Several partners' indices overflow the caption: shortened around a '~' rather than cut off unmarked.
            string line = i == 2 && partners.Length > 1 ? TextFit.Shorten(lines[i], TextFit.Characters(text.Width, layout.TextScale)) : lines[i];
            canvas.Text(line, text.X, text.Y + (i * layout.LineHeight), TextColor, layout.TextScale, text);
        }

        Line(canvas, layout, layout.DetailLineBounds(tile, 0), ShortName(plan.Regions[tile].Kind), TextColor);
        if (names is not null)
        {
            Line(canvas, layout, layout.DetailLineBounds(tile, 1), ShortenName(names[tile], layout.CharactersPerTileLine), SelfColor);
            Rectangle partnerLine = layout.DetailLineBounds(tile, 2);
            for (int j = 0; j < partners.Length; j++)
            {
                Rectangle part = Split(partnerLine, j, partners.Length);
                string name = ShortenName(names[partners[j]], TextFit.Characters(part.Width - layout.TextScale, layout.TextScale));
                Line(canvas, layout, part, name, SourceColor(j + 1));
            }
        }

        Rectangle bar = layout.LabelBarBounds(tile);
        if (partners.Length == 1)
        {
            int selfWidth = SelfBarWidth(plan.Lambdas[tile], bar.Width);
            canvas.Fill(new Rectangle(bar.X, bar.Y, selfWidth, bar.Height), SelfColor);
            canvas.Fill(new Rectangle(bar.X + selfWidth, bar.Y, bar.Width - selfWidth, bar.Height), PartnerColor);
            return;
        }

        // Each source's share of the soft target: segment edges at round(cumulative weight · width), half to even.
        ReadOnlySpan<double> weights = plan.Weights(tile);
        double cumulative = 0;
        int start = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            cumulative += weights[k];
            int end = k == weights.Length - 1 ? bar.Width : SelfBarWidth(cumulative, bar.Width);
            canvas.Fill(new Rectangle(bar.X + start, bar.Y, end - start, bar.Height), SourceColor(k));
            start = end;
        }
    }

    /// <summary>Part <paramref name="index"/> of <paramref name="count"/> side-by-side parts of <paramref name="area"/>.</summary>
    private static Rectangle Split(Rectangle area, int index, int count)
    {
        int left = area.X + (index * area.Width / count);
        int right = area.X + ((index + 1) * area.Width / count);
        return new Rectangle(left, area.Y, right - left, area.Height);
    }

    private static void Line(PixelCanvas canvas, ContactSheetLayout layout, Rectangle bounds, string text, Rgb24 color) =>
        canvas.Text(text, bounds.X, bounds.Y, color, layout.TextScale, bounds);

    private static void DrawThumbnail(PixelCanvas canvas, ReadOnlySpan<byte> sources, BatchShape shape, int sample, Rectangle bounds)
    {
        using Image<Rgb24> source = ImageBatch.ToImage(sources, shape, sample);
        source.Mutate(ctx => ctx.Resize(bounds.Width, bounds.Height));
        canvas.Copy(source, bounds.X, bounds.Y);
    }

    /// <summary>
    /// Draws the region at thumbnail size: white where the sample keeps its own pixels, black where the partner's show,
    /// grey levels for soft masks and blends (λ), a blue outline around a box, and one colour per source for tiles.
    /// </summary>
    private static void DrawRegion(PixelCanvas canvas, Rectangle bounds, MixPlan plan, int sample)
    {
        plan.Regions[sample].Accept(new RegionPanel(canvas, bounds, plan, sample));
        canvas.Outline(new Rectangle(bounds.X - 1, bounds.Y - 1, bounds.Width + 2, bounds.Height + 2), new Rgb24(90, 90, 90));
    }

    /// <summary>The shape of an image batch under <paramref name="plan"/>: channels from the length; 1 or 3 of them.</summary>
    private static BatchShape ImageShape(MixPlan plan, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int plane = plan.Spatial.Size;
        long perSample = length / plan.BatchSize;
        if (plan.Spatial.Rank != 2 || length % plan.BatchSize != 0 || perSample % plane != 0 || (perSample / plane is not (1 or 3)))
        {
            throw new ArgumentException(
                $"A contact sheet shows image batches [B, C, H, W] with 1 or 3 channels; {name} has {length} elements for a plan of {plan.BatchSize} samples of {plan.Spatial}.",
                name);
        }

        return new BatchShape(plan.BatchSize, (int)(perSample / plane), plan.Spatial);
    }

    /// <summary>Draws each kind of region in the thumbnail panel; the compiler checks that every kind is drawn.</summary>
    private sealed class RegionPanel(PixelCanvas canvas, Rectangle bounds, MixPlan plan, int sample) : IMixRegionVisitor<bool>
    {
        // The sample's own tiles white and its partner's black, as every region; further partners' in their SourceColor.
        private static Rgb24 SlotColor(int slot) => slot switch { 0 => new(255, 255, 255), 1 => new(0, 0, 0), _ => SourceColor(slot) };

        public bool VisitKeep(KeepRegion region) => Uniform();

        public bool VisitBlend(BlendRegion region) => Uniform();

        public bool VisitBox(BoxRegion region)
        {
            SpatialShape shape = plan.Spatial;
            canvas.Fill(bounds, SlotColor(0));

            // Scale the half-open box to the panel; keep at least one pixel so a thin box stays visible.
            int top = bounds.Y + (region.Top * bounds.Height / shape.Height);
            int left = bounds.X + (region.Left * bounds.Width / shape.Width);
            int bottom = Math.Max(top + 1, bounds.Y + (region.Bottom * bounds.Height / shape.Height));
            int right = Math.Max(left + 1, bounds.X + (region.Right * bounds.Width / shape.Width));
            var area = Rectangle.FromLTRB(left, top, right, bottom);
            canvas.Fill(area, SlotColor(1));
            canvas.Outline(area, PartnerColor);
            return true;
        }

        public bool VisitMask(MaskRegion region) => Weights(region);

        public bool VisitFourierMask(FourierMaskRegion region) => Weights(region);

        public bool VisitSaliencyMask(SaliencyMaskRegion region) => Weights(region);

        public bool VisitSoftBox(SoftBoxRegion region) => Weights(region);

        public bool VisitResize(ResizeRegion region) => Weights(region); // white outside, black where the resized partner shows

        public bool VisitMosaic(MosaicRegion region) => Slots(region); // a colour per quadrant's source

        public bool VisitTiles(TileRegion region) => Slots(region);

        private bool Slots(MixRegion region)
        {
            var slots = new byte[plan.Spatial.Size];
            RegionRasterizer.WriteSlots(region, plan.Spatial, slots);
            return Sampled(index => SlotColor(slots[index]));
        }

        /// <summary>Keep and blend: every pixel carries the same own share, λ.</summary>
        private bool Uniform()
        {
            byte v = ImageBatch.ToByte((float)plan.Lambdas[sample]);
            canvas.Fill(bounds, new Rgb24(v, v, v));
            return true;
        }

        private bool Weights(MixRegion region)
        {
            var weights = new float[plan.Spatial.Size];
            RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[sample], weights);
            return Sampled(index =>
            {
                byte v = ImageBatch.ToByte(weights[index]);
                return new Rgb24(v, v, v);
            });
        }

        /// <summary>Fills the panel by nearest sampling of a per-element colour.</summary>
        private bool Sampled(Func<int, Rgb24> color)
        {
            SpatialShape shape = plan.Spatial;
            for (int y = 0; y < bounds.Height; y++)
            {
                int sy = y * shape.Height / bounds.Height;
                for (int x = 0; x < bounds.Width; x++)
                {
                    int sx = x * shape.Width / bounds.Width;
                    canvas.Set(bounds.X + x, bounds.Y + y, color((sy * shape.Width) + sx));
                }
            }

            return true;
        }
    }

    private static byte[] ToBytes(ReadOnlySpan<float> values)
    {
        byte[] bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bytes[i] = ImageBatch.ToByte(values[i]);
        }

        return bytes;
    }

    private static void CheckLength(int actual, BatchShape shape, string name)
    {
        if (actual != shape.ElementCount)
        {
            throw new ArgumentException($"{name} has {actual} elements but the plan is for a {shape} batch of {shape.ElementCount}.", name);
        }
    }
}
