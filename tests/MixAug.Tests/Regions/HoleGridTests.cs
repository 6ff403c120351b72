using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Regions;

/// <summary>A GridMix region keeps its grid's recipe, not a tile per hole: everything read from it must be what the
/// same tiles given as a list give.</summary>
public class HoleGridTests
{
    [Test]
    public void AGridRegionReadsAsTheListOfItsHoles()
    {
        var random = new MixRandom(11);
        var shape = new BatchShape(16, 1, 37, 45);
        MixPlan plan = new GridMix(mode: LambdaMode.Element, minHoles: 1, maxHoles: 9, holeAspect: 0.7).CreatePlan(shape, random);
        int grids = 0;
        foreach (TileRegion grid in plan.Regions.OfType<TileRegion>())
        {
            grids++;
            Tile[] listed = [.. grid.Tiles];
            Assert.That(listed, Has.Length.EqualTo(grid.Tiles.Count));
            Assert.That(Enumerable.Range(0, listed.Length).Select(k => grid.Tiles[k]), Is.EqualTo(listed));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = grid.Tiles[listed.Length]);
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = grid.Tiles[-1]);
            var list = new TileRegion(listed);
            Assert.That(grid.ToString(), Is.EqualTo(list.ToString()));
            Assert.That(grid.OwnShare(shape.Spatial, 0), Is.EqualTo(list.OwnShare(shape.Spatial, 0)));
            for (int e = 0; e < shape.PlaneSize; e++)
            {
                Assert.That(grid.SlotAt(shape.Spatial, e), Is.EqualTo(list.SlotAt(shape.Spatial, e)));
            }
        }

        Assert.That(grids, Is.GreaterThan(10));
    }

    [Test]
    public void AReplayedPlanMixesTheSamePixels()
    {
        // JSON lists the holes as tiles (the format is unchanged); the parsed plan holds lists, the drawn one grids.
        var shape = new BatchShape(7, 3, 29, 33);
        MixPlan plan = new GridMix(mode: LambdaMode.Element, pairing: PairingStrategy.Roll).CreatePlan(shape, new MixRandom(4));
        MixPlan back = MixPlanJson.Parse(MixPlanJson.Serialize(plan));
        float[] input = TestBatches.RandomBatch(shape, 4);
        float[] drawn = (float[])input.Clone(), replayed = (float[])input.Clone();
        CpuMixer.ApplyInPlace(plan, drawn);
        CpuMixer.ApplyInPlace(back, replayed);
        Assert.That(replayed, Is.EqualTo(drawn));
        Assert.That(drawn, Is.Not.EqualTo(input));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
    }
}
