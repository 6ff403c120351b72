using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Losses;

/// <summary>
/// The loss of a mixed batch for losses that cannot take blended labels (CTC, sequence-to-sequence, detection): each
/// output's loss against the labels of each of its sources, weighted by the plan,
/// <c>loss_i = Σ_k w_ik · L(output_i, labels[source_ik])</c>. For a pairwise plan this is MixSpeech's
/// <c>λ·L(y_a) + (1 − λ)·L(y_b)</c> (Meng et al., "MixSpeech: Data Augmentation for Low-resource Automatic Speech
/// Recognition", ICASSP 2021).
/// </summary>
/// <remarks>
/// <para>The loss is given as a function of a source index per sample: it receives a <c>long</c> tensor <c>[B]</c> whose
/// entry i is the batch index of one of sample i's sources, and returns the per-sample losses <c>[B]</c> against those
/// sources' labels (for CTC: <c>ctc_loss(logProbs, targets[sources], outputLengths, targetLengths[sources],
/// reduction: None)</c>, with the output lengths from <see cref="MixPlan.OutputLengths"/>). It is called once per source
/// slot, <see cref="MixPlan.MaxSourceCount"/> times; a sample with fewer sources gets its own index and weight 0 in the
/// extra slots.</para>
/// <para>A term whose weight is 0 contributes exactly 0, even when its loss is infinite (a CTC target longer than the
/// input); its gradient may still be NaN in that case, as with any <c>where</c>, so give CTC <c>zero_infinity: true</c>.</para>
/// <para><b>Ownership</b>: the returned tensor <c>[B]</c> is new and owned by the caller; the index tensors and the
/// callback's results are disposed when the call returns (gradients flow through them to the model).</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class SourceWeightedLoss
{
    /// <summary>Computes <c>loss_i = Σ_k w_ik · lossAgainst(sources_k)_i</c> for every sample i of <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan the batch was mixed with (its sources and label weights).</param>
    /// <param name="lossAgainst">The per-sample loss against given sources: takes a <c>long</c> tensor <c>[B]</c> of batch
    /// indices (on <paramref name="device"/>) and returns a floating tensor <c>[B]</c> of losses.</param>
    /// <param name="device">The device of the index tensors; null for the CPU.</param>
    /// <returns>A new floating tensor <c>[B]</c> on the callback's device, owned by the caller; take its mean for the batch loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> or <paramref name="lossAgainst"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> is the meta device, or <paramref name="lossAgainst"/>
    /// returned null or a tensor that is not a floating <c>[B]</c> vector.</exception>
    public static Tensor Compute(MixPlan plan, Func<Tensor, Tensor> lossAgainst, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(lossAgainst);
        device ??= CPU;
        if (device.type == DeviceType.META)
        {
            throw new ArgumentException("device is the meta device, which holds no data for the source indices.", nameof(device));
        }

        TorchSharpRuntime.EnsureLoadable();
        int b = plan.BatchSize;
        int slots = plan.MaxSourceCount;
        using DisposeScope scope = NewDisposeScope();
        Tensor? total = null;
        var indices = new long[b];
        var weights = new double[b];
        for (int k = 0; k < slots; k++)
        {
            for (int i = 0; i < b; i++)
            {
                ReadOnlySpan<int> sources = plan.Sources(i);
                indices[i] = k < sources.Length ? sources[k] : i;
                weights[i] = k < sources.Length ? plan.Weights(i)[k] : 0.0;
            }

            Tensor loss = Checked(lossAgainst(tensor(indices, device: device)), b);
            total = Add(total, loss, tensor(weights, device: loss.device));
        }

        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Computes <c>loss_i = Σ_k w_ik · lossAgainst(slot k)_i</c> for every sample i of a batch made by <c>MixCollate</c>,
    /// from the batch's own mix record: the loss receives each source slot as a <see cref="BatchSource"/>, whose
    /// <see cref="BatchSource.Gather"/> and <see cref="BatchSource.GatherLengths"/> give the carried keys (transcripts
    /// and their lengths, <see cref="MixCollateOptions.CarryKeys"/>) of each output's source in that slot. The same
    /// numbers as <see cref="Compute(MixPlan, Func{Tensor, Tensor}, Device?)"/> with the batch's plan.
    /// </summary>
    /// <param name="batch">A batch returned by <c>MixCollate.Collate</c> (it holds <see cref="MixBatchKeys.Sources"/> and <see cref="MixBatchKeys.Weights"/>).</param>
    /// <param name="lossAgainst">The per-sample loss against one source slot: returns a floating tensor <c>[B]</c> of losses.
    /// The slot is disposed when the call returns; the tensors it gathered are disposed too, unless the callback keeps them
    /// out of the call's dispose scope.</param>
    /// <returns>A new floating tensor <c>[B]</c> on the callback's device, owned by the caller; take its mean for the batch loss.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> or <paramref name="lossAgainst"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="batch"/> lacks the mix record or holds one of the wrong dtypes
    /// or shapes, or <paramref name="lossAgainst"/> returned null or a tensor that is not a floating <c>[B]</c> vector.</exception>
    public static Tensor Compute(IReadOnlyDictionary<string, Tensor> batch, Func<BatchSource, Tensor> lossAgainst)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(lossAgainst);
        TorchSharpRuntime.EnsureLoadable();
        using DisposeScope scope = NewDisposeScope();
        Tensor? total = null;
        foreach (BatchSource source in MixCollate.SourcesOf(batch))
        {
            Tensor loss = Checked(lossAgainst(source), (int)source.Indices.shape[0]);
            total = Add(total, loss, source.Weights);
        }

        return total!.MoveToOuterDisposeScope();
    }

    private static Tensor Checked(Tensor? loss, int b)
    {
        if (loss is null)
        {
            throw new ArgumentException("lossAgainst returned null; it must return one loss per sample.", "lossAgainst");
        }

        if (loss.shape.Length != 1 || loss.shape[0] != b || !Mixing.TensorChecks.IsFloating(loss.dtype))
        {
            throw new ArgumentException(
                $"lossAgainst returned a {loss.dtype} tensor of shape {Mixing.TensorChecks.Describe(loss.shape)}; it must return one floating loss per sample, shape [{b}].",
                "lossAgainst");
        }

        return loss;
    }

    /// <summary>The running total plus this slot's term, its float64 weights converted to the loss's dtype on its device.</summary>
    private static Tensor Add(Tensor? total, Tensor loss, Tensor weights)
    {
        Tensor w = weights.to(loss.dtype, loss.device);
        // where, not w·loss: a weight-0 term must add 0 even when its loss is infinite.
        Tensor term = where(w.gt(KeptScalars.Zero), w * loss, zeros_like(loss));
        return total is null ? term : total.add(term, KeptScalars.One);
    }
}
