using MixAug.Randomness;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// The batch clock shared by <see cref="MixCollate"/> and <see cref="MixLayer"/>: which epoch it is, which batch of
/// that epoch comes next, and the record of the last batch mixed. Batch k of epoch e draws its plan from
/// <see cref="MixRandom.ForBatch"/>(seed, e, k), so a plan depends on those three numbers only.
/// </summary>
/// <threadsafety>Not thread-safe; its owners are called on one thread at a time.</threadsafety>
internal sealed class BatchStreams
{
    public BatchStreams(ulong seed)
    {
        Seed = seed;
    }

    public ulong Seed { get; }

    public long Epoch { get; private set; }

    public long NextBatchIndex { get; private set; }

    public MixBatchRecord? LastBatch { get; private set; }

    public void StartEpoch(long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Epoch = epoch;
        NextBatchIndex = 0;
    }

    /// <summary>The generator of the next batch; drawing from it changes nothing here until <see cref="Complete"/>.</summary>
    public MixRandom NextRandom() => MixRandom.ForBatch(Seed, Epoch, NextBatchIndex);

    /// <summary>Records the plan of the batch just mixed and moves to the next batch index.</summary>
    public MixBatchRecord Complete(MixPlan plan)
    {
        var record = new MixBatchRecord(Epoch, NextBatchIndex, plan);
        LastBatch = record;
        NextBatchIndex++;
        return record;
    }
}
