using MixAug.Planning;
using MixAug.Regions;
using MixAug.Training.ModelMixing;
using MixAug.TorchSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// SnapMix (Huang, Wang and Tao, AAAI 2021) as a training step: on a mixed step, one extra forward pass of the clean
/// batch (no gradient) gives each image's class activation map for its own label, shifted to a minimum of 0, upsampled
/// to the image and normalised to sum 1; the schedule's transform mixes the images (CutMix in the paper); each source's
/// label weight is the mass of its map on the pixels it supplies, and the loss is soft-target cross-entropy on
/// Σ weight · label (with the loop's label smoothing).
/// </summary>
/// <remarks>
/// <para>The two weights of a sample need not sum to 1: a box over the partner's object and the own image's background
/// gives the partner a weight near 1 and the sample one near 0 (the paper's point). The targets are not rescaled.</para>
/// <para>Which pixels a source supplies: its share of each pixel as the plan's region gives it, for every region kind
/// (boxes, masks, tiles; a blend, whose shares are λ and 1 − λ everywhere, keeps λ and 1 − λ). A ResizeMix plan
/// (<see cref="ResizeRegion"/>) pastes the whole partner, so the partner's weight is its whole mass, 1: that is
/// SnapMix's asymmetric variant with the partner's box the whole image. SnapMix's own boxes — a second box of a size
/// (its own λ) and a place of its own, cut from the partner and resized into the first — are CutMix's asymmetric patches
/// (<c>new CutMix(partnerPatch: PartnerPatch.OwnSize)</c>, a <see cref="ResizeRegion"/> with a partner box), whose
/// partner weighs its mass in its own box: see docs/methods/snapmix.md.</para>
/// <para>A map that is constant (nothing to normalise) gives its source the area share, as the reference's NaN fallback
/// does. The clean pass runs in training mode, as the reference's does. Cost: one more forward pass on mixed steps
/// (measured in docs/training.md). The plan a step reports keeps its area weights (the loop's mixed training accuracy
/// counts by them).</para>
/// </remarks>
/// <threadsafety>Stateless; safe to share.</threadsafety>
public sealed class SnapMixStep : ITrainingStep
{
    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The model does not implement <see cref="IClassActivationModel"/>, or
    /// its features or classifier weight do not fit the batch.</exception>
    public TrainingStepResult Forward(TrainingStepContext context)
    {
        var model = ModelWeightedStep.Model<IClassActivationModel>(context, nameof(SnapMixStep), "class activation maps");
        if (context.Transform is null)
        {
            return ModelWeightedStep.Unmixed(context, model.ForwardWithFeatures(context.Images).Logits);
        }

        Tensor maps = ClassActivationMaps(model, context.Images, context.Labels);
        MixedBatch mixed = ModelWeightedStep.Mix(context);
        Tensor logits = model.ForwardWithFeatures(mixed.Images).Logits;
        return ModelWeightedStep.WeightedLoss(context, mixed, logits, ModelMixWeights.SnapMix(mixed.Plan, maps));
    }

    /// <summary>
    /// Each image's class activation map for its label, as SnapMix's reference computes it: Σ_d W[label, d]·relu(F_d),
    /// upsampled bilinearly (half-pixel centres, <c>align_corners=False</c>) to the image, minus its minimum, over its
    /// sum; <c>[B, H, W]</c> float32, NaN where a map is constant. No gradient is recorded.
    /// </summary>
    internal static Tensor ClassActivationMaps(IClassActivationModel model, Tensor images, Tensor labels)
    {
        using DisposeScope scope = NewDisposeScope();
        using IDisposable noGrad = no_grad();
        Tensor features = model.ForwardWithFeatures(images).Features;
        Tensor weight = model.ClassifierWeight;
        if (features.dim() != 4 || features.shape[0] != images.shape[0] || weight.dim() != 2 || weight.shape[1] != features.shape[1])
        {
            throw new InvalidOperationException(
                $"Class activation maps need features [B, D, h, w] with B = {images.shape[0]} and a classifier weight [K, D]; they were [{string.Join(", ", features.shape)}] and [{string.Join(", ", weight.shape)}].");
        }

        Tensor ofLabels = weight.index_select(0, labels).to(features.dtype);
        Tensor maps = nn.functional.relu(features).mul(ofLabels.unsqueeze(2).unsqueeze(3)).sum(1, keepdim: true);
        Tensor upsampled = nn.functional.interpolate(maps, [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return ModelMixWeights.NormaliseMaps(upsampled.squeeze(1).to(ScalarType.Float32)).MoveToOuterDisposeScope();
    }
}
