using System.Buffers;
using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;

namespace MixAug.Transforms;

/// <summary>
/// SaliencyMix (Uddin, Monira, Shin, Chung and Bae, "SaliencyMix: A Saliency Guided Data Augmentation Strategy for
/// Better Regularization", ICLR 2021): CutMix whose box is centred on the most salient pixel of the partner, so the
/// pasted patch shows what the partner's label is about. Images only (spatial rank 2).
/// </summary>
/// <remarks>
/// <para><b>Box</b> (default): λ ~ Beta(β, β); the box has CutMix's size <see cref="BoxSampler.CutSize"/>, is centred
/// on the first (row-major) maximum of the partner's saliency map (<see cref="BoxSampler.CentredBox"/>: an odd size
/// keeps all its pixels), is clipped at the border, and the plan's lambda is the exact share of own pixels,
/// 1 − area/(H·W). Per-batch mode uses the map of sample 0's partner for the whole batch, as the reference does;
/// per-pair and per-sample modes use each group's partner.</para>
/// <para><b>Mask</b>: λ ~ Beta(β, β), the own count n is λ·N rounded stochastically (as FMix), and the partner's
/// N − n most salient pixels (ties by the smaller index) replace the sample's; lambda is exactly n/N.</para>
/// <para>The saliency depends on the pixels, so a plan needs the batch: call
/// <see cref="CreatePlan(BatchShape, ReadOnlySpan{float}, IMixRandom)"/>, or <see cref="Bind"/> a batch to get an
/// <see cref="IMixTransform"/>. The plain <see cref="MixTransform.CreatePlan(BatchShape, IMixRandom)"/> throws
/// <see cref="InvalidOperationException"/>. Draw order per group after the apply coin: the Beta variate (Box), or
/// the Beta variate and the rounding double (Mask). Maps draw nothing; in per-pair and per-sample modes the maps
/// of all samples are computed in parallel before the first draw.</para>
/// <example>
/// <code>
/// var saliencyMix = new SaliencyMix(beta: 1.0, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
/// MixPlan plan = saliencyMix.CreatePlan(shape, images, MixRandom.ForBatch(seed, epoch, batchIndex));
/// CpuMixer.ApplyInPlace(plan, images);
///
/// // Where an IMixTransform is expected (for example in MixChoice), bind the current batch first:
/// IMixTransform bound = saliencyMix.Bind(images);
/// MixPlan same = bound.CreatePlan(shape, MixRandom.ForBatch(seed, epoch, batchIndex));
/// </code>
/// </example>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads if the saliency source is.</threadsafety>
public sealed class SaliencyMix : MixTransform, IBatchBindable
{
    /// <summary>Defines a SaliencyMix transform.</summary>
    /// <param name="beta">Beta(β, β) concentration of the sampled lambda; finite and greater than 0.</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one draw (and one saliency map) per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <param name="region">A box around the salient peak (the paper) or a mask of the most salient pixels.</param>
    /// <param name="saliency">The saliency source; null for <see cref="SpectralResidualSaliency.Default"/>.</param>
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
        Saliency = saliency ?? SpectralResidualSaliency.Default;
    }

    /// <summary>The Beta(β, β) concentration of lambda.</summary>
    public double Beta { get; }

    /// <summary>Whether a box or a mask of salient pixels is pasted.</summary>
    public SaliencyRegion Region { get; }

    /// <summary>The source of the saliency maps.</summary>
    public ISaliencySource Saliency { get; }

    /// <inheritdoc />
    public override string Name => "SaliencyMix";

    /// <summary>Draws a plan for <paramref name="batch"/>, whose pixels steer the boxes or masks.</summary>
    /// <param name="shape">The batch shape; spatial rank 2.</param>
    /// <param name="batch">The images, <c>[B, C, H, W]</c> row-major float32 (<see cref="BatchShape.ElementCount"/> values). Only read.</param>
    /// <param name="random">The generator to draw from; it is advanced.</param>
    /// <returns>A new, validated plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException">The shape is empty or not an image shape, or <paramref name="batch"/> has the wrong length.</exception>
    public unsafe MixPlan CreatePlan(BatchShape shape, ReadOnlySpan<float> batch, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (shape.BatchSize == 0)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }

        ValidateShape(shape);
        Guard.Length(batch.Length, shape.ElementCount, nameof(batch), $"a {shape} batch");
        fixed (float* pixels = batch)
        {
            return CreatePlan(shape, random, new BatchDrawer(this, shape, pixels));
        }
    }

    /// <summary>
    /// Binds a batch: the returned transform's <see cref="IMixTransform.CreatePlan"/> reads the saliency of
    /// <paramref name="batch"/>, for code that only knows <see cref="IMixTransform"/>. Bind the batch that the plan
    /// will be applied to; the memory must stay unchanged while plans are drawn.
    /// </summary>
    /// <param name="batch">The images, <c>[B, C, H, W]</c> row-major float32.</param>
    /// <returns>A transform with this one's name and parameters, bound to <paramref name="batch"/>.</returns>
    public IMixTransform Bind(ReadOnlyMemory<float> batch) => new Bound(this, batch);

    /// <inheritdoc />
    public bool NeedsBatch => true;

    /// <inheritdoc />
    public override string ToString() => $"SaliencyMix(beta {Beta}, {Region}, probability {Probability}, {Mode}, {Pairing}, {Saliency.GetType().Name})";

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
    /// <exception cref="InvalidOperationException">Always: SaliencyMix needs the images.</exception>
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) => throw NeedsImages();

    private protected override PlanDrawer CreateDrawer(BatchShape shape) => throw NeedsImages();

    private static InvalidOperationException NeedsImages() => new(
        "SaliencyMix needs the images to find salient regions: call CreatePlan(shape, batch, random), or Bind(batch) and use the bound transform.");

    private sealed class Bound(SaliencyMix owner, ReadOnlyMemory<float> batch) : IMixTransform
    {
        public string Name => owner.Name;

        public MixPlan CreatePlan(BatchShape shape, IMixRandom random) => owner.CreatePlan(shape, batch.Span, random);

        public override string ToString() => $"{owner} bound to a batch of {batch.Length} values";
    }

    /// <summary>Draws with the saliency of the pinned batch; only alive inside <see cref="CreatePlan(BatchShape, ReadOnlySpan{float}, IMixRandom)"/>.</summary>
    private sealed unsafe class BatchDrawer(SaliencyMix owner, BatchShape shape, float* pixels) : PlanDrawer
    {
        private readonly nint _pixels = (nint)pixels;
        private readonly int[] _peaks = CreateUnknown(shape.BatchSize);
        private readonly List<(float[] Mask, int Partner, int OwnCount)> _masks = [];

        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random)
        {
            double lambda = BetaSampler.Sample(random, owner.Beta, owner.Beta);
            if (owner.Region == SaliencyRegion.Mask)
            {
                int n = shape.PlaneSize;
                int own = FourierMaskGenerator.DrawOwnCount(lambda, n, random);
                var weights = new float[n];
                _masks.Add((weights, partner, own));
                return new RegionDraw((double)own / n, new MaskRegion(weights, validate: false));
            }

            if (_peaks[partner] < 0)
            {
                if (owner.Mode == LambdaMode.Batch)
                {
                    _peaks[partner] = Peak(partner);
                }
                else
                {
                    // Every sample is someone's partner in a permutation: find all peaks at once, in parallel.
                    Parallel.For(0, shape.BatchSize, i => _peaks[i] = Peak(i));
                }
            }

            (int cutH, int cutW) = BoxSampler.CutSize(shape, lambda);
            int peak = _peaks[partner];
            return BoxSampler.CentredBox(shape, cutH, cutW, peak / shape.Width, peak % shape.Width, correctLambda: true, lambda);
        }

        public override void Complete(BatchShape shape)
        {
            if (_masks.Count == 0)
            {
                return;
            }

            int n = shape.PlaneSize;
            if (_masks.Count == 1)
            {
                Fill(_masks[0]);
            }
            else
            {
                Parallel.For(0, _masks.Count, i => Fill(_masks[i]));
            }

            void Fill((float[] Mask, int Partner, int OwnCount) job)
            {
                float[] map = ArrayPool<float>.Shared.Rent(n);
                ulong[] keys = ArrayPool<ulong>.Shared.Rent(n);
                owner.Saliency.ComputeMap(shape, Sample(job.Partner), map.AsSpan(0, n));
                CheckMap(map.AsSpan(0, n), job.Partner);
                Masks.TopRanking.BuildKeys(map.AsSpan(0, n), keys.AsSpan(0, n));
                int partnerCount = n - job.OwnCount;
                Masks.TopRanking.SelectSmallest(keys.AsSpan(0, n), partnerCount);
                job.Mask.AsSpan().Fill(1f);
                for (int k = 0; k < partnerCount; k++)
                {
                    job.Mask[Masks.TopRanking.IndexOf(keys[k])] = 0f;
                }

                ArrayPool<float>.Shared.Return(map);
                ArrayPool<ulong>.Shared.Return(keys);
            }
        }

        private static int[] CreateUnknown(int count)
        {
            var peaks = new int[count];
            Array.Fill(peaks, -1);
            return peaks;
        }

        private ReadOnlySpan<float> Sample(int index) =>
            new((float*)_pixels + ((long)index * shape.SampleSize), shape.SampleSize);

        private int Peak(int index)
        {
            int n = shape.PlaneSize;
            float[] map = ArrayPool<float>.Shared.Rent(n);
            try
            {
                owner.Saliency.ComputeMap(shape, Sample(index), map.AsSpan(0, n));
                CheckMap(map.AsSpan(0, n), index);
                return SpectralResidualSaliency.ArgMax(map.AsSpan(0, n));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(map);
            }
        }

        private void CheckMap(ReadOnlySpan<float> map, int index)
        {
            foreach (float v in map)
            {
                if (!float.IsFinite(v))
                {
                    throw new InvalidOperationException($"The saliency source {owner.Saliency.GetType().Name} returned a non-finite value ({v}) for sample {index}.");
                }
            }
        }
    }
}
