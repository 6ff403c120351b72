namespace MixAug.Planning;

/// <summary>
/// How a blend of sequences or clips of different valid lengths (<see cref="MixPlan.ValidLengths"/>) treats the
/// positions past the shorter one.
/// </summary>
public enum BlendLengths
{
    /// <summary>The output is valid up to the shorter source, espnet2's <c>MixupAugment</c> rule; past it both sources'
    /// elements (padding included) are blended and the output there is padding.</summary>
    Shorter,

    /// <summary>The output is valid up to the longer source, and each source is read as zeros past its own length (not
    /// as whatever its padding holds): past the shorter source the output is the longer one times its weight.</summary>
    ZeroPadded,
}
