namespace MixAug.TorchSharp.Data;

/// <summary>
/// The keys <see cref="MixCollate"/> adds to a batch's dictionary, beside the images (under the images key, mixed), the
/// labels (under the labels key, as the dataset gave them) and the carried keys (under their own names, not mixed; see
/// <see cref="MixCollateOptions.CarryKeys"/>).
/// </summary>
public static class MixBatchKeys
{
    /// <summary>Dense targets, float32 <c>[B, classes]</c>: λ·y[i] + (1 − λ)·y[partner] with label smoothing (absent with compact targets).</summary>
    public const string Targets = "targets";

    /// <summary>Compact targets: each sample's own class, int64 <c>[B]</c> (only with compact targets).</summary>
    public const string TargetsA = "targets_a";

    /// <summary>Compact targets: each sample's partner's class, int64 <c>[B]</c> (only with compact targets).</summary>
    public const string TargetsB = "targets_b";

    /// <summary>Compact targets: the weight of <see cref="TargetsA"/>, float32 <c>[B]</c> (only with compact targets).</summary>
    public const string Lambda = "lambda";

    /// <summary>
    /// The mix record: the batch indices of each sample's sources, int64 <c>[B, S]</c>, the sample itself first
    /// (column 1 is the partner of a pairwise plan). S is the plan's largest source count; a sample with fewer sources
    /// is padded with itself at weight 0.
    /// </summary>
    public const string Sources = "mix_sources";

    /// <summary>The mix record: each source's label weight, float64 <c>[B, S]</c>, exactly the plan's (column 0 is λ); rows sum to 1.</summary>
    public const string Weights = "mix_weights";

    /// <summary>
    /// Each input sample's valid length along time, int64 <c>[B]</c>: its own extent before padding, or the length it
    /// carried under <see cref="MixCollateOptions.LengthsKey"/>; exactly the plan's <c>ValidLengths</c>. Only in batches
    /// of sequences or clips that have lengths (samples of different extents, or samples that carry a length).
    /// </summary>
    public const string ValidLengths = "valid_lengths";

    /// <summary>
    /// Each output sample's valid length along time, int64 <c>[B]</c>: exactly the plan's <c>OutputLengths</c> (the
    /// input lengths of a CTC loss); positions at or after it are padding. Present whenever <see cref="ValidLengths"/> is.
    /// </summary>
    public const string OutputLengths = "output_lengths";

    /// <summary>
    /// The key of a padded carried key's lengths (<see cref="CarriedKey.Padded"/>): <paramref name="key"/> followed by
    /// <c>"_lengths"</c>, int64 <c>[B]</c>, each sample's own first dimension (a transcript's <c>"transcript_lengths"</c>).
    /// </summary>
    /// <param name="key">The carried key.</param>
    /// <returns><c>key + "_lengths"</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    public static string LengthsOf(string key) => CarriedKey.CheckName(key, nameof(key)) + "_lengths";

    /// <summary>
    /// The key of a label map's soft targets (<see cref="AlignedKey.LabelMap(string, int, int)"/>): <paramref name="key"/>
    /// followed by <c>"_targets"</c>, float32 <c>[B, K, spatial…]</c> (a map <c>"mask"</c>'s <c>"mask_targets"</c>).
    /// </summary>
    /// <param name="key">The label map's key.</param>
    /// <returns><c>key + "_targets"</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    public static string SoftTargetsOf(string key) => CarriedKey.CheckName(key, nameof(key)) + "_targets";

    /// <summary>
    /// The key of mixed boxes' weights (<see cref="AlignedKey.Boxes"/>): <paramref name="key"/> followed by
    /// <c>"_weights"</c>, float32 <c>[B, M]</c>, how much of each box the mix kept (0 past an output's count).
    /// </summary>
    /// <param name="key">The boxes' key.</param>
    /// <returns><c>key + "_weights"</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty.</exception>
    public static string WeightsOf(string key) => CarriedKey.CheckName(key, nameof(key)) + "_weights";

    /// <summary>Every key above, for checks that a dataset's keys do not collide with them.</summary>
    internal static readonly string[] All = [Targets, TargetsA, TargetsB, Lambda, Sources, Weights, ValidLengths, OutputLengths];
}
