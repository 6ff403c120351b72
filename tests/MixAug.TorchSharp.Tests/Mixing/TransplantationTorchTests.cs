using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>Transplantation plans, drawn from int64 class maps as TorchSharp holds them, applied to tensors.</summary>
public class TransplantationTorchTests
{
    [Test]
    public void TensorImagesAndMapsEqualTheCpuOnesForTheSamePlan()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            var shape = new BatchShape(random.Next(1, 6), 3, random.Next(2, 9), random.Next(2, 9));
            long[] maps = [.. Enumerable.Range(0, shape.BatchSize * shape.Spatial.Size).Select(_ => (long)random.Next(4))];
            float[] pixels = [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble())];
            MixPlan plan = new Transplantation(excludedClasses: [0]).CreatePlan(
                new MixRequest(shape, new MixRandom((ulong)trial), new BatchFeatures([], new ClassMaps(shape.Spatial, maps))));

            var cpu = new float[pixels.Length];
            CpuMixer.Apply(plan, pixels, cpu);
            var cpuMaps = new long[maps.Length];
            LabelMapMixer.Mix(plan, maps, cpuMaps);

            using Tensor images = tensor(pixels, [shape.BatchSize, 3, shape.Height, shape.Width]);
            using Tensor mapTensor = tensor(maps, [shape.BatchSize, shape.Height, shape.Width]);
            using Tensor mixed = TorchMixer.Apply(plan, images);
            using Tensor mixedMaps = TorchLabelMapMixer.Mix(plan, mapTensor);
            Assert.That(mixed.data<float>().ToArray(), Is.EqualTo(cpu), $"trial {trial}");
            Assert.That(mixedMaps.data<long>().ToArray(), Is.EqualTo(cpuMaps), $"trial {trial}");
        }
    }

    [Test]
    public void ModulesThatHaveNoClassMapsRefuseThePolicyByName()
    {
        var t = new Transplantation();
        var choice = new MixChoice((new MixUp(), 1), (t, 1));
        foreach (IMixTransform policy in new IMixTransform[] { t, choice })
        {
            var module = Assert.Throws<ArgumentException>(() => _ = new MixModule(policy, new MixRandom(1), 10));
            var collate = Assert.Throws<ArgumentException>(() => _ = new MixCollate(policy, 1, 10));
            var layer = Assert.Throws<ArgumentException>(() => _ = new MixLayer(policy, 1, 10));
            foreach (ArgumentException e in new[] { module!, collate!, layer! })
            {
                Assert.That(e.ParamName, Is.EqualTo("policy"));
                Assert.That(e.Message, Does.Contain(policy.Name).And.Contain("class maps"));
            }
        }
    }
}
