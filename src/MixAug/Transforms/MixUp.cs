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
/// positions after it are padding. With <c>blendLengths: BlendLengths.ZeroPadded</c> the output is valid up to the longer
/// length, max(L_a, L_b), and each source is read as zeros past its own length (whatever its padding holds): past the
/// shorter length the output is the longer sample times its weight. λ stays the blend's weight of each source.</remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class MixUp : MixTransform
{
    /// <summary>Defines a Mixup transform.</summary>
    /// <param name="alpha">Beta(α, α) concentration; finite and greater than 0 (timm's default is 0.8, torchvision's 1.0). Use <paramref name="probability"/> 0 to disable.</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one draw per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <param name="blendLengths">With valid lengths: the output valid up to the shorter source (default, espnet2's rule)
    /// or, zero-padded, up to the longer one with each source read as zeros past its length.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not a finite positive number, <paramref name="probability"/> is outside [0, 1],
    /// or <paramref name="blendLengths"/> is not a defined rule.</exception>
    /// <exception cref="ArgumentException">An invalid mode and pairing combination (see <see cref="MixTransform"/>).</exception>
    public MixUp(double alpha = 1.0, double probability = 1.0, LambdaMode mode = LambdaMode.Batch, PairingStrategy pairing = PairingStrategy.Flip, BlendLengths blendLengths = BlendLengths.Shorter)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        if (!Enum.IsDefined(blendLengths))
        {
            throw new ArgumentOutOfRangeException(nameof(blendLengths), blendLengths, $"blendLengths must be Shorter or ZeroPadded; it was {(int)blendLengths}.");
        }

        Alpha = alpha;
        BlendLengths = blendLengths;
    }

    /// <summary>The Beta(α, α) concentration of lambda.</summary>
    public double Alpha { get; }

    /// <summary>How a blend of two sources of different valid lengths treats the positions past the shorter one.</summary>
    public BlendLengths BlendLengths { get; }

    /// <inheritdoc />
    public override string Name => "MixUp";

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) =>
        new(BetaSampler.Sample(random, Alpha, Alpha), MixRegion.Blend);

    /// <summary>Blends are defined over lengths: the output is valid where both sources are (the shorter length), or
    /// where either is when zero-padded.</summary>
    private protected override bool SupportsValidLengths(BatchShape shape) => true;

    /// <inheritdoc />
    private protected override BlendLengths LengthRule => BlendLengths;

    /// <inheritdoc />
    public override string ToString() => $"MixUp(alpha {Alpha}, probability {Probability}, {Mode}, {Pairing}{(BlendLengths == BlendLengths.Shorter ? string.Empty : ", zero-padded lengths")})";
}
