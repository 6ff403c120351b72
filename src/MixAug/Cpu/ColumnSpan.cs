namespace MixAug.Cpu;

/// <summary>The columns [Left, Right) of a row that a box covers, counted from the row's first column passed to a kernel.</summary>
/// <param name="left">The box's first column.</param>
/// <param name="right">The column after the box's last.</param>
internal readonly struct ColumnSpan(int left, int right)
{
    /// <summary>The box's first column.</summary>
    public int Left { get; } = left;

    /// <summary>The column after the box's last.</summary>
    public int Right { get; } = right;

    /// <summary>True when column <paramref name="k"/> is in the span.</summary>
    public bool Contains(int k) => k >= Left && k < Right;
}
