using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>Bad samples and settings: ArgumentException naming the key (or the parameter) and the numbers, before the count moves.</summary>
public sealed class MixCollateInputTests
{
    private const int Classes = 5;

    private static Dictionary<string, Tensor> Sample(Tensor image, Tensor label) => new() { ["data"] = image, ["label"] = label };

    /// <summary>Four good [3, 8, 8] float samples with 0-dim int64 labels; the test replaces one entry.</summary>
    private static List<Dictionary<string, Tensor>> Good() =>
        [.. Enumerable.Range(0, 4).Select(i => Sample(full([3, 8, 8], (float)i), tensor((long)i)))];

    private static void AssertRejected(List<Dictionary<string, Tensor>> samples, string key, params string[] fragments)
    {
        var collate = new MixCollate(new MixUp(), 7, Classes);
        using DisposeScope scope = NewDisposeScope();
        var thrown = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => collate.Collate(samples, CPU)) as ArgumentException;
        Assert.That(thrown!.ParamName, Is.EqualTo(key));
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }

        Assert.That(scope.DisposablesCount, Is.EqualTo(0), "no tensor was made before the check");
        Assert.That((collate.NextBatchIndex, collate.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)), "the count did not move");
    }

    [Test]
    public void A_missing_images_key_names_the_key_the_sample_and_the_keys_it_has()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[2] = new Dictionary<string, Tensor> { ["image"] = samples[2]["data"], ["label"] = samples[2]["label"] };
        AssertRejected(samples, "data", "Sample 2", "'data'", "'image', 'label'", "ImagesKey");
    }

    [Test]
    public void A_missing_labels_key_names_the_key()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[1].Remove("label");
        AssertRejected(samples, "label", "Sample 1", "'label'", "LabelsKey");
    }

    [Test]
    public void Images_of_another_shape_name_the_sample_and_both_shapes()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[3]["data"] = zeros(3, 8, 9);
        AssertRejected(samples, "data", "sample 3", "[3, 8, 9]", "[3, 8, 8]");
    }

    [Test]
    public void Images_of_another_dtype_name_both_dtypes()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[1]["data"] = zeros([3, 8, 8], ScalarType.Float64);
        AssertRejected(samples, "data", "sample 1", "Float64", "Float32");
    }

    [Test]
    public void Images_of_a_rank_or_dtype_that_cannot_be_a_batch_are_rejected()
    {
        List<Dictionary<string, Tensor>> flat = [.. Good().Select(s => Sample(zeros(64), s["label"]))];
        AssertRejected(flat, "data", "[64]", "[C, H, W]");
        List<Dictionary<string, Tensor>> ints = [.. Good().Select(s => Sample(zeros([3, 8, 8], ScalarType.Int32), s["label"]))];
        AssertRejected(ints, "data", "Int32", "uint8");
    }

    [Test]
    public void Labels_of_a_wrong_dtype_or_shape_name_the_labels_key()
    {
        List<Dictionary<string, Tensor>> int32 = [.. Good().Select((s, i) => Sample(s["data"], tensor(i)))];
        AssertRejected(int32, "label", "Int32", "Int64 class index");
        List<Dictionary<string, Tensor>> floatScalar = [.. Good().Select((s, i) => Sample(s["data"], tensor((float)i)))];
        AssertRejected(floatScalar, "label", "Float32 []");
        List<Dictionary<string, Tensor>> twoIndices = [.. Good().Select((s, i) => Sample(s["data"], tensor(new long[] { i, i })))];
        AssertRejected(twoIndices, "label", "Int64 [2]");
        List<Dictionary<string, Tensor>> narrowSoft = [.. Good().Select(s => Sample(s["data"], zeros(3)))];
        AssertRejected(narrowSoft, "label", "3 classes", "has 5");
        List<Dictionary<string, Tensor>> mixedShapes = Good();
        mixedShapes[2]["label"] = tensor(new long[] { 2 });
        AssertRejected(mixedShapes, "label", "sample 2", "Int64 [1]", "Int64 []");
    }

    [Test]
    public void A_class_index_out_of_range_is_rejected_with_the_sample_and_the_range()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[3]["label"] = tensor(9L);
        var collate = new MixCollate(new MixUp(), 7, Classes);
        Assert.That(
            () => collate.Collate(samples, CPU),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("label").And.Message.Contains("sample 3 is 9, outside [0, 5)"));
        Assert.That(collate.NextBatchIndex, Is.EqualTo(0));
    }

    [Test]
    public void Soft_labels_cannot_make_compact_targets()
    {
        List<Dictionary<string, Tensor>> samples = [.. Good().Select(s => Sample(s["data"], full(Classes, 0.2f)))];
        var collate = new MixCollate(new MixUp(), 7, Classes, compactTargets: true);
        Assert.That(() => collate.Collate(samples, CPU), Throws.ArgumentException.With.Property("ParamName").EqualTo("label").And.Message.Contains("compact targets need Int64"));
    }

    [Test]
    public void Soft_labels_that_are_not_distributions_name_the_labels_key()
    {
        List<Dictionary<string, Tensor>> samples = [.. Good().Select(s => Sample(s["data"], full(Classes, 0.5f)))];
        var collate = new MixCollate(new MixUp(), 7, Classes);
        using DisposeScope scope = NewDisposeScope();
        Assert.That(() => collate.Collate(samples, CPU), Throws.ArgumentException.With.Property("ParamName").EqualTo("label").And.Message.StartsWith("'label': "));
        Assert.That(scope.DisposablesCount, Is.EqualTo(0), "the mixed images made before the label check were disposed");
        Assert.That(collate.NextBatchIndex, Is.EqualTo(0));
    }

    [Test]
    public void Null_and_empty_sample_lists_are_rejected()
    {
        var collate = new MixCollate(new MixUp(), 7, Classes);
        Assert.That(() => collate.Collate(null!, CPU), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("samples"));
        Assert.That(() => collate.Collate([], CPU), Throws.ArgumentException.With.Property("ParamName").EqualTo("samples").And.Message.Contains("no samples"));
        Assert.That(() => collate.Collate([Good()[0], null!], CPU), Throws.ArgumentException.With.Property("ParamName").EqualTo("samples").And.Message.Contains("Sample 1"));
    }

    [Test]
    public void The_meta_device_is_refused_before_a_batch_is_drawn()
    {
        var meta = new Device(DeviceType.META);
        var collate = new MixCollate(new MixUp(), 7, Classes);
        Assert.That(() => collate.Collate(Good(), meta), Throws.ArgumentException.With.Property("ParamName").EqualTo("device").And.Message.Contains("meta device"));
        Assert.That(collate.NextBatchIndex, Is.EqualTo(0), "no random stream was used");
        Assert.That(() => new MixCollate(new MixUp(), 7, Classes, options: new() { Device = meta }), Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("meta device"));
    }

    [Test]
    public void Settings_are_checked_when_the_collate_is_created()
    {
        var policy = new MixUp();
        Assert.That(() => new MixCollate(null!, 1, Classes), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("policy"));
        Assert.That(() => new MixCollate(policy, 1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("classCount").And.Message.Contains("was 0"));
        Assert.That(() => new MixCollate(policy, 1, Classes, smoothing: 1.0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("smoothing"));
        Assert.That(() => new MixCollate(policy, 1, Classes, smoothing: double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("smoothing"));
        Assert.That(() => new MixCollate(policy, 1, Classes, options: new() { ImagesKey = "" }), Throws.ArgumentException.With.Property("ParamName").EqualTo("options").And.Message.Contains("ImagesKey is empty"));
        Assert.That(() => new MixCollate(policy, 1, Classes, options: new() { LabelsKey = "data" }), Throws.ArgumentException.With.Message.Contains("both 'data'"));
        Assert.That(() => new MixCollate(policy, 1, Classes, options: new() { LabelsKey = MixBatchKeys.Targets }), Throws.ArgumentException.With.Message.Contains("LabelsKey is 'targets'"));
        Assert.That(() => new MixCollate(policy, 1, Classes, options: new() { ByteImages = (ByteImages)7 }), Throws.ArgumentException.With.Message.Contains("ByteImages is 7"));
    }
}
