namespace MixAug.Planning;

/// <summary>One draw of a <see cref="Transforms.MixTransform"/>: the lambda (after correction) and the region it goes with.</summary>
/// <param name="Lambda">Weight of the sample itself, in [0, 1].</param>
/// <param name="Region">The region; <see cref="MixRegion.Keep"/> pairs with lambda 1.</param>
public readonly record struct RegionDraw(double Lambda, MixRegion Region)
{
    /// <summary>The draw of a sample left unmixed.</summary>
    public static RegionDraw Unmixed => new(1.0, MixRegion.Keep);
}
