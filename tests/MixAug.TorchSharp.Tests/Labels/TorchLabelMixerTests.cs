using MixAug.Labels;
using MixAug.Randomness;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Labels;

public sealed class TorchLabelMixerTests
{
    private static readonly BatchShape Shape = new(7, 3, 8, 8);

    [TestCase(0.0)]
    [TestCase(0.1)]
    public void Dense_targets_from_indices_are_exactly_LabelMixers(double smoothing)
    {
        MixPlan plan = new MixUp(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(3));
        int[] labels = [0, 4, 2, 4, 1, 3, 0];
        using Tensor labelTensor = tensor(labels.Select(v => (long)v).ToArray(), ScalarType.Int64);
        using Tensor targets = TorchLabelMixer.ToSoftTargets(plan, labelTensor, 5, smoothing);

        Assert.That(targets.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(targets.shape, Is.EqualTo(new long[] { 7, 5 }));
        Assert.That(Batches.ToArray(targets), Is.EqualTo(LabelMixer.ToSoftTargets(plan, labels, 5, smoothing)));
        using Tensor rowSums = targets.sum(1);
        Assert.That(Batches.ToArray(rowSums), Is.All.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Dense_targets_from_half_precision_soft_labels_are_float32_and_LabelMixers()
    {
        MixPlan plan = new CutMix(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(4));
        float[] soft = new float[7 * 3];
        for (int i = 0; i < 7; i++)
        {
            soft[(i * 3) + (i % 3)] = 0.75f;
            soft[(i * 3) + ((i + 1) % 3)] = 0.25f;
        }

        using Tensor labels = tensor(soft, [7, 3], ScalarType.Float16);
        using Tensor targets = TorchLabelMixer.ToSoftTargets(plan, labels, 3, 0.1);

        Assert.That(targets.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Batches.ToArray(targets), Is.EqualTo(LabelMixer.ToSoftTargets(plan, soft, 3, 0.1)));
    }

    [Test]
    public void Compact_targets_are_LabelMixers()
    {
        MixPlan plan = new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(Shape, new MixRandom(5));
        int[] labels = [6, 5, 4, 3, 2, 1, 0];
        using Tensor labelTensor = tensor(labels.Select(v => (long)v).ToArray(), ScalarType.Int64);
        using CompactTargetTensors compact = TorchLabelMixer.ToCompact(plan, labelTensor, 7);
        MixedTargets expected = LabelMixer.ToCompact(plan, labels, 7);

        Assert.That(compact.IndexA.data<long>().ToArray(), Is.EqualTo(expected.IndexA.ToArray().Select(v => (long)v)));
        Assert.That(compact.IndexB.data<long>().ToArray(), Is.EqualTo(expected.IndexB.ToArray().Select(v => (long)v)));
        Assert.That(compact.Lambda.data<float>().ToArray(), Is.EqualTo(expected.Lambda.ToArray()));
    }

    [Test]
    public void Bad_labels_are_rejected_with_the_parameter_and_the_numbers()
    {
        MixPlan plan = new MixUp().CreatePlan(Shape, new MixRandom(1));
        using Tensor int32Labels = zeros([7], ScalarType.Int32);
        using Tensor tooFew = zeros([6], ScalarType.Int64);
        using Tensor outOfRange = full([7], 9L, ScalarType.Int64);
        using Tensor soft1D = zeros([7], ScalarType.Float32);
        using Tensor wideSoft = zeros([7, 4], ScalarType.Float32);

        Assert.That(() => TorchLabelMixer.ToSoftTargets(plan, int32Labels, 5), Throws.ArgumentException.With.Message.Contains("Int32").And.Property("ParamName").EqualTo("labels"));
        Assert.That(() => TorchLabelMixer.ToSoftTargets(plan, tooFew, 5), Throws.ArgumentException.With.Message.Contains("6 rows").And.Message.Contains("batch of 7"));
        Assert.That(() => TorchLabelMixer.ToSoftTargets(plan, outOfRange, 5), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("outside [0, 5)"));
        Assert.That(() => TorchLabelMixer.ToSoftTargets(plan, soft1D, 5), Throws.ArgumentException.With.Message.Contains("2-D"));
        Assert.That(() => TorchLabelMixer.ToSoftTargets(plan, wideSoft, 5), Throws.ArgumentException.With.Message.Contains("4 classes"));
        Assert.That(() => TorchLabelMixer.ToCompact(plan, wideSoft, 4), Throws.ArgumentException.With.Message.Contains("int64"));
    }
}
