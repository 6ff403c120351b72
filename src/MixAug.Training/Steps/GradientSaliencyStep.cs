using MixAug.Planning;
using MixAug.Saliency;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// Gradient-saliency mixing as a training step (the saliency of PuzzleMix and GuidedMix-AP): on a mixed step, one extra
/// forward and backward pass of the clean batch gives the input gradient of the cross-entropy loss, without touching the
/// parameters' gradients (<c>torch.autograd.grad</c>); <see cref="GradientSaliency.Compute"/> turns it into maps on the
/// batch's device; the schedule's transform draws its plan from them (SaliencyMix with a
/// <see cref="GradientSaliency"/> source: a box around the partner's most salient pixel, or a mask of its most salient
/// pixels); the mixed batch is run and trained on its mixed targets.
/// </summary>
/// <remarks>
/// <para>The clean pass runs in training mode, as PuzzleMix's reference code does: batch-norm running statistics see
/// the clean batch too, and dropout draws from torch's generator once more. Saliency needs of other sources in the same
/// transform (spectral residual) are computed as <see cref="MixModule"/> computes them.</para>
/// <para>Cost: one more forward and backward pass on mixed steps (measured in docs/training.md).</para>
/// </remarks>
/// <threadsafety>Stateless; safe to share.</threadsafety>
public sealed class GradientSaliencyStep : ITrainingStep
{
    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The schedule's transform reads no <see cref="GradientSaliency"/>.</exception>
    public TrainingStepResult Forward(TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Transform is not IMixTransform transform)
        {
            Tensor plain = context.Model.forward(context.Images);
            return new TrainingStepResult(InputMixingStep.DefaultLoss(plain, context.Labels, null, context.Smoothing), plain, null);
        }

        IReadOnlyList<SaliencyRequirement> needs = transform.Requirements.Saliency;
        if (!needs.Any(n => n.Source is GradientSaliency))
        {
            throw new InvalidOperationException(
                $"GradientSaliencyStep computes GradientSaliency, but the schedule's transform {transform.Name} reads none; use new SaliencyMix(saliency: new GradientSaliency()).");
        }

        Tensor images = context.Images;
        Tensor gradient = InputGradient(context.Model, images, context.Labels);
        var maps = needs.Select(n => n.Source is GradientSaliency source
            ? source.Compute(gradient, n.Detail)
            : TorchFeatures.Compute(FeatureRequirements.ForSaliency(n.Source, n.Detail), images).Saliency[0]);
        BatchShape shape = BatchShape.FromDimensions([.. images.shape.Select(d => (int)d)]);
        MixPlan plan = transform.CreatePlan(new MixRequest(shape, context.Random, new BatchFeatures(maps)));
        Tensor targets = TorchLabelMixer.ToSoftTargets(plan, context.Labels, context.ClassCount, context.Smoothing);
        Tensor logits = context.Model.forward(TorchMixer.Apply(plan, images));
        return new TrainingStepResult(InputMixingStep.DefaultLoss(logits, context.Labels, targets, context.Smoothing), logits, plan);
    }

    /// <summary>∂ cross-entropy(model(x), labels) / ∂x for the clean batch; the parameters' gradients are left as they are.</summary>
    internal static Tensor InputGradient(nn.Module<Tensor, Tensor> model, Tensor images, Tensor labels)
    {
        Tensor input = images.detach().requires_grad_(true);
        Tensor loss = nn.functional.cross_entropy(model.forward(input), labels);
        return autograd.grad([loss], [input])[0];
    }
}
