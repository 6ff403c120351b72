using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace MixAug.TorchSharp.Losses;

/// <summary>
/// Losses for mixed segmentation label maps, computed with libtorch operations so that gradients flow to the logits.
/// Both take logits <c>[B, K, spatial…]</c> (any floating dtype, any device), skip elements without a class, and give
/// the same number for the same mix: the mean, over the elements that have a class, of
/// <c>Σ_k w_k·CE(z, y_k) / Σ_k w_k</c> over the element's non-ignored sources k.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): logits and targets are borrowed; each method returns a new 0-dim
/// tensor owned by the caller, and its temporaries live in a per-call dispose scope.</para>
/// <para>A batch in which no element has a class gives 0 (with a gradient of zeros), not NaN.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class DenseLosses
{
    /// <summary>Soft-target cross-entropy per element: the mean over elements whose targets sum above 0 of
    /// <c>−Σ_c t_c·log softmax(z)_c</c>.</summary>
    /// <param name="logits">Logits <c>[B, K, spatial…]</c> (borrowed).</param>
    /// <param name="targets">Soft targets of the same shape, for example from <see cref="TorchLabelMapMixer.ToSoftTargets"/>
    /// (each element sums to 1, or to 0 where it has no class) (borrowed).</param>
    /// <returns>A new 0-dim tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The logits are not a floating <c>[B, K, …]</c> tensor, the shapes differ, or
    /// the devices differ.</exception>
    public static Tensor SoftTargetCrossEntropy(Tensor logits, Tensor targets)
    {
        CheckLogits(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (!targets.shape.SequenceEqual(logits.shape))
        {
            throw new ArgumentException($"targets has shape {TensorChecks.Describe(targets.shape)} but logits have {TensorChecks.Describe(logits.shape)}.", nameof(targets));
        }

        if (!TensorChecks.IsFloating(targets.dtype))
        {
            throw new ArgumentException($"targets must be floating point; it has dtype {targets.dtype}.", nameof(targets));
        }

        TensorChecks.SameDevice(logits, targets, nameof(targets));
        TorchSharpRuntime.EnsureLoadable();
        using DisposeScope scope = NewDisposeScope();
        Tensor logp = log_softmax(logits, 1);
        Tensor t = targets.to(logp.dtype);
        Tensor perElement = (-(t * logp)).sum(1);
        Tensor counted = t.sum(1).gt(KeptScalars.Zero).to(logp.dtype);
        return ((perElement * counted).sum() / counted.sum().clamp_min(KeptScalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>Two cross-entropies per element, weighted by the pair's weights: the mean over elements with a class of
    /// <c>(w·[a ≠ ignore]·CE(z, a) + (1 − w)·[b ≠ ignore]·CE(z, b)) / (w·[a ≠ ignore] + (1 − w)·[b ≠ ignore])</c>.</summary>
    /// <param name="logits">Logits <c>[B, K, spatial…]</c> (borrowed).</param>
    /// <param name="targets">Pairs from <see cref="TorchLabelMapMixer.ToPairs"/>, of shape <c>[B, spatial…]</c> (borrowed).</param>
    /// <param name="ignoreIndex">The label of elements without a class (PyTorch's default −100).</param>
    /// <returns>A new 0-dim tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The logits are not a floating <c>[B, K, …]</c> tensor, the pairs are not
    /// <c>[B, spatial…]</c> of the logits, the devices differ, or a class is neither in [0, K) nor the ignore index.</exception>
    public static Tensor MixedCrossEntropy(Tensor logits, LabelMapPairTensors targets, int ignoreIndex = -100)
    {
        CheckLogits(logits);
        ArgumentNullException.ThrowIfNull(targets);
        long[] expected = [logits.shape[0], .. logits.shape.Skip(2)];
        if (!targets.IndexA.shape.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"targets are {TensorChecks.Describe(targets.IndexA.shape)} but logits {TensorChecks.Describe(logits.shape)} need pairs of {TensorChecks.Describe(expected)}.", nameof(targets));
        }

        TensorChecks.SameDevice(logits, targets.IndexA, nameof(targets));
        TorchSharpRuntime.EnsureLoadable();
        using DisposeScope scope = NewDisposeScope();
        long classes = logits.shape[1];
        using Scalar ignored = ignoreIndex.ToScalar(), classCount = classes.ToScalar();
        Tensor validA = targets.IndexA.ne(ignored);
        Tensor validB = targets.IndexB.ne(ignored);
        Tensor outOfRange = (validA & (targets.IndexA.lt(KeptScalars.Zero) | targets.IndexA.ge(classCount)))
            | (validB & (targets.IndexB.lt(KeptScalars.Zero) | targets.IndexB.ge(classCount)));
        if (outOfRange.any().item<bool>())
        {
            throw new ArgumentException($"targets hold a class outside [0, {classes}) that is not the ignore index {ignoreIndex}.", nameof(targets));
        }

        Tensor logp = log_softmax(logits, 1);
        Tensor w = targets.WeightA.to(logp.dtype);
        Tensor weightA = w * validA.to(logp.dtype);
        Tensor weightB = KeptScalars.OneMinus(w) * validB.to(logp.dtype);

        // Ignored classes are gathered at 0 and weighted 0.
        Tensor ceA = -logp.gather(1, targets.IndexA.masked_fill(validA.logical_not(), KeptScalars.Zero).unsqueeze(1)).squeeze(1);
        Tensor ceB = -logp.gather(1, targets.IndexB.masked_fill(validB.logical_not(), KeptScalars.Zero).unsqueeze(1)).squeeze(1);
        Tensor total = weightA.add(weightB, KeptScalars.One);
        Tensor counted = total.gt(KeptScalars.Zero);
        Tensor perElement = (weightA * ceA).add_(weightB * ceB, KeptScalars.One) / total.masked_fill(counted.logical_not(), KeptScalars.One);
        Tensor countedF = counted.to(logp.dtype);
        return ((perElement * countedF).sum() / countedF.sum().clamp_min(KeptScalars.One)).MoveToOuterDisposeScope();
    }

    private static void CheckLogits(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        long[] shape = logits.shape;
        if (shape.Length < 3 || shape.Any(d => d == 0))
        {
            throw new ArgumentException($"logits must be a non-empty [B, K, spatial…] tensor; it is {TensorChecks.Describe(shape)}.", nameof(logits));
        }

        if (!TensorChecks.IsFloating(logits.dtype))
        {
            throw new ArgumentException($"logits must be floating point; it has dtype {logits.dtype}.", nameof(logits));
        }

        if (logits.device_type == DeviceType.META)
        {
            throw new ArgumentException("logits is on the meta device, which holds no data.", nameof(logits));
        }
    }
}
