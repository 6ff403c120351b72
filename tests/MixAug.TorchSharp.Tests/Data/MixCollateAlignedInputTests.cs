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

    private static void AssertRejected(List<Dictionary<string, Tensor>> samples, string key, IMixTransform? policy, MixCollateOptions? options, params string[] fragments) =>
        CollateRefusals.AssertRejected(new MixCollate(policy ?? new CutMix(), 7, Classes, options: options ?? Aligning), samples, key, fragments);

    private static void AssertRefusedOptions(MixCollateOptions options, params string[] fragments) => CollateRefusals.AssertRefusedOptions(options, Classes, fragments);

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
    public void In_a_padded_batch_each_key_ends_in_its_own_samples_extent_and_pads_with_a_value_its_dtype_holds()
    {
        List<Dictionary<string, Tensor>> Sequences(Func<int, Tensor> key) => [.. Enumerable.Range(0, 3).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = zeros(2, 10 + i),
            ["label"] = tensor(0L),
            ["frames"] = key(i),
        })];

        // Each sample's key ends in its own length, not the batch's longest.
        AssertRejected(Sequences(i => zeros([12], ScalarType.Int64)), "frames", new MixUp(), new() { AlignedKeys = [AlignedKey.LabelMap("frames")] }, "sample 0", "[12]", "extent [10]");
        // A uint8 map pads with its ignore index: the default −100 is not a byte.
        AssertRejected(Sequences(i => zeros([10 + i], ScalarType.Byte)), "frames", new MixUp(), new() { AlignedKeys = [AlignedKey.LabelMap("frames")] }, "ignore index -100", "Byte", "ignoreIndex: 255");
        // uint8 values pad with PadValue, which must be a byte too.
        AssertRejected(Sequences(i => zeros([1, 10 + i], ScalarType.Byte)), "frames", new MixUp(), new() { PadValue = 0.5, AlignedKeys = [AlignedKey.Values("frames")] }, "PadValue 0.5", "Byte");
        // Values of other channel counts, and other dtypes, between samples.
        AssertRejected(Sequences(i => zeros(1 + (i / 2), 10 + i)), "frames", new MixUp(), new() { AlignedKeys = [AlignedKey.Values("frames")] }, "sample 2", "[2, 12]", "[1, 10]", "shape before the extent");
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
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("mask_targets")], AlignedKeys = [AlignedKey.LabelMap("mask", 3)] }, "writes 'mask_targets' too", "carried");
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

    /// <summary>Four samples with boxes: sample i has i boxes [0, 0, 2, 2 + j] of class j (sample 0 none).</summary>
    private static List<Dictionary<string, Tensor>> WithBoxes() =>
        [.. Good().Select((s, i) =>
        {
            s["boxes"] = i == 0 ? zeros(0, 4) : tensor([.. Enumerable.Range(0, i).SelectMany(j => new float[] { 0, 0, 2, 2 + j })], [i, 4]);
            s["box_classes"] = arange(i, dtype: ScalarType.Int64);
            return s;
        })];

    private static readonly MixCollateOptions Boxing = new() { AlignedKeys = [AlignedKey.Boxes("boxes", "box_classes")] };

    [Test]
    public void Bad_boxes_and_classes_are_refused_by_key_sample_and_numbers()
    {
        List<Dictionary<string, Tensor>> missing = WithBoxes();
        missing[2].Remove("box_classes");
        AssertRejected(missing, "box_classes", null, Boxing, "Sample 2", "'box_classes'");
        List<Dictionary<string, Tensor>> three = WithBoxes();
        three[1]["boxes"] = zeros(1, 3);
        AssertRejected(three, "boxes", null, Boxing, "sample 1", "[1, 3]", "[N, 4]");
        List<Dictionary<string, Tensor>> integer = WithBoxes();
        integer[1]["boxes"] = zeros([1, 4], ScalarType.Int64);
        AssertRejected(integer, "boxes", null, Boxing, "Int64", "floating [N, 4]");
        List<Dictionary<string, Tensor>> counts = WithBoxes();
        counts[3]["box_classes"] = zeros([2], ScalarType.Int64);
        AssertRejected(counts, "box_classes", null, Boxing, "sample 3", "[2]", "its 3 boxes");
        List<Dictionary<string, Tensor>> floats = WithBoxes();
        floats[2]["box_classes"] = zeros(2);
        AssertRejected(floats, "box_classes", null, Boxing, "Float32", "integer classes");
        List<Dictionary<string, Tensor>> outside = WithBoxes();
        outside[1]["boxes"] = tensor(new float[] { 0, 0, 9, 1 }, [1, 4]);
        AssertRejected(outside, "boxes", null, Boxing, "box 0 of sample 1", "(0, 0, 9, 1)", "inside the 8x8 image");
        List<Dictionary<string, Tensor>> reversed = WithBoxes();
        reversed[1]["boxes"] = tensor(new float[] { 3, 0, 2, 1 }, [1, 4]);
        AssertRejected(reversed, "boxes", null, Boxing, "(3, 0, 2, 1)", "x0 < x1");
        List<Dictionary<string, Tensor>> nan = WithBoxes();
        nan[2]["boxes"] = tensor(new float[] { 0, 0, float.NaN, 1, 0, 0, 1, 1 }, [2, 4]);
        AssertRejected(nan, "boxes", null, Boxing, "box 0 of sample 2", "NaN");
        List<Dictionary<string, Tensor>> sequences = [.. Enumerable.Range(0, 2).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = zeros(2, 10),
            ["label"] = tensor(0L),
            ["boxes"] = zeros(0, 4),
            ["box_classes"] = zeros([0], ScalarType.Int64),
        })];
        AssertRejected(sequences, "boxes", new MixUp(), Boxing, "need images [C, H, W]", "[10]");
    }

    [Test]
    public void Samples_without_any_box_give_empty_rows_and_zero_counts()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples.ForEach(s =>
        {
            s["boxes"] = zeros(0, 4);
            s["box_classes"] = zeros([0], ScalarType.Int32);
        });
        var collate = new MixCollate(new CutMix(), 7, Classes, options: Boxing);
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        Assert.That((batch["boxes"].shape, batch["box_classes"].shape, batch[MixBatchKeys.WeightsOf("boxes")].shape), Is.EqualTo((new long[] { 4, 0, 4 }, new long[] { 4, 0 }, new long[] { 4, 0 })));
        Assert.That(Loaders.Values(batch[MixBatchKeys.LengthsOf("boxes")]), Is.EqualTo(new double[4]));
    }

    [Test]
    public void Box_keys_that_collide_are_refused_when_the_collate_or_the_key_is_made()
    {
        AssertRefusedOptions(new() { AlignedKeys = [AlignedKey.Boxes("boxes", "label")] }, "writes 'label' too", "images or the labels");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("boxes_weights")], AlignedKeys = [AlignedKey.Boxes("boxes", "box_classes")] }, "writes 'boxes_weights' too", "carried");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Padded("boxes")], AlignedKeys = [AlignedKey.Values("depth"), AlignedKey.Boxes("b", "boxes_lengths")] }, "'boxes_lengths'", "lengths of the carried");
        AssertRefusedOptions(new() { AlignedKeys = [AlignedKey.LabelMap("mask"), AlignedKey.Boxes("boxes", "mask")] }, "writes 'mask' too", "the aligned 'mask' (label map)");
        Assert.Throws<ArgumentException>(() => AlignedKey.Boxes("boxes", "boxes"));
        Assert.Throws<ArgumentException>(() => AlignedKey.Boxes("boxes", string.Empty));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlignedKey.Boxes("boxes", "classes", minVisibleFraction: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlignedKey.Boxes("boxes", "classes", minSide: double.NaN));
        Assert.That(AlignedKey.Boxes("boxes", "classes").ToString(), Is.EqualTo("'boxes' (boxes, classes 'classes')"));
    }

    [Test]
    public void Boxes_too_many_and_large_to_measure_are_refused_by_key_at_once()
    {
        // Two 224x224 samples with 21,500 image-sized boxes each: 4.3·10⁹ pixel visits under a box plan.
        List<Dictionary<string, Tensor>> samples = [.. Enumerable.Range(0, 2).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = zeros(1, 224, 224),
            ["label"] = tensor((long)i),
            ["boxes"] = tensor(new float[] { 0, 0, 224, 224 }).expand(21_500, 4).contiguous(),
            ["box_classes"] = zeros([21_500], ScalarType.Int64),
        })];
        AssertRejected(samples, "boxes", new CutMix(mode: LambdaMode.Element), Boxing, "'boxes' (boxes", "CutMix plan", "pixel visits");
    }
}
