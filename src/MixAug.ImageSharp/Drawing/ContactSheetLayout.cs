using SixLabors.ImageSharp;

namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// Where everything goes on a contact sheet: tiles in rows of <see cref="Columns"/>, each tile showing the mixed
/// sample at full size, the two sources at half size, the region and the lambda text, and the label bar.
/// </summary>
/// <remarks>
/// A tile, top to bottom: the mixed sample (W × H); the sample's own source and its partner (W/2 × H/2 each, left and
/// right) above a two-pixel strip in <see cref="ContactSheet.SelfColor"/> and <see cref="ContactSheet.PartnerColor"/>;
/// the region panel (W/2 × H/2) with the text beside it; the label bar (W × <see cref="LabelBarHeight"/>).
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

    /// <summary>Creates the layout.</summary>
    /// <param name="sampleWidth">Width of a sample (at least 2).</param>
    /// <param name="sampleHeight">Height of a sample (at least 2).</param>
    /// <param name="tileCount">Number of tiles (at least 1).</param>
    /// <param name="columns">Tiles per row (at least 1; more than <paramref name="tileCount"/> is reduced to it).</param>
    /// <param name="title">A line of text above the tiles, or null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is too small.</exception>
    public ContactSheetLayout(int sampleWidth, int sampleHeight, int tileCount, int columns, string? title = null)
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

        // Text grows with the samples so it stays readable next to large tiles, by whole font pixels only.
        TextScale = Math.Max(1, sampleWidth / 128);
        TitleHeight = title is null ? 0 : (BitmapFont.GlyphHeight * TextScale) + Margin;
        ThumbWidth = sampleWidth / 2;
        ThumbHeight = sampleHeight / 2;
        TileWidth = sampleWidth;
        TileHeight = sampleHeight + Gap + ThumbHeight + Gap + ThumbHeight + Gap + LabelBarHeight;
        Width = Margin + (Columns * (TileWidth + Margin));
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

    /// <summary>The line of text above the tiles, or null.</summary>
    public string? Title { get; }

    /// <summary>Size of one font pixel, in sheet pixels.</summary>
    public int TextScale { get; }

    /// <summary>Height of the title band (0 without a title).</summary>
    public int TitleHeight { get; }

    /// <summary>Width of a source thumbnail and of the region panel.</summary>
    public int ThumbWidth { get; }

    /// <summary>Height of a source thumbnail and of the region panel.</summary>
    public int ThumbHeight { get; }

    /// <summary>Width of a tile.</summary>
    public int TileWidth { get; }

    /// <summary>Height of a tile.</summary>
    public int TileHeight { get; }

    /// <summary>Width of the sheet.</summary>
    public int Width { get; }

    /// <summary>Height of the sheet.</summary>
    public int Height { get; }

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
    public Rectangle RegionBounds(int tile) => Part(tile, 0, SampleHeight + Gap + ThumbHeight + Gap, ThumbWidth, ThumbHeight);

    /// <summary>The text beside the region panel.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle TextBounds(int tile) =>
        Part(tile, ThumbWidth + Gap, SampleHeight + Gap + ThumbHeight + Gap, TileWidth - ThumbWidth - Gap, ThumbHeight);

    /// <summary>The label bar: <see cref="ContactSheet.SelfColor"/> for the first round(λ·W) pixels, <see cref="ContactSheet.PartnerColor"/> after.</summary>
    /// <param name="tile">Tile index.</param>
    /// <returns>Its bounds on the sheet.</returns>
    public Rectangle LabelBarBounds(int tile) => Part(tile, 0, TileHeight - LabelBarHeight, TileWidth, LabelBarHeight);

    private Rectangle Part(int tile, int x, int y, int width, int height)
    {
        Rectangle t = TileBounds(tile);
        return new Rectangle(t.X + x, t.Y + y, width, height);
    }
}
