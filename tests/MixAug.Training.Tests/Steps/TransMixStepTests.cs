using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Training.ModelMixing;
using MixAug.Training.Steps;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.Steps;

/// <summary>The TransMix step in the loop: the first step's loss against a per-sample computation by hand, the schedule's
/// coin and off epoch, and the refusals.</summary>
public class TransMixStepTests
{
    private const ulong Seed = 13;
    private const int Classes = 3;
    private const int Batch = 6;

    [Test]
    public void The_first_loss_is_the_cross_entropy_of_attention_weighted_targets_worked_sample_by_sample()
    {
        const double smoothing = 0.1;
        var transform = new CutMix(alpha: 1.0, mode: LambdaMode.Element);
        using var model = new PatchAttentionModel();
        double[] w = [.. model.Head.weight!.data<float>().ToArray().Select(v => (double)v)];
        double[] bias = [.. model.Head.bias!.data<float>().ToArray().Select(v => (double)v)];
        (float[] pixels, long[] labels) = Data(0, 0);
        MixPlan plan = transform.CreatePlan(new MixRequest(new BatchShape(Batch, 1, 4, 4), MixRandom.ForBatch(Seed, 0, 0)));
        Assert.That(plan.Regions.OfType<BoxRegion>().Count(), Is.GreaterThan(1), "the seed draws boxes");

        double expected = 0;
        for (int i = 0; i < Batch; i++)
        {
            // The mixed image and each pixel's source, from the box by hand.
            int partner = plan.Sources(i).Length > 1 ? plan.Sources(i)[1] : i;
            bool[] fromPartner = new bool[16];
            if (plan.Regions[i] is BoxRegion box)
            {
                for (int p = 0; p < 16; p++)
                {
                    fromPartner[p] = p / 4 >= box.Top && p / 4 < box.Bottom && p % 4 >= box.Left && p % 4 < box.Right;
                }
            }

            double[] x = [.. Enumerable.Range(0, 16).Select(p => (double)pixels[((fromPartner[p] ? partner : i) * 16) + p])];

            // The model by hand: logits W·x + b; attention per head over the four 2x2 patches.
            double[] logits = [.. Enumerable.Range(0, Classes).Select(k => bias[k] + Enumerable.Range(0, 16).Sum(p => w[(k * 16) + p] * x[p]))];
            double[] means = [.. Enumerable.Range(0, 4).Select(q => PatchPixels(q).Average(p => x[p]))];
            double[] head0 = Softmax([.. means.Select(m => 3 * m)]), head1 = Softmax([.. means.Select(m => -m)]);
            double[] attention = [.. Enumerable.Range(0, 4).Select(q => 0.9 * (head0[q] + head1[q]) / 2)];

            // The partner's weight: (area + attention on its pixels) / 2.
            double area = fromPartner.Count(f => f) / 16.0;
            double attended = Enumerable.Range(0, 4).Sum(q => attention[q] * PatchPixels(q).Count(p => fromPartner[p]) / 4.0) / attention.Sum();
            double lamPartner = (area + attended) / 2;
            double[] target = new double[Classes];
            for (int k = 0; k < Classes; k++)
            {
                double onHot(long label) => (label == k ? 1 - smoothing : 0) + (smoothing / Classes);
                target[k] = ((1 - lamPartner) * onHot(labels[i])) + (lamPartner * onHot(labels[partner]));
            }

            double logSum = Math.Log(logits.Sum(Math.Exp));
            expected -= Enumerable.Range(0, Classes).Sum(k => target[k] * (logits[k] - logSum)) / Batch;
        }

        var reports = new List<StepReport>();
        new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), Classes)
        {
            Mix = new MixSchedule(transform),
            Step = new TransMixStep(),
            Smoothing = smoothing,
            Seed = Seed,
            Callbacks = [new Recorder(reports)],
        }.Run(e => Enumerable.Range(0, 2).Select(s => Tensors(e, s)), epochs: 1);
        Assert.That(reports[0].Loss, Is.EqualTo(expected).Within(1e-5));
        Assert.That(MixPlanJson.Serialize(reports[0].Plan!), Is.EqualTo(MixPlanJson.Serialize(plan)));
    }

    [Test]
    public void The_coin_and_the_off_epoch_decide_which_steps_mix_and_nothing_stays_alive()
    {
        using var model = new PatchAttentionModel();
        ScheduledSteps.AssertCoinAndOffEpochDecide(model, new TransMixStep(), Classes, Seed, Tensors);
    }

    [Test]
    public void A_model_without_attention_and_a_share_outside_zero_to_one_are_refused()
    {
        using nn.Module<Tensor, Tensor> plain = nn.Sequential(nn.Flatten(), nn.Linear(16, Classes));
        var loop = new TrainingLoop(plain, optim.SGD(plain.parameters(), 0.1), Classes)
        {
            Mix = new MixSchedule(new CutMix()),
            Step = new TransMixStep(),
        };
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(e => [Tensors(e, 0)], 1));
        Assert.That(e!.Message, Does.Contain("IClassAttentionModel"));
        foreach (double share in new[] { -0.1, 1.5, double.NaN })
        {
            var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new TransMixStep(share));
            Assert.That(bad!.ParamName, Is.EqualTo("attentionShare"));
        }
    }

    /// <summary>The pixels of patch q (row-major over the 2x2 grid of 2x2 patches) of a 4x4 image.</summary>
    private static int[] PatchPixels(int q) => [.. Enumerable.Range(0, 16).Where(p => ((p / 4 / 2) * 2) + (p % 4 / 2) == q)];

    private static double[] Softmax(double[] z) => [.. z.Select(v => Math.Exp(v) / z.Sum(Math.Exp))];

    private static (float[] Pixels, long[] Labels) Data(int epoch, int step)
    {
        var generator = MixRandom.ForBatch(Seed ^ 0xA5, epoch, step);
        return ([.. Enumerable.Range(0, Batch * 16).Select(_ => (float)generator.NextDouble())], [.. Enumerable.Range(0, Batch).Select(i => (long)(i % Classes))]);
    }

    private static TrainingBatch Tensors(int epoch, int step)
    {
        (float[] pixels, long[] labels) = Data(epoch, step);
        return new TrainingBatch(tensor(pixels, [Batch, 1, 4, 4]), tensor(labels));
    }

    /// <summary>Logits from one linear layer over the 16 pixels; two heads of attention over the four 2x2 patches, from
    /// the patches' means (softmax of 3·mean and of −mean), each scaled by 0.9 as if the class token kept 0.1 for itself.</summary>
    private sealed class PatchAttentionModel : nn.Module<Tensor, Tensor>, IClassAttentionModel
    {
        public PatchAttentionModel()
            : base(nameof(PatchAttentionModel))
        {
            random.manual_seed(5);
            Head = nn.Linear(16, Classes);
            RegisterComponents();
        }

        public global::TorchSharp.Modules.Linear Head { get; }

        public override Tensor forward(Tensor input) => ForwardWithAttention(input).Logits;

        public (Tensor Logits, Tensor Attention) ForwardWithAttention(Tensor images)
        {
            Tensor means = nn.functional.avg_pool2d(images, 2).flatten(1);
            Tensor attention = stack([means.mul(3).softmax(1), means.neg().softmax(1)], 1).mul(0.9);
            return (Head.forward(images.flatten(1)), attention);
        }
    }

    private sealed class Recorder(List<StepReport> reports) : ITrainingCallback
    {
        public void OnStep(StepReport step) => reports.Add(step);
    }
}
