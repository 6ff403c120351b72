using MixAug.Labels;
using MixAug.Randomness;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Losses;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Labels;

public sealed class TorchMultiLabelMixerTests
{
    [Test]
    public void TensorsGetTheArraysNumbersAndTimmsThresholdedBce()
    {
        using var scope = NewDisposeScope();
        var shape = new BatchShape(6, 1, 4, 4);
        for (ulong seed = 0; seed < 10; seed++)
        {
            var random = new MixRandom(seed);
            MixPlan plan = new MixUp(mode: LambdaMode.Element).CreatePlan(shape, random);
            float[] rows = [.. Enumerable.Range(0, 6 * 4).Select(_ => (float)random.NextInt(2))];
            foreach (MultiLabelMode mode in new[] { MultiLabelMode.Weighted, MultiLabelMode.Union })
            {
                float[] expected = MultiLabelMixer.ToTargets(plan, rows, 4, mode);
                foreach (Tensor labels in new[] { tensor(rows, [6, 4]), tensor(rows, [6, 4]).to_type(ScalarType.Bool), tensor(rows, [6, 4]).to_type(ScalarType.Byte) })
                {
                    Tensor targets = TorchMultiLabelMixer.ToTargets(plan, labels, mode);
                    Assert.That((targets.dtype, targets.shape), Is.EqualTo((ScalarType.Float32, new long[] { 6, 4 })));
                    Assert.That(targets.data<float>().ToArray(), Is.EqualTo(expected), $"seed {seed} {mode} {labels.dtype}");
                }

                // timm's BinaryCrossEntropy(target_threshold=0.2): the targets binarised, then BCE with logits, by hand.
                Tensor logits = randn(6, 4, dtype: ScalarType.Float64);
                double[] z = logits.data<double>().ToArray();
                double sum = 0;
                for (int e = 0; e < z.Length; e++)
                {
                    double t = expected[e] > 0.2 ? 1 : 0, p = 1 / (1 + Math.Exp(-z[e]));
                    sum -= (t * Math.Log(p)) + ((1 - t) * Math.Log(1 - p));
                }

                double loss = MixLosses.BinaryCrossEntropy(logits, TorchMultiLabelMixer.ToTargets(plan, tensor(rows, [6, 4]), mode), targetThreshold: 0.2).item<double>();
                Assert.That(loss, Is.EqualTo(sum / z.Length).Within(1e-9));
            }
        }
    }

    [Test]
    public void BadLabelsAreRejectedByName()
    {
        using var scope = NewDisposeScope();
        MixPlan plan = new MixUp().CreatePlan(new BatchShape(2, 1, 2, 2), new MixRandom(1));
        Assert.That(Assert.Throws<ArgumentException>(() => TorchMultiLabelMixer.ToTargets(plan, tensor(new long[] { 0, 1 })))!.ParamName, Is.EqualTo("labels"));
        var ex = Assert.Throws<ArgumentException>(() => TorchMultiLabelMixer.ToTargets(plan, tensor(new float[] { 0, 1, 2, 0 }, [2, 2])));
        Assert.That((ex!.ParamName, ex.Message), Is.EqualTo(("labels", "Label value 2 (sample 1, class 0) is 2; multi-label values must lie in [0, 1]. (Parameter 'labels')")));
    }
}
