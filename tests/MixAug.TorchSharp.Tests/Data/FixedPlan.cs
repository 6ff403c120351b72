using MixAug.Regions;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>A policy that always returns one hand-made plan, to feed plans no transform draws (several sources) through a collate.</summary>
internal sealed class FixedPlan(MixPlan plan) : IMixTransform
{
    public string Name => "Fixed";

    public FeatureRequirements Requirements => FeatureRequirements.None;

    public MixPlan CreatePlan(MixRequest request) => plan;

    /// <summary>Seven samples: tiles of three sources, a blend of four, blends of two, and kept samples of one source.</summary>
    public static MixPlan SeveralSources(SpatialShape spatial)
    {
        var tiles = new TileRegion([new Tile(1, 0, 0, 6, 10), new Tile(2, 4, 3, 12, 7)]);
        var shares = new double[3];
        tiles.MeasureShares(spatial, new double[3], shares);
        var corner = new TileRegion([new Tile(2, 0, 0, 3, 3), new Tile(1, 3, 3, 12, 10)]);
        var cornerShares = new double[3];
        corner.MeasureShares(spatial, new double[3], cornerShares);
        SampleRecipe[] samples =
        [
            new([0, 3, 5], shares, tiles),
            new([1, 2, 4, 6], [0.4, 0.3, 0.2, 0.1], MixRegion.Blend),
            SampleRecipe.Unmixed(2),
            new([3, 0], [0.75, 0.25], MixRegion.Blend),
            SampleRecipe.Unmixed(4),
            new([5, 0, 1], cornerShares, corner),
            SampleRecipe.Unmixed(6),
        ];
        return new MixPlan(spatial, samples);
    }
}
