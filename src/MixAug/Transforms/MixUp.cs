using MixAug.Internal;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;

namespace MixAug.Transforms;

/// <summary>
/// Mixup (Zhang, Cisse, Dauphin and Lopez-Paz, "mixup: Beyond Empirical Risk Minimization", ICLR 2018): the whole
/// sample is interpolated with its partner, <c>out = λ·x + (1 − λ)·partner</c>, with λ ~ Beta(α, α).
/// </summary>
/// <remarks>With valid lengths (<see cref="MixRequest.ValidLengths"/>) the whole padded sample is still blended, and the
/// output is valid up to the shorter of the two lengths, min(L_a, L_b), as espnet2's <c>MixupAugment</c> returns
/// (<see cref="MixPlan.OutputLengths"/>): every valid output position is a blend of two valid positions, so λ is exact;
/// positions after it are padding.</remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class MixUp : MixTransform
{
    /// <summary>Defines a Mixup transform.</summary>
    /// <param name="alpha">Beta(α, α) concentration; finite and greater than 0 (timm's default is 0.8, torchvision's 1.0). Use <paramref name="probability"/> 0 to disable.</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one draw per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not a finite positive number, or <paramref name="probability"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">An invalid mode and pairing combination (see <see cref="MixTransform"/>).</exception>
    public MixUp(double alpha = 1.0, double probability = 1.0, LambdaMode mode = LambdaMode.Batch, PairingStrategy pairing = PairingStrategy.Flip)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        Alpha = alpha;
    }

    /// <summary>The Beta(α, α) concentration of lambda.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public override string Name => "MixUp";

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) =>
        new(BetaSampler.Sample(random, Alpha, Alpha), MixRegion.Blend);

    /// <summary>Blends are defined over lengths: the output is valid where both sources are (the shorter length).</summary>
    private protected override bool SupportsValidLengths => true;

    /// <inheritdoc />
    public override string ToString() => $"MixUp(alpha {Alpha}, probability {Probability}, {Mode}, {Pairing})";
}
