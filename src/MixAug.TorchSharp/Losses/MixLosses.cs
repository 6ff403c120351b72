using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Native;
using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace MixAug.TorchSharp.Losses;

/// <summary>
/// Losses and a metric for mixed batches, computed with libtorch operations so that gradients flow to the logits.
/// All take logits <c>[B, K]</c> (any floating dtype, any device) and reduce to the mean over the batch.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): logits and targets are borrowed; each method returns a new 0-dim
/// tensor owned by the caller, and its temporaries live in a per-call dispose scope (the autograd graph keeps what the
/// backward pass needs on its own).</para>
/// <para>Formulas, with p = softmax(z) and ỹ the dense mixed target:
/// soft-target cross-entropy <c>mean_i −Σ_c ỹ_ic·log p_ic</c> (timm <c>SoftTargetCrossEntropy</c>);
/// mixed cross-entropy <c>mean_i −(λ_i·log p_i,a_i + (1 − λ_i)·log p_i,b_i)</c>;
/// binary cross-entropy <c>mean_ic −(t_ic·log σ(z_ic) + (1 − t_ic)·log(1 − σ(z_ic)))</c>, with t = [ỹ &gt; threshold] when a
/// threshold is given (timm <c>BinaryCrossEntropy(target_threshold)</c>);
/// decoupled mixup (Liu et al., "Harnessing Hard Mixed Samples with Decoupled Regularizer"), see
/// <see cref="DecoupledMixup"/>.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class MixLosses
{
    /// <summary>Soft-target cross-entropy: <c>mean_i −Σ_c ỹ_ic·log softmax(z_i)_c</c>.</summary>
    /// <param name="logits">Logits <c>[B, K]</c> (borrowed).</param>
    /// <param name="targets">Soft targets <c>[B, K]</c>, for example from <see cref="TorchLabelMixer.ToSoftTargets"/> (borrowed).</param>
    /// <returns>A new 0-dim tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes are not both <c>[B, K]</c>, or the tensors are on different devices.</exception>
    public static Tensor SoftTargetCrossEntropy(Tensor logits, Tensor targets)
    {
        CheckLogits(logits, targets, nameof(targets), sameShape: true);
        using DisposeScope scope = NewDisposeScope();
        Tensor logp = log_softmax(logits, 1);
        return (-(targets.to(logp.dtype) * logp)).sum(1).mean().MoveToOuterDisposeScope();
    }

    /// <summary>λ-weighted cross-entropy over compact targets: <c>mean_i −(λ_i·log p_i,a_i + (1 − λ_i)·log p_i,b_i)</c>.</summary>
    /// <param name="logits">Logits <c>[B, K]</c> (borrowed).</param>
    /// <param name="targets">Compact targets from <see cref="TorchLabelMixer.ToCompact"/> (borrowed).</param>
    /// <returns>A new 0-dim tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The logits are not <c>[B, K]</c> with B the targets' length, or devices differ.</exception>
    public static Tensor MixedCrossEntropy(Tensor logits, CompactTargetTensors targets)
    {
        CheckCompact(logits, targets);
        using DisposeScope scope = NewDisposeScope();
        Tensor logp = log_softmax(logits, 1);
        Tensor lambda = targets.Lambda.to(logp.dtype);
        Tensor own = logp.gather(1, targets.IndexA.unsqueeze(1)).squeeze(1);
        Tensor other = logp.gather(1, targets.IndexB.unsqueeze(1)).squeeze(1);
        return (-(lambda * own).add_(KeptScalars.OneMinus(lambda) * other, KeptScalars.One)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Binary cross-entropy with logits against soft targets, averaged over every element; with
    /// <paramref name="targetThreshold"/>, targets are first binarised to <c>ỹ &gt; threshold</c> (timm's
    /// <c>target_threshold</c>, which turns a mixed pair into a two-hot target).
    /// </summary>
    /// <param name="logits">Logits <c>[B, K]</c> (borrowed).</param>
    /// <param name="targets">Soft targets <c>[B, K]</c> in [0, 1] (borrowed).</param>
    /// <param name="targetThreshold">Binarisation threshold, or null to use the soft targets as they are.</param>
    /// <returns>A new 0-dim tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shapes differ or the tensors are on different devices.</exception>
    public static Tensor BinaryCrossEntropy(Tensor logits, Tensor targets, double? targetThreshold = null)
    {
        CheckLogits(logits, targets, nameof(targets), sameShape: true);
        using DisposeScope scope = NewDisposeScope();
        Tensor t = targets.to(logits.dtype);
        if (targetThreshold is double threshold)
        {
            using Scalar cut = threshold.ToScalar();
            t = t.gt(cut).to(logits.dtype);
        }

        return binary_cross_entropy_with_logits(logits, t).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The decoupled mixup (DM) loss: soft-target cross-entropy plus, for each mixed class i ∈ {a, b}, η_i times the
    /// cross-entropy of class i against the classes that are not mixed (the other mixed class left out of the softmax):
    /// <c>L = −Σ_c ỹ_c·log p_c + Σ_{i∈{a,b}} η_i·(−log[e^{z_i} / (e^{z_i} + Σ_{c∉{a,b}} e^{z_c})])</c>, averaged over the batch,
    /// with ỹ = λ·onehot(a) + (1 − λ)·onehot(b).
    /// </summary>
    /// <param name="logits">Logits <c>[B, K]</c> (borrowed).</param>
    /// <param name="targets">Compact targets (a, b, λ) (borrowed).</param>
    /// <param name="eta">The weight η of the decoupled terms (0.1 in the paper's main settings, 0.01 in some).</param>
    /// <param name="mode">Which components get the term: both, only the one whose weight is below
    /// <paramref name="threshold"/> (the minority), or only the one above it (the majority).</param>
    /// <param name="threshold">The weight threshold of <see cref="DecoupledEtaMode.Less"/> and <see cref="DecoupledEtaMode.More"/>.</param>
    /// <returns>A new 0-dim tensor, owned by the caller.</returns>
    /// <remarks>A row whose two classes are the same (the partner had the same label) or that was not mixed has no
    /// decoupled term: its loss is the soft cross-entropy alone. In modes Less and More a component whose weight equals the
    /// threshold gets no term (neither is the minority when λ = 1 − λ).</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The logits do not match the targets, or devices differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="eta"/> is negative or not finite.</exception>
    public static Tensor DecoupledMixup(Tensor logits, CompactTargetTensors targets, double eta = 0.1, DecoupledEtaMode mode = DecoupledEtaMode.Both, double threshold = 0.5)
    {
        CheckCompact(logits, targets);
        if (!(eta >= 0 && double.IsFinite(eta)))
        {
            throw new ArgumentOutOfRangeException(nameof(eta), eta, $"eta must be finite and non-negative; it was {eta}.");
        }

        using DisposeScope scope = NewDisposeScope();
        ScalarType type = logits.dtype;
        Tensor logp = log_softmax(logits, 1);
        Tensor a = targets.IndexA.unsqueeze(1);
        Tensor b = targets.IndexB.unsqueeze(1);
        Tensor lambdaA = targets.Lambda.to(type);
        Tensor lambdaB = KeptScalars.OneMinus(lambdaA);
        Tensor soft = -(lambdaA * logp.gather(1, a).squeeze(1)).add_(lambdaB * logp.gather(1, b).squeeze(1), KeptScalars.One);

        Tensor twoHot = targets.IndexA.ne(targets.IndexB).to(type);
        using Scalar etaScalar = eta.ToScalar(), minusInfinity = double.NegativeInfinity.ToScalar();
        Tensor etaA = (WeightOf(lambdaA, mode, threshold) * twoHot).mul_(etaScalar);
        Tensor etaB = (WeightOf(lambdaB, mode, threshold) * twoHot).mul_(etaScalar);

        // −log[e^{z_i} / (e^{z_i} + Σ_{c∉{a,b}} e^{z_c})] = logsumexp over the logits with the other mixed class removed, minus z_i.
        long classes = logits.shape[1];
        Tensor isA = one_hot(targets.IndexA, classes).to(ScalarType.Bool);
        Tensor isB = one_hot(targets.IndexB, classes).to(ScalarType.Bool);
        Tensor termA = (logits.masked_fill(isB, minusInfinity).logsumexp(1) - logits.gather(1, a).squeeze(1)) * etaA;
        Tensor termB = (logits.masked_fill(isA, minusInfinity).logsumexp(1) - logits.gather(1, b).squeeze(1)) * etaB;

        // A row with a == b has η = 0 and finite terms, so 0 · term adds nothing (no 0 · ∞).
        return soft.add(termA, KeptScalars.One).add_(termB, KeptScalars.One).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mixup-aware training accuracy: <c>mean_i (λ_i·[argmax z_i = a_i] + (1 − λ_i)·[argmax z_i = b_i])</c>.
    /// </summary>
    /// <param name="logits">Logits <c>[B, K]</c> (borrowed).</param>
    /// <param name="targets">Compact targets (borrowed).</param>
    /// <returns>A new 0-dim float32 tensor in [0, 1], owned by the caller; no gradient.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The logits do not match the targets, or devices differ.</exception>
    public static Tensor MixedAccuracy(Tensor logits, CompactTargetTensors targets)
    {
        CheckCompact(logits, targets);
        using DisposeScope scope = NewDisposeScope();
        using IDisposable noGrad = no_grad();
        Tensor predicted = logits.argmax(1);
        Tensor lambda = targets.Lambda.to(ScalarType.Float32);
        Tensor hitA = predicted.eq(targets.IndexA).to(ScalarType.Float32);
        Tensor hitB = predicted.eq(targets.IndexB).to(ScalarType.Float32);
        return (lambda * hitA).add_(KeptScalars.OneMinus(lambda) * hitB, KeptScalars.One).mean().MoveToOuterDisposeScope();
    }

    private static Tensor WeightOf(Tensor lambda, DecoupledEtaMode mode, double threshold)
    {
        using Scalar cut = threshold.ToScalar();
        return mode switch
        {
            DecoupledEtaMode.Both => ones_like(lambda),
            DecoupledEtaMode.Less => lambda.lt(cut).to(lambda.dtype),
            DecoupledEtaMode.More => lambda.gt(cut).to(lambda.dtype),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown DecoupledEtaMode."),
        };
    }

    private static void CheckLogits(Tensor logits, Tensor other, string otherName, bool sameShape)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(other, otherName);
        long[] shape = logits.shape;
        if (shape.Length != 2 || shape[0] == 0 || shape[1] == 0)
        {
            throw new ArgumentException($"logits must be a non-empty [B, K] tensor; it is {Mixing.TensorChecks.Describe(shape)}.", nameof(logits));
        }

        if (!Mixing.TensorChecks.IsFloating(logits.dtype))
        {
            throw new ArgumentException($"logits must be floating point; it has dtype {logits.dtype}.", nameof(logits));
        }

        if (sameShape && !other.shape.SequenceEqual(shape))
        {
            throw new ArgumentException($"{otherName} has shape {Mixing.TensorChecks.Describe(other.shape)} but logits have {Mixing.TensorChecks.Describe(shape)}.", otherName);
        }

        Mixing.TensorChecks.SameDevice(logits, other, otherName);
        TorchSharpRuntime.EnsureLoadable();
    }

    private static void CheckCompact(Tensor logits, CompactTargetTensors targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        CheckLogits(logits, targets.IndexA, nameof(targets), sameShape: false);
        long rows = logits.shape[0];
        if (targets.IndexA.shape.Length != 1 || targets.IndexA.shape[0] != rows)
        {
            throw new ArgumentException($"targets has {Mixing.TensorChecks.Describe(targets.IndexA.shape)} entries but logits have {rows} rows.", nameof(targets));
        }
    }
}

/// <summary>Which mixed components get the decoupled term of <see cref="MixLosses.DecoupledMixup"/>.</summary>
public enum DecoupledEtaMode
{
    /// <summary>Both mixed classes.</summary>
    Both,

    /// <summary>Only the class whose weight is below the threshold (the minority of the mix).</summary>
    Less,

    /// <summary>Only the class whose weight is above the threshold (the majority of the mix).</summary>
    More,
}
