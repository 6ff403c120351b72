using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests;

/// <summary>The loop with a tiny linear model on a tiny synthetic set: two classes told apart by which half is bright.</summary>
public class TrainingLoopTests
{
    private const int Classes = 2;

    [Test]
    public void LossDecreases()
    {
        TrainingResult result = Train(MixSchedule.None, epochs: 6, seed: 1).Result;
        Assert.That(result.Epochs[^1].TrainLoss, Is.LessThan(result.Epochs[0].TrainLoss * 0.7));
        Assert.That(result.Epochs[^1].Evaluation!.Accuracy, Is.GreaterThan(0.9));
    }

    [Test]
    public void CallbacksFireInOrder()
    {
        var recorder = new Recorder();
        Train(new MixSchedule(new MixUp()), epochs: 2, seed: 2, callbacks: [recorder]);
        string[] expected = [.. Enumerable.Range(0, 2).SelectMany(e => Enumerable.Range(0, Steps).Select(s => $"step {e}.{s}").Append($"epoch {e}"))];
        Assert.That(recorder.Events, Is.EqualTo(expected));
    }

    [Test]
    public void MixingIsOffDuringWarmupAndAfterTheOffEpoch()
    {
        var recorder = new Recorder();
        TrainingResult result = Train(new MixSchedule(new CutMix(), warmupEpochs: 1, offFromEpoch: 3), epochs: 5, seed: 3, callbacks: [recorder]).Result;
        Assert.That(result.Epochs.Select(e => e.MixedSteps), Is.EqualTo(new[] { 0, Steps, Steps, 0, 0 }));
        Assert.That(result.Epochs.Select(e => e.MixProbability), Is.EqualTo(new[] { 0.0, 1, 1, 0, 0 }));
        Assert.That(recorder.Plans.Where(p => p.Epoch >= 3).Select(p => p.Plan), Has.All.Null);
        Assert.That(recorder.Plans.Where(p => p.Epoch is 1 or 2).Select(p => p.Plan!.TransformName), Has.All.EqualTo("CutMix"));
    }

    [Test]
    public void EpochProbabilityMixesAShareOfTheBatches()
    {
        TrainingResult result = Train(new MixSchedule(new MixUp(), probability: e => e == 0 ? 0.5 : 0.0), epochs: 2, seed: 4, stepsPerEpoch: 60).Result;
        Assert.That(result.Epochs[0].MixedSteps, Is.InRange(15, 45), "Binomial(60, 0.5)");
        Assert.That(result.Epochs[1].MixedSteps, Is.Zero);
    }

    [Test]
    public void SameSeedGivesTheSameLosses()
    {
        double[] a = Train(new MixSchedule(new MixUp(mode: LambdaMode.Element)), epochs: 2, seed: 5).Recorder.Losses.ToArray();
        double[] b = Train(new MixSchedule(new MixUp(mode: LambdaMode.Element)), epochs: 2, seed: 5).Recorder.Losses.ToArray();
        double[] c = Train(new MixSchedule(new MixUp(mode: LambdaMode.Element)), epochs: 2, seed: 6).Recorder.Losses.ToArray();
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void NoTensorIsLeftAliveAfterARun()
    {
        using Model model = NewModel(7);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Train(new MixSchedule(new MixChoice((new MixUp(), 1), (new CutMix(), 1), (new SaliencyMix(), 1))), epochs: 2, seed: 7, model: model);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }

    [Test]
    public void CancellationStopsCleanly()
    {
        using var source = new CancellationTokenSource();
        var stopper = new Recorder { OnStepHook = s => { if (s.Step == 2) { source.Cancel(); } } };
        using Model model = NewModel(8);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        TrainingResult result = Train(new MixSchedule(new MixUp()), epochs: 3, seed: 8, callbacks: [stopper], model: model, cancellation: source.Token).Result;
        Assert.That(result.Cancelled, Is.True);
        Assert.That(result.Epochs, Is.Empty);
        Assert.That(stopper.Events, Has.Count.EqualTo(3));
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }

    [Test]
    public void ACallbackCanStopEarly()
    {
        var stopper = new Recorder { StopAfterEpoch = 1 };
        TrainingResult result = Train(MixSchedule.None, epochs: 5, seed: 9, callbacks: [stopper]).Result;
        Assert.That(result.StoppedEarly, Is.True);
        Assert.That(result.Epochs, Has.Count.EqualTo(2));
    }

    [Test]
    public void ScheduleRejectsBadSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixSchedule(new MixUp(), warmupEpochs: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixSchedule(new MixUp(), warmupEpochs: 3, offFromEpoch: 2));
        Assert.Throws<InvalidOperationException>(() => new MixSchedule(new MixUp(), probability: _ => 1.5).ProbabilityAt(0));
        Assert.That(MixSchedule.None.ProbabilityAt(0), Is.Zero);
    }

