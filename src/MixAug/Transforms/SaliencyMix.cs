using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Transforms;

/// <summary>
/// SaliencyMix (Uddin, Monira, Shin, Chung and Bae, "SaliencyMix: A Saliency Guided Data Augmentation Strategy for
/// Better Regularization", ICLR 2021): CutMix whose box is centred on the most salient pixel of the partner, so the
/// pasted patch shows what the partner's label is about. Images only (spatial rank 2).
/// </summary>
/// <remarks>
/// <para><b>Box</b> (default): λ ~ Beta(β, β); the box has CutMix's size <see cref="BoxSampler.CutSize"/>, is centred
/// on the partner's saliency peak (<see cref="SaliencyMaps.Peak"/>, the first row-major maximum of its map;
/// <see cref="BoxSampler.CentredBox"/>: an odd size keeps all its pixels), is clipped at the border, and the plan's
/// lambda is the exact share of own pixels, 1 − area/(H·W). Per-batch mode uses the peak of sample 0's partner for the
/// whole batch, as the reference does; per-pair and per-sample modes use each group's partner.</para>
/// <para><b>Mask</b>: λ ~ Beta(β, β), the own count n is λ·N rounded stochastically (as FMix), and the partner's
/// N − n most salient pixels (ties by the smaller index) replace the sample's (<see cref="SaliencyMaskRegion"/>);
/// lambda is exactly n/N.</para>
/// <para>The saliency depends on the pixels, so plans are drawn from features the backend computes where the batch
/// lives (<see cref="Requirements"/>: peaks for boxes, maps for masks): for arrays
/// <c>CpuFeatures.Compute</c>, or the shorthand <c>saliencyMix.CreatePlan(shape, pixels, random)</c> of
/// <c>MixAug.Cpu</c>; for TorchSharp tensors <c>MixModule</c> does it on the tensor's device. Draw order per group
/// after the apply coin: the Beta variate (Box), or the Beta variate and the rounding double (Mask); features draw
/// nothing.</para>
/// <example>
/// <code>
/// var saliencyMix = new SaliencyMix(beta: 1.0, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
/// MixPlan plan = saliencyMix.CreatePlan(shape, images, MixRandom.ForBatch(seed, epoch, batchIndex));
/// CpuMixer.ApplyInPlace(plan, images);
/// </code>
/// </example>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads if the saliency source is.</threadsafety>
public sealed class SaliencyMix : MixTransform
{
    /// <summary>Defines a SaliencyMix transform.</summary>
    /// <param name="beta">Beta(β, β) concentration of the sampled lambda; finite and greater than 0.</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one draw (and one saliency peak) per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <param name="region">A box around the salient peak (the paper) or a mask of the most salient pixels.</param>
    /// <param name="saliency">The saliency source; null for <see cref="FineGrainedSaliency.Default"/> (the paper's detector);
    /// <see cref="SpectralResidualSaliency.Default"/> is the faster option.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException">An invalid mode and pairing combination (see <see cref="MixTransform"/>).</exception>
    public SaliencyMix(
        double beta = 1.0,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Batch,
        PairingStrategy pairing = PairingStrategy.Flip,
        SaliencyRegion region = SaliencyRegion.Box,
        ISaliencySource? saliency = null)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(beta);
        if (!Enum.IsDefined(region))
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, $"Unknown saliency region {(int)region}.");
        }

        Beta = beta;
        Region = region;
        Saliency = saliency ?? FineGrainedSaliency.Default;
        Requirements = FeatureRequirements.ForSaliency(Saliency, region == SaliencyRegion.Box ? SaliencyDetail.Peaks : SaliencyDetail.Maps);
    }

    /// <summary>The Beta(β, β) concentration of lambda.</summary>
    public double Beta { get; }

    /// <summary>Whether a box or a mask of salient pixels is pasted.</summary>
    public SaliencyRegion Region { get; }

    /// <summary>The source of the saliency maps.</summary>
    public ISaliencySource Saliency { get; }

    /// <inheritdoc />
    public override string Name => "SaliencyMix";

    /// <inheritdoc />
    /// <remarks>Saliency peaks from <see cref="Saliency"/> for boxes, whole maps for masks.</remarks>
    public override FeatureRequirements Requirements { get; }

    /// <inheritdoc />
    public override string ToString() => $"SaliencyMix(beta {Beta}, {Region}, probability {Probability}, {Mode}, {Pairing}, {Saliency})";

    /// <inheritdoc />
    protected override void ValidateShape(BatchShape shape)
    {
        if (shape.SpatialRank != 2)
        {
            throw new ArgumentException(
                $"SaliencyMix needs images (spatial rank 2); the batch {shape} has spatial rank {shape.SpatialRank}. Use FMix for sequences and volumes.",
                nameof(shape));
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Always: SaliencyMix draws from the request's saliency features.</exception>
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) =>
        throw new InvalidOperationException("SaliencyMix draws from the saliency features of a MixRequest; call CreatePlan(request).");

    private protected override PlanDrawer CreateDrawer(MixRequest request) =>
        new FeatureDrawer(this, request.Features.SaliencyFrom(Saliency)!);

    /// <summary>
    /// One group's draw of SaliencyMix's paste (shared with <see cref="GuidedMix"/>): λ ~ Beta(β, β), then a box of
    /// CutMix's size centred on the partner's peak, or (with the rounding double) the partner's most salient pixels.
    /// </summary>
    internal static RegionDraw DrawPaste(double beta, SaliencyRegion region, SaliencyMaps maps, BatchShape shape, int partner, IMixRandom random)
    {
        double lambda = BetaSampler.Sample(random, beta, beta);
        if (region == SaliencyRegion.Mask)
        {
            int own = MaskThreshold.DrawOwnCount(lambda, shape.PlaneSize, random);
            return new RegionDraw((double)own / shape.PlaneSize, new SaliencyMaskRegion(maps, partner, own));
        }

        (int cutH, int cutW) = BoxSampler.CutSize(shape.Spatial, lambda);
        int peak = maps.Peak(partner);
        return BoxSampler.CentredBox(shape.Spatial, cutH, cutW, peak / shape.Width, peak % shape.Width, correctLambda: true, lambda);
    }

    /// <summary>Draws boxes around the peaks, or mask recipes over the maps, of the request's saliency.</summary>
    private sealed class FeatureDrawer(SaliencyMix owner, SaliencyMaps maps) : PlanDrawer
    {
        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random) =>
            DrawPaste(owner.Beta, owner.Region, maps, shape, partner, random);
    }
}
