using MixAug.Planning;

namespace MixAug.Training;

/// <summary>What one optimisation step did.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Step">The step within the epoch, from 0.</param>
/// <param name="Loss">The training loss of the step.</param>
/// <param name="Plan">The mix plan of the step, or null when the batch was not mixed.</param>
public sealed record StepReport(int Epoch, int Step, double Loss, MixPlan? Plan)
{
    /// <summary>Training accuracy of the step's batch, a mixed sample counted by the weights of its sources (see
    /// <see cref="TrainingLoop"/>); plain accuracy when the batch was not mixed.</summary>
    public double Accuracy { get; init; }

    /// <summary>Number of samples in the step's batch.</summary>
    public int BatchSize { get; init; }
}

/// <summary>What one epoch did.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's steps.</param>
/// <param name="MixProbability">The scheduled mix probability of the epoch.</param>
/// <param name="MixedSteps">Steps whose batch was mixed.</param>
/// <param name="Steps">Steps in the epoch.</param>
/// <param name="Evaluation">Metrics on the held-out set, or null without one.</param>
/// <param name="Seconds">Wall time of the epoch's training steps (evaluation excluded).</param>
public sealed record EpochReport(int Epoch, double TrainLoss, double MixProbability, int MixedSteps, int Steps, EvaluationResult? Evaluation, double Seconds)
{
    /// <summary>Training accuracy over the epoch's samples, mixed samples counted by the weights of their sources (see
    /// <see cref="TrainingLoop"/>); NaN for an epoch with no steps.</summary>
    public double TrainAccuracy { get; init; }
}

/// <summary>Accuracy, mean cross-entropy and expected calibration error of a model on a data set.</summary>
/// <param name="Accuracy">Share of correct top-1 predictions.</param>
/// <param name="CrossEntropy">Mean cross-entropy (natural log).</param>
/// <param name="ExpectedCalibrationError">ECE over 15 equal-width confidence bins (Guo et al., 2017).</param>
/// <param name="Count">Number of examples.</param>
public sealed record EvaluationResult(double Accuracy, double CrossEntropy, double ExpectedCalibrationError, int Count);

/// <summary>How a run ended.</summary>
/// <param name="Epochs">One report per completed epoch.</param>
/// <param name="Cancelled">True when the cancellation token stopped the run.</param>
/// <param name="StoppedEarly">True when a callback asked to stop.</param>
public sealed record TrainingResult(IReadOnlyList<EpochReport> Epochs, bool Cancelled, bool StoppedEarly);

/// <summary>Hooks into a run: per step and per epoch (metrics, checkpoints, early stopping).</summary>
/// <remarks>Called on the loop's thread, after the step's tensors are disposed.</remarks>
public interface ITrainingCallback
{
    /// <summary>Called after every step.</summary>
    /// <param name="step">What the step did.</param>
    void OnStep(StepReport step)
    {
    }

    /// <summary>Called after every epoch (and its evaluation).</summary>
    /// <param name="epoch">What the epoch did.</param>
    /// <returns>False to stop the run (early stopping).</returns>
    bool OnEpoch(EpochReport epoch) => true;
}
