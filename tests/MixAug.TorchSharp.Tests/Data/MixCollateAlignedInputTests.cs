using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Bad aligned keys: an ArgumentException naming the key (or <c>options</c>), the sample and the numbers; read errors
/// before any tensor is made, a plan's refusal (integer values under a blend) with nothing left behind; in both the
/// batch count stays where it was.
/// </summary>
public sealed class MixCollateAlignedInputTests
{
    private const int Classes = 4;

    /// <summary>Four good samples: images [3, 8, 8], an int64 "mask" [8, 8] and float32 "depth" [1, 8, 8].</summary>
    private static List<Dictionary<string, Tensor>> Good() =>
        [.. Enumerable.Range(0, 4).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = full([3, 8, 8], (float)i),
            ["label"] = tensor((long)i),
            ["mask"] = full([8, 8], (long)i),
            ["depth"] = full([1, 8, 8], 10f + i),
        })];

    private static readonly MixCollateOptions Aligning = new() { AlignedKeys = [AlignedKey.LabelMap("mask", Classes), AlignedKey.Values("depth")] };

    private static void AssertRejected(List<Dictionary<string, Tensor>> samples, string key, IMixTransform? policy, MixCollateOptions? options, params string[] fragments)
    {
        var collate = new MixCollate(policy ?? new CutMix(), 7, Classes, options: options ?? Aligning);
        using DisposeScope scope = NewDisposeScope();
        var thrown = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => collate.Collate(samples, CPU)) as ArgumentException;
        Assert.That(thrown!.ParamName, Is.EqualTo(key), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }

        Assert.That(scope.DisposablesCount, Is.EqualTo(0), "no tensor is left behind");
        Assert.That((collate.NextBatchIndex, collate.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)), "the count did not move");
    }

    private static void AssertRefusedOptions(MixCollateOptions options, params string[] fragments)
    {
        var thrown = Assert.Throws<ArgumentException>(() => new MixCollate(new MixUp(), 7, Classes, options: options));
        Assert.That(thrown!.ParamName, Is.EqualTo("options"), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }
    }

    [Test]
    public void An_aligned_key_missing_from_one_sample_names_the_key_the_sample_and_the_keys_it_has()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[2].Remove("mask");
        AssertRejected(samples, "mask", null, null, "Sample 2", "'mask'", "'data', 'label', 'depth'", "AlignedKeys");
        List<Dictionary<string, Tensor>> nulled = Good();
        nulled[1]["depth"] = null!;
        AssertRejected(nulled, "depth", null, null, "Sample 1", "'depth'");
    }

    [Test]
    public void Shapes_that_do_not_end_in_the_images_extent_are_refused_with_both_shapes()
    {
        List<Dictionary<string, Tensor>> wide = Good();
        wide.ForEach(s => s["mask"] = zeros([8, 9], ScalarType.Int64));
        AssertRejected(wide, "mask", null, null, "[8, 9]", "extent [8, 8]", "exactly the extent");
        List<Dictionary<string, Tensor>> channelled = Good();
        channelled.ForEach(s => s["mask"] = zeros([1, 8, 8], ScalarType.Int64));
        AssertRejected(channelled, "mask", null, null, "[1, 8, 8]", "exactly the extent");
        List<Dictionary<string, Tensor>> flat = Good();
        flat.ForEach(s => s["depth"] = zeros([8]));
        AssertRejected(flat, "depth", null, null, "[8]", "end in the extent");
        List<Dictionary<string, Tensor>> differing = Good();
        differing[3]["depth"] = zeros([2, 8, 8]);
        AssertRejected(differing, "depth", null, null, "sample 3", "[2, 8, 8]", "[1, 8, 8]");
    }

    [Test]
    public void Dtypes_a_key_cannot_hold_are_refused()
    {
        List<Dictionary<string, Tensor>> floatMaps = Good();
        floatMaps.ForEach(s => s["mask"] = zeros([8, 8]));
        AssertRejected(floatMaps, "mask", null, null, "Float32", "uint8, int32 or int64 class indices");
        List<Dictionary<string, Tensor>> boolDepth = Good();
        boolDepth.ForEach(s => s["depth"] = zeros([1, 8, 8], ScalarType.Bool));
        AssertRejected(boolDepth, "depth", null, null, "Bool", "floating point, uint8, int32 or int64");
        List<Dictionary<string, Tensor>> mixed = Good();
        mixed[2]["mask"] = zeros([8, 8], ScalarType.Int32);
        AssertRejected(mixed, "mask", null, null, "sample 2", "Int32", "Int64");
    }

    [Test]
    public void A_batch_padded_to_its_longest_sequence_takes_no_aligned_key()
    {
        List<Dictionary<string, Tensor>> sequences = [.. Enumerable.Range(0, 3).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = zeros(2, 10 + i),
            ["label"] = tensor(0L),
            ["weights"] = zeros(10 + i),
        })];
        var options = new MixCollateOptions { AlignedKeys = [AlignedKey.Values("weights")] };
        AssertRejected(sequences, "weights", new MixUp(), options, "sample 1", "[2, 11]", "[2, 10]", "padded", "pad the samples");
    }

    [Test]
    public void What_the_drawn_plan_cannot_mix_is_refused_naming_the_key_with_nothing_left_behind()
    {
        // Integer values under a blend: known only once the plan is drawn.
        List<Dictionary<string, Tensor>> ints = Good();
        ints.ForEach(s => s["depth"] = zeros([1, 8, 8], ScalarType.Int32));
        AssertRejected(ints, "depth", new MixUp(), null, "'depth' (values)", "MixUp plan", "Int32");

        // A class outside the soft targets' K = 4 (and not the ignore index).
        List<Dictionary<string, Tensor>> outside = Good();
        outside[1]["mask"] = full([8, 8], 9L);
        AssertRejected(outside, "mask", null, null, "'mask' (label map, soft targets of 4 classes", "9");
    }

    [Test]
    public void Names_that_collide_are_refused_when_the_collate_is_made()
    {
        AssertRefusedOptions(new() { AlignedKeys = null! }, "AlignedKeys is null");
        AssertRefusedOptions(new() { AlignedKeys = [null!] }, "AlignedKeys[0] is null");
        AssertRefusedOptions(new() { AlignedKeys = [AlignedKey.Values("data")] }, "AlignedKeys[0] is 'data'", "images or the labels");
        AssertRefusedOptions(new() { AlignedKeys = [AlignedKey.Values(MixBatchKeys.Targets)] }, "a key the collate writes itself");
        AssertRefusedOptions(new() { AlignedKeys = [AlignedKey.LabelMap("mask"), AlignedKey.Values("mask")] }, "AlignedKeys[1] is 'mask'", "the aligned 'mask' (label map)");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("mask")], AlignedKeys = [AlignedKey.LabelMap("mask")] }, "carried ('mask' (stacked))");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("mask_targets")], AlignedKeys = [AlignedKey.LabelMap("mask", 3)] }, "soft targets go to 'mask_targets'", "carried");
        AssertRefusedOptions(new() { AlignedKeys = [AlignedKey.Values("mask_targets"), AlignedKey.LabelMap("mask", 3)] }, "AlignedKeys[1]", "'mask_targets'");
        Assert.Throws<ArgumentOutOfRangeException>(() => AlignedKey.LabelMap("mask", 0));
        Assert.Throws<ArgumentException>(() => AlignedKey.Values(string.Empty));
        Assert.Throws<ArgumentNullException>(() => AlignedKey.LabelMap(null!));
    }

    [Test]
    public void CarryOtherKeys_leaves_the_aligned_keys_to_their_rule_and_refuses_a_sample_key_where_soft_targets_go()
    {
        var collate = new MixCollate(new CutMix(), 7, Classes, options: new() { CarryOtherKeys = true, AlignedKeys = [AlignedKey.LabelMap("mask"), AlignedKey.Values("depth")] });
        using (DisposeScope scope = NewDisposeScope())
        {
            Dictionary<string, Tensor> batch = collate.Collate(Good(), CPU);
            Assert.That(batch["mask"].shape, Is.EqualTo(new long[] { 4, 8, 8 }), "mixed, not carried twice");
        }

        List<Dictionary<string, Tensor>> samples = Good();
        samples.ForEach(s => s["mask_targets"] = zeros(1));
        AssertRejected(samples, "mask_targets", null, new() { CarryOtherKeys = true, AlignedKeys = [AlignedKey.LabelMap("mask", Classes)] }, "where the soft targets of 'mask'");
    }
}
