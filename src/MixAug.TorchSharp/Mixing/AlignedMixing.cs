namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Mixes several aligned tensors by one plan in one call: images, a second view, depth, per-pixel weights, integer
/// maps — any tensors that share the batch and the plan's trailing extent. Every tensor goes through
/// <see cref="TorchMixer.Apply(MixPlan, Tensor)"/> with the same plan, so element e of sample i comes from the same
/// sources with the same weights in all of them.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): the tensors are borrowed; the results are new tensors of each
/// input's shape, dtype and device, owned by the caller. When one tensor is refused, the results already made are
/// disposed and none is returned.</para>
/// <para><b>Dtypes</b> are TorchMixer's: floating tensors with any plan; uint8, int32 and int64 tensors with plans that
/// only select (keeps, boxes, tiles, binary masks). Class maps under blends or soft masks belong to
/// <see cref="Labels.TorchLabelMapMixer"/>.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class AlignedMixing
{
    /// <summary>Mixes every tensor of <paramref name="tensors"/> by <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan, drawn once for the batch.</param>
    /// <param name="tensors">The aligned tensors, each <c>[B, …, spatial…]</c> (borrowed).</param>
    /// <returns>One new tensor per input, in order, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/>, <paramref name="tensors"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, or a tensor does not fit the plan or has a dtype the plan
    /// cannot mix (the message says which tensor and why).</exception>
    public static Tensor[] Apply(MixPlan plan, IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("tensors is empty; pass at least one tensor to mix.", nameof(tensors));
        }

        for (int k = 0; k < tensors.Count; k++)
        {
            if (tensors[k] is null)
            {
                throw new ArgumentNullException(nameof(tensors), $"tensors[{k}] is null.");
            }
        }

        var results = new Tensor[tensors.Count];
        int done = 0;
        try
        {
            for (; done < tensors.Count; done++)
            {
                results[done] = TorchMixer.Apply(plan, tensors[done]);
            }

            return results;
        }
        catch (ArgumentException e)
        {
            for (int k = 0; k < done; k++)
            {
                results[k].Dispose();
            }

            string message = e.Message.Replace(" (Parameter 'images')", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"tensors[{done}] cannot be mixed by this plan: {message}", nameof(tensors), e);
        }
    }
}
