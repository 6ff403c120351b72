using System.Diagnostics;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using MixAug.Training.Steps;
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
/// then the <see cref="Step"/> runs with the same generator: by default <see cref="InputMixingStep"/>, where the
/// schedule's transform draws the plan (<see cref="MixModule"/>: features such as SaliencyMix's saliency are computed on
/// the batch's device, with no copy of the batch to managed memory); <see cref="ManifoldMixupStep"/> draws a layer first.
/// Mixing therefore never depends on torch's generator or on scheduling.</para>
/// <para>Training accuracy counts a mixed sample by the weights of its sources: a prediction earns each source's weight
/// when it names that source's class (the "mixup accuracy" of ecs-vlc/FMix #28), so it is comparable across methods and
/// equals plain accuracy on unmixed steps.</para>
/// <para>Determinism: <see cref="Run"/> seeds torch's global generator with <see cref="Seed"/> before the first step, so
/// dropout draws repeat on the CPU. Seed it yourself before building the model to make initial weights repeat.</para>
/// <para>Native scalars: the loop and MixAug's steps and losses pass libtorch only Scalars they keep alive, but TorchSharp
/// 0.107 can free a temporary Scalar of its own during the call that reads it, and its optimizers' <c>step</c> and some
/// modules (BatchNorm in training, the ELU family) make such temporaries: a rare crash (docs/torchsharp.md).
/// <see cref="Optimizers.KeptScalarAdam"/>, <see cref="Optimizers.KeptScalarAdamW"/> and <see cref="Optimizers.KeptScalarSGD"/>
/// are Adam, AdamW and SGD without them; <c>ScalarLifetimeScan</c> in MixAug.TorchSharp.Testing checks a model's own code.</para>
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

    /// <summary>The loss of the default step, or null for its default: soft-target cross-entropy on mixed targets, and
    /// cross-entropy with the same label smoothing on unmixed batches (the two agree on a batch that is not mixed). A
    /// <see cref="Step"/> of your own computes its own loss, so set one or the other.</summary>
    public TrainingLoss? Loss { get; init; }

    /// <summary>How a step runs the model, or null for <see cref="InputMixingStep"/> with <see cref="Loss"/>.</summary>
    public ITrainingStep? Step { get; init; }

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
    /// <exception cref="InvalidOperationException">Both <see cref="Step"/> and <see cref="Loss"/> are set.</exception>
    public TrainingResult Run(
        Func<int, IEnumerable<TrainingBatch>> trainBatches,
        int epochs,
        Func<IEnumerable<TrainingBatch>>? evaluationBatches = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(trainBatches);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (Step is not null && Loss is not null)
        {
            throw new InvalidOperationException($"Loss applies to the default step, but Step is a {Step.GetType().Name}, which computes its own loss; pass the loss to InputMixingStep instead.");
        }

        ITrainingStep runner = Step ?? new InputMixingStep(Loss);
        TorchSharpRuntime.EnsureLoadable();
        random.manual_seed(unchecked((long)Seed));
        Model.train();
        var reports = new List<EpochReport>();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            double probability = Mix.ProbabilityAt(epoch);
            var watch = Stopwatch.StartNew();
            double lossSum = 0, correctSum = 0;
            long samples = 0;
            int steps = 0, mixedSteps = 0;
            using (IEnumerator<TrainingBatch> batches = trainBatches(epoch).GetEnumerator())
            {
                while (true)
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        return new TrainingResult(reports, Cancelled: true, StoppedEarly: false);
                    }

                    StepReport? step = RunStep(runner, batches, epoch, steps, probability);
                    if (step is null)
                    {
                        break;
                    }

                    lossSum += step.Loss;
                    correctSum += step.Accuracy * step.BatchSize;
                    samples += step.BatchSize;
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
            var report = new EpochReport(epoch, steps == 0 ? double.NaN : lossSum / steps, probability, mixedSteps, steps, evaluation, seconds)
            {
                TrainAccuracy = samples == 0 ? double.NaN : correctSum / samples,
            };
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

    private StepReport? RunStep(ITrainingStep runner, IEnumerator<TrainingBatch> batches, int epoch, int step, double probability)
    {
        using DisposeScope scope = NewDisposeScope();
        if (!batches.MoveNext())
        {
            return null;
        }

        (Tensor images, Tensor labels) = batches.Current;
        MixRandom mixRandom = MixRandom.ForBatch(Seed, epoch, step);
        bool mix = probability > 0 && (probability >= 1 || mixRandom.NextDouble() < probability);
        var context = new TrainingStepContext(Model, images, labels, mix ? Mix.Transform : null, mixRandom, ClassCount, Smoothing);
        Optimizer.zero_grad();
        TrainingStepResult result = runner.Forward(context);
        result.Loss.backward();
        Optimizer.step();
        long[] predicted = result.Logits.detach().argmax(1).cpu().data<long>().ToArray();
        long[] classes = labels.cpu().data<long>().ToArray();
        return new StepReport(epoch, step, result.Loss.item<float>(), result.Plan)
        {
            Accuracy = MixedAccuracy(predicted, classes, result.Plan),
            BatchSize = predicted.Length,
        };
    }

    /// <summary>Σ over each sample's sources of the source's weight where the prediction names its class, over the batch.</summary>
    internal static double MixedAccuracy(long[] predicted, long[] classes, MixPlan? plan)
    {
        double correct = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            if (plan is null)
            {
                correct += predicted[i] == classes[i] ? 1 : 0;
                continue;
            }

            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            for (int k = 0; k < sources.Length; k++)
            {
                correct += predicted[i] == classes[sources[k]] ? weights[k] : 0;
            }
        }

        return correct / predicted.Length;
    }
}
