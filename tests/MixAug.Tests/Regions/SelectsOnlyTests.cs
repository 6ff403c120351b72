using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Tests.Regions;

/// <summary>
/// <see cref="SelectsOnly"/>, the one answer CpuMixer's integer paths, LabelMapMixer and TorchMixer share to "may this
/// region mix integer data": held against the weights <see cref="RegionRasterizer"/> actually writes.
/// </summary>
public class SelectsOnlyTests
{
    [Test]
    public void EveryKindAnswersAsItsMixingDoes()
    {
        var spatial = new SpatialShape(4, 4);
        var maps = SaliencyMaps.FromGrids(SpectralResidualSaliency.Default, spatial, 4, 4, new float[32]);
        var noise = new FourierNoise(spatial, 3, 1);
        (MixRegion Region, bool Selects)[] cases =
        [
            (MixRegion.Keep, true),
            (MixRegion.Blend, false),
            (new BoxRegion(0, 0, 1, 1), true),
            (new MaskRegion([.. Enumerable.Repeat(1f, 8), .. Enumerable.Repeat(0f, 8)]), true),
            (new MaskRegion([.. Enumerable.Repeat(1f, 15), 0.5f]), false),
            (new FourierMaskRegion(noise, 4), true),
            (new FourierMaskRegion(noise, 8, 0.25), false),
            (new FourierMaskRegion(noise, 8, 0.0625), true), // one element each side: linspace(1, 0, 2), weights 1 and 0
            (new FourierMaskRegion(noise, 8, 0.125), false), // two each side: 1, 2/3, 1/3, 0
            (new FourierMaskRegion(noise, 0, 0.25), true),
            (new FourierMaskRegion(noise, 16, 0.25), true),
            (new SaliencyMaskRegion(maps, 1, 4), true),
            (new TileRegion([new Tile(1, 0, 0, 2, 2)]), true),
            (new SoftBoxRegion(spatial, 1, 1, 3, 3, 1.5), false),
            (new ResizeRegion(spatial, 1, 0, 3, 4), false),
            (new MosaicRegion(spatial, 2, 1, 2, 3, [0, 1, 1, 0]), false),
        ];
        foreach ((MixRegion region, bool selects) in cases)
        {
            Assert.That(region.Accept(SelectsOnly.Instance), Is.EqualTo(selects), region.ToString());
        }
    }

    /// <summary>
    /// Over seeded FMix masks (own counts of 0, 1, all and in between; soft widths of 0, a sliver that rounds to no
    /// element, and up to 0.5), the answer is true exactly when every rasterised weight is 0 or 1.
    /// </summary>
    [Test]
    public void FourierMasksSelectExactlyWhenTheirRasterIsBinary()
    {
        var random = new Random(17);
        int binary = 0, soft = 0, binaryWithWidth = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            SpatialShape spatial = trial % 3 == 0
                ? SpatialShape.Sequence(random.Next(2, 60))
                : new SpatialShape(random.Next(1, 12), random.Next(2, 12));
            int n = spatial.Size;
            int own = (trial % 5) switch
            {
                0 => 0,
                1 => n,
                2 => random.Next(2) == 0 ? 1 : n - 1,
                _ => random.Next(n + 1),
            };
            double maxSoft = (trial % 4) switch
            {
                0 => 0,
                1 => 0.5 / n * random.NextDouble(),
                _ => 0.5 * random.NextDouble(),
            };
            var region = new FourierMaskRegion(new FourierNoise(spatial, 3, (ulong)trial), own, maxSoft);
            bool rasterIsBinary = Raster(region, spatial).All(w => w is 0f or 1f);

            Assert.That(region.Accept(SelectsOnly.Instance), Is.EqualTo(rasterIsBinary), region.ToString());
            binary += rasterIsBinary ? 1 : 0;
            soft += rasterIsBinary ? 0 : 1;
            binaryWithWidth += rasterIsBinary && maxSoft > 0 ? 1 : 0;
        }

        // Both answers are exercised, and so are binary masks with a soft width (the cases a "MaxSoft == 0" rule gets wrong).
        Assert.That(binary, Is.GreaterThan(50));
        Assert.That(soft, Is.GreaterThan(50));
        Assert.That(binaryWithWidth, Is.GreaterThan(50));
    }

    [Test]
    public void ExplicitMasksSelectExactlyWhenEveryWeightIsZeroOrOne()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            var spatial = new SpatialShape(random.Next(1, 6), random.Next(1, 6));
            bool anySoft = trial % 2 == 0;
            float[] weights = [.. Enumerable.Range(0, spatial.Size).Select(_ => random.Next(2) == 0 ? 0f : 1f)];
            if (anySoft)
            {
                weights[random.Next(weights.Length)] = (float)random.NextDouble() is float w and > 0f and < 1f ? w : 0.5f;
            }

            var region = new MaskRegion(weights);
            Assert.That(region.Accept(SelectsOnly.Instance), Is.EqualTo(!anySoft));
            Assert.That(Raster(region, spatial).All(w => w is 0f or 1f), Is.EqualTo(!anySoft), "the raster agrees");
        }
    }

    private static float[] Raster(MixRegion region, SpatialShape spatial)
    {
        var weights = new float[spatial.Size];
        RegionRasterizer.WriteOwnWeights(region, spatial, 0.5, weights);
        return weights;
    }
}
