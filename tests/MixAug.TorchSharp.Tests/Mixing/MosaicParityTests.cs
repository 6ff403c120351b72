using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// TorchMixer's Mosaic against CpuMixer: the CpuMixer path bit for bit; the libtorch path (one antialiased
/// <c>interpolate</c> of the four sources per sample, then a crop per quadrant) within libtorch's float rounding, and
/// exactly where tiles are crops at the image's own size.
/// </summary>
public sealed class MosaicParityTests
{
    [TestCase(true)]
    [TestCase(false)]
    public void Mosaic_plans_match_CpuMixer_on_both_paths(bool shrinkTiles)
    {
        foreach (int batch in new[] { 1, 2, 5 })
        {
            var shape = new BatchShape(batch, 3, 31, 27);
            MixPlan plan = new Mosaic(probability: 0.9, shrinkTiles: shrinkTiles).CreatePlan(shape, new MixRandom((ulong)batch));
            float[] source = Batches.Values(shape);
            var expected = new float[source.Length];
            CpuMixer.Apply(plan, source, expected);
            using Tensor images = Batches.ToTensor(source, shape);
            using Tensor viaCpu = TorchMixer.Apply(plan, images);
            Assert.That(Batches.ToArray(viaCpu), Is.EqualTo(expected), "CpuMixer path");
            using Tensor viaOps = TorchMixer.Apply(plan, images, allowCpuKernels: false);
            float[] actual = Batches.ToArray(viaOps);
            for (int k = 0; k < actual.Length; k++)
            {
                Assert.That(actual[k], Is.EqualTo(expected[k]).Within(shrinkTiles ? 1e-5 : 0), $"batch {batch}, element {k}");
            }

            using Tensor doubles = TorchMixer.Apply(plan, images.to(ScalarType.Float64), allowCpuKernels: false);
            Assert.That(doubles.dtype, Is.EqualTo(ScalarType.Float64));
        }
    }

    [Test]
    public void Integer_tensors_are_refused_for_mosaics()
    {
        MixPlan plan = new Mosaic().CreatePlan(new BatchShape(4, 1, 8, 8), new MixRandom(1));
        using Tensor bytes = zeros([4, 1, 8, 8], ScalarType.Byte);
        var e = Assert.Throws<ArgumentException>(() => TorchMixer.Apply(plan, bytes));
        Assert.That(e!.Message, Does.Contain("Mosaic"));
    }
}
