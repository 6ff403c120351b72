using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// The default step: mix the images with the transform (<see cref="MixModule"/>: features such as SaliencyMix's saliency
/// computed on the batch's device, the plan drawn from the batch's stream), run the model once, and take the loss.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class InputMixingStep : ITrainingStep
{
    /// <summary>Creates the step.</summary>
    /// <param name="loss">The loss, or null for the default: soft-target cross-entropy on mixed targets, and cross-entropy
    /// with the loop's label smoothing on unmixed batches (the two agree on a batch that is not mixed).</param>
    public InputMixingStep(TrainingLoss? loss = null)
    {
        Loss = loss;
    }

    /// <summary>The loss, or null for the default.</summary>
    public TrainingLoss? Loss { get; }

    /// <inheritdoc />
    public TrainingStepResult Forward(TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        MixedBatch? mixed = context.Transform is null
            ? null
            : new MixModule(context.Transform, context.Random, context.ClassCount, context.Smoothing).Forward(context.Images, context.Labels);
        Tensor logits = context.Model.forward(mixed?.Images ?? context.Images);
        Tensor loss = Loss is null
            ? DefaultLoss(logits, context.Labels, mixed?.Targets, context.Smoothing)
            : Loss(logits, context.Labels, mixed);
        return new TrainingStepResult(loss, logits, mixed?.Plan);
    }

    /// <summary>Soft-target cross-entropy on mixed targets, cross-entropy with <paramref name="smoothing"/> otherwise.</summary>
    internal static Tensor DefaultLoss(Tensor logits, Tensor labels, Tensor? targets, double smoothing) =>
        targets is null
            ? nn.functional.cross_entropy(logits, labels, label_smoothing: smoothing)
            : MixLosses.SoftTargetCrossEntropy(logits, targets);
}
