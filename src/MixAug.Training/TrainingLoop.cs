using System.Diagnostics;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training;

/// <summary>The loss of one step: logits, the batch's labels, and the mixed batch (null when the step was not mixed).</summary>
/// <param name="logits">The model's output <c>[B, K]</c>.</param>
/// <param name="labels">The int64 class labels <c>[B]</c> of the unmixed batch.</param>
/// <param name="mixed">The mixed images and targets, or null.</param>
/// <returns>A scalar loss tensor.</returns>
public delegate Tensor TrainingLoss(Tensor logits, Tensor labels, MixedBatch? mixed);

/// <summary>
/// A small training loop with pluggable parts: the batch source, the model, the optimizer and learning-rate schedule,
/// the mix schedule, the loss and callbacks. Each step runs in its own dispose scope, so no tensor outlives it.
/// </summary>
/// <remarks>
/// <para>Mixing: for step s of epoch e the loop takes the generator <c>MixRandom.ForBatch(Seed, e, s)</c>; if the
/// schedule's probability p for the epoch is below 1 it first draws one uniform value and mixes only when it is below p;
/// then the schedule's transform draws the plan from the same generator (<see cref="MixModule"/>: features such as
/// SaliencyMix's saliency are computed on the batch's device, with no copy of the batch to managed memory). Mixing
/// therefore never depends on torch's generator or on scheduling.</para>
/// <para>Determinism: <see cref="Run"/> seeds torch's global generator with <see cref="Seed"/> before the first step, so
/// dropout draws repeat on the CPU. Seed it yourself before building the model to make initial weights repeat.</para>
/// </remarks>
/// <threadsafety>Not thread-safe: one run at a time per instance (TorchSharp dispose scopes are per thread).</threadsafety>
public sealed class TrainingLoop
{
    /// <summary>Creates a loop.</summary>
    /// <param name="model">The model, <c>[B, C, H, W] → [B, K]</c> logits.</param>
    /// <param name="optimizer">The optimizer over the model's parameters.</param>
    /// <param name="classCount">Number of classes K.</param>
    /// <exception cref="ArgumentNullException">A part is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    public TrainingLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, int classCount)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ClassCount = classCount;
    }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>A learning-rate scheduler stepped after every epoch, or null.</summary>
    public optim.lr_scheduler.LRScheduler? Scheduler { get; init; }

    /// <summary>What to mix and when; no mixing by default.</summary>
    public MixSchedule Mix { get; init; } = MixSchedule.None;

    /// <summary>Label smoothing of the mixed targets.</summary>
    public double Smoothing { get; init; }

    /// <summary>The loss, or null for the default: soft-target cross-entropy on mixed targets, and cross-entropy with the same
    /// label smoothing on unmixed batches (the two agree on a batch that is not mixed).</summary>
    public TrainingLoss? Loss { get; init; }

    /// <summary>The seed of mixing and of torch's generator.</summary>
    public ulong Seed { get; init; }

    /// <summary>Callbacks, called in order.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>Trains for <paramref name="epochs"/> epochs, evaluating after each one when an evaluation source is given.</summary>
    /// <param name="trainBatches">The training batches of an epoch (called once per epoch with the epoch number).</param>
    /// <param name="epochs">Number of epochs (at least 1).</param>
    /// <param name="evaluationBatches">The held-out batches, or null.</param>
    /// <param name="cancellation">Stops the run between steps; the current step finishes and every tensor is disposed.</param>
    /// <returns>The reports of the completed epochs and how the run ended.</returns>
    public TrainingResult Run(
        Func<int, IEnumerable<TrainingBatch>> trainBatches,
        int epochs,
        Func<IEnumerable<TrainingBatch>>? evaluationBatches = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(trainBatches);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        TorchSharpRuntime.EnsureLoadable();
        random.manual_seed(unchecked((long)Seed));
        Model.train();
        var reports = new List<EpochReport>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double probability = Mix.ProbabilityAt(epoch);
            var watch = Stopwatch.StartNew();
            double lossSum = 0;
            int steps = 0, mixedSteps = 0;
            using (IEnumerator<TrainingBatch> batches = trainBatches(epoch).GetEnumerator())
            {
                while (true)
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        return new TrainingResult(reports, Cancelled: true, StoppedEarly: false);
                    }

                    StepReport? step = Step(batches, epoch, steps, probability);
                    if (step is null)
                    {
                        break;
                    }

                    lossSum += step.Loss;
                    mixedSteps += step.Plan is null ? 0 : 1;
                    steps++;
                    foreach (ITrainingCallback callback in Callbacks)
                    {
                        callback.OnStep(step);
                    }
                }
            }

            double seconds = watch.Elapsed.TotalSeconds;
            Scheduler?.step();
            EvaluationResult? evaluation = evaluationBatches is null ? null : Evaluation.Evaluate(Model, evaluationBatches());
            var report = new EpochReport(epoch, steps == 0 ? double.NaN : lossSum / steps, probability, mixedSteps, steps, evaluation, seconds);
            reports.Add(report);
            bool keepGoing = true;
            foreach (ITrainingCallback callback in Callbacks)
            {
                keepGoing &= callback.OnEpoch(report);
            }

            if (!keepGoing)
            {
                return new TrainingResult(reports, Cancelled: false, StoppedEarly: true);
            }
        }

        return new TrainingResult(reports, Cancelled: false, StoppedEarly: false);
    }

    private StepReport? Step(IEnumerator<TrainingBatch> batches, int epoch, int step, double probability)
    {
        using DisposeScope scope = NewDisposeScope();
        if (!batches.MoveNext())
        {
            return null;
        }

        (Tensor images, Tensor labels) = batches.Current;
        MixRandom mixRandom = MixRandom.ForBatch(Seed, epoch, step);
        bool mix = probability > 0 && (probability >= 1 || mixRandom.NextDouble() < probability);
        using MixedBatch? mixed = mix ? new MixModule(Mix.Transform!, mixRandom, ClassCount, Smoothing).Forward(images, labels) : null;
        Optimizer.zero_grad();
        Tensor logits = Model.forward(mixed?.Images ?? images);
        Tensor loss = (Loss ?? DefaultLoss)(logits, labels, mixed);
        loss.backward();
        Optimizer.step();
        return new StepReport(epoch, step, loss.item<float>(), mixed?.Plan);
    }

    private Tensor DefaultLoss(Tensor logits, Tensor labels, MixedBatch? mixed) =>
        mixed?.Targets is Tensor targets
            ? MixLosses.SoftTargetCrossEntropy(logits, targets)
            : nn.functional.cross_entropy(logits, labels, label_smoothing: Smoothing);
}
