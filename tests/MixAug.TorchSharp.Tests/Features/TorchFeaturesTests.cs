using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Saliency;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Features;

public class TorchFeaturesTests
{
    /// <summary>Faint noise with one bright blob per sample at a known place, so each map has one clear peak.</summary>
    private static float[] Blobs(BatchShape shape, (int Y, int X)[] centres)
    {
        var random = new MixRandom(3);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < shape.BatchSize; i++)
        {
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int y = 0; y < shape.Height; y++)
                {
                    for (int x = 0; x < shape.Width; x++)
                    {
                        double d2 = ((y - centres[i].Y) * (y - centres[i].Y)) + ((x - centres[i].X) * (x - centres[i].X));
                        values[(i * shape.SampleSize) + (c * shape.PlaneSize) + (y * shape.Width) + x] = (float)(0.45 + (0.1 * random.NextDouble()) + (0.5 * Math.Exp(-d2 / 32.0)));
                    }
                }
            }
        }

        return values;
    }

    [Test]
    public void Spectral_residual_on_the_device_agrees_with_the_cpu()
    {
        var shape = new BatchShape(4, 3, 96, 112);
        (int, int)[] centres = [(20, 30), (70, 90), (48, 10), (10, 100)];
        float[] pixels = Blobs(shape, centres);
        var maps = FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, SaliencyDetail.Maps);
        var peaks = FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, SaliencyDetail.Peaks);
        SaliencyMaps cpu = CpuFeatures.Compute(maps, shape, pixels).Saliency[0];
        using Tensor images = Batches.ToTensor(pixels, shape);
        SaliencyMaps device = TorchFeatures.Compute(maps, images, allowCpuKernels: false).Saliency[0];
        SaliencyMaps devicePeaks = TorchFeatures.Compute(peaks, images, allowCpuKernels: false).Saliency[0];
        Assert.That(devicePeaks.HasGrids, Is.False, "peaks only: B indices to the host");
        for (int i = 0; i < shape.BatchSize; i++)
        {
            float[] a = cpu.Grid(i).ToArray(), b = device.Grid(i).ToArray();
            double worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
            Assert.That(worst, Is.LessThan(2e-3), $"sample {i}: grids in [0, 1] agree within float tolerance");
            Assert.That(device.Peak(i), Is.EqualTo(cpu.Peak(i)), $"sample {i}: peaks from the device grids");
            Assert.That(devicePeaks.Peak(i), Is.EqualTo(cpu.Peak(i)), $"sample {i}: peaks found on the device");
            Assert.That(Math.Abs((cpu.Peak(i) / shape.Width) - centres[i].Item1), Is.LessThanOrEqualTo(8));
        }
    }

    /// <summary>A CPU tensor is the CPU backend's: exactly the features of the same pixels as an array.</summary>
    [TestCase(SaliencyDetail.Maps)]
    [TestCase(SaliencyDetail.Peaks)]
    public void A_cpu_tensor_gets_exactly_the_features_of_the_array(SaliencyDetail detail)
    {
        var shape = new BatchShape(3, 3, 28, 28);
        float[] pixels = Blobs(shape, [(5, 5), (20, 14), (14, 22)]);
        var needs = FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, detail);
        SaliencyMaps cpu = CpuFeatures.Compute(needs, shape, pixels).Saliency[0];
        using Tensor images = Batches.ToTensor(pixels, shape);
        using Tensor doubles = images.to(ScalarType.Float64);
        foreach (Tensor batch in new[] { images, doubles })
        {
            SaliencyMaps fromTensor = TorchFeatures.Compute(needs, batch).Saliency[0];
            Assert.That(fromTensor.HasGrids, Is.EqualTo(cpu.HasGrids));
            for (int i = 0; i < shape.BatchSize; i++)
            {
                Assert.That(fromTensor.Peak(i), Is.EqualTo(cpu.Peak(i)), $"{batch.dtype} sample {i}");
                if (cpu.HasGrids)
                {
                    Assert.That(fromTensor.Grid(i).ToArray(), Is.EqualTo(cpu.Grid(i).ToArray()), $"{batch.dtype} sample {i}");
                }
            }
        }
    }

    /// <summary>
    /// Fine-grained saliency (SaliencyMix's default) has no libtorch implementation: every device takes the host route,
    /// even the device code path (allowCpuKernels false), and gets exactly the CPU backend's maps.
    /// </summary>
    [Test]
    public void Fine_grained_saliency_is_computed_on_the_host_from_any_route()
    {
        var shape = new BatchShape(3, 3, 28, 36);
        float[] pixels = Blobs(shape, [(5, 5), (20, 14), (14, 22)]);
        var needs = FeatureRequirements.ForSaliency(FineGrainedSaliency.Default, SaliencyDetail.Maps);
        SaliencyMaps cpu = CpuFeatures.Compute(needs, shape, pixels).Saliency[0];
        Assert.That(new SaliencyMix().Requirements.Saliency[0].Source, Is.SameAs(FineGrainedSaliency.Default), "the default source");
        using Tensor images = Batches.ToTensor(pixels, shape);
        SaliencyMaps viaDeviceCode = TorchFeatures.Compute(needs, images, allowCpuKernels: false).Saliency[0];
        for (int i = 0; i < shape.BatchSize; i++)
        {
            Assert.That(viaDeviceCode.Peak(i), Is.EqualTo(cpu.Peak(i)), $"sample {i}");
            Assert.That(viaDeviceCode.Grid(i).ToArray(), Is.EqualTo(cpu.Grid(i).ToArray()), $"sample {i}");
        }
    }

    [Test]
    public void The_module_draws_SaliencyMix_plans_from_device_features()
    {
        var shape = new BatchShape(4, 3, 64, 64);
        float[] pixels = Blobs(shape, [(10, 10), (50, 50), (10, 50), (50, 10)]);
        var transform = new SaliencyMix(mode: LambdaMode.Element);
        using Tensor images = Batches.ToTensor(pixels, shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 3 });
        var module = new MixModule(transform, new MixRandom(9), classCount: 4);
        using MixedBatch batch = module.Forward(images, labels);
        MixPlan fromCpu = transform.CreatePlan(shape, pixels, new MixRandom(9));
        Assert.That(MixPlanJson.Serialize(batch.Plan), Is.EqualTo(MixPlanJson.Serialize(fromCpu)));
    }

    [Test]
    public void Bad_images_are_rejected()
    {
        var needs = FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, SaliencyDetail.Peaks);
        using Tensor rank3 = zeros(2, 8, 8);
        using Tensor ints = zeros([2, 3, 8, 8], ScalarType.Int32);
        Assert.That(() => TorchFeatures.Compute(needs, rank3), Throws.ArgumentException.With.Message.Contains("[B, C, H, W]"));
        Assert.That(() => TorchFeatures.Compute(needs, ints), Throws.ArgumentException.With.Message.Contains("Int32"));
        Assert.That(TorchFeatures.Compute(FeatureRequirements.None, rank3), Is.SameAs(BatchFeatures.None));
    }
}
