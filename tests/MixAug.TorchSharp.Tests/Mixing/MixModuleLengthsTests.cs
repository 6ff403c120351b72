using MixAug.Randomness;
using MixAug.SharedTests;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// MixModule.Forward with a lengths tensor: the batch CreatePlan(request with the lengths) + TorchMixer give, the
/// plan's output lengths as int64 [B], and refusals of bad lengths by name with the numbers before anything is drawn.
/// </summary>
public sealed class MixModuleLengthsTests
{
    private const int Classes = 5;

    private static readonly IMixTransform[] Policies =
    [
        new MixUp(mode: LambdaMode.Element),
        new MixUp(mode: LambdaMode.Element, blendLengths: BlendLengths.ZeroPadded),
        new CutMix(mode: LambdaMode.Element),
        new CutMix(mode: LambdaMode.Batch),
    ];

    [Test]
    public void Forward_with_lengths_is_the_plan_drawn_with_them_applied_and_returns_its_output_lengths()
    {
        var random = new MixRandom(12);
        for (int round = 0; round < 24; round++)
        {
            IMixTransform policy = Policies[round % Policies.Length];
            bool clip = round % 2 == 1;
            int b = 1 + random.NextInt(6), time = 1 + random.NextInt(20);
            BatchShape shape = clip ? BatchShape.Volume(b, 2, time, 3, 4) : BatchShape.Sequence(b, 3, time);
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            using Tensor images = Batches.ToTensor(Batches.Values(shape, (ulong)round), shape);
            using Tensor labels = tensor([.. Enumerable.Range(0, b).Select(i => (long)(i % Classes))]);
            using Tensor validLengths = tensor([.. lengths.Select(l => (long)l)]);

            using MixedBatch mixed = new MixModule(policy, new MixRandom((ulong)round), Classes, smoothing: 0.1).Forward(images, labels, validLengths);
            MixPlan plan = policy.CreatePlan(new MixRequest(shape, new MixRandom((ulong)round), lengths));
            using Tensor expected = TorchMixer.Apply(plan, images);
            using Tensor targets = TorchLabelMixer.ToSoftTargets(plan, labels, Classes, 0.1);
            string what = $"round {round}: {plan}";
            Assert.That(MixPlanJson.Serialize(mixed.Plan), Is.EqualTo(MixPlanJson.Serialize(plan)), what);
            Assert.That(Batches.ToArray(mixed.Images), Is.EqualTo(Batches.ToArray(expected)), what);
            Assert.That(Batches.ToArray(mixed.Targets!), Is.EqualTo(Batches.ToArray(targets)), what);
            Assert.That(mixed.OutputLengths!.dtype, Is.EqualTo(ScalarType.Int64));
            Assert.That(mixed.OutputLengths.data<long>().ToArray(), Is.EqualTo(plan.OutputLengths.ToArray().Select(l => (long)l)), what);
        }
    }

    [Test]
    public void Forward_without_lengths_has_no_output_lengths()
    {
        var shape = BatchShape.Sequence(3, 2, 10);
        using Tensor images = Batches.ToTensor(Batches.Values(shape), shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2 });
        using MixedBatch mixed = new MixModule(new MixUp(), new MixRandom(1), Classes).Forward(images, labels);
        Assert.That(mixed.OutputLengths, Is.Null);
        Assert.That(mixed.Plan.HasValidLengths, Is.False);
    }

    private static void AssertRefused<TException>(Tensor images, Tensor validLengths, string paramName, params string[] fragments)
        where TException : ArgumentException
    {
        var random = new MixRandom(3);
        var module = new MixModule(new MixUp(mode: LambdaMode.Element), random, Classes);
        using Tensor labels = zeros([images.shape[0]], ScalarType.Int64);
        var thrown = Assert.Throws<TException>(() => module.Forward(images, labels, validLengths))!;
        Assert.That(thrown.ParamName, Is.EqualTo(paramName), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }

        Assert.That(random.NextUInt64(), Is.EqualTo(new MixRandom(3).NextUInt64()), "nothing was drawn");
    }

    [Test]
    public void Bad_lengths_are_refused_by_name_with_the_numbers_before_anything_is_drawn()
    {
        using Tensor sequences = zeros(3, 2, 10);
        using Tensor images = zeros(3, 2, 6, 6);
        using Tensor good = tensor(new long[] { 10, 4, 1 });
        using Tensor int32 = tensor(new[] { 10, 4, 1 });
        using Tensor tooMany = tensor(new long[] { 10, 4, 1, 2 });
        using Tensor matrix = tensor(new long[] { 10, 4, 1 }).reshape(3, 1);
        using Tensor zero = tensor(new long[] { 10, 0, 1 });
        using Tensor tooLong = tensor(new long[] { 10, 4, 11 });
        using Tensor huge = tensor(new long[] { 10, 4, 1L << 40 });
        AssertRefused<ArgumentException>(sequences, int32, "validLengths", "Int32", "Int64 [3]");
        AssertRefused<ArgumentException>(sequences, tooMany, "validLengths", "[4]", "Int64 [3]");
        AssertRefused<ArgumentException>(sequences, matrix, "validLengths", "[3, 1]");
        AssertRefused<ArgumentOutOfRangeException>(sequences, zero, "validLengths", "Sample 1", "length 0", "[1, 10]");
        AssertRefused<ArgumentOutOfRangeException>(sequences, tooLong, "validLengths", "Sample 2", "length 11", "[1, 10]");
        AssertRefused<ArgumentOutOfRangeException>(sequences, huge, "validLengths", "Sample 2", "[1, 10]");
        AssertRefused<ArgumentException>(images, good, "validLengths", "no time axis");
        using Tensor meta = good.to(new Device(DeviceType.META));
        AssertRefused<ArgumentException>(sequences, meta, "validLengths", "meta");
    }

    [Test]
    public void A_method_without_lengths_refuses_them_with_its_own_message()
    {
        using Tensor sequences = zeros(2, 2, 10);
        using Tensor labels = tensor(new long[] { 0, 1 });
        using Tensor lengths = tensor(new long[] { 10, 4 });
        var thrown = Assert.Throws<ArgumentException>(() => new MixModule(new HalfBlend(), new MixRandom(1), Classes).Forward(sequences, labels, lengths))!;
        Assert.That(thrown.ParamName, Is.EqualTo("validLengths"));
        Assert.That(thrown.Message, Does.Contain("HalfBlend does not support valid lengths"));
    }
}
