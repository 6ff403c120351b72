using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Tests.Regions;

public class RegionRasterizerTests
{
    private static readonly SpatialShape Spatial = new(5, 6);

    [Test]
    public void BoxesAndKeepsRasteriseToExactWeightsAndSlots()
    {
        var box = new BoxRegion(1, 2, 3, 5);
        var weights = new float[30];
        RegionRasterizer.WriteOwnWeights(box, Spatial, 0.7, weights);
        var slots = new byte[30];
        RegionRasterizer.WriteSlots(box, Spatial, slots);
        for (int index = 0; index < 30; index++)
        {
            int y = index / 6, x = index % 6;
            bool inside = y is >= 1 and < 3 && x is >= 2 and < 5;
            Assert.That(weights[index], Is.EqualTo(inside ? 0f : 1f), $"element {index}");
            Assert.That(slots[index], Is.EqualTo(inside ? 1 : 0));
        }

        Assert.That(weights.Average(w => (double)w), Is.EqualTo(box.OwnShare(Spatial, 0)).Within(1e-15));
        RegionRasterizer.WriteOwnWeights(MixRegion.Keep, Spatial, 1, weights);
        Assert.That(weights, Is.All.EqualTo(1f));
        RegionRasterizer.WriteOwnWeights(MixRegion.Blend, Spatial, 0.3, weights);
        Assert.That(weights, Is.All.EqualTo(0.3f));
    }

    [Test]
    public void LaterTilesPaintOverEarlierOnes()
    {
        var tiles = new TileRegion([new Tile(1, 0, 0, 4, 4), new Tile(2, 2, 2, 5, 6)]);
        var slots = new byte[30];
        RegionRasterizer.WriteSlots(tiles, Spatial, slots);
        Assert.That(slots[(0 * 6) + 0], Is.EqualTo(1));
        Assert.That(slots[(3 * 6) + 3], Is.EqualTo(2), "inside both: the later tile wins");
        Assert.That(slots[(4 * 6) + 0], Is.EqualTo(0), "outside every tile: the sample itself");
        var shares = new double[3];
        tiles.MeasureShares(Spatial, [0.5, 0.25, 0.25], shares);
        int[] counts = [slots.Count(s => s == 0), slots.Count(s => s == 1), slots.Count(s => s == 2)];
        Assert.That(shares, Is.EqualTo(counts.Select(c => c / 30.0).ToArray()));
        Assert.That(() => RegionRasterizer.WriteOwnWeights(tiles, Spatial, 0.5, new float[30]), Throws.ArgumentException.With.Message.Contains("WriteSlots"));
    }

    [Test]
    public void SaliencyMasksGiveThePartnersMostSalientElementsAway()
    {
        // A full-resolution "map" equal to the element index: the largest indices are the most salient.
        float[] grid = [.. Enumerable.Range(0, 60).Select(i => (float)(i % 30))];
        var maps = SaliencyMaps.FromGrids(new FullResolution(), Spatial, 5, 6, grid);
        var region = new SaliencyMaskRegion(maps, 1, ownCount: 21);
        var weights = new float[30];
        RegionRasterizer.WriteOwnWeights(region, Spatial, 0.7, weights);
        for (int index = 0; index < 30; index++)
        {
            Assert.That(weights[index], Is.EqualTo(index < 21 ? 1f : 0f), $"element {index}: the 9 largest go to the partner");
        }
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => RegionRasterizer.WriteOwnWeights(null!, Spatial, 1, new float[30]));
        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteOwnWeights(MixRegion.Keep, Spatial, 1, new float[29]))!.ParamName, Is.EqualTo("weights"));
        Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteOwnWeights(new BoxRegion(0, 0, 9, 9), Spatial, 1, new float[30]));
        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteSlots(MixRegion.Blend, Spatial, new byte[30]))!.Message, Does.Contain("WriteOwnWeights"));
        Assert.That(Assert.Throws<ArgumentException>(() => RegionRasterizer.WriteSlots(MixRegion.Keep, Spatial, new byte[3]))!.ParamName, Is.EqualTo("slots"));
    }

    private sealed class FullResolution : ISaliencySource
    {
        public (int Height, int Width) GridSize(SpatialShape spatial) => (spatial.Height, spatial.Width);

        public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid) => throw new NotSupportedException();
    }
}
