namespace MixAug.Regions;

/// <summary>
/// A regular grid of partner holes (GridMix) as its recipe: the cut <c>[Top, Top + CutHeight) × [Left, Left +
/// CutWidth)</c> is divided into patches of <c>PatchHeight × PatchWidth</c> from its top-left corner, and each patch
/// shows the partner (slot 1) in the <c>HoleHeight × HoleWidth</c> box at its top-left corner, clipped to the cut.
/// Tile k is the hole of patch row <c>k / Columns</c> and column <c>k % Columns</c>: the order GridMix painted its tiles
/// in when it listed them, so a grid and its list are the same tiles.
/// </summary>
/// <remarks>Eight numbers instead of a tile per hole (five numbers each, about 24 holes per sample with OpenMixup's
/// ranges): a 128-sample plan holds 9 KB of grids instead of 64 KB of tiles.</remarks>
internal readonly record struct HoleGrid(int Top, int Left, int CutHeight, int CutWidth, int PatchHeight, int PatchWidth, int HoleHeight, int HoleWidth)
{
    /// <summary>Patches across the cut.</summary>
    public int Columns => (CutWidth + PatchWidth - 1) / PatchWidth;

    /// <summary>Patches down the cut.</summary>
    public int Rows => (CutHeight + PatchHeight - 1) / PatchHeight;

    /// <summary>Number of holes (tiles).</summary>
    public int Count => Columns * Rows;

    /// <summary>The hole of tile <paramref name="k"/>, in painting order.</summary>
    public Tile this[int k]
    {
        get
        {
            int y1 = k / Columns * PatchHeight, x1 = k % Columns * PatchWidth;
            return new Tile(1, Top + y1, Left + x1, Top + Math.Min(y1 + HoleHeight, CutHeight), Left + Math.Min(x1 + HoleWidth, CutWidth));
        }
    }
}
