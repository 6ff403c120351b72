namespace MixAug.Transforms;

/// <summary>What a <see cref="SaliencyMix"/> plan pastes from the partner.</summary>
public enum SaliencyRegion
{
    /// <summary>A CutMix-sized box centred on the partner's most salient pixel (the paper).</summary>
    Box,

    /// <summary>The partner's most salient pixels, as many as 1 − λ of the plane, wherever they are (a binary mask).</summary>
    Mask,
}
