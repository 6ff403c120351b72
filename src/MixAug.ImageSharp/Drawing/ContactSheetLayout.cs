using SixLabors.ImageSharp;

namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// Where everything goes on a contact sheet: the title, then tiles in rows of <see cref="Columns"/>, each tile showing
/// the mixed sample at full size, the two sources at half size, the region with λ and the pair beside it, the region
/// kind and the source names, and the label bar.
/// </summary>
/// <remarks>
/// A tile, top to bottom: the mixed sample (W × H); the sample's own source and its partner (W/2 × H/2 each, left and
/// right) above a two-pixel strip in <see cref="ContactSheet.SelfColor"/> and <see cref="ContactSheet.PartnerColor"/>;
/// the region panel (W/2 × H/2) with three short lines beside it (λ, its value, the pair); the region kind and, when the
/// sheet has names, the own and the partner's source name, each on a line of the tile's width; the label bar
/// (W × <see cref="LabelBarHeight"/>). Text is the 5×7 bitmap font at <see cref="TextScale"/> sheet pixels per font
/// pixel, chosen so a line of the tile's width holds about ten characters at every sample size.
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class ContactSheetLayout
{
    /// <summary>Blank space around the sheet and between tiles, in pixels.</summary>
    public const int Margin = 6;

    /// <summary>Blank space between the parts of a tile, in pixels.</summary>
    public const int Gap = 3;

    /// <summary>Height of the label bar, in pixels.</summary>
    public const int LabelBarHeight = 8;

    /// <summary>Lines of text beside the region panel: "λ", its value, the pair.</summary>
    public const int CaptionLines = 3;

    /// <summary>Creates the layout.</summary>
    /// <param name="sampleWidth">Width of a sample (at least 2).</param>
    /// <param name="sampleHeight">Height of a sample (at least 2).</param>
    /// <param name="tileCount">Number of tiles (at least 1).</param>
    /// <param name="columns">Tiles per row (at least 1; more than <paramref name="tileCount"/> is reduced to it).</param>
    /// <param name="title">Text above the tiles, wrapped to the sheet's width, or null for none.</param>
    /// <param name="sourceNames">True to leave two lines per tile for the names of the sources.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is too small.</exception>
    public ContactSheetLayout(int sampleWidth, int sampleHeight, int tileCount, int columns, string? title = null, bool sourceNames = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleWidth, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleHeight, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        SampleWidth = sampleWidth;
        SampleHeight = sampleHeight;
        TileCount = tileCount;
        Columns = Math.Min(columns, tileCount);
        Rows = (tileCount + Columns - 1) / Columns;
        Title = title;
        HasSourceNames = sourceNames;

        // One font pixel per 64 sample pixels (14-pixel capitals at the preview's 128): a line as wide as the tile
        // holds 10 characters and the caption beside the half-width region 5, at every size. Capped at 4 (28 pixels).
        TextScale = Math.Clamp(sampleWidth / 64, 1, 4);
        LineHeight = (BitmapFont.GlyphHeight + 3) * TextScale;
        ThumbWidth = sampleWidth / 2;
        ThumbHeight = sampleHeight / 2;
        TileWidth = sampleWidth;
        Width = Margin + (Columns * (TileWidth + Margin));
        TitleLines = title is null ? [] : TextFit.Wrap(title, TextFit.Characters(Width - (2 * Margin), TextScale));
        TitleHeight = TitleLines.Count == 0 ? 0 : TextHeight(TitleLines.Count) + Margin;
        RegionRowHeight = Math.Max(ThumbHeight, TextHeight(CaptionLines));
        DetailLines = sourceNames ? 3 : 1;
        TileHeight = sampleHeight + Gap + ThumbHeight + Gap + RegionRowHeight + Gap + TextHeight(DetailLines) + Gap + LabelBarHeight;
        Height = Margin + TitleHeight + (Rows * (TileHeight + Margin));
    }

    /// <summary>Width of a sample.</summary>
    public int SampleWidth { get; }

    /// <summary>Height of a sample.</summary>
    public int SampleHeight { get; }

    /// <summary>Number of tiles.</summary>
    public int TileCount { get; }

    /// <summary>Tiles per row.</summary>
    public int Columns { get; }

    /// <summary>Rows of tiles.</summary>
    public int Rows { get; }

    /// <summary>The text above the tiles, or null.</summary>
    public string? Title { get; }

    /// <summary>The title wrapped to the sheet's width (empty without a title).</summary>
    public IReadOnlyList<string> TitleLines { get; }

    /// <summary>Whether each tile has lines for its source names.</summary>
    public bool HasSourceNames { get; }

    /// <summary>Size of one font pixel, in sheet pixels.</summary>
    public int TextScale { get; }

    /// <summary>Distance from one line of text to the next, in pixels.</summary>
    public int LineHeight { get; }

    /// <summary>Height of the title band (0 without a title).</summary>
    public int TitleHeight { get; }

    /// <summary>Width of a source thumbnail and of the region panel.</summary>
    public int ThumbWidth { get; }

    /// <summary>Height of a source thumbnail and of the region panel.</summary>
    public int ThumbHeight { get; }

    /// <summary>Height of the row of the region panel and its caption (the taller of the two).</summary>
    public int RegionRowHeight { get; }

    /// <summary>Lines below the region row: the region kind, and the two source names when the sheet has them.</summary>
    public int DetailLines { get; }

    /// <summary>Width of a tile.</summary>
    public int TileWidth { get; }

    /// <summary>Height of a tile.</summary>
    public int TileHeight { get; }

    /// <summary>Width of the sheet.</summary>
    public int Width { get; }

    /// <summary>Height of the sheet.</summary>
    public int Height { get; }

    /// <summary>Characters of the font that fit on a line as wide as a tile.</summary>
    public int CharactersPerTileLine => TextFit.Characters(TileWidth, TextScale);

    /// <summary>The whole tile <paramref name="tile"/>.</summary>
    /// <param name="tile">Tile index, in reading order.</param>
    /// <returns>Its bounds on the sheet.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tile"/> is outside [0, TileCount).</exception>
    public Rectangle TileBounds(int tile)
    {
        if ((uint)tile >= (uint)TileCount)
        {
            throw new ArgumentOutOfRangeException(nameof(tile), tile, $"tile must lie in [0, {TileCount}); it was {tile}.");
        }

        int x = Margin + ((tile % Columns) * (TileWidth + Margin));
        int y = Margin + TitleHeight + ((tile / Columns) * (TileHeight + Margin));
        return new Rectangle(x, y, TileWidth, TileHeight);
    }

    /// <summary>The mixed sample, at full size.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle MixedBounds(int tile) => Part(tile, 0, 0, SampleWidth, SampleHeight);

    /// <summary>The sample's own source, at half size.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle SelfBounds(int tile) => Part(tile, 0, SampleHeight + Gap, ThumbWidth, ThumbHeight);

    /// <summary>The partner's source, at half size.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle PartnerBounds(int tile) => Part(tile, TileWidth - ThumbWidth, SampleHeight + Gap, ThumbWidth, ThumbHeight);

    /// <summary>The region panel (mask as gray levels, box as a filled outline), at half size.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle RegionBounds(int tile) => Part(tile, 0, RegionTop, ThumbWidth, ThumbHeight);

    /// <summary>The caption beside the region panel: "λ", its value, the pair (<see cref="CaptionLines"/> lines).</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle TextBounds(int tile) => Part(tile, ThumbWidth + Gap, RegionTop, TileWidth - ThumbWidth - Gap, RegionRowHeight);

    /// <summary>Line <paramref name="line"/> below the region row, as wide as the tile: 0 the region kind, 1 the own
    /// source's name, 2 the partner's (1 and 2 only when <see cref="HasSourceNames"/>).</summary>
    /// <param name="tile">Tile index.</param>
    /// <param name="line">The line, in [0, <see cref="DetailLines"/>).</param>
    /// <returns>Its bounds on the sheet.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="line"/> is out of range.</exception>
    public Rectangle DetailLineBounds(int tile, int line)
    {
        if ((uint)line >= (uint)DetailLines)
        {
            throw new ArgumentOutOfRangeException(nameof(line), line, $"line must lie in [0, {DetailLines}); it was {line}.");
        }

        return Part(tile, 0, RegionTop + RegionRowHeight + Gap + (line * LineHeight), TileWidth, LineHeight);
    }

    /// <summary>The label bar: <see cref="ContactSheet.SelfColor"/> for the first round(λ·W) pixels, <see cref="ContactSheet.PartnerColor"/> after.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle LabelBarBounds(int tile) => Part(tile, 0, TileHeight - LabelBarHeight, TileWidth, LabelBarHeight);

    private int RegionTop => SampleHeight + Gap + ThumbHeight + Gap;

    /// <summary>Height of <paramref name="lines"/> lines of text: the last has no spacing below it.</summary>
    private int TextHeight(int lines) => lines == 0 ? 0 : (lines * LineHeight) - (3 * TextScale);

    private Rectangle Part(int tile, int x, int y, int width, int height)
    {
        Rectangle t = TileBounds(tile);
        return new Rectangle(t.X + x, t.Y + y, width, height);
    }
}
