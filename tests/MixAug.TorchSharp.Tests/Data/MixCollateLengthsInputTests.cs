using MixAug.TorchSharp.Data;
using MixAug.Regions;
using MixAug.SharedTests;
using MixAug.Testing;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Refusals of sequences and clips with lengths: an ArgumentException naming the key (or the parameter) with the
/// numbers, before any tensor is made where the samples alone show it, and the count never moves.
/// </summary>
public sealed class MixCollateLengthsInputTests
{
    private const int Classes = 4;

    private static Dictionary<string, Tensor> Sample(Tensor data, long label, Tensor? length = null)
    {
        var item = new Dictionary<string, Tensor> { ["data"] = data, ["label"] = tensor(label) };
        if (length is not null)
        {
            item["length"] = length;
        }

        return item;
    }

    private static ArgumentException Rejected(IMixTransform policy, List<Dictionary<string, Tensor>> samples, string paramName, bool beforeAnyTensor, params string[] fragments)
    {
        var collate = new MixCollate(policy, 5, Classes, options: new MixCollateOptions { LengthsKey = "length" });
        using DisposeScope scope = NewDisposeScope();
        var thrown = (ArgumentException)Assert.Throws(Is.InstanceOf<ArgumentException>(), () => collate.Collate(samples, CPU))!;
        Assert.That(thrown.ParamName, Is.EqualTo(paramName), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }

        if (beforeAnyTensor)
        {
            Assert.That(scope.DisposablesCount, Is.EqualTo(0), "no tensor was made before the check");
        }

        Assert.That((collate.NextBatchIndex, collate.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)), "the count did not move");
        return thrown;
    }

    [Test]
    public void Sequences_of_other_channels_name_the_key_the_sample_and_both_shapes()
    {
        Rejected(new MixUp(), [Sample(zeros(2, 9), 0), Sample(zeros(2, 4), 1), Sample(zeros(3, 9), 2)], "data", true, "sample 2", "[3, 9]", "[2, 9]", "C is 3, not 2", "differ in L only");
    }

    [Test]
    public void Clips_of_another_height_or_width_name_the_axis_and_the_numbers()
    {
        Rejected(new CutMix(), [Sample(zeros(3, 8, 6, 6), 0), Sample(zeros(3, 5, 7, 6), 1)], "data", true, "sample 1", "[3, 5, 7, 6]", "H is 7, not 6", "differ in T only");
        Rejected(new CutMix(), [Sample(zeros(3, 8, 6, 6), 0), Sample(zeros(3, 8, 6, 4), 1)], "data", true, "W is 4, not 6");
    }

    [Test]
    public void Images_still_refuse_any_other_shape()
    {
        Rejected(new MixUp(), [Sample(zeros(3, 8, 8), 0), Sample(zeros(3, 9, 8), 1)], "data", true, "sample 1", "[3, 9, 8]", "H is 9, not 8");
    }

    [Test]
    public void A_sample_with_no_time_positions_is_refused()
    {
        Rejected(new MixUp(), [Sample(zeros(2, 9), 0), Sample(zeros(2, 0), 1)], "data", true, "sample 1", "[2, 0]");
    }

    [TestCase(0L, 7L)]
    [TestCase(8L, 7L)]
    [TestCase(-3L, 7L)]
    public void A_length_outside_one_to_the_samples_extent_names_the_key_and_the_numbers(long length, long extent)
    {
        ArgumentException thrown = Rejected(
            new MixUp(),
            [Sample(zeros(2, 9), 0), Sample(zeros(2, extent), 1, tensor(length))],
            "length",
            true,
            "sample 1",
            $"is {length}",
            $"[1, {extent}]");
        Assert.That(thrown, Is.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_length_that_is_not_an_integer_scalar_is_refused_by_its_key()
    {
        Rejected(new MixUp(), [Sample(zeros(2, 9), 0), Sample(zeros(2, 9), 1, tensor(4.0f))], "length", true, "sample 1", "Float32");
        Rejected(new MixUp(), [Sample(zeros(2, 9), 0, tensor(new long[] { 3, 4 })), Sample(zeros(2, 9), 1)], "length", true, "sample 0", "[2]");
    }

    [Test]
    public void A_length_given_for_an_image_is_refused_for_want_of_a_time_axis()
    {
        Rejected(new MixUp(), [Sample(zeros(3, 8, 8), 0), Sample(zeros(3, 8, 8), 1, tensor(5L))], "length", true, "Sample 1", "no time axis", "[3, 8, 8]");
    }

    [Test]
    public void Methods_without_lengths_refuse_sequences_of_different_lengths_with_their_own_message()
    {
        foreach (IMixTransform policy in new IMixTransform[] { new HalfBlend(), new MixChoice((new HalfBlend(), 1)) })
        {
            Rejected(policy, [Sample(zeros(2, 9), 0), Sample(zeros(2, 5), 1)], "data", false, "HalfBlend does not support valid lengths");
        }
    }

    [Test]
    public void A_method_that_ignores_the_lengths_has_its_plan_refused()
    {
        // A user's transform that returns a plan without the request's lengths would, applied, paste padding into data.
        var ignoring = new FixedPlanTransform(new MixPlan(SpatialShape.Sequence(9), [1, 0], [0.5, 0.5], [MixRegion.Blend, MixRegion.Blend]));
        Rejected(ignoring, [Sample(zeros(2, 9), 0), Sample(zeros(2, 5), 1)], "data", false, "drew a plan without the 2 valid lengths");
    }

    [Test]
    public void Uint8_samples_to_pad_refuse_a_pad_value_that_is_not_a_byte()
    {
        foreach (double pad in new[] { 0.5, -1, 256, double.NaN })
        {
            var collate = new MixCollate(new CutMix(), 5, Classes, options: new MixCollateOptions { PadValue = pad });
            List<Dictionary<string, Tensor>> samples = [Sample(zeros(2, 9).to(ScalarType.Byte), 0), Sample(zeros(2, 5).to(ScalarType.Byte), 1)];
            var thrown = (ArgumentException)Assert.Throws(Is.InstanceOf<ArgumentException>(), () => collate.Collate(samples, CPU))!;
            Assert.That(thrown.ParamName, Is.EqualTo("data"));
            Assert.That(thrown.Message, Does.Contain($"PadValue is {pad}"));
        }
    }

    [TestCase("data")]
    [TestCase("label")]
    [TestCase("")]
    [TestCase(MixBatchKeys.OutputLengths)]
    [TestCase(MixBatchKeys.ValidLengths)]
    public void A_lengths_key_that_collides_or_is_empty_is_refused_at_construction(string key)
    {
        var thrown = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => new MixCollate(new MixUp(), 5, Classes, options: new MixCollateOptions { LengthsKey = key })) as ArgumentException;
        Assert.That(thrown!.ParamName, Is.EqualTo("options"));
        Assert.That(thrown.Message, Does.Contain("LengthsKey"));
    }
}
