using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// ResizeMix (Qin, Fang, Lu, Chen, Yuan, Xie and Wang, "ResizeMix: Mixing Data with Preserved Object Information and
/// True Labels", arXiv:2012.11101): the whole partner, shrunk bilinearly with antialiasing, is pasted into a random box
/// of the sample, so the pasted patch always shows the partner's object. The plan stores a <see cref="ResizeRegion"/>;
/// lambda is the exact share of own pixels, 1 − box area / (H·W).
/// </summary>
/// <remarks>
/// <para>Per mixed group: the scale τ uniform in [<see cref="MinScale"/>, <see cref="MaxScale"/>] (the paper's and
/// OpenMixup's default 0.1 to 0.8); box sides ⌊τ·H⌋ × ⌊τ·W⌋, each at least 1; centre row <c>NextInt(H)</c>, then centre
/// column <c>NextInt(W)</c>; the box is clipped to the image as CutMix's, and the partner is resized to the clipped box
/// (as OpenMixup does, so a clipped box squeezes the partner).</para>
/// <para>Resampling is <see cref="ResizeRegion"/>'s: bilinear, antialiased when shrinking (PyTorch's
/// <c>antialias=True</c>). float32 batches on the CPU; any floating-point tensor with TorchSharp.</para>
/// <para>Sequences <c>[B, C, L]</c> are drawn as images of height 1: a segment of ⌊τ·L⌋ positions (at least 1), its centre
/// <c>NextInt(L)</c> after the centre row's <c>NextInt(1)</c>, clipped, with the whole partner resized (linearly,
/// antialiased) into it. With valid lengths (<see cref="MixRequest.ValidLengths"/>) the segment is drawn over the
/// m = min(L_a, L_b) positions both samples hold (the batch's shortest in <see cref="LambdaMode.Batch"/>), so it lies in
/// the sample's valid part, and the partner's valid part, its first L_partner positions, is what is resized into it
/// (<see cref="ResizeRegion.WithPartnerLength"/>): no padding is read. Each sample's lambda is 1 − segment / L_own, its
/// own share of its valid positions, and the output keeps the sample's length.</para>
/// <para>Clips <c>[B, C, T, H, W]</c>: the image's box, from the same draws, on every frame, frame t showing the partner's
/// frame t resized, so a clip plan's boxes and λ are the image plan's of the same seed. With frame counts the box lies
/// on the m = min(T_i, T_j) frames both clips hold (the batch's shortest in <see cref="LambdaMode.Batch"/> mode;
/// <see cref="ResizeRegion.WithFrames"/>): frame t &lt; m shows the partner's frame t resized, the later frames are the
/// sample's own, so no padding is read; λ is 1 − m·box area / (T_i·H·W), the own share of the sample's valid elements.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class ResizeMix : MixTransform
{
    /// <summary>Defines a ResizeMix transform.</summary>
    /// <param name="minScale">Smallest box side as a share of the image side, in (0, 1] (paper: 0.1).</param>
    /// <param name="maxScale">Largest box side as a share of the image side, in [<paramref name="minScale"/>, 1] (paper: 0.8).</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one box per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException"><paramref name="minScale"/> is greater than <paramref name="maxScale"/>, or an
    /// invalid mode and pairing combination.</exception>
    public ResizeMix(
        double minScale = 0.1,
        double maxScale = 0.8,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Batch,
        PairingStrategy pairing = PairingStrategy.Flip)
        : base(probability, mode, pairing)
    {
        if (!(minScale > 0 && minScale <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minScale), minScale, $"minScale must lie in (0, 1]; it was {minScale}.");
        }

        if (!(maxScale > 0 && maxScale <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxScale), maxScale, $"maxScale must lie in (0, 1]; it was {maxScale}.");
        }

        if (minScale > maxScale)
        {
            throw new ArgumentException($"minScale {minScale} is greater than maxScale {maxScale}.", nameof(minScale));
        }

        MinScale = minScale;
        MaxScale = maxScale;
    }

    /// <summary>Smallest box side as a share of the image side.</summary>
    public double MinScale { get; }

    /// <summary>Largest box side as a share of the image side.</summary>
    public double MaxScale { get; }

    /// <inheritdoc />
    public override string Name => "ResizeMix";

    /// <inheritdoc />
    public override string ToString() => $"ResizeMix(scale [{MinScale}, {MaxScale}], probability {Probability}, {Mode}, {Pairing})";

    /// <summary>Sequences and clips take valid lengths: a sequence's segment is drawn where both are valid and the
    /// partner's valid part is resized into it; a clip's box lies on the frames both hold.</summary>
    private protected override bool SupportsValidLengths(BatchShape shape) => true;

    /// <summary>The drawn segment on the plan's extent, reading the partner's valid part (a clip's box on the m frames it
    /// was drawn over, on the whole clip on frames [0, m)); lambda over the sample's valid elements.</summary>
    private protected override RegionDraw ForValidLength(RegionDraw draw, SpatialShape extent, int length, int partnerLength)
    {
        if (draw.Region is not ResizeRegion drawn)
        {
            return draw;
        }

        var whole = new ResizeRegion(extent, drawn.Top, drawn.Left, drawn.Bottom, drawn.Right);
        ResizeRegion region = extent.Rank == 3 ? whole.WithFrames(0, drawn.Spatial.Depth) : whole.WithPartnerLength(partnerLength);
        return new RegionDraw(region.OwnShare(TimeAxis.Crop(extent, length), 1.0), region);
    }

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random)
    {
        int h = shape.Height, w = shape.Width;
        double tau = MinScale + ((MaxScale - MinScale) * random.NextDouble());
        int cutH = Math.Max(1, (int)(h * tau)), cutW = Math.Max(1, (int)(w * tau));
        int cy = random.NextInt(h), cx = random.NextInt(w);

        // As CutMix: top = cy − ⌊cut/2⌋, bottom = top + cut, clipped; a cut of at least 1 keeps the centre inside.
        int top = cy - (cutH / 2), left = cx - (cutW / 2);
        var region = new ResizeRegion(shape.Spatial, Math.Max(top, 0), Math.Max(left, 0), Math.Min(top + cutH, h), Math.Min(left + cutW, w));
        return new RegionDraw(region.OwnShare(shape.Spatial, 1.0), region);
    }
}
