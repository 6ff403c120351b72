using MixAug.Randomness;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Losses;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Losses;

/// <summary>Each loss against a plain double-precision loop over the same numbers.</summary>
public sealed class MixLossesTests
{
    private const int B = 6;
    private const int K = 5;
    private static readonly int[] Labels = [0, 3, 3, 1, 4, 2];

    private static (double[,] Z, MixPlan Plan) Inputs()
    {
        var random = new MixRandom(21);
        var z = new double[B, K];
        for (int i = 0; i < B; i++)
        {
            for (int c = 0; c < K; c++)
            {
                z[i, c] = (random.NextDouble() * 6) - 3;
            }
        }

        // Flip pairing pairs 1 with 4 and 2 with 3; samples 2 and 3 both have class 3, so that pair is not two-hot.
        MixPlan plan = new MixUp(mode: LambdaMode.Element).CreatePlan(new BatchShape(B, 1, 2, 2), random);
        return (z, plan);
    }

    private static Tensor Logits(double[,] z) => tensor(z.Cast<double>().ToArray(), [B, K], ScalarType.Float64);

    private static Tensor LabelTensor() => tensor(Labels.Select(v => (long)v).ToArray(), ScalarType.Int64);

    private static double LogSoftmax(double[,] z, int i, int c, Func<int, bool>? include = null)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < K; k++)
        {
            if (include?.Invoke(k) ?? true)
            {
                max = Math.Max(max, z[i, k]);
            }
        }

        double sum = 0;
        for (int k = 0; k < K; k++)
        {
            if (include?.Invoke(k) ?? true)
            {
                sum += Math.Exp(z[i, k] - max);
            }
        }

        return z[i, c] - max - Math.Log(sum);
    }

    private static double[,] DenseTargets(MixPlan plan)
    {
        var y = new double[B, K];
        for (int i = 0; i < B; i++)
        {
            double lambda = (float)plan.Lambdas[i];
            y[i, Labels[i]] += lambda;
            y[i, Labels[plan.Partners[i]]] += 1 - lambda;
        }

        return y;
    }

    [Test]
    public void Soft_target_cross_entropy_matches_a_double_loop()
    {
        (double[,] z, MixPlan plan) = Inputs();
        double[,] y = DenseTargets(plan);
        double expected = 0;
        for (int i = 0; i < B; i++)
        {
            for (int c = 0; c < K; c++)
            {
                expected -= y[i, c] * LogSoftmax(z, i, c);
            }
        }

        using Tensor logits = Logits(z);
        using Tensor targets = tensor(y.Cast<double>().ToArray(), [B, K], ScalarType.Float64);
        using Tensor loss = MixLosses.SoftTargetCrossEntropy(logits, targets);
        Assert.That(loss.item<double>(), Is.EqualTo(expected / B).Within(1e-12));
    }

    [Test]
    public void Mixed_cross_entropy_equals_the_soft_one_on_the_same_plan()
    {
        (double[,] z, MixPlan plan) = Inputs();
        double expected = 0;
        for (int i = 0; i < B; i++)
        {
            double lambda = (float)plan.Lambdas[i];
            expected -= (lambda * LogSoftmax(z, i, Labels[i])) + ((1 - lambda) * LogSoftmax(z, i, Labels[plan.Partners[i]]));
        }

        using Tensor logits = Logits(z);
        using Tensor labels = LabelTensor();
        using CompactTargetTensors compact = TorchLabelMixer.ToCompact(plan, labels, K);
        using Tensor loss = MixLosses.MixedCrossEntropy(logits, compact);
        Assert.That(loss.item<double>(), Is.EqualTo(expected / B).Within(1e-12));
    }

    [TestCase(null)]
    [TestCase(0.2)]
    public void Binary_cross_entropy_matches_a_double_loop(double? threshold)
    {
        (double[,] z, MixPlan plan) = Inputs();
        double[,] y = DenseTargets(plan);
        double expected = 0;
        for (int i = 0; i < B; i++)
        {
            for (int c = 0; c < K; c++)
            {
                double t = threshold is double th ? (y[i, c] > th ? 1 : 0) : y[i, c];
                double s = 1 / (1 + Math.Exp(-z[i, c]));
                expected -= (t * Math.Log(s)) + ((1 - t) * Math.Log(1 - s));
            }
        }

        using Tensor logits = Logits(z);
        using Tensor targets = tensor(y.Cast<double>().ToArray(), [B, K], ScalarType.Float64);
        using Tensor loss = MixLosses.BinaryCrossEntropy(logits, targets, threshold);
        Assert.That(loss.item<double>(), Is.EqualTo(expected / (B * K)).Within(1e-12));
    }

    [TestCase(DecoupledEtaMode.Both, 0.1)]
    [TestCase(DecoupledEtaMode.Less, 0.1)]
    [TestCase(DecoupledEtaMode.More, 0.01)]
    public void Decoupled_mixup_loss_matches_the_papers_formula_in_a_double_loop(DecoupledEtaMode mode, double eta)
    {
        (double[,] z, MixPlan plan) = Inputs();
        double expected = 0;
        for (int i = 0; i < B; i++)
        {
            int a = Labels[i];
            int b = Labels[plan.Partners[i]];
            double lambda = (float)plan.Lambdas[i];
            double soft = -((lambda * LogSoftmax(z, i, a)) + ((1 - lambda) * LogSoftmax(z, i, b)));
            double extra = 0;
            if (a != b)
            {
                foreach ((int cls, int other, double weight) in new[] { (a, b, lambda), (b, a, 1 - lambda) })
                {
                    bool active = mode switch
                    {
                        DecoupledEtaMode.Both => true,
                        DecoupledEtaMode.Less => weight < 0.5,
                        _ => weight > 0.5,
                    };
                    if (active)
                    {
                        // −log[e^{z_i} / (e^{z_i} + Σ_{c∉{a,b}} e^{z_c})]: the softmax without the other mixed class.
                        extra += eta * -LogSoftmax(z, i, cls, k => k != other);
                    }
                }
            }

            expected += soft + extra;
        }

        using Tensor logits = Logits(z);
        using Tensor labels = LabelTensor();
        using CompactTargetTensors compact = TorchLabelMixer.ToCompact(plan, labels, K);
        using Tensor loss = MixLosses.DecoupledMixup(logits, compact, eta, mode);
        Assert.That(loss.item<double>(), Is.EqualTo(expected / B).Within(1e-12));
    }

    [Test]
    public void Decoupled_mixup_with_eta_zero_is_the_soft_cross_entropy_and_has_gradients()
    {
        (double[,] z, MixPlan plan) = Inputs();
        using Tensor logits = Logits(z).requires_grad_();
        using Tensor labels = LabelTensor();
        using CompactTargetTensors compact = TorchLabelMixer.ToCompact(plan, labels, K);
        using Tensor dm = MixLosses.DecoupledMixup(logits, compact, eta: 0);
        using Tensor ce = MixLosses.MixedCrossEntropy(logits, compact);
        Assert.That(dm.item<double>(), Is.EqualTo(ce.item<double>()).Within(1e-12));
        dm.backward();
        Assert.That(logits.grad, Is.Not.Null);
    }

    [Test]
    public void Mixed_accuracy_weights_hits_by_lambda()
    {
        (double[,] z, MixPlan plan) = Inputs();
        double expected = 0;
        for (int i = 0; i < B; i++)
        {
            int best = Enumerable.Range(0, K).MaxBy(c => z[i, c]);
            double lambda = (float)plan.Lambdas[i];
            expected += (best == Labels[i] ? lambda : 0) + (best == Labels[plan.Partners[i]] ? 1 - lambda : 0);
        }

        using Tensor logits = Logits(z);
        using Tensor labels = LabelTensor();
        using CompactTargetTensors compact = TorchLabelMixer.ToCompact(plan, labels, K);
        using Tensor accuracy = MixLosses.MixedAccuracy(logits, compact);
        Assert.That(accuracy.item<float>(), Is.EqualTo(expected / B).Within(1e-6));
    }

    [Test]
    public void Mismatched_shapes_are_rejected()
    {
        using Tensor logits = zeros([B, K]);
        using Tensor targets = zeros([B, K + 1]);
        using Tensor logits1D = zeros([K]);
        Assert.That(() => MixLosses.SoftTargetCrossEntropy(logits, targets), Throws.ArgumentException.With.Property("ParamName").EqualTo("targets"));
        Assert.That(() => MixLosses.SoftTargetCrossEntropy(logits1D, targets), Throws.ArgumentException.With.Property("ParamName").EqualTo("logits"));
    }
}
