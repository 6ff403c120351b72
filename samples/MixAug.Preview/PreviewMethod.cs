using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Preview;

/// <summary>Draws one method's plan for a batch from the parsed options.</summary>
internal delegate MixPlan PlanFactory(PreviewOptions options, PreviewBatch batch, IMixRandom random);

/// <summary>One entry of the <see cref="MethodRegistry"/>.</summary>
/// <param name="Name">The --method name.</param>
/// <param name="Options">The method-specific options it takes (beyond --alpha, --probability, --mode, --pairing).</param>
/// <param name="CreatePlan">Builds the plan.</param>
/// <param name="Describe">The parameters as one line of text, for titles and the gallery.</param>
internal sealed record PreviewMethod(
    string Name,
    IReadOnlyList<string> Options,
    PlanFactory CreatePlan,
    Func<PreviewOptions, string> Describe)
{
    /// <summary>The common options (--alpha, --mode, --pairing) the method has no parameter for: ResizeMix draws no λ,
    /// MultiCutMix draws a permutation per box and a box per sample. Given alone for such methods, they are refused.</summary>
    public IReadOnlyList<string> Without { get; init; } = [];

    /// <summary>Whether the plan is drawn from the samples' label maps (Transplantation), which only the --dense scenes
    /// have: "all" leaves such a method out without --dense, and naming it without --dense is refused.</summary>
    public bool NeedsLabelMaps { get; init; }
}
