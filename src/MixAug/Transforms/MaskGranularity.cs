namespace MixAug.Transforms;

/// <summary>How many random low-frequency images an FMix plan draws.</summary>
public enum MaskGranularity
{
    /// <summary>
    /// One image per batch, as the reference implementation: with per-pair or per-sample lambdas every group
    /// thresholds the same image at its own lambda, so masks are nested rather than independent.
    /// </summary>
    PerBatch,

    /// <summary>One image per mixed group: per sample in <see cref="Planning.LambdaMode.Element"/>, per pair in
    /// <see cref="Planning.LambdaMode.Pair"/> (the same as <see cref="PerBatch"/> in batch mode).</summary>
    PerGroup,
}
