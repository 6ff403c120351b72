using MixAug.Randomness;
using MixAug.Testing;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Testing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Testing;

/// <summary>The tensor adapter passes TorchMixer's output and catches the same planted defects as the core checks.</summary>
public sealed class TensorMixAssertTests
{
    private static readonly BatchShape Shape = new(6, 3, 8, 10);

    [Test]
    public void PassesOnTorchMixerOutputAndTargets()
    {
        using DisposeScope scope = NewDisposeScope();
        var random = new MixRandom(3);
        foreach (IMixTransform t in new IMixTransform[] { new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation) })
        {
            MixPlan plan = t.CreatePlan(Shape, random);
            Tensor input = Batches.ToTensor(Batches.Values(Shape), Shape);
            Tensor output = TorchMixer.Apply(plan, input);
            Assert.DoesNotThrow(() => TensorMixAssert.PixelsFollowPlan(plan, input, output));

            Tensor labels = tensor(new long[] { 0, 1, 2, 3, 4, 5 });
            Tensor targets = TorchLabelMixer.ToSoftTargets(plan, labels, 6, smoothing: 0.1);
            Assert.DoesNotThrow(() => TensorMixAssert.TargetsFollowPlan(plan, labels, 6, targets, smoothing: 0.1));
        }
    }

    [Test]
    public void CatchesInvertedLambdaAndUnsmoothedLabels()
    {
        using DisposeScope scope = NewDisposeScope();
        MixPlan plan = FixedPlans.Blend(Shape, 0.8);
        Tensor input = Batches.ToTensor(Batches.Values(Shape), Shape);
        Tensor inverted = TorchMixer.Apply(FixedPlans.Blend(Shape, 0.2), input);
        var e = Assert.Throws<MixInvariantException>(() => TensorMixAssert.PixelsFollowPlan(plan, input, inverted));
        Assert.That(e!.Message, Does.Contain("inverted"));

        Tensor labels = tensor(new long[] { 0, 1, 2, 3, 4, 5 });
        Tensor unsmoothed = TorchLabelMixer.ToSoftTargets(plan, labels, 6);
        e = Assert.Throws<MixInvariantException>(() => TensorMixAssert.TargetsFollowPlan(plan, labels, 6, unsmoothed, smoothing: 0.1));
        Assert.That(e!.Message, Does.Contain("not applied"));
    }

    [Test]
    public void RejectsTensorsOfTheWrongShapeOrType()
    {
        using DisposeScope scope = NewDisposeScope();
        MixPlan plan = FixedPlans.Identity(Shape);
        Tensor input = zeros(6, 3, 8, 10);
        Assert.That(Assert.Throws<ArgumentException>(() => TensorMixAssert.PixelsFollowPlan(plan, input, zeros(6, 3, 10, 8)))!.Message, Does.Contain("[6, 3, 10, 8]"));
        Assert.Throws<ArgumentException>(() => TensorMixAssert.PixelsFollowPlan(plan, input, zeros(new long[] { 6, 3, 8, 10 }, ScalarType.Int32)));
        Assert.Throws<ArgumentException>(() => TensorMixAssert.TargetsFollowPlan(plan, zeros(6), 6, zeros(6, 6)));
    }

    [Test]
    public void LeavesNoTensorBehind()
    {
        MixPlan plan = FixedPlans.Blend(Shape, 0.5);
        using Tensor input = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor output = TorchMixer.Apply(plan, input);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        TensorMixAssert.PixelsFollowPlan(plan, input, output);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }
}
