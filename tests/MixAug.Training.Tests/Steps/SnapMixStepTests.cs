using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Training.ModelMixing;
using MixAug.Training.Steps;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.Steps;

/// <summary>The SnapMix step: class activation maps by hand (at the image's size and upsampled), the first step's loss
/// against a per-sample computation by hand, the schedule's coin and off epoch, and the refusals.</summary>
public class SnapMixStepTests
{
    private const ulong Seed = 17;
    private const int Classes = 3;
    private const int Batch = 6;

    /// <summary>Classifier rows (1, 0), (0, 2), (1, 1) over the features (x, −x): maps relu(x), 2·relu(−x), |x|.</summary>
    private static readonly float[] Classifier = [1, 0, 0, 2, 1, 1];

    [Test]
    public void Maps_at_the_images_size_are_the_labels_weighted_features_shifted_and_normalised()
    {
        float[] x = [.. Enumerable.Range(0, 32).Select(p => (float)Math.Sin(p * 1.7))];
        long[] labels = [1, 2];
        using var model = new SignedFeatures(Classifier);
        using Tensor images = tensor(x, [2, 1, 4, 4]);
        using Tensor maps = SnapMixStep.ClassActivationMaps(model, images, tensor(labels));
        float[] actual = maps.data<float>().ToArray();
        for (int i = 0; i < 2; i++)
        {
            double[] cam = [.. x.Skip(i * 16).Take(16).Select(v => labels[i] == 1 ? 2 * Math.Max(-v, 0) : Math.Abs(v))];
            double min = cam.Min(), sum = cam.Sum(v => v - min);
            for (int p = 0; p < 16; p++)
            {
                Assert.That(actual[(i * 16) + p], Is.EqualTo((cam[p] - min) / sum).Within(1e-6), $"sample {i}, pixel {p}");
            }
        }
    }

