using MixAug.Planning;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// MixLayer's aligned keys after the loader: a batch as TorchSharp's default collate stacks it gives what MixCollate
/// gives for the same samples (the same plan stream), a pass-through in evaluation mode, and refusals by key that
/// count nothing and leave nothing behind.
/// </summary>
public sealed class MixLayerAlignedTests
{
    private const int Classes = 4;
    private const int Size = 8;

    private static readonly AlignedKey[] Keys = [AlignedKey.LabelMap("mask", Classes, ignoreIndex: 3), AlignedKey.Values("depth")];

    /// <summary>Six samples: images [2, 8, 8], a mask of classes below 4 and depth [1, 8, 8].</summary>
    private static List<Dictionary<string, Tensor>> Samples(int seed)
    {
        manual_seed(seed);
        return [.. Enumerable.Range(0, 6).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = rand(2, Size, Size),
            ["label"] = tensor((long)(i % Classes)),
            ["mask"] = randint(0, Classes, [Size, Size], ScalarType.Int64),
            ["depth"] = rand(1, Size, Size),
        })];
    }

    /// <summary>The policy the tests compare by: per-sample CutMix, MixUp and FMix, or Mosaic.</summary>
    private static IMixTransform PolicyOf(Type method) =>
        method == typeof(CutMix) ? new CutMix(mode: LambdaMode.Element)
        : method == typeof(MixUp) ? new MixUp(mode: LambdaMode.Element)
        : method == typeof(FMix) ? new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup)
        : new Mosaic();

    private static Dictionary<string, Tensor> Stacked(List<Dictionary<string, Tensor>> samples) =>
        samples[0].Keys.ToDictionary(k => k, k => stack(samples.Select(s => s[k])));

    [TestCase(typeof(CutMix))]
    [TestCase(typeof(MixUp))]
    [TestCase(typeof(FMix))]
    public void A_stacked_batch_gives_what_MixCollate_gives_for_its_samples(Type method)
    {
        IMixTransform policy = PolicyOf(method);
        var collate = new MixCollate(policy, 19, Classes, smoothing: 0.1, options: new() { AlignedKeys = Keys });
        using var layer = new MixLayer(policy, 19, Classes, smoothing: 0.1);
        for (int k = 0; k < 3; k++)
        {
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = Samples(k);
            Dictionary<string, Tensor> expected = collate.Collate(samples, CPU);
            using MixedBatch actual = layer.forward(Stacked(samples), Keys);
            string what = $"{method.Name}, batch {k}";
            Assert.That(MixPlanJson.Serialize(actual.Plan), Is.EqualTo(collate.LastBatch!.ToJson()), $"{what}: the plan");
            Assert.That(Loaders.Values(actual.Images), Is.EqualTo(Loaders.Values(expected["data"])), what);
            Assert.That(Loaders.Values(actual.Targets!), Is.EqualTo(Loaders.Values(expected[MixBatchKeys.Targets])), what);
            Assert.That(actual.Aligned.Keys, Is.EquivalentTo(new[] { "mask", "mask_targets", "depth" }), what);
            foreach (string key in actual.Aligned.Keys)
            {
                Assert.That(Loaders.Values(actual.Aligned[key]), Is.EqualTo(Loaders.Values(expected[key])), $"{what}: '{key}'");
            }
        }

        Assert.That(layer.NextBatchIndex, Is.EqualTo(3));
    }

    [Test]
    public void In_evaluation_mode_the_aligned_tensors_are_copies_and_nothing_is_counted()
    {
        using var layer = new MixLayer(new CutMix(), 3, Classes);
        layer.eval();
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = Stacked(Samples(1));
        using MixedBatch passed = layer.forward(batch, Keys);
        Assert.That(Loaders.Values(passed.Aligned["mask"]), Is.EqualTo(Loaders.Values(batch["mask"])));
        Assert.That(Loaders.Values(passed.Aligned["depth"]), Is.EqualTo(Loaders.Values(batch["depth"])));
        Assert.That(passed.Aligned["depth"].Handle, Is.Not.EqualTo(batch["depth"].Handle), "a copy");
        Assert.That((layer.NextBatchIndex, layer.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)));
    }

    [Test]
    public void Disposing_the_batch_disposes_its_aligned_tensors()
    {
        using var layer = new MixLayer(new CutMix(), 3, Classes);
        using DisposeScope scope = NewDisposeScope();
        MixedBatch mixed = layer.forward(Stacked(Samples(2)), Keys);
        Tensor[] aligned = [.. mixed.Aligned.Values];
        mixed.Dispose();
        Assert.That(aligned.All(t => t.IsInvalid), Is.True);
    }

    private static void AssertRefused(Action<Dictionary<string, Tensor>> spoil, IReadOnlyList<AlignedKey> keys, string key, IMixTransform? policy = null, params string[] fragments)
    {
        using var layer = new MixLayer(policy ?? new CutMix(), 3, Classes);
        using DisposeScope outer = NewDisposeScope();
        Dictionary<string, Tensor> batch = Stacked(Samples(4));
        spoil(batch);
        int before = outer.DisposablesCount;
        var thrown = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => layer.forward(batch, keys)) as ArgumentException;
        Assert.That(thrown!.ParamName, Is.EqualTo(key), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }

        Assert.That(outer.DisposablesCount, Is.EqualTo(before), "nothing left behind");
        Assert.That((layer.NextBatchIndex, layer.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)), "nothing counted");
    }

    [Test]
    public void Bad_aligned_keys_are_refused_by_key_counting_nothing()
    {
        AssertRefused(b => b.Remove("mask"), Keys, "mask", null, "no tensor under 'mask'");
        AssertRefused(b => b["mask"] = b["mask"].unsqueeze(1), Keys, "mask", null, "[6, 1, 8, 8]", "[B, spatial…]");
        AssertRefused(b => b["depth"] = b["depth"][..4], Keys, "depth", null, "[4, 1, 8, 8]");
        AssertRefused(b => b["mask"] = b["mask"].to(ScalarType.Float32), Keys, "mask", null, "Float32");
        AssertRefused(b => b["depth"] = b["depth"].to(ScalarType.Int32), Keys, "depth", new MixUp(), "'depth' (values)", "MixUp plan", "Int32");
        AssertRefused(b => { }, [AlignedKey.Boxes("boxes", "box_classes")], "boxes", null, "no tensor under 'boxes'");
        AssertRefused(b => { }, [AlignedKey.Values("depth"), AlignedKey.LabelMap("depth")], "depth", null, "writes 'depth'");
        AssertRefused(b => { }, [AlignedKey.Values("label")], "label", null, "writes 'label'");
    }

    private static readonly AlignedKey[] BoxKeys = [AlignedKey.Boxes("boxes", "box_classes", minVisibleFraction: 0.2), AlignedKey.LabelMap("mask")];

    /// <summary>Six samples of <see cref="Samples"/> with 0 to 3 boxes each (corners on the 8x8 grid and between it).</summary>
    private static List<Dictionary<string, Tensor>> SamplesWithBoxes(int seed)
    {
        List<Dictionary<string, Tensor>> samples = Samples(seed);
        var random = new Random(seed);
        foreach (Dictionary<string, Tensor> sample in samples)
        {
            int count = random.Next(4);
            var corners = new float[count * 4];
            for (int b = 0; b < count; b++)
            {
                float x0 = random.Next(7) + 0.5f, y0 = random.Next(7);
                corners[4 * b] = x0;
                corners[(4 * b) + 1] = y0;
                corners[(4 * b) + 2] = Math.Min(Size, x0 + 1 + random.Next(4));
                corners[(4 * b) + 3] = Math.Min(Size, y0 + 1 + random.Next(4));
            }

            sample["boxes"] = tensor(corners, [count, 4]);
            sample["box_classes"] = tensor(Enumerable.Range(0, count).Select(_ => (long)random.Next(Classes)).ToArray(), [count]);
        }

        return samples;
    }

    /// <summary>The samples stacked as a detection collate pads boxes: to the most boxes of any sample, padding rows of
    /// class −1 whose corners are garbage (NaN), which must be skipped.</summary>
    private static Dictionary<string, Tensor> StackedWithPaddedBoxes(List<Dictionary<string, Tensor>> samples)
    {
        Dictionary<string, Tensor> batch = Stacked([.. samples.Select(s => s.Where(p => p.Key is not ("boxes" or "box_classes")).ToDictionary())]);
        long most = Math.Max(1, samples.Max(s => s["boxes"].shape[0]));
        batch["boxes"] = stack(samples.Select(s => cat([s["boxes"], full(most - s["boxes"].shape[0], 4, float.NaN)])));
        batch["box_classes"] = stack(samples.Select(s => cat([s["box_classes"], full(most - s["box_classes"].shape[0], -1L, ScalarType.Int64)])));
        return batch;
    }

    [TestCase(typeof(CutMix))]
    [TestCase(typeof(MixUp))]
    [TestCase(typeof(Mosaic))]
    public void Padded_boxes_give_what_MixCollate_gives_for_the_samples_boxes(Type method)
    {
        IMixTransform policy = PolicyOf(method);
        var collate = new MixCollate(policy, 23, Classes, options: new() { AlignedKeys = BoxKeys });
        using var layer = new MixLayer(policy, 23, Classes);
        int mixedBoxes = 0;
        for (int k = 0; k < 4; k++)
        {
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = SamplesWithBoxes(k);
            Dictionary<string, Tensor> expected = collate.Collate(samples, CPU);
            using MixedBatch actual = layer.forward(StackedWithPaddedBoxes(samples), BoxKeys);
            string what = $"{method.Name}, batch {k}";
            Assert.That(MixPlanJson.Serialize(actual.Plan), Is.EqualTo(collate.LastBatch!.ToJson()), $"{what}: the plan");
            Assert.That(actual.Aligned.Keys, Is.EquivalentTo(new[] { "boxes", "box_classes", "boxes_weights", "boxes_lengths", "mask" }), what);
            foreach (string key in actual.Aligned.Keys)
            {
                Assert.That(actual.Aligned[key].shape, Is.EqualTo(expected[key].shape), $"{what}: '{key}'");
                Assert.That(Loaders.Values(actual.Aligned[key]), Is.EqualTo(Loaders.Values(expected[key])), $"{what}: '{key}'");
            }

            mixedBoxes += (int)actual.Aligned["boxes_lengths"].sum().item<long>();
        }

        Assert.That(mixedBoxes, Is.GreaterThan(8), "boxes were mixed, not only padding");
    }

    [Test]
    public void In_evaluation_mode_padded_boxes_come_back_whole_with_weight_one()
    {
        using var layer = new MixLayer(new CutMix(), 3, Classes);
        layer.eval();
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = SamplesWithBoxes(5);
        using MixedBatch passed = layer.forward(StackedWithPaddedBoxes(samples), BoxKeys);
        long[] counts = [.. samples.Select(s => s["boxes"].shape[0])];
        Assert.That(passed.Aligned["boxes_lengths"].data<long>().ToArray(), Is.EqualTo(counts));
        for (int i = 0; i < samples.Count; i++)
        {
            long n = counts[i];
            Assert.That(Loaders.Values(passed.Aligned["boxes"][i, ..(int)n]), Is.EqualTo(Loaders.Values(samples[i]["boxes"])), $"image {i}");
            Assert.That(passed.Aligned["box_classes"][i, ..(int)n].data<long>().ToArray(), Is.EqualTo(samples[i]["box_classes"].data<long>().ToArray()), $"image {i}");
            Assert.That(passed.Aligned["boxes_weights"][i, ..(int)n].data<float>().ToArray(), Is.All.EqualTo(1f), $"image {i}");
        }

        Assert.That((layer.NextBatchIndex, layer.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)));
    }

    [Test]
    public void Bad_padded_boxes_are_refused_by_key_counting_nothing()
    {
        static void WithBoxes(Dictionary<string, Tensor> batch, Tensor corners, Tensor classes)
        {
            batch["boxes"] = corners;
            batch["box_classes"] = classes;
        }

        Tensor Good() => tensor(new float[] { 1, 1, 3, 3 }).expand(6, 1, 4).contiguous();
        Tensor Classes1() => zeros(6, 1, ScalarType.Int64);
        IReadOnlyList<AlignedKey> keys = [AlignedKey.Boxes("boxes", "box_classes")];
        AssertRefused(b => b["box_classes"] = Classes1(), keys, "boxes", null, "no tensor under 'boxes'");
        AssertRefused(b => b["boxes"] = Good(), keys, "box_classes", null, "no tensor under 'box_classes'");
        AssertRefused(b => WithBoxes(b, Good()[.., .., ..3], Classes1()), keys, "boxes", null, "[6, 1, 3]", "[B, M, 4]");
        AssertRefused(b => WithBoxes(b, Good()[..5], Classes1()), keys, "boxes", null, "[5, 1, 4]");
        AssertRefused(b => WithBoxes(b, Good().to(ScalarType.Int32), Classes1()), keys, "boxes", null, "Int32");
        AssertRefused(b => WithBoxes(b, Good(), Classes1().to(ScalarType.Float32)), keys, "box_classes", null, "Float32", "integer classes [6, 1]");
        AssertRefused(b => WithBoxes(b, Good(), zeros(6, 2, ScalarType.Int64)), keys, "box_classes", null, "[6, 2]");
        AssertRefused(b => WithBoxes(b, tensor(new float[] { 1, 1, 9, 3 }).expand(6, 1, 4).contiguous(), Classes1()), keys, "boxes", null, "box 0 of image 0", "(1, 1, 9, 3)", "8x8");
        AssertRefused(b => WithBoxes(b, Good(), full(6, 1, 1L << 40, ScalarType.Int64)), keys, "box_classes", null, "outside the range of int");
        AssertRefused(b => WithBoxes(b, Good(), Classes1()), [AlignedKey.Boxes("boxes", "label")], "boxes", null, "writes 'label'");
        AssertRefused(b => WithBoxes(b, Good(), Classes1()), [AlignedKey.Boxes("boxes", "box_classes"), AlignedKey.Values("boxes_weights")], "boxes_weights", null, "writes 'boxes_weights'");
        AssertRefused(b => { WithBoxes(b, Good(), Classes1()); b["data"] = b["data"].unsqueeze(2); }, keys, "boxes", null, "images [B, C, H, W]");
    }
}
