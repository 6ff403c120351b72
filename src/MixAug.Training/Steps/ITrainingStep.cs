using MixAug.Planning;
using MixAug.Randomness;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// The forward half of one optimisation step: given the batch and whether it is mixed, run the model (once, with hooks,
/// or with extra passes) and return the loss. <see cref="TrainingLoop"/> does the rest: the coin of the mix schedule
/// before, and <c>zero_grad</c>, <c>backward</c> and the optimizer step after.
/// </summary>
/// <remarks>Built in: <see cref="InputMixingStep"/> (the default: mix the images, then run the model) and
/// <see cref="ManifoldMixupStep"/> (mix a hidden state through a forward hook). A step runs inside the loop's per-step
/// dispose scope, so tensors it creates are disposed when the step ends.</remarks>
public interface ITrainingStep
{
    /// <summary>Runs the model on the batch, mixing it when <see cref="TrainingStepContext.Transform"/> is set.</summary>
    /// <param name="context">The model, the batch, the transform (null when this step is not mixed) and the batch's stream.</param>
    /// <returns>The loss to backpropagate, the logits it came from and the plan (null when not mixed).</returns>
    TrainingStepResult Forward(TrainingStepContext context);
}

/// <summary>What <see cref="ITrainingStep.Forward"/> is given.</summary>
/// <remarks>The tensors are borrowed from the batch source for the length of the step.</remarks>
public sealed class TrainingStepContext
{
    internal TrainingStepContext(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels, IMixTransform? transform, IMixRandom random, int classCount, double smoothing)
    {
        Model = model;
        Images = images;
        Labels = labels;
        Transform = transform;
        Random = random;
        ClassCount = classCount;
        Smoothing = smoothing;
    }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The images <c>[B, C, H, W]</c>.</summary>
    public Tensor Images { get; }

    /// <summary>The int64 class labels <c>[B]</c>.</summary>
    public Tensor Labels { get; }

    /// <summary>The schedule's transform when this step is mixed; null when it is not.</summary>
    public IMixTransform? Transform { get; }

    /// <summary>The batch's stream <c>MixRandom.ForBatch(Seed, epoch, step)</c>, after the schedule's coin: draw every
    /// random choice of the step from it, so that a logged step replays.</summary>
    public IMixRandom Random { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The loop's label smoothing.</summary>
    public double Smoothing { get; }
}

/// <summary>What a step returns to the loop.</summary>
/// <param name="Loss">The scalar loss; the loop calls <c>backward()</c> on it.</param>
/// <param name="Logits">The logits <c>[B, K]</c> of the pass the loss came from (for the mixed training accuracy).</param>
/// <param name="Plan">The plan the step mixed with, or null when it did not mix.</param>
public sealed record TrainingStepResult(Tensor Loss, Tensor Logits, MixPlan? Plan);
