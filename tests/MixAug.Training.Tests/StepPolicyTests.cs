using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Mixing;
using MixAug.Training.Steps;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests;

/// <summary>The replaceable step: the default input mixing, Manifold Mixup through hooks, a step of one's own, and the
/// mixed training accuracy the loop reports for all of them.</summary>
public class StepPolicyTests
{
    private const ulong Seed = 20261130;
    private const int Steps = 4;

    [Test]
    public void ManifoldStepsReplayFromTheDocumentedStream()
    {
        var transform = new MixUp(mode: LambdaMode.Element);
        var step = new ManifoldMixupStep(["0", "2"], mixInput: true);
        var reports = new List<StepReport>();
        using nn.Module<Tensor, Tensor> model = NewModel();
        Run(model, new MixSchedule(transform, probability: _ => 0.5), step, reports, epochs: 2);

        using nn.Module<Tensor, Tensor> replayModel = NewModel();
        var manifold = new ManifoldMixup(replayModel, ["0", "2"], transform, 2, mixInput: true);
        int mixed = 0;
        foreach (StepReport report in reports)
        {
            MixRandom stream = MixRandom.ForBatch(Seed, report.Epoch, report.Step);
            bool mix = stream.NextDouble() < 0.5;
            Assert.That(report.Plan is not null, Is.EqualTo(mix), $"epoch {report.Epoch}, step {report.Step}: the coin");
            if (report.Plan is MixPlan plan)
            {
                using var scope = NewDisposeScope();
                (Tensor images, Tensor labels) = Batch(report.Epoch, report.Step);
                ManifoldMixedBatch replayed = manifold.Forward(images, labels, stream);
                Assert.That(MixPlanJson.Serialize(plan), Is.EqualTo(MixPlanJson.Serialize(replayed.Plan)), $"epoch {report.Epoch}, step {report.Step}");
                mixed++;
            }
        }

        Assert.That(mixed, Is.InRange(1, reports.Count - 1));
    }

