namespace MixAug.Transforms;

/// <summary>
/// Which cut CutMix takes from a clip <c>[B, C, T, H, W]</c>: the three cuts of VideoMix (Yun, Oh, Heo, Han and Kim,
/// "VideoMix: Rethinking Data Augmentation for Video Classification", 2020). Each is a box with a frame range
/// (<see cref="Regions.BoxRegion.WithFrames"/>); the label weight is the exact share of the clip's elements each source shows.
/// </summary>
public enum VideoMixCut
{
    /// <summary>A box of every frame, <c>⌊H·√(1 − λ)⌋ × ⌊W·√(1 − λ)⌋</c> with a uniform centre, clipped: image CutMix on
    /// each frame with the same box. VideoMix's default and its best cut.</summary>
    Spatial,

    /// <summary>Whole frames: a range of <c>⌊T·(1 − λ)⌋</c> frames with a uniform centre frame, clipped.</summary>
    Temporal,

    /// <summary>A space-time cuboid: <c>⌊T·∛(1 − λ)⌋ × ⌊H·∛(1 − λ)⌋ × ⌊W·∛(1 − λ)⌋</c> with a uniform centre, clipped.</summary>
    SpatioTemporal,
}
