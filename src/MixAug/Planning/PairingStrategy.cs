namespace MixAug.Planning;

/// <summary>How each sample's partner is chosen. Every strategy yields a permutation of the batch.</summary>
/// <remarks>
/// <see cref="Flip"/> and <see cref="Roll"/> are deterministic and therefore assume the data loader shuffled the
/// batch; with an unshuffled batch (sorted by class, say) they pair the same classes every time.
/// </remarks>
public enum PairingStrategy
{
    /// <summary>Sample i with sample B − 1 − i (timm). Mutual; with an odd batch the middle sample pairs with itself and stays unmixed.</summary>
    Flip,

    /// <summary>Sample i with sample i − 1, sample 0 with B − 1 (torchvision v2). Not mutual, so not usable with <see cref="LambdaMode.Pair"/>.</summary>
    Roll,

    /// <summary>A random permutation with no fixed point (every sample gets another partner when B ≥ 2); in <see cref="LambdaMode.Pair"/> a random perfect matching, the odd sample out staying unmixed.</summary>
    Permutation,

    /// <summary>Partners given by hand to a <see cref="MixPlan"/>, or chosen by a transform from the batch's features (<see cref="Transforms.GuidedMix"/>); not a strategy a transform can be given.</summary>
    Custom,
}
