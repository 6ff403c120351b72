using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Masks;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// Masks, weights and labels built on the tensor's device from the plan's compact recipes (issue 14). Every test runs on
/// the CPU device (CI) and again on CUDA where <c>torch.cuda.is_available()</c>; expected values come from the CPU
/// rasteriser, <see cref="MaskThreshold"/>, <see cref="SaliencyMaps.Upsample"/> and <see cref="LabelMixer"/>.
/// </summary>
public class DeviceConstructionTests
{
    private static IEnumerable<string> Devices()
    {
        yield return "cpu";
        if (cuda.is_available())
        {
            yield return "cuda";
        }
    }

    private static IEnumerable<TestCaseData> NoiseCases()
    {
        foreach (string device in Devices())
        {
            yield return new TestCaseData(device, new SpatialShape(224, 224), 3.0, FourierSpectrum.Paper).SetName($"{device}: 224x224 paper decay 3");
            yield return new TestCaseData(device, new SpatialShape(31, 17), 1.5, FourierSpectrum.Paper).SetName($"{device}: odd 31x17 paper decay 1.5");
            yield return new TestCaseData(device, new SpatialShape(40, 24), 3.0, FourierSpectrum.Reference).SetName($"{device}: 40x24 reference spectrum");
            yield return new TestCaseData(device, SpatialShape.Sequence(97), 2.0, FourierSpectrum.Paper).SetName($"{device}: sequence of 97");
            yield return new TestCaseData(device, SpatialShape.Volume(6, 10, 8), 2.0, FourierSpectrum.Paper).SetName($"{device}: volume 6x10x8");
        }
    }

    [TestCaseSource(nameof(NoiseCases))]
    public void Noise_synthesised_on_the_device_is_the_CPU_image_within_1e_5_of_its_range(string device, SpatialShape spatial, double decay, FourierSpectrum spectrum)
    {
        FourierNoise[] noises = [.. Enumerable.Range(0, 3).Select(k => new FourierNoise(spatial, decay, 1000UL + (ulong)k, spectrum))];
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        float[] onDevice = ToArray(DeviceMasks.SynthesizeNoise(noises, new Device(device)));
        int n = spatial.Size;
        for (int u = 0; u < noises.Length; u++)
        {
            var expected = new float[n];
            noises[u].Synthesize(expected);
            float range = expected.Max() - expected.Min();
            float worst = Enumerable.Range(0, n).Max(i => Math.Abs(onDevice[(u * n) + i] - expected[i]));
            Assert.That(range, Is.GreaterThan(0f));
            Assert.That(worst, Is.LessThanOrEqualTo(1e-5f * range), $"image {u}: largest difference {worst} of a range {range}");
        }
    }

    [TestCaseSource(nameof(DeviceNames))]
    public void Ranks_put_larger_values_first_and_ties_in_index_order(string device)
    {
        float[] values = [0.5f, 2f, 0.5f, -1f, 2f, float.PositiveInfinity, 0.5f, float.NegativeInfinity, -1f];
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        using Tensor t = tensor(values, [1, values.Length], ScalarType.Float32).to(new Device(device));
        long[] ranks = DeviceMasks.Ranks(t).cpu().data<long>().ToArray();

        // Independently: the number of elements that come before each (larger, or equal with a smaller index).
        long[] expected = [.. values.Select((v, i) => (long)values.Where((w, j) => w > v || (w == v && j < i)).Count())];
        Assert.That(ranks, Is.EqualTo(expected));
        Assert.That(expected, Is.EqualTo(new long[] { 3, 1, 4, 6, 2, 0, 5, 8, 7 })); // the expectation itself, by hand

        // Many ties in a long row (where sorts switch algorithms): within each of four values, ranks follow the index.
        const int length = 50_000;
        float[] many = [.. Enumerable.Range(0, length).Select(i => (float)((i * 7919) % 4))];
        using Tensor row = tensor(many, [1, length], ScalarType.Float32).to(new Device(device));
        long[] manyRanks = DeviceMasks.Ranks(row).cpu().data<long>().ToArray();
        var before = new long[4]; // elements of each value seen so far
        long[] larger = [.. Enumerable.Range(0, 4).Select(v => (long)many.Count(w => w > v))];
        var wrong = 0;
        for (int i = 0; i < length; i++)
        {
            int v = (int)many[i];
            wrong += manyRanks[i] == larger[v] + before[v]++ ? 0 : 1;
        }

        Assert.That(wrong, Is.Zero);
    }

    private static IEnumerable<string> DeviceNames() => Devices();

