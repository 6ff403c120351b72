using System.Buffers;
using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Transforms;

/// <summary>
/// FMix (Harris, Marcu, Painter, Niranjan, Prügel-Bennett and Hare, "FMix: Enhancing Mixed Sample Data Augmentation",
/// arXiv:2002.12047): the partner shows through a random binary mask obtained by thresholding a low-frequency
/// Fourier-space noise image. Works on sequences, images and volumes (1D, 2D and 3D planes of any extents).
/// </summary>
/// <remarks>
/// <para>Per mixed group: λ ~ Beta(α, α) (Beta(α + 1, α) with <see cref="Reformulate"/>), the number of own elements
/// <c>n = ⌊λN⌋ + Bernoulli(frac(λN))</c> (unbiased stochastic rounding, <see cref="FourierMaskGenerator.DrawOwnCount"/>),
/// then the mask: the n largest values of the low-frequency image (see <see cref="FourierMaskGenerator"/>) belong
/// to the sample itself. The plan's lambda is the exact mask mean, n/N for binary masks.</para>
/// <para>Draw order per group, after the apply coin: the Beta variate, the rounding double, then (for
/// <see cref="MaskGranularity.PerGroup"/>, or for the first mixed group with <see cref="MaskGranularity.PerBatch"/>)
/// one 64-bit seed from which a private <see cref="MixRandom"/> draws the noise image. The images are synthesised
/// after all draws, in parallel across groups; because every image has its own pre-drawn seed, the plan is
/// identical for any thread count.</para>
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
        MaskGranularity granularity = MaskGranularity.PerBatch)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        Guard.PositiveFinite(decayPower);
        FourierMaskGenerator.CheckMaxSoft(maxSoft);
        if (!Enum.IsDefined(granularity))
        {
            throw new ArgumentOutOfRangeException(nameof(granularity), granularity, $"Unknown mask granularity {(int)granularity}.");
        }

        Alpha = alpha;
        DecayPower = decayPower;
        MaxSoft = maxSoft;
        Reformulate = reformulate;
        Granularity = granularity;
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

    /// <inheritdoc />
    public override string Name => "FMix";

    /// <inheritdoc />
    public override string ToString() =>
        $"FMix(alpha {Alpha}, decay {DecayPower}, maxSoft {MaxSoft}, reformulate {Reformulate}, probability {Probability}, {Mode}, {Pairing}, {Granularity})";

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random)
    {
        var drawer = new MaskDrawer(this, shape);
        RegionDraw draw = drawer.Draw(shape, sample, partner, random);
        drawer.Complete(shape);
        return draw;
    }

    private protected override PlanDrawer CreateDrawer(BatchShape shape) => new MaskDrawer(this, shape);

    /// <summary>Draws every random number group by group, then synthesises the masks in parallel.</summary>
    private sealed class MaskDrawer(FMix owner, BatchShape shape) : PlanDrawer
    {
        private readonly FourierMaskGenerator _generator = FourierMaskGenerator.Shared(shape, owner.DecayPower);
        private readonly List<(float[] Mask, int OwnCount, ulong Seed)> _jobs = [];
        private ulong? _sharedSeed;

        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random)
        {
            double lambda = BetaSampler.Sample(random, owner.Alpha + (owner.Reformulate ? 1 : 0), owner.Alpha);
            int n = shape.PlaneSize;
            int own = FourierMaskGenerator.DrawOwnCount(lambda, n, random);
            ulong seed = owner.Granularity == MaskGranularity.PerGroup
                ? random.NextUInt64()
                : _sharedSeed ??= random.NextUInt64();

            // Complete() writes every weight before the plan exists, so the (large) array need not be zeroed first.
            float[] weights = GC.AllocateUninitializedArray<float>(n);
            _jobs.Add((weights, own, seed));
            return new RegionDraw(FourierMaskGenerator.MaskMean(n, own, owner.MaxSoft), new MaskRegion(weights, validate: false));
        }

        public override void Complete(BatchShape shape)
        {
            int n = shape.PlaneSize;
            if (_jobs.Count == 0)
            {
                return;
            }

            if (_sharedSeed is ulong shared)
            {
                float[] image = ArrayPool<float>.Shared.Rent(n);
                try
                {
                    _generator.SampleInto(new MixRandom(shared), image.AsSpan(0, n));
                    var ranking = new BucketRanking();
                    ranking.Build(image.AsSpan(0, n));
                    Run(job => ranking.WriteMask(image.AsSpan(0, n), job.OwnCount, owner.MaxSoft, job.Mask));
                }
                finally
                {
                    ArrayPool<float>.Shared.Return(image);
                }
            }
            else
            {
                // One image buffer and one ranking per worker, reused for all of its masks.
                Run(job =>
                {
                    BucketRanking ranking = BucketRanking.ForThread();
                    float[] image = ArrayPool<float>.Shared.Rent(n);
                    _generator.SampleInto(new MixRandom(job.Seed), image.AsSpan(0, n));
                    ranking.Build(image.AsSpan(0, n));
                    ranking.WriteMask(image.AsSpan(0, n), job.OwnCount, owner.MaxSoft, job.Mask);
                    ArrayPool<float>.Shared.Return(image);
                });
            }
        }

        private void Run(Action<(float[] Mask, int OwnCount, ulong Seed)> body)
        {
            if (_jobs.Count == 1)
            {
                body(_jobs[0]);
                return;
            }

            Parallel.For(0, _jobs.Count, i => body(_jobs[i]));
        }
    }
}
