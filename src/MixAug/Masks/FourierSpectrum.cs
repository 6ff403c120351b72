namespace MixAug.Masks;

/// <summary>Which spectrum an FMix noise image is drawn from.</summary>
public enum FourierSpectrum
{
    /// <summary>
    /// The paper's: every frequency of the image, each bin a complex normal scaled by <c>1/|f|^decay</c> (the bins
    /// carrying the last 10⁻⁵ of the expected variance are left out). Masks have low-frequency structure in every
    /// direction. The default.
    /// </summary>
    Paper,

    /// <summary>
    /// What the FMix reference code (ecs-vlc/FMix <c>make_low_freq_image</c>) actually computes: its
    /// <c>spectrum[:, 0] + 1j * spectrum[:, 1]</c> takes two frequency rows of the array of normals instead of its real
    /// and imaginary parts, so the masks vary along the height only, with at most one cycle across the width. Pick it
    /// to reproduce the paper's published numbers; sequences and images only.
    /// </summary>
    Reference,
}
