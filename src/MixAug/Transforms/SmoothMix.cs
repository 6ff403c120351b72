using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// SmoothMix (Lee, Zaheer, Astrid and Lee, "SmoothMix: a Simple Yet Effective Data Augmentation to Train Robust
/// Classifiers", CVPR Workshops 2020): a CutMix box of the partner whose edges fade out as a Gaussian, so the mixed
/// image has no sharp seam. The plan stores a <see cref="SoftBoxRegion"/>; its lambda is the exact mean of the own
/// weights as rasterised in float32.
/// </summary>
/// <remarks>
/// <para>Per mixed group: λ ~ Beta(α, α); the box size is CutMix's, ⌊H·√(1 − λ)⌋ × ⌊W·√(1 − λ)⌋, each side at
/// least 1 (a box of one pixel still shows its Gaussian blob); the centre row is <c>NextInt(H)</c>, then the centre
/// column <c>NextInt(W)</c>; the box is clipped to the image as CutMix's. The partner's weight is 1 inside the box and
/// <c>exp(−d²/(2σ²))</c> per axis outside it, with σ = <see cref="Softness"/> × min(H, W) (× L for a sequence).</para>
/// <para>The soft edges add partner weight around the box, so the plan's lambda (the exact own share) is below the
/// drawn λ; labels follow the pixels, not the draw.</para>
/// <para>Images, and sequences <c>[B, C, L]</c>: a segment of CutMix's length ⌊L·(1 − λ)⌋ (at least 1) around a
/// centre position <c>NextInt(L)</c> (after the row draw, which is 0), whose ends fade out with σ = softness × L, so a
/// pasted stretch of audio or a time series has no step at its ends. Clips <c>[B, C, T, H, W]</c>: the image's soft box,
/// from the same draws (over H×W, σ = softness × min(H, W)), on every frame, so a clip plan's boxes and λ are the image
/// plan's of the same seed. With frame counts the box lies on the m = min(T_i, T_j) frames both clips hold (the batch's
/// shortest in <see cref="LambdaMode.Batch"/> mode; <see cref="SoftBoxRegion.WithFrames"/>), the sample keeps its own
/// frames past m, and λ is the exact own share of its T_i·H·W valid elements.</para>
/// <para>With valid lengths (<see cref="MixRequest.ValidLengths"/>, sequences), a pair's segment is drawn as above over
/// the m = min(L_i, L_j) positions both samples hold (the batch's shortest in <see cref="LambdaMode.Batch"/> mode), σ =
/// softness × m, and its fall-off stops at m (<see cref="SoftBoxRegion.WithReach"/>): past m the sample keeps its own
/// elements, so neither sample's padding is read. λ is the exact own share of the sample's L_i valid positions.
/// Lengths all equal to L give the plan without lengths.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class SmoothMix : MixTransform
{
    /// <summary>Defines a SmoothMix transform.</summary>
    /// <param name="alpha">Beta(α, α) concentration of the drawn λ that sets the box size; finite and greater than 0.</param>
    /// <param name="softness">σ of the Gaussian edges as a share of the image's smaller side (a sequence's length), in (0, 1].</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one box per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException">An invalid mode and pairing combination (see <see cref="MixTransform"/>).</exception>
    public SmoothMix(
        double alpha = 1.0,
        double softness = 0.1,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Batch,
        PairingStrategy pairing = PairingStrategy.Flip)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        if (!(softness > 0 && softness <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(softness), softness, $"softness must lie in (0, 1]; it was {softness}.");
        }

        Alpha = alpha;
        Softness = softness;
    }

    /// <summary>The Beta(α, α) concentration of the drawn λ.</summary>
    public double Alpha { get; }

    /// <summary>σ of the Gaussian edges as a share of the image's smaller side (a sequence's length).</summary>
    public double Softness { get; }

    /// <inheritdoc />
    public override string Name => "SmoothMix";

    /// <inheritdoc />
    public override string ToString() => $"SmoothMix(alpha {Alpha}, softness {Softness}, probability {Probability}, {Mode}, {Pairing})";

    /// <summary>Sequences and clips take valid lengths: each soft segment is drawn, and stops, where both samples are
    /// valid; a clip's soft box lies on the frames both hold.</summary>
    private protected override bool SupportsValidLengths(BatchShape shape) => true;

    /// <summary>The segment drawn over the first m positions, on the whole sequence with its fall-off stopped at m (a
    /// clip's box drawn over m frames, on the whole clip on frames [0, m)); lambda is its own share of the sample's
    /// valid elements.</summary>
    private protected override RegionDraw ForValidLength(RegionDraw draw, SpatialShape extent, int length, int partnerLength)
    {
        var drawn = (SoftBoxRegion)draw.Region;
        var whole = new SoftBoxRegion(extent, drawn.Top, drawn.Left, drawn.Bottom, drawn.Right, drawn.Sigma);
        SoftBoxRegion region = extent.Rank == 3 ? whole.WithFrames(0, drawn.Spatial.Depth) : whole.WithReach(drawn.Spatial.Width);
        Span<double> shares = stackalloc double[2];
        region.MeasureShares(TimeAxis.Crop(extent, length), [], shares);
        return new RegionDraw(shares[0], region);
    }

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random)
    {
        int h = shape.Height, w = shape.Width;
        double lambda = BetaSampler.Sample(random, Alpha, Alpha);
        (int cutH, int cutW) = BoxSampler.CutSize(shape.Spatial, lambda);
        cutH = Math.Max(1, cutH);
        cutW = Math.Max(1, cutW);
        int cy = random.NextInt(h);
        int cx = random.NextInt(w);

        // As CutMix: top = cy − ⌊cut/2⌋, bottom = top + cut, clipped; cut ≥ 1 keeps the centre inside, so never empty.
        int top = cy - (cutH / 2), left = cx - (cutW / 2);
        var region = new SoftBoxRegion(
            shape.Spatial,
            Math.Max(top, 0),
            Math.Max(left, 0),
            Math.Min(top + cutH, h),
            Math.Min(left + cutW, w),
            Softness * (shape.SpatialRank == 1 ? w : Math.Min(h, w)));
        return new RegionDraw(region.Mean, region);
    }
}
