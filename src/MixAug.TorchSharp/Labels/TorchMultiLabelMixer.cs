using MixAug.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Labels;

/// <summary>
/// Mixes one-hot or multi-hot label tensors <c>[B, K]</c> by the plan that mixed the images, with
/// <see cref="MultiLabelMixer"/>'s numbers (weighted or union), for <see cref="Losses.MixLosses.BinaryCrossEntropy"/>
/// (with timm's <c>targetThreshold</c> if wanted).
/// </summary>
/// <remarks><b>Ownership</b> (see docs/ownership.md): the labels are borrowed; the result is a new float32 tensor on
/// the labels' device, owned by the caller. The labels (B × K values) are read to the host and mixed there.</remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class TorchMultiLabelMixer
{
    /// <summary>Mixed multi-label targets <c>[B, K]</c>, float32.</summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="labels">Multi-hot rows <c>[B, K]</c>: bool, uint8 or floating, each value in [0, 1] (borrowed).</param>
    /// <param name="mode">Weighted (Σ w·y) or union (max over the sources that show).</param>
    /// <returns>A new float32 tensor on the labels' device, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The labels are not a <c>[B, K]</c> bool, uint8 or floating tensor of the
    /// plan's batch, or a value is outside [0, 1].</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is undefined.</exception>
    public static Tensor ToTargets(MixPlan plan, Tensor labels, MultiLabelMode mode = MultiLabelMode.Weighted)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(labels);
        long[] shape = labels.shape;
        if (shape.Length != 2 || shape[0] != plan.BatchSize || shape[1] == 0)
        {
            throw new ArgumentException($"labels has shape {TensorChecks.Describe(shape)}; multi-hot labels are [B, K] with B = {plan.BatchSize} and K >= 1.", nameof(labels));
        }

        if (!(labels.dtype is ScalarType.Bool or ScalarType.Byte || TensorChecks.IsFloating(labels.dtype)))
        {
            throw new ArgumentException($"labels has dtype {labels.dtype}; multi-hot labels are Bool, Byte or floating point.", nameof(labels));
        }

        if (labels.device_type == DeviceType.META)
        {
            throw new ArgumentException("labels is on the meta device, which holds no data.", nameof(labels));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown multi-label mode {(int)mode}.");
        }

        TorchSharpRuntime.EnsureLoadable();
        using DisposeScope scope = NewDisposeScope();
        float[] rows = labels.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        float[] targets;
        try
        {
            targets = MultiLabelMixer.ToTargets(plan, rows, (int)shape[1], mode);
        }
        catch (ArgumentException e) when (e.ParamName == "labels")
        {
            throw new ArgumentException(e.Message.Replace(" (Parameter 'labels')", string.Empty, StringComparison.Ordinal), nameof(labels), e);
        }

        return tensor(targets, shape, ScalarType.Float32, labels.device).MoveToOuterDisposeScope();
    }
}
