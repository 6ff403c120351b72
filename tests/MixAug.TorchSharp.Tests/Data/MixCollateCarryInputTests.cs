using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Bad carried keys: an ArgumentException naming the key (or <c>options</c>), the sample and the shapes, before any
/// tensor is made and before the batch count moves; bad names when the collate is created.
/// </summary>
public sealed class MixCollateCarryInputTests
{
    private const int Classes = 5;

    /// <summary>Four good samples with a stacked "id" (int64 0-dim) and a padded "transcript" (int64 [i + 1]).</summary>
    private static List<Dictionary<string, Tensor>> Good() =>
        [.. Enumerable.Range(0, 4).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = full([3, 8, 8], (float)i),
            ["label"] = tensor((long)i),
            ["id"] = tensor((long)i),
            ["transcript"] = ones([i + 1], ScalarType.Int64),
        })];

    private static readonly MixCollateOptions Carrying = new() { CarryKeys = [CarriedKey.Stacked("id"), CarriedKey.Padded("transcript", -1)] };

    private static void AssertRejected(List<Dictionary<string, Tensor>> samples, string key, MixCollateOptions? options = null, params string[] fragments) =>
        CollateRefusals.AssertRejected(new MixCollate(new MixUp(), 7, Classes, options: options ?? Carrying), samples, key, fragments);

    private static void AssertRefusedOptions(MixCollateOptions options, params string[] fragments) => CollateRefusals.AssertRefusedOptions(options, Classes, fragments);

    [Test]
    public void A_carried_key_missing_from_one_sample_names_the_key_the_sample_and_the_keys_it_has()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[2].Remove("transcript");
        AssertRejected(samples, "transcript", null, "Sample 2", "'transcript'", "'data', 'label', 'id'", "CarryKeys");
        List<Dictionary<string, Tensor>> nulled = Good();
        nulled[3]["id"] = null!;
        AssertRejected(nulled, "id", null, "Sample 3", "'id'");
    }

    [Test]
    public void A_stacked_key_of_another_shape_names_the_sample_both_shapes_and_the_padded_alternative()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[1]["id"] = tensor(new long[] { 1, 2 });
        AssertRejected(samples, "id", null, "sample 1", "Int64 [2]", "Int64 []", "CarriedKey.Padded");
    }

    [Test]
    public void A_padded_key_of_another_rank_or_trailing_shape_names_the_sample_and_both_shapes()
    {
        List<Dictionary<string, Tensor>> rank = Good();
        rank[3]["transcript"] = ones([4, 1], ScalarType.Int64);
        AssertRejected(rank, "transcript", null, "sample 3", "[4, 1]", "[1]", "first dimension only");
        List<Dictionary<string, Tensor>> trailing = [.. Good().Select((s, i) => new Dictionary<string, Tensor>(s) { ["transcript"] = ones([i + 1, 2], ScalarType.Int64) })];
        trailing[2]["transcript"] = ones([3, 3], ScalarType.Int64);
        AssertRejected(trailing, "transcript", null, "sample 2", "[3, 3]", "[1, 2]");
    }

    [Test]
    public void A_carried_key_of_another_dtype_names_both_dtypes()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        samples[2]["transcript"] = ones([3], ScalarType.Int32);
        AssertRejected(samples, "transcript", null, "sample 2", "Int32 [3]", "Int64 [1]", "one dtype");
    }

    [Test]
    public void A_0_dim_padded_key_has_no_first_dimension_to_pad()
    {
        List<Dictionary<string, Tensor>> samples = Good();
        AssertRejected(samples, "id", new() { CarryKeys = [CarriedKey.Padded("id")] }, "sample 0", "0-dim", "CarriedKey.Stacked");
    }

    [TestCase(ScalarType.Byte, -1.0)]
    [TestCase(ScalarType.Byte, 256.0)]
    [TestCase(ScalarType.Int64, 0.5)]
    [TestCase(ScalarType.Int32, 3e9)]
    [TestCase(ScalarType.Int8, 128.0)]
    [TestCase(ScalarType.Bool, 2.0)]
    [TestCase(ScalarType.Int64, double.NaN)]
    [TestCase(ScalarType.Int64, 9223372036854775808.0)]
    public void A_pad_value_the_dtype_cannot_hold_is_refused_even_when_no_padding_is_needed(ScalarType type, double pad)
    {
        List<Dictionary<string, Tensor>> samples = [.. Good().Select(s => new Dictionary<string, Tensor>(s) { ["transcript"] = ones([2], type) })];
        AssertRejected(samples, "transcript", new() { CarryKeys = [CarriedKey.Padded("transcript", pad)] }, type.ToString(), "pad value");
    }

    [Test]
    public void Pad_values_at_the_edges_of_a_dtype_are_accepted()
    {
        foreach ((ScalarType type, double pad) in new[] { (ScalarType.Byte, 255.0), (ScalarType.Int8, -128.0), (ScalarType.Int64, -9223372036854775808.0), (ScalarType.Bool, 1.0), (ScalarType.Float16, double.NaN) })
        {
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = [.. Good().Select((s, i) => new Dictionary<string, Tensor>(s) { ["transcript"] = ones([i + 1], type) })];
            var collate = new MixCollate(new MixUp(), 7, Classes, options: new() { CarryKeys = [CarriedKey.Padded("transcript", pad)] });
            Tensor carried = collate.Collate(samples, CPU)["transcript"];
            Assert.That(Loaders.Values(carried[0][3]), Is.EqualTo(new[] { type == ScalarType.Bool ? 1.0 : pad }), $"{type} padded with {pad}");
        }
    }

    [Test]
    public void With_CarryOtherKeys_every_sample_must_hold_the_same_keys()
    {
        var options = new MixCollateOptions { CarryOtherKeys = true, CarryKeys = [CarriedKey.Padded("transcript")] };
        List<Dictionary<string, Tensor>> missing = Good();
        missing[1].Remove("id");
        AssertRejected(missing, "id", options, "Sample 1", "'id'", "CarryOtherKeys");
        List<Dictionary<string, Tensor>> extra = Good();
        extra[3]["weight"] = tensor(1f);
        AssertRejected(extra, "weight", options, "Sample 3", "'weight'", "sample 0 lacks", "'id'");
    }

    [Test]
    public void With_CarryOtherKeys_a_sample_key_the_collate_writes_is_refused_by_name()
    {
        List<Dictionary<string, Tensor>> targets = Good();
        targets.ForEach(s => s[MixBatchKeys.Targets] = zeros(Classes));
        AssertRejected(targets, "targets", new() { CarryOtherKeys = true }, "'targets'", "writes itself");
        List<Dictionary<string, Tensor>> lengths = Good();
        lengths.ForEach(s => s["transcript_lengths"] = tensor(1L));
        AssertRejected(lengths, "transcript_lengths", new() { CarryOtherKeys = true, CarryKeys = [CarriedKey.Padded("transcript")] }, "'transcript_lengths'", "lengths of 'transcript'");
    }

    [Test]
    public void Carried_names_that_collide_are_refused_when_the_collate_is_created()
    {
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("data")] }, "CarryKeys[0] is 'data'", "images or the labels");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("id"), CarriedKey.Padded("label")] }, "CarryKeys[1] is 'label'");
        AssertRefusedOptions(new() { LengthsKey = "frames", CarryKeys = [CarriedKey.Stacked("frames")] }, "'frames'", "lengths key");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked(MixBatchKeys.Sources)] }, "'mix_sources'", "writes itself");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Stacked("id"), CarriedKey.Padded("id")] }, "CarryKeys[1] and CarryKeys[0] are both 'id'");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Padded("valid")] }, "'valid'", "'valid_lengths'", "writes itself");
        AssertRefusedOptions(new() { CarryKeys = [CarriedKey.Padded("t"), CarriedKey.Stacked("t_lengths")] }, "'t_lengths'", "a carried key too");
        AssertRefusedOptions(new() { LengthsKey = "t_lengths", CarryKeys = [CarriedKey.Padded("t")] }, "'t_lengths'", "lengths key");
        AssertRefusedOptions(new() { CarryKeys = [null!] }, "CarryKeys[0] is null");
        AssertRefusedOptions(new() { CarryKeys = null! }, "CarryKeys is null");
    }

    [Test]
    public void A_carried_key_needs_a_name()
    {
        Assert.That(() => CarriedKey.Stacked(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => CarriedKey.Padded(string.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => MixBatchKeys.LengthsOf(string.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("key"));
        Assert.That(MixBatchKeys.LengthsOf("transcript"), Is.EqualTo("transcript_lengths"));
        Assert.That((CarriedKey.Padded("t", -1).ToString(), CarriedKey.Stacked("id").ToString()), Is.EqualTo(("'t' (padded with -1)", "'id' (stacked)")));
    }
}
