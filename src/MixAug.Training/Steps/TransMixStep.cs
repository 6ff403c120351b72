using MixAug.Planning;
using MixAug.Training.ModelMixing;
using MixAug.TorchSharp.Mixing;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// TransMix (Chen et al., CVPR 2022) as a training step: the images are mixed by the schedule's transform (CutMix in the
/// paper), the model runs once on them through <see cref="IClassAttentionModel.ForwardWithAttention"/>, and each source's
/// label weight becomes <c>(1 − r)·area + r·attention</c>: its area share, and the share of the class token's attention
/// (last block, averaged over heads) that falls on the patches it supplies, patch by patch in proportion to the pixels
/// it supplies there. The loss is soft-target cross-entropy on those targets (with the loop's label smoothing).
/// </summary>
/// <remarks>
/// <para>For a blend (Mixup) every patch holds λ of the sample, so the attention share is λ whatever the attention:
/// the plan's pixel λ, as the reference uses for its Mixup half. Masks (FMix, SaliencyMix masks, SmoothMix) and tiles
/// are read through the same rasteriser as boxes.</para>
/// <para>The attention is detached, as in the reference. No extra pass: the cost over input mixing is the shares of
/// the plan's regions and a few [B, S, P] products (measured in docs/training.md). The plan a step reports keeps its
/// area weights (the loop's mixed training accuracy counts by them).</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class TransMixStep : ITrainingStep
{
    /// <summary>Creates the step.</summary>
    /// <param name="attentionShare">r: how much of a label weight comes from attention, in [0, 1]; the reference
    /// averages the two (0.5); 1 is attention alone.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="attentionShare"/> is outside [0, 1] or NaN.</exception>
    public TransMixStep(double attentionShare = 0.5)
    {
        if (!(attentionShare is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(attentionShare), attentionShare, $"attentionShare must lie in [0, 1]; it was {attentionShare}.");
        }

        AttentionShare = attentionShare;
    }

    /// <summary>r: the share of each label weight that comes from attention.</summary>
    public double AttentionShare { get; }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The model does not implement <see cref="IClassAttentionModel"/>, or
    /// its attention does not fit the batch (rank, batch size, or a patch count with no grid of the images' aspect).</exception>
    public TrainingStepResult Forward(TrainingStepContext context)
    {
        var model = ModelWeightedStep.Model<IClassAttentionModel>(context, nameof(TransMixStep), "the class token's attention");
        if (context.Transform is null)
        {
            return ModelWeightedStep.Unmixed(context, model.ForwardWithAttention(context.Images).Logits);
        }

        MixedBatch mixed = ModelWeightedStep.Mix(context);
        (Tensor logits, Tensor attention) = model.ForwardWithAttention(mixed.Images);
        Tensor perPatch = HeadAveraged(attention, mixed.Plan.BatchSize);
        (int rows, int columns) = PatchGrid(perPatch.shape[1], mixed.Plan.Spatial);
        return ModelWeightedStep.WeightedLoss(context, mixed, logits, ModelMixWeights.TransMix(mixed.Plan, perPatch, rows, columns, AttentionShare));
    }

    /// <summary>The attention <c>[B, P]</c>: as given, or averaged over the heads of <c>[B, heads, P]</c>.</summary>
    internal static Tensor HeadAveraged(Tensor attention, int batchSize)
    {
        if (attention.dim() is not (2 or 3) || attention.shape[0] != batchSize)
        {
            throw new InvalidOperationException(
                $"The class-token attention must be [B, P] or [B, heads, P] with B = {batchSize}; it was [{string.Join(", ", attention.shape)}].");
        }

        return attention.dim() == 3 ? attention.mean([1]) : attention;
    }

    /// <summary>The patch grid of <paramref name="patches"/> patches over <paramref name="spatial"/>: rows · columns =
    /// P with rows / columns = H / W (a square grid for square images).</summary>
    internal static (int Rows, int Columns) PatchGrid(long patches, SpatialShape spatial)
    {
        int rows = (int)Math.Round(Math.Sqrt(patches * (double)spatial.Height / spatial.Width));
        int columns = rows == 0 ? 0 : (int)(patches / rows);
        if (rows < 1 || (long)rows * columns != patches || rows > spatial.Height || columns > spatial.Width)
        {
            throw new InvalidOperationException(
                $"The attention covers {patches} patches, which form no grid of the images' aspect over {spatial.Height}x{spatial.Width} pixels.");
        }

        return (rows, columns);
    }
}
