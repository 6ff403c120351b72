namespace MixAug.Planning;

/// <summary>The kind of a <see cref="MixRegion"/>: how a sample is combined with its partner.</summary>
public enum MixRegionKind
{
    /// <summary>The sample is left as it is (not mixed, or paired with itself).</summary>
    Keep,

    /// <summary>The whole sample is interpolated with its partner (Mixup).</summary>
    Blend,

    /// <summary>A box of the partner is pasted into the sample (CutMix, SaliencyMix).</summary>
    Box,

    /// <summary>A per-pixel weight mask selects or blends between sample and partner (FMix).</summary>
    Mask,
}
