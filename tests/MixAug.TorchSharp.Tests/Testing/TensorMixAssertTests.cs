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

    [Test]
    public void LabelMapChecksPassOnTorchLabelMapMixerAndCatchAChangedElement()
    {
        using DisposeScope scope = NewDisposeScope();
        var shape = new BatchShape(6, 1, 12, 10);
        var random = new MixRandom(4);
        foreach (IMixTransform t in new IMixTransform[] { new ResizeMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation), new Mosaic(), new SmoothMix(), new CutMix(mode: LambdaMode.Element) })
        {
            MixPlan plan = t.CreatePlan(shape, random);
            Tensor maps = randint(0, 5, [6, 12, 10], ScalarType.Int64);
            maps[0, 0, 0] = tensor(255L); // an ignored element
            foreach (Tensor labels in new[] { maps, maps.to(ScalarType.Byte) })
            {
                Tensor mixed = TorchLabelMapMixer.Mix(plan, labels);
                using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, labels);
                Tensor soft = TorchLabelMapMixer.ToSoftTargets(plan, labels, 5, ignoreIndex: 255);
                long made = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
                Assert.DoesNotThrow(() => TensorMixAssert.LabelMapsFollowPlan(plan, labels, mixed), t.Name);
                Assert.DoesNotThrow(() => TensorMixAssert.LabelPairsFollowPlan(plan, labels, pairs.IndexA, pairs.IndexB, pairs.WeightA), t.Name);
                Assert.DoesNotThrow(() => TensorMixAssert.SoftLabelMapsFollowPlan(plan, labels, 5, 255, soft), t.Name);
                Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(made), "the checks leave no tensor behind");

                // A label no source has (they are 0-4 or 255) at one element fails the check.
                mixed[1, 5, 5] = (mixed[1, 5, 5] + 1) % 7 + 5;
                var e = Assert.Throws<MixInvariantException>(() => TensorMixAssert.LabelMapsFollowPlan(plan, labels, mixed));
                Assert.That(e!.Message, Does.Contain("Sample 1").And.Contain("pixel (y 5, x 5)"), t.Name);
                soft[2, 0, 3, 3] = soft[2, 0, 3, 3] + 0.5f;
                e = Assert.Throws<MixInvariantException>(() => TensorMixAssert.SoftLabelMapsFollowPlan(plan, labels, 5, 255, soft));
                Assert.That(e!.Sample, Is.EqualTo(2), t.Name);
            }
        }
    }

    [Test]
    public void LabelMapChecksRejectTensorsOfTheWrongShapeOrType()
    {
        using DisposeScope scope = NewDisposeScope();
        MixPlan plan = FixedPlans.Identity(new BatchShape(2, 1, 3, 4));
        Tensor maps = zeros(new long[] { 2, 3, 4 }, ScalarType.Int64);
        Assert.That(Assert.Throws<ArgumentException>(() => TensorMixAssert.LabelMapsFollowPlan(plan, zeros(2, 3, 4), maps))!.ParamName, Is.EqualTo("labelMaps"));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorMixAssert.LabelMapsFollowPlan(plan, maps, zeros(new long[] { 2, 4, 3 }, ScalarType.Int64)))!.Message, Does.Contain("[2, 3, 4] is expected"));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorMixAssert.LabelMapsFollowPlan(plan, full(new long[] { 2, 3, 4 }, 1L << 40, ScalarType.Int64), maps))!.Message, Does.Contain("outside the range of int"));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorMixAssert.SoftLabelMapsFollowPlan(plan, maps, 3, -100, zeros(2, 4, 3, 4)))!.ParamName, Is.EqualTo("targets"));
        Assert.That(Assert.Throws<ArgumentException>(() => TensorMixAssert.LabelPairsFollowPlan(plan, maps, maps, maps, maps))!.ParamName, Is.EqualTo("weightA"));
    }
}
