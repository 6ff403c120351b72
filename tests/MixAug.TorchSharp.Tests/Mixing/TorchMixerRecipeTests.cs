using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>Plan v2 recipes on tensors: masks by recipe, several sources, repeated partners and non-image tensors.</summary>
public class TorchMixerRecipeTests
{
    private static IEnumerable<TestCaseData> RecipePlans()
    {
        var shape = new BatchShape(7, 3, 12, 10);
        float[] pixels = Batches.Values(shape);
        yield return new TestCaseData(new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup).CreatePlan(shape, new MixRandom(1))).SetName("FMix binary per sample");
        yield return new TestCaseData(new FMix(mode: LambdaMode.Pair, maxSoft: 0.2).CreatePlan(shape, new MixRandom(2))).SetName("FMix soft per batch noise");
        yield return new TestCaseData(new SaliencyMix(mode: LambdaMode.Element, region: SaliencyRegion.Mask).CreatePlan(shape, pixels, new MixRandom(3))).SetName("SaliencyMix mask");
        yield return new TestCaseData(SeveralSources(shape)).SetName("tiles and blends of several sources");
        yield return new TestCaseData(new MixPlan(shape.Spatial, [1, 1, 1, 0, 0, 0, 6], [0.3, 1, 0.4, 0.5, 0.6, 0.7, 1], [MixRegion.Blend, MixRegion.Keep, new BoxRegion(2, 2, 9, 8), MixRegion.Blend, MixRegion.Blend, MixRegion.Blend, MixRegion.Keep])).SetName("repeated partners");
    }

    internal static MixPlan SeveralSources(BatchShape shape)
    {
        var tiles = new TileRegion([new Tile(1, 0, 0, 6, 10), new Tile(2, 4, 3, 12, 7)]);
        var shares = new double[3];
        tiles.MeasureShares(shape.Spatial, new double[3], shares);
        SampleRecipe[] samples =
        [
            new([0, 3, 5], shares, tiles),
            new([1, 2, 4, 6], [0.4, 0.3, 0.2, 0.1], MixRegion.Blend),
            SampleRecipe.Unmixed(2),
            new([3, 0], [0.75, 0.25], MixRegion.Blend),
            SampleRecipe.Unmixed(4),
            new([5, 0, 1], [0.5, 0.25, 0.25], new TileRegion([new Tile(2, 0, 0, 3, 3), new Tile(1, 3, 3, 12, 10)])),
            SampleRecipe.Unmixed(6),
        ];
        double[] fifth = new double[3];
        samples[5].Region.MeasureShares(shape.Spatial, new double[3], fifth);
        samples[5] = new SampleRecipe([5, 0, 1], fifth, samples[5].Region);
        return new MixPlan(shape.Spatial, samples);
    }

    [TestCaseSource(nameof(RecipePlans))]
    public void Recipes_match_CpuMixer_exactly_on_both_paths(MixPlan plan)
    {
        var shape = new BatchShape(plan.BatchSize, 3, plan.Spatial);
        float[] source = Batches.Values(shape);
        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor images = Batches.ToTensor(source, shape);
        foreach (bool cpuKernels in new[] { true, false })
        {
            using Tensor mixed = TorchMixer.Apply(plan, images, cpuKernels);
            Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected), $"CpuMixer path {cpuKernels}");
        }

        using Tensor permuted = images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // a strided view
        using Tensor fromView = TorchMixer.Apply(plan, permuted, allowCpuKernels: false);
        Assert.That(Batches.ToArray(fromView), Is.EqualTo(expected), "non-contiguous input");
    }

    [TestCase(ScalarType.Int64)]
    [TestCase(ScalarType.Byte)]
    public void Integer_label_maps_follow_binary_masks_and_boxes(ScalarType type)
    {
        var shape = new BatchShape(6, 1, 12, 10);
        MixPlan[] plans =
        [
            new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, pairing: PairingStrategy.Permutation).CreatePlan(shape, new MixRandom(4)),
            new CutMix(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(5)),
            EdgelessSoftMasks(shape.Spatial),
        ];
        byte[] labels = [.. Enumerable.Range(0, shape.ElementCount).Select(k => (byte)((k * 7) % 23))];
        foreach (MixPlan plan in plans)
        {
            var expected = (byte[])labels.Clone();
            CpuMixer.ApplyInPlace(plan, expected);
            using Tensor maps = tensor(labels, [6, 12, 10]).to(type); // [B, H, W]: no channel dimension
            using Tensor mixed = TorchMixer.Apply(plan, maps);
            Assert.That(mixed.dtype, Is.EqualTo(type));
            Assert.That(mixed.shape, Is.EqualTo(new long[] { 6, 12, 10 }));
            using Tensor asBytes = mixed.to(ScalarType.Byte).contiguous();
            Assert.That(asBytes.data<byte>().ToArray(), Is.EqualTo(expected), plan.TransformName);
        }

        MixPlan soft = new FMix(maxSoft: 0.3).CreatePlan(shape, new MixRandom(6));
        using Tensor labelMaps = zeros([6, 12, 10], type);
        Assert.That(() => TorchMixer.Apply(soft, labelMaps), Throws.ArgumentException.With.Message.Contains("FourierMask").And.Message.Contains("floating-point"));
    }

    /// <summary>
    /// FMix masks with a soft width whose edge holds no weight strictly between 0 and 1 (120 elements: a width of
    /// 0.01 is one element each side, linspace(1, 0, 2); an own count of 0 or all): they select, so integers mix.
    /// </summary>
    private static MixPlan EdgelessSoftMasks(SpatialShape spatial)
    {
        var noise = new FourierNoise(spatial, 3, 7);
        MixRegion[] regions =
        [
            new FourierMaskRegion(noise, 60, 0.01),
            new FourierMaskRegion(noise, 0, 0.3),
            MixRegion.Keep,
            new FourierMaskRegion(noise, 120, 0.5),
            new FourierMaskRegion(noise, 37, 0.004),
            new FourierMaskRegion(noise, 90, 0.01),
        ];
        double[] lambdas = [.. regions.Select(r => r.OwnShare(spatial, 0))];
        return new MixPlan(spatial, [1, 2, 2, 4, 5, 0], lambdas, regions);
    }
}
