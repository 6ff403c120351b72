namespace MixAug.Cpu;

/// <summary>
/// One sample's soft-box weights along a row, as the row kernels make them: <c>1f − RowFalloff·ColumnFalloffs[k]</c>
/// (see <see cref="Regions.SoftBoxRegion"/>).
/// </summary>
/// <param name="columnFalloffs">The partner's fall-off per column, from the row's first mixed column on.</param>
/// <param name="rowFalloff">The partner's fall-off of the row.</param>
internal readonly unsafe struct SoftRow(float* columnFalloffs, float rowFalloff)
{
    /// <summary>The partner's fall-off per column, from the row's first mixed column on.</summary>
    public float* ColumnFalloffs { get; } = columnFalloffs;

    /// <summary>The partner's fall-off of the row.</summary>
    public float RowFalloff { get; } = rowFalloff;
}
