using MixAug.Planning;

namespace MixAug.Training;

/// <summary>
/// When and how often the loop mixes: a transform, a warm-up with no mixing, an epoch from which mixing is switched
/// off (timm's <c>--mixup-off-epoch</c>; "The Benefits of Mixup for Feature Learning" argues for stopping early), and
/// the apply probability of each epoch in between.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class MixSchedule
{
    private readonly Func<int, double>? _probability;

    /// <summary>Defines a schedule.</summary>
    /// <param name="transform">The mix to apply; null for no mixing at all.</param>
    /// <param name="warmupEpochs">Epochs 0 .. warmupEpochs − 1 are not mixed.</param>
    /// <param name="offFromEpoch">From this epoch on nothing is mixed; null to mix until the end.</param>
    /// <param name="probability">Chance that a batch of a given epoch is mixed, in [0, 1]; null for always.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupEpochs"/> is negative, or <paramref name="offFromEpoch"/> is below it.</exception>
    public MixSchedule(IMixTransform? transform, int warmupEpochs = 0, int? offFromEpoch = null, Func<int, double>? probability = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupEpochs);
        if (offFromEpoch is int off && off < warmupEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(offFromEpoch), off, $"offFromEpoch {off} comes before the end of the warm-up ({warmupEpochs} epochs).");
        }

        Transform = transform;
        WarmupEpochs = warmupEpochs;
        OffFromEpoch = offFromEpoch;
        _probability = probability;
    }

    /// <summary>A schedule that never mixes.</summary>
    public static MixSchedule None { get; } = new(null);

    /// <summary>The mix to apply, or null.</summary>
    public IMixTransform? Transform { get; }

    /// <summary>Number of unmixed warm-up epochs.</summary>
    public int WarmupEpochs { get; }

    /// <summary>The first epoch with no mixing after the mixed ones, or null.</summary>
    public int? OffFromEpoch { get; }

    /// <summary>The chance that a batch of <paramref name="epoch"/> is mixed.</summary>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>0 without a transform, in the warm-up and from <see cref="OffFromEpoch"/> on; otherwise the scheduled probability (1 by default).</returns>
    /// <exception cref="InvalidOperationException">The probability function returned a value outside [0, 1].</exception>
    public double ProbabilityAt(int epoch)
    {
        if (Transform is null || epoch < WarmupEpochs || (OffFromEpoch is int off && epoch >= off))
        {
            return 0;
        }

        double p = _probability?.Invoke(epoch) ?? 1.0;
        return p is >= 0 and <= 1 ? p : throw new InvalidOperationException($"The mix probability of epoch {epoch} is {p}, outside [0, 1].");
    }
}
