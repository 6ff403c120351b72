using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;
using MixAug.TorchSharp.Features;
using MixAug.Training.Steps;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests;

/// <summary>The gradient-saliency step: the input gradient by hand on a linear model, the plan of the first step
/// replayed from that gradient, and the refusals.</summary>
public class GradientSaliencyStepTests
{
    private const ulong Seed = 7;

    /// <summary>Flatten then Linear(4 → 2) with fixed weights, on 1×2×2 images.</summary>
    private static nn.Module<Tensor, Tensor> LinearModel()
    {
        var linear = nn.Linear(4, 2);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(new float[] { 1, -2, 0.5f, 3, -1, 1, 2, -0.5f }, [2, 4]));
            linear.bias!.copy_(tensor(new float[] { 0.1f, -0.2f }));
        }

        return nn.Sequential(nn.Flatten(), linear);
    }

    [Test]
    public void The_input_gradient_is_the_cross_entropy_gradient_and_leaves_the_parameters_alone()
    {
        using nn.Module<Tensor, Tensor> model = LinearModel();
        float[] x = [0.2f, -0.4f, 1, 0.5f, -1, 0.3f, 0.7f, 0];
        long[] y = [1, 0];
        using Tensor images = tensor(x, [2, 1, 2, 2]), labels = tensor(y);
        using Tensor gradient = GradientSaliencyStep.InputGradient(model, images, labels);

        // By hand: d mean-CE / dx_i = (softmax(W x_i + b) − onehot(y_i)) · W / B.
        double[,] w = { { 1, -2, 0.5, 3 }, { -1, 1, 2, -0.5 } };
        double[] bias = [0.1, -0.2];
        float[] actual = gradient.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
        {
            double[] z = [.. Enumerable.Range(0, 2).Select(k => bias[k] + Enumerable.Range(0, 4).Sum(j => w[k, j] * x[(i * 4) + j]))];
            double[] p = [.. z.Select(v => Math.Exp(v) / z.Sum(Math.Exp))];
            for (int j = 0; j < 4; j++)
            {
                double expected = Enumerable.Range(0, 2).Sum(k => (p[k] - (y[i] == k ? 1 : 0)) * w[k, j]) / 2;
                Assert.That(actual[(i * 4) + j], Is.EqualTo(expected).Within(1e-6), $"sample {i}, pixel {j}");
            }
        }

        Assert.That(model.parameters().Select(t => t.grad), Has.All.Null, "torch.autograd.grad accumulates into no parameter");
    }

    [Test]
    public void The_first_steps_plan_is_SaliencyMix_over_the_gradient_of_the_initial_model()
    {
        var transform = new SaliencyMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, saliency: new GradientSaliency());
        (Tensor images, Tensor labels) = Batch();
        MixPlan expected;
        using (nn.Module<Tensor, Tensor> probe = LinearModel())
        using (Tensor gradient = GradientSaliencyStep.InputGradient(probe, images, labels))
        {
            SaliencyMaps peaks = new GradientSaliency().Compute(gradient, SaliencyDetail.Peaks);
            var stream = MixRandom.ForBatch(Seed, 0, 0);
            expected = transform.CreatePlan(new MixRequest(new BatchShape(6, 1, 2, 2), stream, new BatchFeatures([peaks])));
        }

        var reports = new List<StepReport>();
        using nn.Module<Tensor, Tensor> model = LinearModel();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var loop = new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), 2)
        {
            Mix = new MixSchedule(transform),
            Step = new GradientSaliencyStep(),
            Seed = Seed,
            Callbacks = [new Recorder(reports)],
        };
        loop.Run(_ => Enumerable.Range(0, 2).Select(_ => Batch()), epochs: 1); // lazily: each batch inside its step's scope
        Assert.That(MixPlanJson.Serialize(reports[0].Plan!), Is.EqualTo(MixPlanJson.Serialize(expected)));
        Assert.That(reports.Select(r => r.Plan), Has.All.Not.Null);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before), "the extra pass leaves nothing alive");
        images.Dispose();
        labels.Dispose();
    }

    [Test]
    public void A_transform_that_reads_no_gradient_saliency_is_refused()
    {
        using nn.Module<Tensor, Tensor> model = LinearModel();
        var loop = new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), 2)
        {
            Mix = new MixSchedule(new SaliencyMix()),
            Step = new GradientSaliencyStep(),
        };
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(_ => Enumerable.Range(0, 1).Select(_ => Batch()), epochs: 1));
        Assert.That(e!.Message, Does.Contain("SaliencyMix").And.Contain("GradientSaliency"));
    }

    /// <summary>Six 1×2×2 images with a bright pixel that moves, classes 0 and 1 alternating.</summary>
    private static TrainingBatch Batch()
    {
        float[] pixels = [.. Enumerable.Range(0, 24).Select(i => i % 5 == 0 ? 1f : 0.1f * (i % 3))];
        return new TrainingBatch(tensor(pixels, [6, 1, 2, 2]), tensor(new long[] { 0, 1, 0, 1, 0, 1 }));
    }

    private sealed class Recorder(List<StepReport> reports) : ITrainingCallback
    {
        public void OnStep(StepReport step) => reports.Add(step);
    }
}
