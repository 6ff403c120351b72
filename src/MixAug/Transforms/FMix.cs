using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// FMix (Harris, Marcu, Painter, Niranjan, Prügel-Bennett and Hare, "FMix: Enhancing Mixed Sample Data Augmentation",
/// arXiv:2002.12047): the partner shows through a random binary mask obtained by thresholding a low-frequency
/// Fourier-space noise image. Works on sequences, images and volumes (1D, 2D and 3D planes of any extents).
/// </summary>
/// <remarks>
/// <para>Per mixed group: λ ~ Beta(α, α) (Beta(α + 1, α) with <see cref="Reformulate"/>), the number of own elements
/// <c>n = ⌊λN⌋ + Bernoulli(frac(λN))</c> (unbiased stochastic rounding, <see cref="MaskThreshold.DrawOwnCount"/>),
/// then the mask: the n largest values of a low-frequency <see cref="FourierNoise"/> image belong to the sample itself.
/// The plan's lambda is the exact mask mean (<see cref="MaskThreshold.Mean"/>), n/N for binary masks.</para>
/// <para>The plan stores each mask as a recipe (<see cref="FourierMaskRegion"/>: the noise seed, the own count and the
/// soft width), a few bytes per sample; the backend that applies the plan synthesises and thresholds the noise.</para>
/// <para>Draw order per group, after the apply coin: the Beta variate, the rounding double, then (for
/// <see cref="MaskGranularity.PerGroup"/>, or for the first mixed group with <see cref="MaskGranularity.PerBatch"/>)
/// one 64-bit seed of the noise image.</para>
/// <para>With valid lengths (<see cref="MixRequest.ValidLengths"/>, sequences <c>[B, C, L]</c> and clips
/// <c>[B, C, T, H, W]</c>), a group's mask is drawn over the positions (frames) where both samples are valid, the first
/// m = min(L_a, L_b) (in <see cref="LambdaMode.Batch"/> the shortest length of the batch): its noise image has time
/// extent m and the own count is drawn from λ over those m positions. Past them each sample keeps its own elements, so no
/// padding is read and the output keeps the sample's length. Each sample's lambda is its exact own share of its valid
/// elements: <c>(Σ mask weights + (L_own − m)·P) / (L_own·P)</c>, P the elements per position (1, or H·W for clips).
/// <see cref="MaskGranularity.PerBatch"/> then shares one noise image among the groups of the same m, drawn when the
/// first of them comes up. The reference spectrum needs every length to be at least 2.</para>
/// <example>
/// <code>
/// var fmix = new FMix(alpha: 1.0, decayPower: 3.0, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup);
/// MixPlan plan = fmix.CreatePlan(new BatchShape(128, 3, 224, 224), MixRandom.ForBatch(seed, epoch, batchIndex));
/// CpuMixer.ApplyInPlace(plan, images);
/// </code>
/// </example>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class FMix : MixTransform
{
    /// <summary>Defines an FMix transform.</summary>
    /// <param name="alpha">Beta concentration of the sampled lambda; finite and greater than 0.</param>
    /// <param name="decayPower">Exponent of the spectrum's decay; finite and greater than 0 (paper default 3; larger gives smoother masks).</param>
    /// <param name="maxSoft">Largest share of elements on the soft edge, in [0, 0.5]; 0 (default) gives binary masks.</param>
    /// <param name="reformulate">True to draw λ ~ Beta(α + 1, α) (the paper's reformulation).</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one mask per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <param name="granularity">One noise image per batch (the reference) or per group.</param>
    /// <param name="spectrum">The paper's spectrum (default), or the reference code's (see <see cref="FourierSpectrum.Reference"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException">An invalid mode and pairing combination (see <see cref="MixTransform"/>).</exception>
    public FMix(
        double alpha = 1.0,
        double decayPower = 3.0,
        double maxSoft = 0.0,
        bool reformulate = false,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Batch,
        PairingStrategy pairing = PairingStrategy.Flip,
        MaskGranularity granularity = MaskGranularity.PerBatch,
        FourierSpectrum spectrum = FourierSpectrum.Paper)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        Guard.PositiveFinite(decayPower);
        MaskThreshold.CheckMaxSoft(maxSoft);
        if (!Enum.IsDefined(granularity))
        {
            throw new ArgumentOutOfRangeException(nameof(granularity), granularity, $"Unknown mask granularity {(int)granularity}.");
        }

        if (!Enum.IsDefined(spectrum))
        {
            throw new ArgumentOutOfRangeException(nameof(spectrum), spectrum, $"Unknown Fourier spectrum {(int)spectrum}.");
        }

        Alpha = alpha;
        DecayPower = decayPower;
        MaxSoft = maxSoft;
        Reformulate = reformulate;
        Granularity = granularity;
        Spectrum = spectrum;
    }

    /// <summary>The Beta concentration of lambda.</summary>
    public double Alpha { get; }

    /// <summary>Exponent of the spectrum's decay, <c>1/|f|^DecayPower</c>.</summary>
    public double DecayPower { get; }

    /// <summary>Largest share of elements on the soft edge; 0 for binary masks.</summary>
    public double MaxSoft { get; }

    /// <summary>True when λ ~ Beta(α + 1, α).</summary>
    public bool Reformulate { get; }

    /// <summary>Whether the batch shares one noise image or each group draws its own.</summary>
    public MaskGranularity Granularity { get; }

    /// <summary>The spectrum the noise images are drawn from.</summary>
    public FourierSpectrum Spectrum { get; }

    /// <inheritdoc />
    public override string Name => "FMix";

    /// <inheritdoc />
    public override string ToString() =>
        $"FMix(alpha {Alpha}, decay {DecayPower}, maxSoft {MaxSoft}, reformulate {Reformulate}, probability {Probability}, {Mode}, {Pairing}, {Granularity}, {Spectrum})";

    /// <inheritdoc />
    protected override void ValidateShape(BatchShape shape) => FourierNoise.CheckSpectrum(shape.Spatial, DecayPower, Spectrum);

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) =>
        new MaskDrawer(this).Draw(shape, sample, partner, random);

    private protected override PlanDrawer CreateDrawer(MixRequest request)
    {
        if (request.HasValidLengths && Spectrum == FourierSpectrum.Reference && request.ValidLengths.ToArray().Min() < 2)
        {
            throw new ArgumentException(
                $"The reference spectrum needs masks of length >= 2, and FMix draws a pair's mask over the positions both are valid; the shortest valid length is {request.ValidLengths.ToArray().Min()}. Use FourierSpectrum.Paper.",
                nameof(request));
        }

        return new MaskDrawer(this);
    }

    /// <summary>The mask is drawn over the part where the group is valid.</summary>
    private protected override bool SupportsValidLengths(BatchShape shape) => true;

    /// <summary>Lambda is the own share of the sample's valid elements: the mask's, plus its own elements past the mask.</summary>
    private protected override RegionDraw ForValidLength(RegionDraw draw, SpatialShape extent, int length, int partnerLength) =>
        draw.Region is FourierMaskRegion mask ? new(mask.OwnShare(TimeAxis.Crop(extent, length), draw.Lambda), mask) : draw;

    /// <summary>
    /// Draws the recipes of one plan; with <see cref="MaskGranularity.PerBatch"/> every group of one extent shares the
    /// first noise of that extent (one for the whole batch unless valid lengths give groups different extents).
    /// </summary>
    private sealed class MaskDrawer(FMix owner) : PlanDrawer
    {
        private readonly Dictionary<SpatialShape, FourierNoise> _shared = [];

        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random)
        {
            double lambda = BetaSampler.Sample(random, owner.Alpha + (owner.Reformulate ? 1 : 0), owner.Alpha);
            int own = MaskThreshold.DrawOwnCount(lambda, shape.PlaneSize, random);
            FourierNoise noise;
            if (owner.Granularity == MaskGranularity.PerGroup)
            {
                noise = NewNoise(shape, random);
            }
            else if (!_shared.TryGetValue(shape.Spatial, out noise!))
            {
                noise = _shared[shape.Spatial] = NewNoise(shape, random);
            }

            var region = new FourierMaskRegion(noise, own, owner.MaxSoft);
            return new RegionDraw(region.Mean, region);
        }

        private FourierNoise NewNoise(BatchShape shape, IMixRandom random) =>
            new(shape.Spatial, owner.DecayPower, random.NextUInt64(), owner.Spectrum);
    }
}
