namespace MixAug.Regions;

/// <summary>One draw of a pairwise transform: the own weight (after correction) and the region it goes with.</summary>
/// <param name="Lambda">Weight of the sample itself, in [0, 1]; its partner gets 1 − λ.</param>
/// <param name="Region">The region; <see cref="MixRegion.Keep"/> pairs with lambda 1.</param>
public readonly record struct RegionDraw(double Lambda, MixRegion Region)
{
    /// <summary>The draw of a sample left unmixed.</summary>
    public static RegionDraw Unmixed => new(1.0, MixRegion.Keep);
}
