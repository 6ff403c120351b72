using MixAug.Planning;
using MixAug.TorchSharp.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training.ModelMixing;

/// <summary>
/// The label weights of the steps that read the model, as tensors <c>[B, S]</c> over a plan's source slots
/// (<see cref="SourceCoverage"/>), and the soft targets they give. Everything runs on the batch's device, in float32.
/// </summary>
internal static class ModelMixWeights
{
    /// <summary>
    /// TransMix: each source's weight is <c>(1 − r)·area + r·attention</c>, where area is the mean of its share over the
    /// image and attention is <c>Σ_p a_p·share_p / Σ_p a_p</c> over the patch grid, share_p the mean of the source's
    /// pixel shares inside patch p (adaptive average pooling: patch p of n rows covers rows
    /// [⌊p·H/n⌋, ⌈(p + 1)·H/n⌉)). A sample whose attention sums to 0 keeps its area weights.
    /// </summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="attention">The class token's attention to the patches, <c>[B, P]</c>, patches row-major.</param>
    /// <param name="rows">Rows of the patch grid (P = rows · columns).</param>
    /// <param name="columns">Columns of the patch grid.</param>
    /// <param name="attentionShare">r, in [0, 1]; the paper's 0.5.</param>
    public static Tensor TransMix(MixPlan plan, Tensor attention, int rows, int columns, double attentionShare)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor placement = SourceCoverage.Placement(plan, attention.device);
        long b = placement.shape[0], s = placement.shape[1];
        Tensor area = placement.mean([2, 3]);
        Tensor patches = nn.functional.adaptive_avg_pool2d(placement.view(b * s, 1, placement.shape[2], placement.shape[3]), [rows, columns]).view(b, s, rows * columns);
        Tensor a = attention.detach().to(ScalarType.Float32).unsqueeze(1);
        Tensor total = a.sum(2);
        Tensor attended = (patches * a).sum(2).div(total);
        using Scalar areaShare = (1 - attentionShare).ToScalar(), share = attentionShare.ToScalar();
        attended = where(total.expand(b, s).gt(KeptScalars.Zero), attended, area);
        return area.mul(areaShare).add(attended.mul(share), KeptScalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// SnapMix: each source's weight is the mass of its class activation map inside the pixels it supplies,
    /// <c>Σ_x cam_source(x)·share(x)</c> with each map normalised to sum 1 (<see cref="NormaliseMaps"/>). The weights of a
    /// sample need not sum to 1. A source whose map is constant (sum 0 after subtracting its minimum) gets its area share.
    /// </summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="maps">The normalised maps <c>[B, H, W]</c> of the unmixed batch (NaN where a map was constant).</param>
    public static Tensor SnapMix(MixPlan plan, Tensor maps)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor content = SourceCoverage.Content(plan, maps.device);
        Tensor ofSources = maps.index_select(0, SourceCoverage.SourceIndices(plan, maps.device).view(-1)).view_as(content);
        Tensor mass = (ofSources * content).sum([2, 3]);
        return where(mass.isnan(), content.mean([2, 3]), mass).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Each map minus its minimum, divided by its sum (as SnapMix's reference code does); a constant map gives NaN,
    /// which <see cref="SnapMix"/> reads as "use the area".
    /// </summary>
    /// <param name="maps">Maps <c>[B, H, W]</c>.</param>
    public static Tensor NormaliseMaps(Tensor maps)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor shifted = maps - maps.amin([1, 2], keepdim: true);
        Tensor sum = shifted.sum([1, 2], keepdim: true);
        using Scalar undefined = double.NaN.ToScalar();
        return shifted.div(where(sum.gt(KeptScalars.Zero), sum, full_like(sum, undefined))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Soft targets <c>[B, K]</c>: row i is Σ_s w[i, s]·ŷ(labels[source s]), ŷ the one-hot row with timm's label
    /// smoothing (1 − ε + ε/K on the class, ε/K elsewhere). Rows sum to Σ_s w[i, s].
    /// </summary>
    public static Tensor SoftTargets(MixPlan plan, Tensor weights, Tensor labels, int classCount, double smoothing)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor classes = labels.index_select(0, SourceCoverage.SourceIndices(plan, labels.device).view(-1)).view_as(weights);
        Tensor w = weights.to(ScalarType.Float32);
        using Scalar kept = (1 - smoothing).ToScalar(), spread = (smoothing / classCount).ToScalar();
        Tensor targets = zeros([weights.shape[0], classCount], ScalarType.Float32, labels.device)
            .scatter_add_(1, classes, w.mul(kept));
        return targets.add_(w.sum(1, keepdim: true).mul(spread), KeptScalars.One).MoveToOuterDisposeScope();
    }
}
