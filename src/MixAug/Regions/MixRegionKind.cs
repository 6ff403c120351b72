namespace MixAug.Regions;

/// <summary>The kind of a <see cref="MixRegion"/>: how a sample's output is made from its sources.</summary>
public enum MixRegionKind
{
    /// <summary>The sample is left as it is (not mixed, or paired with itself).</summary>
    Keep,

    /// <summary>The whole sample is a weighted sum of its sources (Mixup).</summary>
    Blend,

    /// <summary>A box of the partner is pasted into the sample (CutMix, SaliencyMix).</summary>
    Box,

    /// <summary>Explicit per-element weights of the sample itself (a hand-made or imported mask).</summary>
    Mask,

    /// <summary>A mask thresholded from a low-frequency Fourier noise image (FMix), described by its seed.</summary>
    FourierMask,

    /// <summary>The partner's most salient elements replace the sample's (SaliencyMix in mask mode).</summary>
    SaliencyMask,

    /// <summary>Rectangles of any source pasted over the sample, in order (CutMix with several sources, layouts).</summary>
    Tiles,

    /// <summary>A box of the partner with Gaussian-soft edges (SmoothMix), described by its box and sigma.</summary>
    SoftBox,

    /// <summary>The whole partner resized into a box of the sample (ResizeMix).</summary>
    Resize,

    /// <summary>Four sources resized and cropped into the quadrants around a centre (Mosaic).</summary>
    Mosaic,
}