    private static IEnumerable<TestCaseData> FMixCases()
    {
        foreach (string device in Devices())
        {
            yield return new TestCaseData(device, 0.0, LambdaMode.Element, 28).SetName($"{device}: binary, a noise per sample");
            yield return new TestCaseData(device, 0.3, LambdaMode.Element, 28).SetName($"{device}: soft edge 0.3, a noise per sample");
            yield return new TestCaseData(device, 0.1, LambdaMode.Pair, 28).SetName($"{device}: soft edge 0.1, shared noises");
            yield return new TestCaseData(device, 0.0, LambdaMode.Element, 224).SetName($"{device}: binary 224x224, a noise per sample");
        }
    }

    [TestCaseSource(nameof(FMixCases))]
    public void FMix_masks_threshold_the_device_noise_exactly_as_MaskThreshold_does(string device, double maxSoft, LambdaMode mode, int size)
    {
        var shape = new BatchShape(9, 3, size, size * 5 / 7);
        MixPlan plan = new FMix(mode: mode, maxSoft: maxSoft, granularity: MaskGranularity.PerGroup).CreatePlan(shape, new MixRandom(21));
        List<int> samples = [.. Enumerable.Range(0, plan.BatchSize).Where(i => plan.Regions[i] is FourierMaskRegion)];
        Assume.That(samples, Has.Count.GreaterThan(2));
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        float[] masks = ToArray(DeviceMasks.OwnWeights(plan, samples, new Device(device)));
        int n = plan.Spatial.Size;
        for (int k = 0; k < samples.Count; k++)
        {
            var region = (FourierMaskRegion)plan.Regions[samples[k]];
            float[] noise = ToArray(DeviceMasks.SynthesizeNoise([region.Noise], new Device(device)));
            var expected = new float[n];
            MaskThreshold.Apply(noise, region.OwnCount, region.MaxSoft, expected);
            float[] actual = masks[(k * n)..((k + 1) * n)];
            Assert.That(actual, Is.EqualTo(expected), $"mask of sample {samples[k]}");
            Assert.That(actual.Sum(v => (double)v) / n, Is.EqualTo(region.Mean), "the plan's exact mean");

            // Against the CPU rasteriser: the same own count, and elements may only swap sides where the noise values
            // are within the synthesis tolerance of each other.
            var cpu = new float[n];
            RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[samples[k]], cpu);
            int differing = Enumerable.Range(0, n).Count(i => cpu[i] != actual[i]);
            TestContext.Out.WriteLine($"sample {samples[k]}: {differing} of {n} elements differ from the CPU's mask");
            Assert.That(differing, Is.LessThanOrEqualTo(4), $"sample {samples[k]}: {differing} elements differ from the CPU's mask");
        }
    }

    private static IEnumerable<TestCaseData> GridCases()
    {
        foreach (string device in Devices())
        {
            yield return new TestCaseData(device, new SpatialShape(30, 22), 7, 5).SetName($"{device}: 7x5 grid to 30x22");
            yield return new TestCaseData(device, new SpatialShape(30, 22), 30, 4).SetName($"{device}: identity rows");
            yield return new TestCaseData(device, new SpatialShape(30, 22), 3, 22).SetName($"{device}: identity columns");
            yield return new TestCaseData(device, SpatialShape.Sequence(50), 1, 9).SetName($"{device}: sequence of 50 from 9 cells");
        }
    }

    [TestCaseSource(nameof(GridCases))]
    public void Saliency_maps_are_upsampled_on_the_device_bit_for_bit(string device, SpatialShape spatial, int gridHeight, int gridWidth)
    {
        int cells = gridHeight * gridWidth;
        var random = new MixRandom(5);
        float[] grids = [.. Enumerable.Range(0, 3 * cells).Select(_ => (float)random.NextDouble())];
        SaliencyMaps maps = SaliencyMaps.FromGrids(new SpectralResidualSaliency(), spatial, gridHeight, gridWidth, grids);
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        float[] upsampled = ToArray(DeviceMasks.UpsampleMaps(maps, [2, 0], new Device(device)));
        int n = spatial.Size;
        int[] order = [2, 0];
        for (int j = 0; j < order.Length; j++)
        {
            var expected = new float[n];
            maps.WriteMap(order[j], expected);
            Assert.That(upsampled[(j * n)..((j + 1) * n)], Is.EqualTo(expected), $"map {order[j]}");
        }
    }

    [TestCaseSource(nameof(DeviceNames))]
    public void Saliency_masks_are_the_CPU_rasterisers_bit_for_bit(string device)
    {
        var shape = new BatchShape(8, 3, 24, 18);
        float[] pixels = Batches.Values(shape);
        MixPlan plan = new SaliencyMix(mode: LambdaMode.Element, region: SaliencyRegion.Mask).CreatePlan(shape, pixels, new MixRandom(8));
        List<int> samples = [.. Enumerable.Range(0, plan.BatchSize).Where(i => plan.Regions[i] is SaliencyMaskRegion)];
        Assume.That(samples, Has.Count.GreaterThan(2));
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        float[] masks = ToArray(DeviceMasks.OwnWeights(plan, samples, new Device(device)));
        int n = plan.Spatial.Size;
        for (int k = 0; k < samples.Count; k++)
        {
            var expected = new float[n];
            RegionRasterizer.WriteOwnWeights(plan.Regions[samples[k]], plan.Spatial, plan.Lambdas[samples[k]], expected);
            Assert.That(masks[(k * n)..((k + 1) * n)], Is.EqualTo(expected), $"sample {samples[k]}");
        }
    }

    [TestCaseSource(nameof(DeviceNames))]
    public void Mixing_with_device_masks_is_CpuMixer_with_those_masks(string device)
    {
        // The arithmetic is exact given the mask: replace each FMix recipe by the mask the device built, and CpuMixer
        // must give the same elements bit for bit.
        var shape = new BatchShape(6, 3, 16, 12);
        MixPlan plan = new FMix(mode: LambdaMode.Element, maxSoft: 0.2, granularity: MaskGranularity.PerGroup).CreatePlan(shape, new MixRandom(33));
        List<int> samples = [.. Enumerable.Range(0, plan.BatchSize).Where(i => plan.Regions[i] is FourierMaskRegion)];
        float[] values = Batches.Values(shape);
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        var on = new Device(device);
        float[] masks = ToArray(DeviceMasks.OwnWeights(plan, samples, on));
        int n = plan.Spatial.Size;
        MixRegion[] regions = [.. plan.Regions];
        for (int k = 0; k < samples.Count; k++)
        {
            regions[samples[k]] = new MaskRegion(masks[(k * n)..((k + 1) * n)]);
        }

        var replaced = new MixPlan(plan.Spatial, [.. plan.Partners.ToArray()], [.. plan.Lambdas.ToArray()], regions);
        var expected = new float[values.Length];
        CpuMixer.Apply(replaced, values, expected);
        Tensor images = Batches.ToTensor(values, shape).to(on);
        Assert.That(Batches.ToArray(TorchMixer.Apply(plan, images, allowCpuKernels: false)), Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> HalfCases()
    {
        foreach (string device in Devices())
        {
            foreach (ScalarType type in new[] { ScalarType.Float16, ScalarType.BFloat16 })
            {
                yield return new TestCaseData(device, type, "batch").SetName($"{device} {type}: MixUp, one lambda");
                yield return new TestCaseData(device, type, "element").SetName($"{device} {type}: MixUp, a lambda per sample");
                yield return new TestCaseData(device, type, "mixed").SetName($"{device} {type}: keeps, blends, boxes, soft masks");
            }
        }
    }

    [TestCaseSource(nameof(HalfCases))]
    public void Half_precision_batches_are_mixed_in_their_dtype_within_one_unit_of_the_float32_result(string device, ScalarType type, string kind)
    {
        var shape = new BatchShape(8, 3, 10, 9);
        MixPlan plan = kind switch
        {
            "batch" => new MixUp(alpha: 1.0).CreatePlan(shape, new MixRandom(3)),
            "element" => new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(4)),
            _ => Batches.MixedRegions(shape),
        };
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        Tensor images = Batches.ToTensor(Batches.Values(shape), shape).to(type).to(new Device(device));
        float[] rounded = Batches.ToArray(images);
        var reference = new float[rounded.Length];
        CpuMixer.Apply(plan, rounded, reference);
        float[] expected = Batches.ToArray(tensor(reference).to(type)); // the float32 result rounded once to the dtype

        Tensor mixed = TorchMixer.Apply(plan, images);
        Assert.That(mixed.dtype, Is.EqualTo(type));
        float[] actual = Batches.ToArray(mixed);

        // One unit in the last place at the scale of the two inputs: 2^-10 (float16) or 2^-7 (bfloat16) of the larger.
        float unit = type == ScalarType.Float16 ? 1f / 1024 : 1f / 128;
        int plane = shape.ElementCount / shape.BatchSize;
        int worse = 0;
        for (int e = 0; e < actual.Length; e++)
        {
            int i = e / plane, partner = plan.Sources(i).Length > 1 ? plan.Sources(i)[1] : i;
            float scale = Math.Max(Math.Abs(rounded[e]), Math.Abs(rounded[(partner * plane) + (e % plane)]));
            worse += Math.Abs(actual[e] - expected[e]) <= unit * scale ? 0 : 1;
        }

        Assert.That(worse, Is.Zero, "elements more than one unit from the float32 result rounded to the dtype");
    }

    [TestCaseSource(nameof(DeviceNames))]
    public void Channels_last_batches_keep_their_layout_and_the_exact_elements(string device)
    {
        var shape = new BatchShape(8, 3, 10, 9);
        float[] values = Batches.Values(shape);
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        Tensor channelsLast = Batches.ToTensor(values, shape).to(new Device(device)).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        long[] strides = channelsLast.stride();
        Assert.That(strides, Is.EqualTo(new long[] { 270, 1, 27, 3 }));
        MixPlan[] plans =
        [
            Batches.MixedRegions(shape),
            new MixUp(alpha: 1.0).CreatePlan(shape, new MixRandom(1)),
            new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(2)),
            new CutMix(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(3)),
        ];
        foreach (MixPlan plan in plans)
        {
            var expected = new float[values.Length];
            CpuMixer.Apply(plan, values, expected);
            Tensor mixed = TorchMixer.Apply(plan, channelsLast);
            Assert.That(mixed.stride(), Is.EqualTo(strides), $"{plan.TransformName}: the result keeps the channels-last layout");
            Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected), plan.TransformName);
        }
    }

    [Test]
    public void Gather_keeps_a_channels_last_layout_and_gathers_other_views_contiguously()
    {
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        Tensor x = arange(2 * 3 * 4 * 5, ScalarType.Float32).reshape(2, 3, 4, 5);
        Tensor index = tensor(new long[] { 1, 0, 1 });
        Tensor channelsLast = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Tensor gathered = TorchMixer.Gather(channelsLast, index);
        Assert.That(gathered.stride(), Is.EqualTo(new long[] { 60, 1, 15, 3 }));
        Assert.That(Batches.ToArray(gathered), Is.EqualTo(Batches.ToArray(x.index_select(0, index))));

        // Batch not outermost (a transposed batch): no dense permutation keeps the batch first, so contiguous.
        Tensor batchInner = x.permute(1, 0, 2, 3).contiguous().permute(1, 0, 2, 3);
        Tensor fromInner = TorchMixer.Gather(batchInner, index);
        Assert.That(fromInner.is_contiguous(), Is.True);
        Assert.That(Batches.ToArray(fromInner), Is.EqualTo(Batches.ToArray(x.index_select(0, index))));
    }

    private static IEnumerable<TestCaseData> LabelCases()
    {
        foreach (string device in Devices())
        {
            yield return new TestCaseData(device, 0.0).SetName($"{device}: no smoothing");
            yield return new TestCaseData(device, 0.1).SetName($"{device}: smoothing 0.1");
        }
    }

    [TestCaseSource(nameof(LabelCases))]
    public void Labels_are_mixed_on_their_device_exactly_as_LabelMixer(string device, double smoothing)
    {
        var shape = new BatchShape(7, 3, 12, 10);
        int[] classes = [3, 1, 3, 0, 4, 1, 2];
        MixPlan[] plans =
        [
            new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(9)),
            new CutMix(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(10)),
            TorchMixerRecipeTests.SeveralSources(shape),
        ];
        using global::TorchSharp.DisposeScope scope = NewDisposeScope();
        var on = new Device(device);
        Tensor labels = tensor(classes.Select(c => (long)c).ToArray()).to(on);
        float[] soft = LabelMixer.ToSoftTargets(new MixPlan(shape.Spatial, [.. Enumerable.Range(0, 7)], [.. Enumerable.Repeat(1.0, 7)], [.. Enumerable.Repeat(MixRegion.Keep, 7)]), classes, 5);
        Tensor softLabels = tensor(soft, [7, 5]).to(on);
        foreach (MixPlan plan in plans)
        {
            Tensor fromIndices = TorchLabelMixer.ToSoftTargets(plan, labels, 5, smoothing);
            Assert.That(fromIndices.device_type, Is.EqualTo(on.type));
            Assert.That(Batches.ToArray(fromIndices), Is.EqualTo(LabelMixer.ToSoftTargets(plan, classes, 5, smoothing)), $"{plan.TransformName} from indices");
            Tensor fromSoft = TorchLabelMixer.ToSoftTargets(plan, softLabels, 5, smoothing);
            Assert.That(Batches.ToArray(fromSoft), Is.EqualTo(LabelMixer.ToSoftTargets(plan, soft, 5, smoothing)), $"{plan.TransformName} from soft rows");
        }

        using CompactTargetTensors compact = TorchLabelMixer.ToCompact(plans[1], labels, 5);
        MixedTargets expected = LabelMixer.ToCompact(plans[1], classes, 5);
        Assert.That(compact.IndexB.cpu().data<long>().ToArray(), Is.EqualTo(expected.IndexB.ToArray().Select(v => (long)v).ToArray()));
        Assert.That(compact.Lambda.cpu().data<float>().ToArray(), Is.EqualTo(expected.Lambda.ToArray()));
        Assert.That(compact.IndexA.device_type, Is.EqualTo(on.type));
    }

    private static float[] ToArray(Tensor t) => Batches.ToArray(t);
}