    [Test]
    public void Maps_of_smaller_features_are_upsampled_with_half_pixel_centres()
    {
        // Features 2x2 → image 4x4: each axis reads the coarse values at (i + ½)/2 − ½ = −¼, ¼, ¾, 1¼ (clamped at the
        // edges), i.e. weights (1, 0), (¾, ¼), (¼, ¾), (0, 1).
        using var model = new SignedFeatures([1, 0, 0, 1, 1, 1], pool: true);
        float[] coarse = [0, 4, 8, 12]; // the 2x2 average pool of the image below
        float[] image = [0, 0, 4, 4, 0, 0, 4, 4, 8, 8, 12, 12, 8, 8, 12, 12];
        using Tensor maps = SnapMixStep.ClassActivationMaps(model, tensor(image, [1, 1, 4, 4]), tensor(new long[] { 0 }));
        double[][] taps = [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]];
        double[] up = new double[16];
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                up[(r * 4) + c] = Enumerable.Range(0, 2).Sum(a => Enumerable.Range(0, 2).Sum(b => taps[r][a] * taps[c][b] * coarse[(a * 2) + b]));
            }
        }

        Assert.That(maps.data<float>().ToArray(), Is.EqualTo(up.Select(v => v / up.Sum())).Within(1e-6));
    }

    [Test]
    public void The_first_loss_is_the_cross_entropy_of_activation_weighted_targets_worked_sample_by_sample()
    {
        var transform = new CutMix(alpha: 1.0, mode: LambdaMode.Element);
        using var model = new SignedFeatures(Classifier);
        (float[] pixels, long[] labels) = Data(0, 0);
        MixPlan plan = transform.CreatePlan(new MixRequest(new BatchShape(Batch, 1, 4, 4), MixRandom.ForBatch(Seed, 0, 0)));
        Assert.That(plan.Regions.OfType<BoxRegion>().Count(), Is.GreaterThan(1), "the seed draws boxes");

        // Each image's normalised map for its own label, by hand.
        double[][] maps = new double[Batch][];
        for (int i = 0; i < Batch; i++)
        {
            double[] cam = [.. pixels.Skip(i * 16).Take(16).Select(v => Cam(labels[i], v))];
            double min = cam.Min(), sum = cam.Sum(v => v - min);
            maps[i] = [.. cam.Select(v => (v - min) / sum)];
        }

        double expected = 0;
        for (int i = 0; i < Batch; i++)
        {
            int partner = plan.Sources(i).Length > 1 ? plan.Sources(i)[1] : i;
            bool[] fromPartner = new bool[16];
            if (plan.Regions[i] is BoxRegion box)
            {
                for (int p = 0; p < 16; p++)
                {
                    fromPartner[p] = p / 4 >= box.Top && p / 4 < box.Bottom && p % 4 >= box.Left && p % 4 < box.Right;
                }
            }

            double own = Enumerable.Range(0, 16).Where(p => !fromPartner[p]).Sum(p => maps[i][p]);
            double taken = partner == i ? 0 : Enumerable.Range(0, 16).Where(p => fromPartner[p]).Sum(p => maps[partner][p]);
            double[] x = [.. Enumerable.Range(0, 16).Select(p => (double)pixels[((fromPartner[p] ? partner : i) * 16) + p])];

            // logits = W·(mean relu(x), mean relu(−x)); the loss −own·log p(own label) − taken·log p(partner's label).
            double up = x.Average(v => Math.Max(v, 0)), down = x.Average(v => Math.Max(-v, 0));
            double[] logits = [.. Enumerable.Range(0, Classes).Select(k => (Classifier[2 * k] * up) + (Classifier[(2 * k) + 1] * down))];
            double logSum = Math.Log(logits.Sum(Math.Exp));
            expected -= ((own * (logits[labels[i]] - logSum)) + (taken * (logits[labels[partner]] - logSum))) / Batch;
        }

        var reports = new List<StepReport>();
        new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), Classes)
        {
            Mix = new MixSchedule(transform),
            Step = new SnapMixStep(),
            Seed = Seed,
            Callbacks = [new Recorder(reports)],
        }.Run(e => Enumerable.Range(0, 2).Select(s => Tensors(e, s)), epochs: 1);
        Assert.That(reports[0].Loss, Is.EqualTo(expected).Within(1e-5));
        Assert.That(MixPlanJson.Serialize(reports[0].Plan!), Is.EqualTo(MixPlanJson.Serialize(plan)));
    }

    [Test]
    public void The_coin_and_the_off_epoch_decide_which_steps_mix_and_nothing_stays_alive()
    {
        using var model = new SignedFeatures(Classifier);
        ScheduledSteps.AssertCoinAndOffEpochDecide(model, new SnapMixStep(), Classes, Seed, Tensors);
    }

    [Test]
    public void A_model_without_activation_maps_or_with_a_misfit_classifier_is_refused()
    {
        using nn.Module<Tensor, Tensor> plain = nn.Sequential(nn.Flatten(), nn.Linear(16, Classes));
        var loop = new TrainingLoop(plain, optim.SGD(plain.parameters(), 0.1), Classes)
        {
            Mix = new MixSchedule(new CutMix()),
            Step = new SnapMixStep(),
        };
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(e => [Tensors(e, 0)], 1));
        Assert.That(e!.Message, Does.Contain("IClassActivationModel"));

        var misfit = new MisfitClassifier();
        using Tensor images = zeros(2, 1, 4, 4);
        var shapes = Assert.Throws<InvalidOperationException>(() => SnapMixStep.ClassActivationMaps(misfit, images, tensor(new long[] { 0, 1 })));
        Assert.That(shapes!.Message, Does.Contain("[2, 2, 4, 4]").And.Contain("[3, 3]"));
    }

    private static double Cam(long label, double v) => label switch
    {
        0 => Math.Max(v, 0),
        1 => 2 * Math.Max(-v, 0),
        _ => Math.Abs(v),
    };

    private static (float[] Pixels, long[] Labels) Data(int epoch, int step)
    {
        var generator = MixRandom.ForBatch(Seed ^ 0x3C, epoch, step);
        return ([.. Enumerable.Range(0, Batch * 16).Select(_ => (float)((2 * generator.NextDouble()) - 1))], [.. Enumerable.Range(0, Batch).Select(i => (long)(i % Classes))]);
    }

    private static TrainingBatch Tensors(int epoch, int step)
    {
        (float[] pixels, long[] labels) = Data(epoch, step);
        return new TrainingBatch(tensor(pixels, [Batch, 1, 4, 4]), tensor(labels));
    }

    /// <summary>Features relu(x), relu(−x) of the image (or of its 2x2 average pool), global average pooling and a
    /// bias-free linear classifier set by hand.</summary>
    private sealed class SignedFeatures : nn.Module<Tensor, Tensor>, IClassActivationModel
    {
        private readonly bool _pool;

        public SignedFeatures(float[] classifier, bool pool = false)
            : base(nameof(SignedFeatures))
        {
            _pool = pool;
            Head = nn.Linear(2, classifier.Length / 2, hasBias: false);
            using (no_grad())
            {
                Head.weight!.copy_(tensor(classifier, [classifier.Length / 2, 2]));
            }

            RegisterComponents();
        }

        public global::TorchSharp.Modules.Linear Head { get; }

        public Tensor ClassifierWeight => Head.weight!;

        public override Tensor forward(Tensor input) => ForwardWithFeatures(input).Logits;

        public (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor images)
        {
            Tensor x = _pool ? nn.functional.avg_pool2d(images, 2) : images;
            Tensor features = nn.functional.relu(cat([x, x.neg()], 1));
            return (Head.forward(features.mean([2, 3])), features);
        }
    }

    /// <summary>Two feature maps, but a classifier over three.</summary>
    private sealed class MisfitClassifier : IClassActivationModel
    {
        public Tensor ClassifierWeight { get; } = ones(3, 3);

        public (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor images) => (zeros(images.shape[0], 3), images.repeat(1, 2, 1, 1));
    }

    private sealed class Recorder(List<StepReport> reports) : ITrainingCallback
    {
        public void OnStep(StepReport step) => reports.Add(step);
    }
}