    [Test]
    public void AManifoldRunLeavesNoTensorAliveAndNoHook()
    {
        using nn.Module<Tensor, Tensor> model = NewModel();
        using Tensor probe = ones(1, 1, 4, 4);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Run(model, new MixSchedule(new CutMix(mode: LambdaMode.Element)), new ManifoldMixupStep(["0", "1"]), [], epochs: 2);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));

        // With the hooks gone, call() and forward() agree (a hook left behind would mix the probe with itself: the same
        // numbers, so compare against a batch of two different samples).
        using Tensor two = cat([probe, probe.mul(-1)], 0);
        using Tensor called = model.call(two), forwarded = model.forward(two);
        Assert.That(called.data<float>().ToArray(), Is.EqualTo(forwarded.data<float>().ToArray()));
    }

    [Test]
    public void BadLayerNamesStopTheRunBeforeAnyStep()
    {
        using nn.Module<Tensor, Tensor> model = NewModel();
        Tensor weight = model.parameters().First();
        float[] before = weight.data<float>().ToArray();
        var reports = new List<StepReport>();
        var e = Assert.Throws<ArgumentException>(() => Run(model, new MixSchedule(new MixUp()), new ManifoldMixupStep(["0", "conv9"]), reports, epochs: 1));
        Assert.That(e!.ParamName, Is.EqualTo("layers"));
        Assert.That(e.Message, Does.Contain("'conv9'"));
        Assert.That(reports, Is.Empty);
        Assert.That(weight.data<float>().ToArray(), Is.EqualTo(before), "no optimizer step ran");
    }

    [Test]
    public void AStepOfOnesOwnReplacesTheDefault()
    {
        var counting = new CountingStep();
        using nn.Module<Tensor, Tensor> model = NewModel();
        Run(model, new MixSchedule(new MixUp()), counting, [], epochs: 2);
        Assert.That(counting.Mixed, Is.EqualTo(2 * Steps));
    }

    [Test]
    public void StepAndLossTogetherAreRefused()
    {
        using nn.Module<Tensor, Tensor> model = NewModel();
        var loop = new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), 2)
        {
            Step = new CountingStep(),
            Loss = (logits, labels, mixed) => logits.sum(),
        };
        var e = Assert.Throws<InvalidOperationException>(() => loop.Run(e => [], 1));
        Assert.That(e!.Message, Does.Contain("CountingStep"));
    }

    /// <summary>Two samples of classes 0 and 1, each blended with the other: own weight 0.25, partner 0.75.</summary>
    [Test]
    public void MixedAccuracyCountsEachSourceByItsWeight()
    {
        var plan = new MixPlan(new SpatialShape(1, 1), [1, 0, 2], [0.25, 0.25, 1], [MixRegion.Blend, MixRegion.Blend, MixRegion.Keep]);
        long[] classes = [0, 1, 1];
        // Sample 0 predicts 1 (its partner's class: 0.75); sample 1 predicts 1 (its own: 0.25); sample 2 predicts 0 (wrong: 0).
        Assert.That(TrainingLoop.MixedAccuracy([1, 1, 0], classes, plan), Is.EqualTo((0.75 + 0.25 + 0) / 3).Within(1e-12));
        Assert.That(TrainingLoop.MixedAccuracy([0, 1, 0], classes, null), Is.EqualTo(2.0 / 3).Within(1e-12));
    }

    [Test]
    public void EpochAccuracyIsTheSampleWeightedMeanOfTheSteps()
    {
        var reports = new List<StepReport>();
        using nn.Module<Tensor, Tensor> model = NewModel();
        TrainingResult result = Run(model, new MixSchedule(new MixUp(), probability: _ => 0.5), new ManifoldMixupStep(["2"]), reports, epochs: 1);
        Assert.That(reports.Select(r => r.BatchSize), Has.All.EqualTo(6));
        Assert.That(reports.Select(r => r.Accuracy), Has.All.InRange(0.0, 1.0));
        Assert.That(result.Epochs[0].TrainAccuracy, Is.EqualTo(reports.Average(r => r.Accuracy)).Within(1e-12));
    }

    private sealed class CountingStep : ITrainingStep
    {
        public int Mixed { get; private set; }

        public TrainingStepResult Forward(TrainingStepContext context)
        {
            Mixed += context.Transform is null ? 0 : 1;
            Tensor logits = context.Model.call(context.Images);
            return new TrainingStepResult(nn.functional.cross_entropy(logits, context.Labels), logits, null);
        }
    }

    /// <summary>conv (named "0") → relu ("1") → flatten ("2") → linear ("3"): 1×4×4 images to 2 classes.</summary>
    private static nn.Module<Tensor, Tensor> NewModel()
    {
        random.manual_seed(11);
        return nn.Sequential(nn.Conv2d(1, 2, 3, padding: 1), nn.ReLU(), nn.Flatten(), nn.Linear(32, 2));
    }

    private static TrainingResult Run(nn.Module<Tensor, Tensor> model, MixSchedule mix, ITrainingStep step, List<StepReport> reports, int epochs)
    {
        var loop = new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), 2)
        {
            Mix = mix,
            Seed = Seed,
            Step = step,
            Callbacks = [new Recorder(reports)],
        };
        return loop.Run(e => Enumerable.Range(0, Steps).Select(s => Batch(e, s)), epochs);
    }

    private static TrainingBatch Batch(int epoch, int step)
    {
        var generator = MixRandom.ForBatch(Seed ^ 0x5A5A, epoch, step);
        float[] pixels = [.. Enumerable.Range(0, 6 * 16).Select(_ => (float)generator.NextDouble())];
        long[] labels = [.. Enumerable.Range(0, 6).Select(i => (long)(i % 2))];
        return new TrainingBatch(tensor(pixels, [6, 1, 4, 4]), tensor(labels));
    }

    private sealed class Recorder(List<StepReport> reports) : ITrainingCallback
    {
        public void OnStep(StepReport step) => reports.Add(step);
    }
}
