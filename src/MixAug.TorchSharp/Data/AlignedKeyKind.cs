namespace MixAug.TorchSharp.Data;

/// <summary>How <see cref="MixCollate"/> mixes an <see cref="AlignedKey"/> by the images' plan.</summary>
public enum AlignedKeyKind
{
    /// <summary>Element by element, as the images are (<see cref="AlignedKey.Values"/>).</summary>
    Values,

    /// <summary>As a segmentation map of class indices (<see cref="AlignedKey.LabelMap(string)"/>).</summary>
    LabelMap,

    /// <summary>As detection boxes with their classes (<see cref="AlignedKey.Boxes"/>).</summary>
    Boxes,
}
