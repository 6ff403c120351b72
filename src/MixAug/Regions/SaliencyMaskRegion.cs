using MixAug.Planning;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Regions;

/// <summary>
/// SaliencyMix's mask mode, described by what generates it: the partner's saliency map (one map of a
/// <see cref="SaliencyMaps"/> computed for the batch) and the number of elements that stay the sample's own. The
/// partner's <c>N − OwnCount</c> most salient elements (ties to the smaller index) replace the sample's; every other
/// element keeps weight 1. Its own share is exactly <c>OwnCount / N</c>.
/// </summary>
public sealed class SaliencyMaskRegion : MixRegion
{
    /// <summary>Creates the recipe.</summary>
    /// <param name="maps">The saliency maps of the batch (with their grids, <see cref="SaliencyMaps.HasGrids"/>).</param>
    /// <param name="mapIndex">The sample whose map ranks the elements: the partner, in [0, <c>maps.BatchSize</c>).</param>
    /// <param name="ownCount">Number of elements that stay the sample's own, in [0, N].</param>
    /// <exception cref="ArgumentNullException"><paramref name="maps"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="maps"/> holds peaks only.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index or count is out of range.</exception>
    public SaliencyMaskRegion(SaliencyMaps maps, int mapIndex, int ownCount)
    {
        ArgumentNullException.ThrowIfNull(maps);
        if (!maps.HasGrids)
        {
            throw new ArgumentException("The saliency maps hold peaks only; a saliency mask needs the maps themselves (SaliencyDetail.Maps).", nameof(maps));
        }

        if ((uint)mapIndex >= (uint)maps.BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(mapIndex), mapIndex, $"mapIndex must lie in [0, {maps.BatchSize}); it was {mapIndex}.");
        }

        int n = maps.Spatial.Size;
        if ((uint)ownCount > (uint)n)
        {
            throw new ArgumentOutOfRangeException(nameof(ownCount), ownCount, $"ownCount must lie in [0, {n}] for a {maps.Spatial} plane; it was {ownCount}.");
        }

        Maps = maps;
        MapIndex = mapIndex;
        OwnCount = ownCount;
    }

    /// <summary>The saliency maps of the batch.</summary>
    public SaliencyMaps Maps { get; }

    /// <summary>The sample whose map ranks the elements (the partner).</summary>
    public int MapIndex { get; }

    /// <summary>Number of elements that stay the sample's own.</summary>
    public int OwnCount { get; }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.SaliencyMask;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitSaliencyMask(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"saliency mask of map {MapIndex}, own {OwnCount} of {Maps.Spatial.Size}";

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        shares[0] = (double)OwnCount / spatial.Size;
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (Maps.Spatial != spatial)
        {
            throw new ArgumentException($"The saliency mask{OfSample(sample)} uses maps of a {Maps.Spatial} plane, not {spatial}.", name);
        }
    }
}
