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

    private static Dictionary<string, Tensor> Stacked(List<Dictionary<string, Tensor>> samples) =>
        samples[0].Keys.ToDictionary(k => k, k => stack(samples.Select(s => s[k])));

    [TestCase(typeof(CutMix))]
    [TestCase(typeof(MixUp))]
    [TestCase(typeof(FMix))]
    public void A_stacked_batch_gives_what_MixCollate_gives_for_its_samples(Type method)
    {
        IMixTransform policy = method == typeof(CutMix) ? new CutMix(mode: LambdaMode.Element)
            : method == typeof(MixUp) ? new MixUp(mode: LambdaMode.Element)
            : new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup);
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
        AssertRefused(b => { }, [AlignedKey.Boxes("boxes", "box_classes")], "boxes", null, "differ in count per image", "BoxMixer");
        AssertRefused(b => { }, [AlignedKey.Values("depth"), AlignedKey.LabelMap("depth")], "depth", null, "writes 'depth'");
        AssertRefused(b => { }, [AlignedKey.Values("label")], "label", null, "writes 'label'");
    }
}