    private const int Steps = 8;

    private static (TrainingResult Result, Recorder Recorder) Train(
        MixSchedule mix, int epochs, ulong seed, ITrainingCallback[]? callbacks = null, Model? model = null, CancellationToken cancellation = default, int stepsPerEpoch = Steps)
    {
        var recorder = new Recorder();
        Model owned = model ?? NewModel(seed);
        try
        {
            var loop = new TrainingLoop(owned, optim.SGD(owned.parameters(), 0.5), Classes)
            {
                Mix = mix,
                Seed = seed,
                Callbacks = [recorder, .. callbacks ?? []],
            };
            TrainingResult result = loop.Run(e => Batches(seed, e, stepsPerEpoch), epochs, () => Batches(seed, 1000, 2), cancellation);
            return (result, recorder);
        }
        finally
        {
            if (model is null)
            {
                owned.Dispose();
            }
        }
    }

    private static Model NewModel(ulong seed)
    {
        random.manual_seed((long)seed);
        return new Model();
    }

    /// <summary>Batches of 8 one-channel 4x4 images: class 0 bright on the left, class 1 on the right, with noise.</summary>
    private static IEnumerable<TrainingBatch> Batches(ulong seed, int epoch, int count)
    {
        var generator = MixRandom.ForBatch(seed ^ 0xABCDEF, epoch, 0);
        for (int b = 0; b < count; b++)
        {
            var pixels = new float[8 * 16];
            var labels = new long[8];
            for (int i = 0; i < 8; i++)
            {
                labels[i] = generator.NextInt(Classes);
                for (int p = 0; p < 16; p++)
                {
                    bool bright = (p % 4 < 2) == (labels[i] == 0);
                    pixels[(i * 16) + p] = (bright ? 0.8f : 0.2f) + ((float)generator.NextDouble() * 0.2f);
                }
            }

            yield return new TrainingBatch(tensor(pixels, [8, 1, 4, 4]), tensor(labels));
        }
    }

    internal sealed class Model : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _flatten = nn.Flatten();
        private readonly nn.Module<Tensor, Tensor> _linear = nn.Linear(16, Classes);

        public Model()
            : base("tiny")
        {
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _linear.forward(_flatten.forward(input));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _flatten.Dispose();
                _linear.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class Recorder : ITrainingCallback
    {
        public List<string> Events { get; } = [];

        public List<double> Losses { get; } = [];

        public List<(int Epoch, MixPlan? Plan)> Plans { get; } = [];

        public Action<StepReport>? OnStepHook { get; init; }

        public int? StopAfterEpoch { get; init; }

        public void OnStep(StepReport step)
        {
            Events.Add($"step {step.Epoch}.{step.Step}");
            Losses.Add(step.Loss);
            Plans.Add((step.Epoch, step.Plan));
            OnStepHook?.Invoke(step);
        }

        public bool OnEpoch(EpochReport epoch)
        {
            Events.Add($"epoch {epoch.Epoch}");
            return StopAfterEpoch is not int stop || epoch.Epoch < stop;
        }
    }
}
