using MixAug.Randomness;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Edges;

/// <summary>
/// Issue 11, TorchSharp edges: each call below failed with libtorch's <c>ExternalException</c>, named the wrong
/// parameter, or did work before rejecting its input. docs/ownership.md promises an <see cref="ArgumentException"/>
/// naming the parameter before any work, and nothing of the caller's touched.
/// </summary>
public sealed class TorchEdgeTests
{
    private static readonly BatchShape Shape = new(4, 2, 3, 5);

    [Test]
    public void ApplyIntoADestinationThatRequiresGradIsRefusedBeforeAnyWrite()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor destination = full(Shape.ToDimensions().Select(d => (long)d).ToArray(), 7f).requires_grad_();
        var e = Assert.Throws<ArgumentException>(() => TorchMixer.ApplyInto(plan, images, destination));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
        Assert.That(e.Message, Does.Contain("requires grad"));
        Assert.That(Batches.ToArray(destination), Has.All.EqualTo(7f), "nothing written");
        Assert.That(destination.requires_grad, Is.True);
    }

    [Test]
    public void ApplyIntoAnExpandedDestinationIsRefusedBeforeAnyWrite()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor one = full(new long[] { 1, 2, 3, 5 }, 7f);
        using Tensor expanded = one.expand(4, 2, 3, 5);
        var e = Assert.Throws<ArgumentException>(() => TorchMixer.ApplyInto(plan, images, expanded));
        Assert.That(e!.ParamName, Is.EqualTo("destination"));
        Assert.That(e.Message, Does.Contain("stride 0 along dimension 0").And.Contain("expand()"));
        Assert.That(Batches.ToArray(one), Has.All.EqualTo(7f), "nothing written");

        // An expanded middle dimension too, and an expanded destination of a plan the CPU kernels would not take.
        using Tensor channel = full(new long[] { 4, 1, 3, 5 }, 7f);
        using Tensor wide = channel.expand(4, 2, 3, 5);
        Assert.That(Assert.Throws<ArgumentException>(() => TorchMixer.ApplyInto(plan, images, wide))!.Message, Does.Contain("dimension 1"));
        using Tensor doubles = images.to(ScalarType.Float64);
        using Tensor doubleOne = full(new long[] { 1, 2, 3, 5 }, 7.0, ScalarType.Float64);
        using Tensor doubleExpanded = doubleOne.expand(4, 2, 3, 5);
        Assert.Throws<ArgumentException>(() => TorchMixer.ApplyInto(plan, doubles, doubleExpanded));
        Assert.That(Batches.ToArray(channel), Has.All.EqualTo(7f));
        Assert.That(Batches.ToArray(doubleOne), Has.All.EqualTo(7f));
    }

    [Test]
    public void ApplyIntoAStridedButNonOverlappingDestinationIsWritten()
    {
        // The stride-0 check must not refuse ordinary views: a transposed tensor owns every element it shows.
        MixPlan plan = Batches.MixedRegions(Shape);
        float[] values = Batches.Values(Shape);
        var expected = new float[values.Length];
        MixAug.Cpu.CpuMixer.Apply(plan, values, expected);
        using Tensor images = Batches.ToTensor(values, Shape);
        using Tensor storage = zeros(4, 2, 5, 3);
        using Tensor transposed = storage.transpose(2, 3);
        TorchMixer.ApplyInto(plan, images, transposed);
        Assert.That(Batches.ToArray(transposed), Is.EqualTo(expected));

        // A size-1 dimension may have stride 0 without any overlap.
        using Tensor single = zeros(1, 2, 3, 5);
        using Tensor expandedSingle = single.expand(1, 2, 3, 5);
        var one = new BatchShape(1, 2, 3, 5);
        MixPlan keep = MixAug.Testing.FixedPlans.Identity(one);
        using Tensor oneImage = Batches.ToTensor(Batches.Values(one), one);
        TorchMixer.ApplyInto(keep, oneImage, expandedSingle);
        Assert.That(Batches.ToArray(single), Is.EqualTo(Batches.Values(one)));
    }

    [Test]
    public void LabelsOnTheMetaDeviceAreAnArgumentException()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor indices = empty(new long[] { 4 }, ScalarType.Int64, device: new Device(DeviceType.META));
        using Tensor soft = empty(new long[] { 4, 3 }, ScalarType.Float32, device: new Device(DeviceType.META));
        foreach (Tensor labels in new[] { indices, soft })
        {
            var e = Assert.Throws<ArgumentException>(() => TorchLabelMixer.ToSoftTargets(plan, labels, 3));
            Assert.That(e!.ParamName, Is.EqualTo("labels"));
            Assert.That(e.Message, Does.Contain("meta"));
        }

        Assert.That(Assert.Throws<ArgumentException>(() => TorchLabelMixer.ToCompact(plan, indices, 3))!.ParamName, Is.EqualTo("labels"));
    }

    [Test]
    public void ImagesOnTheMetaDeviceAreAnArgumentException()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor images = empty(new long[] { 4, 2, 3, 5 }, ScalarType.Float32, device: new Device(DeviceType.META));
        Assert.That(Assert.Throws<ArgumentException>(() => TorchMixer.Apply(plan, images))!.ParamName, Is.EqualTo("images"));
    }

    [Test]
    public void TensorMixAssertNamesAMetaTensorInsteadOfFailingInLibtorch()
    {
        // Found by the TorchSharp sweep: "Cannot copy out of meta tensor" (ExternalException).
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor meta = empty(new long[] { 4, 2, 3, 5 }, ScalarType.Float32, device: new Device(DeviceType.META));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAug.TorchSharp.Testing.TensorMixAssert.PixelsFollowPlan(plan, meta, images))!.ParamName, Is.EqualTo("input"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAug.TorchSharp.Testing.TensorMixAssert.PixelsFollowPlan(plan, images, meta))!.ParamName, Is.EqualTo("output"));
        using Tensor labels = empty(new long[] { 4 }, ScalarType.Int64, device: new Device(DeviceType.META));
        using Tensor targets = full(new long[] { 4, 3 }, 1f / 3);
        Assert.That(Assert.Throws<ArgumentException>(() => MixAug.TorchSharp.Testing.TensorMixAssert.TargetsFollowPlan(plan, labels, 3, targets))!.ParamName, Is.EqualTo("labels"));
    }

    [TestCase(ScalarType.Int32)]
    [TestCase(ScalarType.Int16)]
    [TestCase(ScalarType.Byte)]
    [TestCase(ScalarType.Bool)]
    public void TheModuleRejectsNonInt64IndicesBeforeDrawingThePlan(ScalarType type)
    {
        var random = new MixRandom(42);
        var module = new MixModule(new MixUp(mode: LambdaMode.Element), random, classCount: 3);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = zeros(new long[] { 4 }, type);
        var e = Assert.Throws<ArgumentException>(() => module.Forward(images, labels));
        Assert.That(e!.ParamName, Is.EqualTo("labels"));
        Assert.That(e.Message, Does.Contain(type.ToString()));
        Assert.That(random.NextUInt64(), Is.EqualTo(new MixRandom(42).NextUInt64()), "the generator advanced before the labels were checked");
    }

    [Test]
    public void TheModuleRejectsLabelValuesBeforeDrawingThePlan()
    {
        // Class indices outside [0, classCount) and soft rows that are not distributions are argument errors too:
        // they must not cost the caller a draw either.
        var random = new MixRandom(43);
        var module = new MixModule(new MixUp(mode: LambdaMode.Element), random, classCount: 3);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor outOfRange = tensor(new long[] { 0, 1, 7, 2 });
        using Tensor negative = tensor(new long[] { 0, -1, 1, 2 });
        using Tensor notADistribution = full(new long[] { 4, 3 }, 0.5f);
        using Tensor withNaN = tensor(new float[] { 1, 0, 0, 0, 1, 0, float.NaN, 0, 1, 0, 0, 1 }, new long[] { 4, 3 });
        foreach (Tensor labels in new[] { outOfRange, negative, notADistribution, withNaN })
        {
            var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => module.Forward(images, labels));
            Assert.That(((ArgumentException)e!).ParamName, Is.EqualTo("labels"));
        }

        Assert.That(random.NextUInt64(), Is.EqualTo(new MixRandom(43).NextUInt64()), "the generator advanced before the labels were checked");
    }

    [Test]
    public void SoftLabelErrorsNameLabels()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor sumsToTwo = full(new long[] { 4, 3 }, 2f / 3f);
        using Tensor negative = tensor(new float[] { 1.5f, -0.5f, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0 }, new long[] { 4, 3 });
        using Tensor infinite = tensor(new float[] { float.PositiveInfinity, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0 }, new long[] { 4, 3 });
        foreach (Tensor labels in new[] { sumsToTwo, negative, infinite })
        {
            var e = Assert.Throws<ArgumentException>(() => TorchLabelMixer.ToSoftTargets(plan, labels, 3));
            Assert.That(e!.ParamName, Is.EqualTo("labels"));
            Assert.That(e.Message, Does.Not.Contain("softLabels"));
            Assert.That(e.Message, Does.Contain("row 0"));
        }
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(int.MinValue)]
    public void ClassCountBelowOneNamesClassCount(int classCount)
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        using Tensor indices = tensor(new long[] { 0, 1, 0, 1 });
        using Tensor soft = full(new long[] { 4, 2 }, 0.5f);
        foreach (Tensor labels in new[] { indices, soft })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => TorchLabelMixer.ToSoftTargets(plan, labels, classCount));
            Assert.That(e!.ParamName, Is.EqualTo("classCount"));
            Assert.That(e.Message, Does.Contain(classCount.ToString()));
        }

        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => TorchLabelMixer.ToCompact(plan, indices, classCount))!.ParamName, Is.EqualTo("classCount"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixModule(new MixUp(), new MixRandom(1), classCount))!.ParamName, Is.EqualTo("classCount"));
    }
}
