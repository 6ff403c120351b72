using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Transforms;

/// <summary>
/// GuidedMix with saliency pairing (after Kang and Kim, "GuidedMixup: An Efficient Mixup Strategy Guided by Saliency
/// Maps", AAAI 2023, and OpenMixup's <c>guidedmix</c>): partners are chosen so that their salient regions differ most
/// (a greedy cycle over the L2 distances of the smoothed saliency maps), then the partner's salient region is pasted
/// as <see cref="SaliencyMix"/> does. Images only (spatial rank 2).
/// </summary>
/// <remarks>
/// <para><b>Pairing</b>: each sample's grid from <see cref="Saliency"/> (negative values as 0) is smoothed by a 7×7
/// Gaussian, σ = 3 cells (reflect-101 borders), and divided by its sum; D[i, j] is the L2 distance of two such
/// distributions; the first pair is the largest D (first in row-major order on ties), then from each chosen partner the
/// farthest sample without a partner yet (smallest index on ties), the last closing the cycle at the first: OpenMixup's
/// <c>onecycle_cover</c>. Every sample gets another partner when B ≥ 2 (odd batches included); a batch of one stays
/// unmixed. The pairing draws no random numbers: it is a function of the features, and the plan records it
/// (<see cref="MixPlan.Partners"/>, <see cref="PairingStrategy.Custom"/>), so plans replay from their JSON or from the
/// seed and the same batch.</para>
/// <para><b>Paste</b>: as SaliencyMix's, per mixed group after the apply coin: λ ~ Beta(β, β); a box of CutMix's size
/// centred on the partner's saliency peak with the exact own share as lambda (<see cref="SaliencyRegion.Box"/>), or the
/// partner's N − n most salient pixels with n = λ·N rounded stochastically and lambda n/N exactly
/// (<see cref="SaliencyRegion.Mask"/>). <see cref="LambdaMode.Batch"/> (one draw, at sample 0's partner's peak) and
/// <see cref="LambdaMode.Element"/>; not <see cref="LambdaMode.Pair"/>, since a cycle is not mutual.</para>
/// <para>Not implemented from GuidedMixup: its pixel-wise mixing ratio (each pixel weighted by the two smoothed maps,
/// <c>s_i / (s_i + s_j)</c>) and the lambda as the mean of that ratio; here the paste is SaliencyMix's.</para>
/// <example>
/// <code>
/// var guided = new GuidedMix(beta: 1.0, mode: LambdaMode.Element);
/// MixPlan plan = guided.CreatePlan(shape, images, MixRandom.ForBatch(seed, epoch, batchIndex));
/// CpuMixer.ApplyInPlace(plan, images);
/// </code>
/// </example>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads if the saliency source is.</threadsafety>
public sealed class GuidedMix : MixTransform
{
    /// <summary>Defines a GuidedMix transform.</summary>
    /// <param name="beta">Beta(β, β) concentration of the sampled lambda; finite and greater than 0.</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">One draw per batch or per sample (<see cref="LambdaMode.Pair"/> is rejected: the pairing is a cycle).</param>
    /// <param name="region">A box around the partner's salient peak or a mask of its most salient pixels.</param>
    /// <param name="saliency">The saliency source; null for <see cref="SpectralResidualSaliency.Default"/> (OpenMixup's
    /// <c>sr</c> saliency; its 64×64 grid keeps the B² distances cheap).</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException"><paramref name="mode"/> is <see cref="LambdaMode.Pair"/>.</exception>
    public GuidedMix(
        double beta = 1.0,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Element,
        SaliencyRegion region = SaliencyRegion.Box,
        ISaliencySource? saliency = null)
        : base(probability, mode)
    {
        Guard.PositiveFinite(beta);
        if (mode == LambdaMode.Pair)
        {
            throw new ArgumentException("GuidedMix pairs samples in one cycle, which is not mutual; use LambdaMode.Element or LambdaMode.Batch.", nameof(mode));
        }

        if (!Enum.IsDefined(region))
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, $"Unknown saliency region {(int)region}.");
        }

        Beta = beta;
        Region = region;
        Saliency = saliency ?? SpectralResidualSaliency.Default;
        Requirements = FeatureRequirements.ForSaliency(Saliency, SaliencyDetail.Maps);
    }

    /// <summary>The Beta(β, β) concentration of lambda.</summary>
    public double Beta { get; }

    /// <summary>Whether a box or a mask of salient pixels is pasted.</summary>
    public SaliencyRegion Region { get; }

    /// <summary>The source of the saliency maps (for the pairing and the paste).</summary>
    public ISaliencySource Saliency { get; }

    /// <inheritdoc />
    public override string Name => "GuidedMix";

    /// <inheritdoc />
    /// <remarks>Whole saliency maps from <see cref="Saliency"/>: the pairing compares them.</remarks>
    public override FeatureRequirements Requirements { get; }

    /// <inheritdoc />
    public override string ToString() => $"GuidedMix(beta {Beta}, {Region}, probability {Probability}, {Mode}, {Saliency})";

    /// <inheritdoc />
    protected override void ValidateShape(BatchShape shape)
    {
        if (shape.SpatialRank != 2)
        {
            throw new ArgumentException($"GuidedMix needs images (spatial rank 2); the batch {shape} has spatial rank {shape.SpatialRank}.", nameof(shape));
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Always: GuidedMix draws from the saliency features of a request.</exception>
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) =>
        throw new InvalidOperationException("GuidedMix draws from the saliency features of a MixRequest; call CreatePlan(request).");

    private protected override int[] DrawPartners(MixRequest request) => SaliencyPairing.Partners(request.Features.SaliencyFrom(Saliency)!);

    private protected override PlanDrawer CreateDrawer(MixRequest request) => new FeatureDrawer(this, request.Features.SaliencyFrom(Saliency)!);

    private sealed class FeatureDrawer(GuidedMix owner, SaliencyMaps maps) : PlanDrawer
    {
        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random) =>
            SaliencyMix.DrawPaste(owner.Beta, owner.Region, maps, shape, partner, random);
    }
}
