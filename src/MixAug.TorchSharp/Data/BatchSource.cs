using MixAug.TorchSharp.Mixing;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// One source slot of a batch made by <see cref="MixCollate"/> (<see cref="MixCollate.SourcesOf"/>): for every output
/// sample i, the batch index of its source in slot <see cref="Slot"/> (column <see cref="Slot"/> of
/// <see cref="MixBatchKeys.Sources"/>) and that source's weight, with the batch's per-sample keys gathered by those
/// indices. Slot 0 is each sample itself, slot 1 the partner of a pairwise plan; so MixSpeech's
/// <c>λ·CTC(y_a) + (1 − λ)·CTC(y_b)</c> reads the transcripts of slot 0 and slot 1 with <see cref="Gather"/> and
/// <see cref="GatherLengths"/> (as <c>SourceWeightedLoss.Compute(batch, lossAgainst)</c> does for every slot).
/// </summary>
/// <remarks>
/// <para>A sample with fewer sources than the batch's widest is its own source, at weight 0, in the extra slots (as in
/// <see cref="MixBatchKeys.Sources"/>).</para>
/// <para><b>Ownership.</b> <see cref="Indices"/> and <see cref="Weights"/> are new views of the batch's record,
/// disposed with this object (or with the dispose scope that was current when it was made); the batch's tensors stay
/// the batch's. <see cref="Gather"/> and <see cref="GatherLengths"/> return new tensors, owned by the caller (or the
/// current dispose scope).</para>
/// </remarks>
/// <threadsafety>Not thread-safe; use it on the thread that enumerates the loader.</threadsafety>
public sealed class BatchSource : IDisposable
{
    private readonly IReadOnlyDictionary<string, Tensor> _batch;

    internal BatchSource(IReadOnlyDictionary<string, Tensor> batch, int slot, Tensor sources, Tensor weights)
    {
        _batch = batch;
        Slot = slot;
        Indices = sources.select(1, slot);
        Weights = weights.select(1, slot);
    }

    /// <summary>The slot: 0 for each sample itself, 1 for the partner of a pairwise plan, and so on.</summary>
    public int Slot { get; }

    /// <summary>Each output sample's source in this slot, as a batch index: int64 <c>[B]</c>.</summary>
    public Tensor Indices { get; }

    /// <summary>Each output sample's label weight for that source, exactly the plan's: float64 <c>[B]</c> (0 in a padded slot).</summary>
    public Tensor Weights { get; }

    /// <summary>
    /// The batch's per-sample tensor under <paramref name="key"/> gathered by <see cref="Indices"/>: row i is the row of
    /// output i's source in this slot (<c>batch[key].index_select(0, Indices)</c>), for a carried key, the labels or
    /// any other <c>[B, ...]</c> tensor of the batch.
    /// </summary>
    /// <param name="key">A key of the batch whose tensor has the batch size as its first dimension.</param>
    /// <returns>A new tensor <c>[B, ...]</c> of that tensor's dtype, on its device.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch has no tensor under <paramref name="key"/>, or it is not <c>[B, ...]</c>.</exception>
    public Tensor Gather(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_batch.TryGetValue(key, out Tensor? value) || value is null)
        {
            throw new ArgumentException($"The batch has no '{key}' (its keys: {string.Join(", ", _batch.Keys.Select(k => $"'{k}'"))}); carry it with MixCollateOptions.CarryKeys.", nameof(key));
        }

        return Select(value, key);
    }

    /// <summary>
    /// The lengths of a padded carried key (<see cref="CarriedKey.Padded"/>), gathered by <see cref="Indices"/>: entry i is
    /// the own first dimension of output i's source in this slot (a transcript's length, for CTC's target lengths).
    /// </summary>
    /// <param name="key">The carried key (not its lengths key): <c>"transcript"</c> reads <c>"transcript_lengths"</c>.</param>
    /// <returns>A new int64 tensor <c>[B]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty, or the batch has no
    /// <see cref="MixBatchKeys.LengthsOf"/>(<paramref name="key"/>) (the key was not carried padded).</exception>
    public Tensor GatherLengths(string key)
    {
        string lengths = MixBatchKeys.LengthsOf(key);
        if (!_batch.TryGetValue(lengths, out Tensor? value) || value is null)
        {
            throw new ArgumentException(
                $"The batch has no '{lengths}': only a key carried with CarriedKey.Padded has lengths (the batch {(_batch.ContainsKey(key) ? "has" : "has no")} '{key}').", nameof(key));
        }

        return Select(value, key);
    }

    /// <summary>Disposes <see cref="Indices"/> and <see cref="Weights"/> (views; the batch's record stays).</summary>
    public void Dispose()
    {
        Indices.Dispose();
        Weights.Dispose();
    }

    private Tensor Select(Tensor value, string key)
    {
        long b = Indices.shape[0];
        if (value.shape.Length == 0 || value.shape[0] != b)
        {
            throw new ArgumentException($"The batch's '{key}' is {TensorChecks.Describe(value.shape)}, not a per-sample tensor [{b}, ...].", nameof(key));
        }

        if (TensorChecks.IsSameDevice(value, Indices))
        {
            return value.index_select(0, Indices);
        }

        using Tensor there = Indices.to(value.device);
        return value.index_select(0, there);
    }
}
