namespace MixAug.TorchSharp.Data;

/// <summary>
/// The plan one batch was mixed with and where it sits in the run: batch <see cref="BatchIndex"/> of epoch
/// <see cref="Epoch"/>, drawn from <c>MixRandom.ForBatch(seed, Epoch, BatchIndex)</c>. Log it with
/// <see cref="ToJson"/> (<see cref="MixPlanJson"/>) and replay it with <c>MixPlanJson.Parse</c> and
/// <c>TorchMixer.Apply</c>. A batch of sequences or clips mixed with valid lengths has them in the plan
/// (<c>Plan.ValidLengths</c>, <c>Plan.OutputLengths</c>; JSON <c>"validLengths"</c>), so the replay applies the same
/// plan to the same padded batch and gives the same bits.
/// </summary>
/// <param name="Epoch">The epoch set by the last <c>StartEpoch</c> call (0 before any).</param>
/// <param name="BatchIndex">The batch's index within the epoch, counting from 0.</param>
/// <param name="Plan">The plan that was applied.</param>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed record MixBatchRecord(long Epoch, long BatchIndex, MixPlan Plan)
{
    /// <summary>The plan as JSON (<see cref="MixPlanJson.Serialize"/>), for a log line or a replay file.</summary>
    /// <returns>The plan's JSON text.</returns>
    public string ToJson() => MixPlanJson.Serialize(Plan);
}
