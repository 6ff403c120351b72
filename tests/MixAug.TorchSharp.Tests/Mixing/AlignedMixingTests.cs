using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// Several aligned tensors mixed by one plan: images, a second view, depth, per-pixel weights and integer maps. The
/// address tensors (every element holds its own sample × N + element, as float and as int64) show that every tensor
/// took each element from the same place.
/// </summary>
public sealed class AlignedMixingTests
{
    private static readonly BatchShape Shape = new(5, 3, 8, 6);

    [Test]
    public void EveryTensorTakesEachElementFromTheSameSource()
    {
        using var scope = NewDisposeScope();
        int n = Shape.Spatial.Size;
        long[] map = [Shape.BatchSize, Shape.Height, Shape.Width];
        for (ulong seed = 0; seed < 30; seed++)
        {
            var random = new MixRandom(seed);
            MixPlan plan = (seed % 2 == 0 ? new CutMix(mode: LambdaMode.Element) : (IMixTransform)new FMix(granularity: MaskGranularity.PerGroup)).CreatePlan(Shape, random);
            Tensor addresses = arange(Shape.BatchSize * n, ScalarType.Int64).reshape(map);
            Tensor images = rand([Shape.BatchSize, 3, Shape.Height, Shape.Width]);
            Tensor view = (images * 2) + 1;
            Tensor depth = addresses.to_type(ScalarType.Float32).unsqueeze(1).expand(Shape.BatchSize, 2, Shape.Height, Shape.Width);
            Tensor bytes = addresses.remainder(251).to_type(ScalarType.Byte);
            Tensor ints = addresses.to_type(ScalarType.Int32);

            Tensor[] mixed = AlignedMixing.Apply(plan, [images, view, depth, bytes, ints, addresses]);

            Assert.That(mixed.Select(t => (t.dtype, t.shape)), Is.EqualTo(new[] { images, view, depth, bytes, ints, addresses }.Select(t => (t.dtype, t.shape))));
            Tensor from = mixed[5];
            Assert.That(mixed[4].to_type(ScalarType.Int64).eq(from).all().item<bool>(), $"seed {seed}: int32 map");
            Assert.That(mixed[3].eq(from.remainder(251).to_type(ScalarType.Byte)).all().item<bool>(), $"seed {seed}: uint8 map");
            Assert.That(mixed[2][.., 0].to_type(ScalarType.Int64).eq(from).all().item<bool>() && mixed[2][.., 1].to_type(ScalarType.Int64).eq(from).all().item<bool>(), $"seed {seed}: depth channels");

            // The images: each element of the output is the input element the address names, in every channel; the
            // second view is the same affine function of them.
            Tensor gathered = images.permute(1, 0, 2, 3).reshape(3, -1).index_select(1, from.reshape(-1)).reshape(3, Shape.BatchSize, Shape.Height, Shape.Width).permute(1, 0, 2, 3);
            Assert.That(mixed[0].eq(gathered).all().item<bool>(), $"seed {seed}: images");
            Assert.That(mixed[1].allclose((mixed[0] * 2) + 1, rtol: 0, atol: 1e-6), $"seed {seed}: second view");

            // And the float images are exactly what CpuMixer makes of the array.
            float[] expected = new float[images.numel()];
            CpuMixer.Apply(plan, images.data<float>().ToArray(), expected);
            Assert.That(mixed[0].data<float>().ToArray(), Is.EqualTo(expected));
        }
    }

    [Test]
    public void BlendsMixFloatsWithTheSameWeightsAndRefuseIntegerTensorsWithoutLeaking()
    {
        using var scope = NewDisposeScope();
        MixPlan plan = new MixUp(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(7));
        Tensor images = rand([Shape.BatchSize, 3, Shape.Height, Shape.Width]);
        Tensor weights = rand([Shape.BatchSize, Shape.Height, Shape.Width], ScalarType.Float64);
        Tensor[] mixed = AlignedMixing.Apply(plan, [images, weights]);
        double[] w = weights.data<double>().ToArray();
        double[] m = mixed[1].data<double>().ToArray();
        int n = Shape.Spatial.Size;
        for (int i = 0; i < Shape.BatchSize; i++)
        {
            float own = (float)plan.Lambdas[i], partner = (float)(1 - plan.Lambdas[i]);
            for (int e = 0; e < n; e++)
            {
                Assert.That(m[(i * n) + e], Is.EqualTo((w[(i * n) + e] * own) + (w[(plan.Partners[i] * n) + e] * partner)).Within(1e-6));
            }
        }

        var ex = Assert.Throws<ArgumentException>(() => AlignedMixing.Apply(plan, [images, zeros([Shape.BatchSize, Shape.Height, Shape.Width], ScalarType.Int64)]));
        Assert.That(ex!.ParamName, Is.EqualTo("tensors"));
        Assert.That(ex.Message, Does.StartWith("tensors[1] cannot be mixed by this plan: "));
        Assert.That(Assert.Throws<ArgumentException>(() => AlignedMixing.Apply(plan, []))!.ParamName, Is.EqualTo("tensors"));
        MixPlan boxes = new CutMix().CreatePlan(Shape, new MixRandom(1));
        Assert.That(Assert.Throws<ArgumentException>(() => AlignedMixing.Apply(boxes, [images, zeros([Shape.BatchSize, Shape.Height, 7])]))!.Message, Does.StartWith("tensors[1] cannot"));
    }
}
