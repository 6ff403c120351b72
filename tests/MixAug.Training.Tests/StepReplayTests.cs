using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Tests;

/// <summary>
/// A logged step must be replayable from the documented stream alone (TrainingLoop's remarks): the generator
/// <c>MixRandom.ForBatch(Seed, epoch, step)</c>, one uniform draw when 0 &lt; p &lt; 1 (mix when it is below p), then the
/// transform's plan from the same generator. The other loop tests compare runs with each other, so a loop that swapped
/// epoch and step, skipped the coin or drew it after the plan would still pass them; this test compares every
/// reported plan with the plan drawn from the documented stream, exactly (their JSON forms), and every unmixed step
/// with its coin.
/// </summary>
public class StepReplayTests
{
    private const ulong Seed = 20261203;
    private const int Epochs = 3;
    private const int StepsPerEpoch = 5;
    private static readonly BatchShape Shape = new(6, 1, 4, 4);

    [TestCase(0.5)]
    [TestCase(1.0)]
    public void EveryReportedPlanIsTheDocumentedStreamsPlan(double probability)
    {
        IMixTransform transform = new MixChoice(
            (new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation), 1),
            (new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Roll), 1),
            (new FMix(mode: LambdaMode.Pair, granularity: MaskGranularity.PerGroup, pairing: PairingStrategy.Permutation), 1));
        var steps = new List<StepReport>();
        Run(new MixSchedule(transform, probability: _ => probability), steps);
        Assert.That(steps, Has.Count.EqualTo(Epochs * StepsPerEpoch));

        int mixed = 0;
        foreach (StepReport step in steps)
        {
            MixRandom stream = MixRandom.ForBatch(Seed, step.Epoch, step.Step);
            bool mix = probability >= 1 || stream.NextDouble() < probability;
            Assert.That(step.Plan is not null, Is.EqualTo(mix), $"epoch {step.Epoch}, step {step.Step}: the coin of the documented stream");
            if (step.Plan is MixPlan plan)
            {
                MixPlan replayed = transform.CreatePlan(Shape, stream);
                Assert.That(MixPlanJson.Serialize(plan), Is.EqualTo(MixPlanJson.Serialize(replayed)), $"epoch {step.Epoch}, step {step.Step}");
                mixed++;
            }
        }

        // With p = 0.5 some steps are mixed and some not (seeded: the counts are fixed).
        Assert.That(mixed, probability >= 1 ? Is.EqualTo(steps.Count) : Is.InRange(1, steps.Count - 1));
    }

    [Test]
    public void PlansThatReadThePixelsReplayFromTheBatchAndTheStream()
    {
        // SaliencyMix draws from features of the batch: the replay computes them on the CPU from the same pixels.
        var transform = new SaliencyMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
        var steps = new List<StepReport>();
        Run(new MixSchedule(transform), steps);
        foreach (StepReport step in steps)
        {
            float[] pixels = Pixels(step.Epoch, step.Step);
            MixPlan replayed = transform.CreatePlan(Shape, pixels, MixRandom.ForBatch(Seed, step.Epoch, step.Step));
            Assert.That(MixPlanJson.Serialize(step.Plan!), Is.EqualTo(MixPlanJson.Serialize(replayed)), $"epoch {step.Epoch}, step {step.Step}");
        }
    }

    [Test]
    public void EpochAndStepAreNotInterchangeable()
    {
        // The replay above would not notice a swap of epoch and step if the two streams agreed; they must not.
        var transform = new MixUp(mode: LambdaMode.Element);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            for (int step = 0; step < StepsPerEpoch; step++)
            {
                if (epoch != step)
                {
                    Assert.That(
                        MixPlanJson.Serialize(transform.CreatePlan(Shape, MixRandom.ForBatch(Seed, epoch, step))),
                        Is.Not.EqualTo(MixPlanJson.Serialize(transform.CreatePlan(Shape, MixRandom.ForBatch(Seed, step, epoch)))));
                }
            }
        }
    }

    private static void Run(MixSchedule schedule, List<StepReport> steps)
    {
        random.manual_seed(1);
        using var model = new TrainingLoopTests.Model();
        var loop = new TrainingLoop(model, optim.SGD(model.parameters(), 0.1), 2)
        {
            Mix = schedule,
            Seed = Seed,
            Callbacks = [new Collector(steps)],
        };
        loop.Run(Batches, Epochs);
    }

    private static IEnumerable<TrainingBatch> Batches(int epoch)
    {
        for (int step = 0; step < StepsPerEpoch; step++)
        {
            long[] labels = [.. Enumerable.Range(0, Shape.BatchSize).Select(i => (long)((i + step) % 2))];
            yield return new TrainingBatch(tensor(Pixels(epoch, step), [.. Shape.ToDimensions().Select(d => (long)d)]), tensor(labels));
        }
    }

    /// <summary>The pixels of one step: a different batch per (epoch, step), with a bright blob so saliency has a peak.</summary>
    private static float[] Pixels(int epoch, int step)
    {
        var random = new MixRandom((ulong)((epoch * 100) + step + 1));
        return [.. Enumerable.Range(0, Shape.ElementCount).Select(_ => (float)random.NextDouble())];
    }

    private sealed class Collector(List<StepReport> steps) : ITrainingCallback
    {
        public void OnStep(StepReport step) => steps.Add(step);
    }
}
