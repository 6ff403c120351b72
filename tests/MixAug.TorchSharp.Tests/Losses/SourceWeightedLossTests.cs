using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Losses;
using MixAug.Transforms;
using static TorchSharp.torch.nn.functional;

namespace MixAug.TorchSharp.Tests.Losses;

/// <summary>
/// MixSpeech's λ·CTC(y_a) + (1 − λ)·CTC(y_b) through <see cref="SourceWeightedLoss"/> and libtorch's CTC, against the
/// CTC forward algorithm written out here in double precision for each sample and each of its sources.
/// </summary>
public sealed class SourceWeightedLossTests
{
    [Test]
    public void MixedCtcEqualsTheWeightedCtcOfEachSourceComputedByHand()
    {
        const int b = 7, frames = 14, classes = 5, maxTarget = 4;
        var random = new MixRandom(31);
        for (int seed = 0; seed < 5; seed++)
        {
            // Lengths of at least 2·S + 1 frames, so every target fits every output length.
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => (2 * maxTarget) + 1 + random.NextInt(frames - (2 * maxTarget)))];
            int[] targetLengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(maxTarget))];
            long[] targets = [.. Enumerable.Range(0, b * maxTarget).Select(_ => (long)(1 + random.NextInt(classes - 1)))];
            var shape = BatchShape.Sequence(b, 3, frames);
            IMixTransform transform = seed % 2 == 0 ? new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation) : new CutMix(mode: LambdaMode.Element);
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));

            using var scope = NewDisposeScope();
            Tensor logProbs = log_softmax(randn([frames, b, classes], dtype: ScalarType.Float64, generator: new global::TorchSharp.torch.Generator((ulong)seed)), 2);
            Tensor targetTensor = tensor(targets).reshape(b, maxTarget);
            Tensor outputLengths = tensor(plan.OutputLengths.ToArray().Select(l => (long)l).ToArray());
            Tensor targetLengthTensor = tensor(targetLengths.Select(l => (long)l).ToArray());
            Tensor mixed = SourceWeightedLoss.Compute(plan, sources => ctc_loss(
                logProbs, targetTensor.index(sources), outputLengths, targetLengthTensor.index(sources), reduction: global::TorchSharp.torch.nn.Reduction.None));

            double[] got = mixed.data<double>().ToArray();
            double[] lp = logProbs.data<double>().ToArray();
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i];
                double expected = 0;
                foreach ((int source, double weight) in new[] { (i, plan.Lambdas[i]), (p, 1 - plan.Lambdas[i]) })
                {
                    if (weight > 0)
                    {
                        int[] y = [.. Enumerable.Range(0, targetLengths[source]).Select(s => (int)targets[(source * maxTarget) + s])];
                        expected += weight * Ctc(lp, b, classes, i, plan.OutputLengths[i], y);
                    }
                }

                Assert.That(got[i], Is.EqualTo(expected).Within(1e-9), $"seed {seed}, sample {i} with {p}, λ {plan.Lambdas[i]}, length {plan.OutputLengths[i]}");
            }
        }
    }

    /// <summary>Several sources, and a weight-0 slot whose loss is infinite: exact weighted sums, nothing infinite leaks.</summary>
    [Test]
    public void EverySourceSlotIsWeightedAndZeroWeightsAddNothing()
    {
        var spatial = SpatialShape.Sequence(4);
        var plan = new MixPlan(spatial, [
            new SampleRecipe([0, 2, 1], [0.5, 0.25, 0.25], MixRegion.Blend),
            SampleRecipe.Unmixed(1),
            new SampleRecipe([2, 0], [0.75, 0.25], MixRegion.Blend),
        ]);
        var calls = new List<long[]>();
        using Tensor loss = SourceWeightedLoss.Compute(plan, sources =>
        {
            long[] s = sources.data<long>().ToArray();
            calls.Add(s);
            // 10·source + sample; infinite for the weight-0 slot of the kept sample 1 (its own index again).
            double[] values = [.. s.Select((v, i) => i == 1 && calls.Count > 1 ? double.PositiveInfinity : (10.0 * v) + i)];
            return tensor(values);
        });

        Assert.That(calls.Select(c => string.Join(",", c)), Is.EqualTo(new[] { "0,1,2", "2,1,0", "1,1,2" }));
        Assert.That(loss.data<double>().ToArray(), Is.EqualTo(new[]
        {
            (0.5 * 0) + (0.25 * 20) + (0.25 * 10),
            11.0,
            (0.75 * 22) + (0.25 * 2),
        }));
    }

    [Test]
    public void ABadCallbackResultIsRefusedByName()
    {
        MixPlan plan = new MixUp().CreatePlan(BatchShape.Sequence(3, 1, 5), new MixRandom(1));
        var e = Assert.Throws<ArgumentException>(() => SourceWeightedLoss.Compute(plan, s => s.unsqueeze(0).to(ScalarType.Float32)));
        Assert.That(e!.ParamName, Is.EqualTo("lossAgainst"));
        Assert.That(e.Message, Does.Contain("[1, 3]").And.Contain("[3]"));
        var integer = Assert.Throws<ArgumentException>(() => SourceWeightedLoss.Compute(plan, s => s));
        Assert.That(integer!.ParamName, Is.EqualTo("lossAgainst"));
        Assert.Throws<ArgumentNullException>(() => SourceWeightedLoss.Compute(null!, s => s));
    }

    /// <summary>The CTC negative log-likelihood of <paramref name="y"/> for sample <paramref name="sample"/>'s first
    /// <paramref name="length"/> frames, by the forward algorithm (Graves et al. 2006) in log space; blank is class 0.</summary>
    private static double Ctc(double[] logProbs, int batch, int classes, int sample, int length, int[] y)
    {
        double Lp(int t, int c) => logProbs[(((t * batch) + sample) * classes) + c];
        int s = (2 * y.Length) + 1;
        int Label(int k) => k % 2 == 0 ? 0 : y[k / 2];
        var alpha = new double[s];
        Array.Fill(alpha, double.NegativeInfinity);
        alpha[0] = Lp(0, 0);
        alpha[1] = Lp(0, Label(1));
        for (int t = 1; t < length; t++)
        {
            var next = new double[s];
            for (int k = 0; k < s; k++)
            {
                double a = alpha[k];
                if (k >= 1)
                {
                    a = LogAdd(a, alpha[k - 1]);
                }

                if (k >= 2 && Label(k) != 0 && Label(k) != Label(k - 2))
                {
                    a = LogAdd(a, alpha[k - 2]);
                }

                next[k] = a + Lp(t, Label(k));
            }

            alpha = next;
        }

        return -LogAdd(alpha[s - 1], alpha[s - 2]);
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a))
        {
            return b;
        }

        if (double.IsNegativeInfinity(b))
        {
            return a;
        }

        double max = Math.Max(a, b);
        return max + Math.Log(Math.Exp(a - max) + Math.Exp(b - max));
    }
}
