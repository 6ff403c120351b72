namespace MixAug.ImageSharp.Drawing;

/// <summary>The swatch a <see cref="LegendEntry"/> shows before its text: a piece of a tile, drawn as the tile draws it.</summary>
public enum LegendMark
{
    /// <summary>No swatch: the entry's key stands first instead.</summary>
    None,

    /// <summary>The orange of the sample's own source (its strip, its name, its part of the label bar).</summary>
    OwnSource,

    /// <summary>The blue of the partner (its strip, its name, its part of the label bar).</summary>
    PartnerSource,

    /// <summary>White in the region panel: the sample's own pixels.</summary>
    OwnPixels,

    /// <summary>Black in the region panel: the partner's pixels.</summary>
    PartnerPixels,

    /// <summary>A uniform grey in the region panel: a blend everywhere, the grey level being λ.</summary>
    Blend,

    /// <summary>A black box with a blue outline in the region panel: a box pasted from the partner.</summary>
    Box,

    /// <summary>The label bar, orange for λ and blue for 1 − λ.</summary>
    LabelBar,

    /// <summary>Several partners' strips side by side, each underlined in its <see cref="ContactSheet.SourceColor"/>.</summary>
    Partners,
}
