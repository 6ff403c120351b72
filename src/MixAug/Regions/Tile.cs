namespace MixAug.Regions;

/// <summary>
/// One rectangle of a <see cref="TileRegion"/>: the elements of source slot <see cref="Slot"/> inside the half-open box
/// <c>[Top, Bottom) × [Left, Right)</c> are copied to the same place of the output.
/// </summary>
/// <param name="Slot">The source slot (0 = the sample itself).</param>
/// <param name="Top">First row (inclusive).</param>
/// <param name="Left">First column (inclusive).</param>
/// <param name="Bottom">Row after the last row (exclusive).</param>
/// <param name="Right">Column after the last column (exclusive).</param>
public readonly record struct Tile(int Slot, int Top, int Left, int Bottom, int Right)
{
    /// <summary>Number of elements of one height × width plane the tile covers.</summary>
    public long Area => (long)(Bottom - Top) * (Right - Left);

    /// <inheritdoc />
    public override string ToString() => $"slot {Slot} rows [{Top}, {Bottom}) cols [{Left}, {Right})";
}
