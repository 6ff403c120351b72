using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;

namespace MixAug.Transforms;

/// <summary>
/// CutMix (Yun, Han, Oh, Chun, Choe and Yoo, "CutMix: Regularization Strategy to Train Strong Classifiers with
/// Localizable Features", ICCV 2019): a box of the partner is pasted into the sample.
/// </summary>
/// <remarks>
/// <para>Ratio mode (default): λ ~ Beta(α, α); the box has size ⌊H·√(1 − λ)⌋ × ⌊W·√(1 − λ)⌋, its centre is uniform
/// over the image, and it is clipped at the border. With <see cref="CorrectLambda"/> the plan's lambda is then the
/// exact share of own pixels, 1 − area/(H·W); without it, the sampled λ is kept (timm's <c>correct_lam=False</c>), so
/// labels and pixels disagree whenever the box was clipped.</para>
/// <para>Min/max mode (timm's <c>cutmix_minmax</c>): the box height and width are drawn independently and uniformly
/// from [⌊H·min⌋, ⌊H·max⌋] and [⌊W·min⌋, ⌊W·max⌋] (both ends inclusive), the box lies inside the image with a
/// uniform top-left corner over every position (timm's exclusive bound never reached the last one), and lambda is
/// always corrected. Alpha is not used.</para>
/// <para><b>Asymmetric patches</b> (<see cref="PartnerPatch"/>, SnapMix: Huang, Wang and Tao, "SnapMix: Semantically
/// Proportional Mixing for Augmenting Fine-grained Data", AAAI 2021): after the sample's box, a second box is drawn in
/// the partner the same way, of the same drawn size (<see cref="Transforms.PartnerPatch.SameSize"/>) or of a size of
/// its own (<see cref="Transforms.PartnerPatch.OwnSize"/>: a second λ, or in min/max mode two more sides), with a
/// centre (in min/max mode a corner) of its own, and the partner's box is resized into the sample's (a
/// <see cref="ResizeRegion"/> with <see cref="ResizeRegion.WithPartnerBox"/>; ResizeMix's antialiased bilinear
/// resampling). Lambda is still the share of own pixels, 1 − area/(H·W); what the partner contributes is its box
/// (SnapMix weighs it by its map's mass there). Images only.</para>
/// <para>Sequences (height 1) get a segment of length ⌊L·(1 − λ)⌋.</para>
/// <para>Clips <c>[B, C, T, H, W]</c> get VideoMix's cut (Yun et al., "VideoMix: Rethinking Data Augmentation for Video
/// Classification", 2020), chosen by <see cref="VideoCut"/>: a box on every frame (<see cref="VideoMixCut.Spatial"/>,
/// the default), whole frames (<see cref="VideoMixCut.Temporal"/>) or a cuboid (<see cref="VideoMixCut.SpatioTemporal"/>),
/// each a <see cref="BoxRegion"/> with a frame range; the corrected lambda is the exact share of own elements of the
/// clip. Min/max mode does not take clips.</para>
/// <para>With valid lengths (<see cref="MixRequest.ValidLengths"/>), a pair's segment or cut is drawn as above over the
/// positions where both are valid, m = min(L_a, L_b) positions or frames (in <see cref="LambdaMode.Batch"/> the shortest
/// length of the batch), so it never pastes padding (a spatial cut of a clip covers frames [0, m)), and each sample's
/// corrected lambda is its own share of its valid positions, 1 − cut/(L_own·H·W); the output keeps the sample's length.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class CutMix : MixTransform
{
    /// <summary>Defines a CutMix transform.</summary>
    /// <param name="alpha">Beta(α, α) concentration of the sampled lambda; finite and greater than 0.</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one box per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <param name="correctLambda">True (default) to make lambda the exact share of own pixels after clipping.</param>
    /// <param name="minRatio">Min/max mode: smallest box side as a share of the image side, in (0, 1]; give with <paramref name="maxRatio"/>.</param>
    /// <param name="maxRatio">Min/max mode: largest box side as a share of the image side, in [<paramref name="minRatio"/>, 1].</param>
    /// <param name="videoCut">The cut of a clip <c>[B, C, T, H, W]</c>; batches of other shapes take only the default, <see cref="VideoMixCut.Spatial"/>.</param>
    /// <param name="partnerPatch">Where the partner's patch is cut: the sample's box (<see cref="PartnerPatch.SameBox"/>,
    /// the default), or a box of its own resized into the sample's (SnapMix's asymmetric patches; images only).</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or <paramref name="videoCut"/> or
    /// <paramref name="partnerPatch"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException">Only one of the ratios is given, or min &gt; max, or <paramref name="correctLambda"/> is false in min/max mode,
    /// or <paramref name="videoCut"/> is not <see cref="VideoMixCut.Spatial"/> in min/max mode.</exception>
    public CutMix(
        double alpha = 1.0,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Batch,
        PairingStrategy pairing = PairingStrategy.Flip,
        bool correctLambda = true,
        double? minRatio = null,
        double? maxRatio = null,
        VideoMixCut videoCut = VideoMixCut.Spatial,
        PartnerPatch partnerPatch = PartnerPatch.SameBox)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        if (!Enum.IsDefined(videoCut))
        {
            throw new ArgumentOutOfRangeException(nameof(videoCut), videoCut, $"videoCut must be Spatial, Temporal or SpatioTemporal; it was {(int)videoCut}.");
        }

        if (!Enum.IsDefined(partnerPatch))
        {
            throw new ArgumentOutOfRangeException(nameof(partnerPatch), partnerPatch, $"partnerPatch must be SameBox, SameSize or OwnSize; it was {(int)partnerPatch}.");
        }

        if (minRatio.HasValue != maxRatio.HasValue)
        {
            throw new ArgumentException(
                $"Give both minRatio and maxRatio or neither; minRatio was {minRatio?.ToString() ?? "null"} and maxRatio {maxRatio?.ToString() ?? "null"}.",
                minRatio.HasValue ? nameof(maxRatio) : nameof(minRatio));
        }

        if (minRatio is double min && maxRatio is double max)
        {
            if (!(min > 0 && min <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(minRatio), min, $"minRatio must lie in (0, 1]; it was {min}.");
            }

            if (!(max > 0 && max <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(maxRatio), max, $"maxRatio must lie in (0, 1]; it was {max}.");
            }

            if (min > max)
            {
                throw new ArgumentException($"minRatio {min} is greater than maxRatio {max}.", nameof(minRatio));
            }

            if (!correctLambda)
            {
                throw new ArgumentException("Min/max boxes are not drawn from lambda, so their lambda is always the corrected one; correctLambda must be true.", nameof(correctLambda));
            }

            if (videoCut != VideoMixCut.Spatial)
            {
                throw new ArgumentException($"Min/max mode draws image boxes and does not take clips; videoCut must be Spatial, not {videoCut}.", nameof(videoCut));
            }
        }

        Alpha = alpha;
        CorrectLambda = correctLambda;
        MinRatio = minRatio;
        MaxRatio = maxRatio;
        VideoCut = videoCut;
        PartnerPatch = partnerPatch;
    }

    /// <summary>The Beta(α, α) concentration of the sampled lambda (ratio mode).</summary>
    public double Alpha { get; }

    /// <summary>True when the plan's lambda is the exact share of own pixels after clipping.</summary>
    public bool CorrectLambda { get; }

    /// <summary>Smallest box side as a share of the image side, in min/max mode; otherwise null.</summary>
    public double? MinRatio { get; }

    /// <summary>Largest box side as a share of the image side, in min/max mode; otherwise null.</summary>
    public double? MaxRatio { get; }

    /// <summary>The cut of a clip <c>[B, C, T, H, W]</c> (VideoMix); <see cref="VideoMixCut.Spatial"/> by default.</summary>
    public VideoMixCut VideoCut { get; }

    /// <summary>Where the partner's patch is cut: the sample's box, or a box of its own resized into the sample's
    /// (SnapMix's asymmetric patches).</summary>
    public PartnerPatch PartnerPatch { get; }

    /// <inheritdoc />
    public override string Name => "CutMix";

    /// <inheritdoc />
    protected override void ValidateShape(BatchShape shape)
    {
        if (shape.SpatialRank == 3 && MinRatio is not null)
        {
            throw new ArgumentException($"Min/max CutMix draws image boxes; the batch {shape} is a clip. Use ratio mode (VideoMix's cuts) for clips.", nameof(shape));
        }

        if (PartnerPatch != PartnerPatch.SameBox && shape.SpatialRank != 2)
        {
            throw new ArgumentException($"Asymmetric patches ({PartnerPatch}) are boxes of images [B, C, H, W]; the batch {shape} is not one.", nameof(shape));
        }

        if (shape.SpatialRank != 3 && VideoCut != VideoMixCut.Spatial)
        {
            throw new ArgumentException($"videoCut {VideoCut} cuts frames of a clip [B, C, T, H, W]; the batch {shape} has no frames.", nameof(shape));
        }
    }

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random)
    {
        if (shape.SpatialRank == 3)
        {
            return ClipCuts.Draw(VideoCut, shape.Spatial, BetaSampler.Sample(random, Alpha, Alpha), random, CorrectLambda);
        }

        (RegionDraw own, Cut cut) = DrawBox(shape.Spatial, random);
        if (PartnerPatch == PartnerPatch.SameBox)
        {
            return own;
        }

        // The partner's box is drawn even when the sample's is empty, so every group draws alike.
        RegionDraw partnerBox = PartnerPatch == PartnerPatch.SameSize ? PlaceBox(shape.Spatial, cut, random) : DrawBox(shape.Spatial, random).Draw;
        return WithPartnerBox(own, shape.Spatial, partnerBox);
    }

    /// <summary>A box's size before clipping, and the λ it came from (1 in min/max mode, where no λ is drawn).</summary>
    private readonly record struct Cut(int Height, int Width, double Lambda);

    /// <summary>An image or sequence box: its size (from λ ~ Beta(α, α), or in min/max mode two sides), then its place.</summary>
    private (RegionDraw Draw, Cut Cut) DrawBox(SpatialShape spatial, IMixRandom random)
    {
        Cut cut;
        if (MinRatio is double min && MaxRatio is double max)
        {
            cut = new(spatial.Height == 1 ? 1 : DrawSide(spatial.Height, min, max, random), DrawSide(spatial.Width, min, max, random), 1.0);
        }
        else
        {
            double lambda = BetaSampler.Sample(random, Alpha, Alpha);
            (int h, int w) = BoxSampler.CutSize(spatial, lambda);
            cut = new(h, w, lambda);
        }

        return (PlaceBox(spatial, cut, random), cut);
    }

    /// <summary>A box of the cut's size: a uniform centre, clipped, or in min/max mode a uniform corner where it fits.</summary>
    private RegionDraw PlaceBox(SpatialShape spatial, Cut cut, IMixRandom random) => MinRatio is null
        ? BoxSampler.UniformCentredBox(spatial, cut.Height, cut.Width, random, CorrectLambda, cut.Lambda)
        : CornerBox(spatial, cut.Height, cut.Width, random);

    /// <summary>A min/max box: its top-left corner uniform over every position where it fits.</summary>
    private static RegionDraw CornerBox(SpatialShape spatial, int cutH, int cutW, IMixRandom random)
    {
        int top = random.NextInt(spatial.Height - cutH + 1);
        int left = random.NextInt(spatial.Width - cutW + 1);
        return BoxSampler.ClippedBox(spatial, top, left, top + cutH, left + cutW, correctLambda: true, sampledLambda: 1.0);
    }

    /// <summary>The sample's box showing the partner's box resized; the lambda stays the sample's. Where either box is
    /// empty nothing is pasted (a box of its own size may be empty where the sample's is not).</summary>
    private static RegionDraw WithPartnerBox(RegionDraw own, SpatialShape spatial, RegionDraw partner)
    {
        if (own.Region is not BoxRegion box || partner.Region is not BoxRegion from)
        {
            return RegionDraw.Unmixed;
        }

        var region = new ResizeRegion(spatial, box.Top, box.Left, box.Bottom, box.Right).WithPartnerBox(from.Top, from.Left, from.Bottom, from.Right);
        return own with { Region = region };
    }

    /// <summary>A sequence's segment, or a clip's cut, is drawn where both sources are valid.</summary>
    private protected override bool SupportsValidLengths(BatchShape shape) => true;

    /// <summary>A clip's cut covering every frame of the batch is written as a box on every frame, the form a plan
    /// without lengths has, so that lengths all equal to T change nothing.</summary>
    private protected override PlanDrawer CreateDrawer(MixRequest request) => new ClipFramesDrawer(this, request.Shape.Spatial);

    /// <summary>With correction, lambda is the own share of the sample's valid positions: 1 − segment/length.</summary>
    private protected override RegionDraw ForValidLength(RegionDraw draw, SpatialShape extent, int length, int partnerLength) =>
        CorrectLambda && draw.Region is BoxRegion box ? new(box.OwnShare(TimeAxis.Crop(extent, length), draw.Lambda), box) : draw;

    /// <inheritdoc />
    public override string ToString() => MinRatio is null
        ? $"CutMix(alpha {Alpha}, probability {Probability}, {Mode}, {Pairing}, correctLambda {CorrectLambda}{(VideoCut == VideoMixCut.Spatial ? string.Empty : $", {VideoCut} cut")}{Patch})"
        : $"CutMix(ratio [{MinRatio}, {MaxRatio}], probability {Probability}, {Mode}, {Pairing}{Patch})";

    private string Patch => PartnerPatch == PartnerPatch.SameBox ? string.Empty : $", partner patch {PartnerPatch}";

    private static int DrawSide(int extent, double min, double max, IMixRandom random)
    {
        int lo = (int)(extent * min);
        int hi = (int)(extent * max);
        return lo + random.NextInt(hi - lo + 1);
    }
}
