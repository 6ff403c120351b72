using MixAug.Randomness;
using MixAug.Training.Steps;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.Steps;

/// <summary>The schedule contract every step of the loop keeps: the batch's coin and the off epoch decide which steps
/// mix, and nothing stays alive after the run.</summary>
internal static class ScheduledSteps
{
    /// <summary>Runs 3 epochs of 8 steps with per-epoch probability 0.5 and mixing off from epoch 2, and checks each step
    /// against the coin replayed from <c>MixRandom.ForBatch(seed, epoch, step)</c>.</summary>
    public static void AssertCoinAndOffEpochDecide(nn.Module<Tensor, Tensor> model, ITrainingStep step, int classes, ulong seed, Func<int, int, TrainingBatch> batch)
    {
        var reports = new List<StepReport>();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), classes)
        {
            Mix = new MixSchedule(new CutMix(mode: Planning.LambdaMode.Element), offFromEpoch: 2, probability: _ => 0.5),
            Step = step,
            Seed = seed,
            Callbacks = [new Recorder(reports)],
        }.Run(e => Enumerable.Range(0, 8).Select(s => batch(e, s)), epochs: 3);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
        foreach (StepReport report in reports)
        {
            bool mix = report.Epoch < 2 && MixRandom.ForBatch(seed, report.Epoch, report.Step).NextDouble() < 0.5;
            Assert.That(report.Plan is not null, Is.EqualTo(mix), $"epoch {report.Epoch}, step {report.Step}");
            Assert.That(double.IsFinite(report.Loss), $"epoch {report.Epoch}, step {report.Step}");
        }

        Assert.That(reports.Count(r => r.Plan is not null), Is.InRange(1, 15));
    }

    private sealed class Recorder(List<StepReport> reports) : ITrainingCallback
    {
        public void OnStep(StepReport step) => reports.Add(step);
    }
}
