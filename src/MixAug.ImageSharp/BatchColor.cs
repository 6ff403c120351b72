namespace MixAug.ImageSharp;

/// <summary>The channels of a batch built from images.</summary>
public enum BatchColor
{
    /// <summary>Three planes, red, green and blue.</summary>
    Rgb,

    /// <summary>One plane of BT.709 luma, rounded to the nearest 8-bit value (R = G = B gives that value exactly).</summary>
    Gray,
}
