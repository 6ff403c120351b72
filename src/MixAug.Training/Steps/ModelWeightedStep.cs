using MixAug.Training.ModelMixing;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// What the steps that weigh labels by the model (<see cref="TransMixStep"/>, <see cref="SnapMixStep"/>) share around
/// their own weights: the model's interface, the unmixed step, the mixing, and the soft-target loss on the weights.
/// </summary>
internal static class ModelWeightedStep
{
    /// <summary>The context's model as <typeparamref name="TModel"/>, or an exception saying what the step reads from it.</summary>
    public static TModel Model<TModel>(TrainingStepContext context, string step, string reads)
        where TModel : class
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Model as TModel ?? throw new InvalidOperationException(
            $"{step} reads {reads}, but the model {context.Model.GetType().Name} does not implement {typeof(TModel).Name}.");
    }

    /// <summary>A step the schedule leaves unmixed: the loop's default loss on the logits.</summary>
    public static TrainingStepResult Unmixed(TrainingStepContext context, Tensor logits) =>
        new(InputMixingStep.DefaultLoss(logits, context.Labels, null, context.Smoothing), logits, null);

    /// <summary>The images mixed by the schedule's transform (compact targets: the step makes its own).</summary>
    public static MixedBatch Mix(TrainingStepContext context) =>
        new MixModule(context.Transform!, context.Random, context.ClassCount, context.Smoothing, compactTargets: true).Forward(context.Images, context.Labels);

    /// <summary>Soft-target cross-entropy on Σ weight · label (with the loop's smoothing); the plan keeps its area weights.</summary>
    public static TrainingStepResult WeightedLoss(TrainingStepContext context, MixedBatch mixed, Tensor logits, Tensor weights)
    {
        Tensor targets = ModelMixWeights.SoftTargets(mixed.Plan, weights, context.Labels, context.ClassCount, context.Smoothing);
        return new TrainingStepResult(MixLosses.SoftTargetCrossEntropy(logits, targets), logits, mixed.Plan);
    }
}
