using System.Buffers;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// The whole partner, resized to the half-open box <c>[Top, Bottom) × [Left, Right)</c>, replaces the sample's elements
/// there, in every channel (ResizeMix); everything else is the sample's own. Unlike a <see cref="BoxRegion"/>, the box
/// shows the partner's whole picture, not its elements at the same place. On a sequence (height 1) the box is a segment
/// <c>[Left, Right)</c>, and the partner may be read over its first <see cref="PartnerLength"/> positions only (its
/// valid part, <see cref="WithPartnerLength"/>). On an image the partner may be read over a box of its own only
/// (<see cref="WithPartnerBox"/>: SnapMix's asymmetric patches), which is resized into the sample's box.
/// On a clip <c>[B, C, T, H, W]</c> the box lies on every frame, or on the
/// frames <c>[FirstFrame, EndFrame)</c> only (<see cref="WithFrames"/>), and frame t shows the partner's frame t resized.
/// </summary>
/// <remarks>
/// <para><b>Resampling</b>, the one definition the CPU mixer, <see cref="ResizePartner"/> and MixAssert use:
/// separable bilinear with half-pixel centres, antialiased when shrinking, as PyTorch's
/// <c>interpolate(mode="bilinear", align_corners=False, antialias=True)</c> and Pillow define it. Along an axis of n
/// inputs and m outputs, with scale s = n/m and support r = max(s, 1), output i (centre c = s·(i + ½)) reads inputs
/// j in [⌊c − r + ½⌋, ⌊c + r + ½⌋) ∩ [0, n) with weights max(0, 1 − |(j + ½ − c)/r|), normalised to sum 1
/// (computed in double, stored as float). Rows are combined first (each output row is a weighted sum of whole input
/// rows, in float32), then columns (a weighted sum per output element, in float32, in input order).</para>
/// <para>TorchSharp's libtorch path calls libtorch's <c>interpolate</c> with <c>antialias</c>, whose float arithmetic
/// differs in the last bits; its CpuMixer path is bit for bit this definition.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between plans and threads.</threadsafety>
public sealed class ResizeRegion : MixRegion
{
    private Resampling.Taps? _rows;    // looked up on first use and kept
    private Resampling.Taps? _columns;

    /// <summary>Creates the region.</summary>
    /// <param name="spatial">The image plane, sequence or clip the box lies in (and the partner's size).</param>
    /// <param name="top">First row of the box (inclusive).</param>
    /// <param name="left">First column of the box (inclusive).</param>
    /// <param name="bottom">Row after the last row of the box (exclusive), at most the height.</param>
    /// <param name="right">Column after the last column of the box (exclusive), at most the width.</param>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty, reversed or outside the plane.</exception>
    public ResizeRegion(SpatialShape spatial, int top, int left, int bottom, int right)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("A resized partner is pasted into an image plane, a sequence or the frames of a clip; the extent was empty.", nameof(spatial));
        }

        Internal.Guard.BoxSide(top, bottom, spatial.Height, nameof(top), nameof(bottom), "A resize box");
        Internal.Guard.BoxSide(left, right, spatial.Width, nameof(left), nameof(right), "A resize box");

        Spatial = spatial;
        Top = top;
        Left = left;
        Bottom = bottom;
        Right = right;
    }

    /// <summary>The image plane, sequence or clip the box lies in.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>
    /// On a sequence, the number of the partner's first positions that are resized into the segment (its valid length),
    /// or null when the partner is read whole.
    /// </summary>
    public int? PartnerLength { get; private init; }

    /// <summary>On a clip, the first frame the box lies on (inclusive); 0 when it lies on every frame.</summary>
    public int FirstFrame { get; private init; }

    /// <summary>On a clip, the frame after the last frame the box lies on (exclusive), or null when it lies on every frame.</summary>
    public int? EndFrame { get; private init; }

    /// <summary>True when the box lies on the frames <c>[FirstFrame, EndFrame)</c> of a clip only.</summary>
    public bool HasFrameRange => EndFrame.HasValue;

    /// <summary>On an image, the first row of the partner's box that is resized into the sample's box (inclusive); 0
    /// when the partner is read whole.</summary>
    public int PartnerTop { get; private init; }

    /// <summary>On an image, the first column of the partner's box (inclusive); 0 when the partner is read whole.</summary>
    public int PartnerLeft { get; private init; }

    /// <summary>The row after the last row of the partner that is resized (exclusive): the partner box's bottom, or the height.</summary>
    public int PartnerBottom => PartnerBoxBottom ?? Spatial.Height;

    /// <summary>The column after the last column of the partner that is resized (exclusive): the partner box's right
    /// edge, <see cref="PartnerLength"/> on a sequence, or the width.</summary>
    public int PartnerRight => PartnerBoxRight ?? PartnerLength ?? Spatial.Width;

    /// <summary>True when an image's partner is read over a box of its own (<see cref="WithPartnerBox"/>), not whole.</summary>
    public bool HasPartnerBox => PartnerBoxBottom.HasValue;

    /// <summary>The partner's height that is resized.</summary>
    internal int PartnerHeight => PartnerBottom - PartnerTop;

    /// <summary>The partner's width that is resized: the partner box's, <see cref="PartnerLength"/>, or the whole width.</summary>
    internal int PartnerWidth => PartnerRight - PartnerLeft;

    private int? PartnerBoxBottom { get; init; }

    private int? PartnerBoxRight { get; init; }

    /// <summary>First row of the box (inclusive).</summary>
    public int Top { get; }

    /// <summary>First column of the box (inclusive).</summary>
    public int Left { get; }

    /// <summary>Row after the last row of the box (exclusive).</summary>
    public int Bottom { get; }

    /// <summary>Column after the last column of the box (exclusive).</summary>
    public int Right { get; }

    /// <summary>Number of elements of the plane the box covers.</summary>
    public long Area => (long)(Bottom - Top) * (Right - Left);

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Resize;

    private Resampling.Taps RowTaps => _rows ??= Resampling.Taps.For(PartnerHeight, Bottom - Top);

    private Resampling.Taps ColumnTaps => _columns ??= Resampling.Taps.For(PartnerWidth, Right - Left);

    /// <summary>
    /// The same segment on a sequence, showing the partner's first <paramref name="length"/> positions resized (the
    /// partner's valid length: nothing past it is read). A length equal to the sequence's gives the region without one.
    /// </summary>
    /// <param name="length">The partner's valid length, in [1, <c>Spatial.Width</c>].</param>
    /// <returns>A new region.</returns>
    /// <exception cref="ArgumentException">The region is on an image plane (partner lengths run along a sequence).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is outside [1, <c>Spatial.Width</c>].</exception>
    public ResizeRegion WithPartnerLength(int length)
    {
        if (Spatial.Rank != 1)
        {
            throw new ArgumentException($"A partner length runs along a sequence; this resize box is on a {Spatial} image plane.", nameof(length));
        }

        if (length < 1 || length > Spatial.Width)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The partner length must lie in [1, {Spatial.Width}]; it was {length}.");
        }

        return new ResizeRegion(Spatial, Top, Left, Bottom, Right) { PartnerLength = length == Spatial.Width ? null : length };
    }

    /// <summary>
    /// The same box in the sample, showing the partner's box <c>[top, bottom) × [left, right)</c> resized into it instead
    /// of the whole partner (SnapMix's asymmetric patches: the partner's patch is cut at a place and size of its own).
    /// A box over the whole plane gives the region without one. JSON writes it as <c>"partnerBox":[top, left, bottom, right]</c>.
    /// </summary>
    /// <param name="top">First row of the partner's box (inclusive).</param>
    /// <param name="left">First column of the partner's box (inclusive).</param>
    /// <param name="bottom">Row after the last row of the partner's box (exclusive), at most the height.</param>
    /// <param name="right">Column after the last column of the partner's box (exclusive), at most the width.</param>
    /// <returns>A new region.</returns>
    /// <exception cref="ArgumentException">The region is not on an image plane (a sequence's partner is read over its
    /// first positions, <see cref="WithPartnerLength"/>; a clip's whole frames).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty, reversed or outside the plane.</exception>
    public ResizeRegion WithPartnerBox(int top, int left, int bottom, int right)
    {
        if (Spatial.Rank != 2)
        {
            throw new ArgumentException($"A partner box lies in an image plane; this resize box is on a {Spatial} extent.", nameof(top));
        }

        Internal.Guard.BoxSide(top, bottom, Spatial.Height, nameof(top), nameof(bottom), "A partner box");
        Internal.Guard.BoxSide(left, right, Spatial.Width, nameof(left), nameof(right), "A partner box");

        return top == 0 && left == 0 && bottom == Spatial.Height && right == Spatial.Width
            ? new ResizeRegion(Spatial, Top, Left, Bottom, Right)
            : new ResizeRegion(Spatial, Top, Left, Bottom, Right) { PartnerTop = top, PartnerLeft = left, PartnerBoxBottom = bottom, PartnerBoxRight = right };
    }

    /// <summary>
    /// The same box on the frames <c>[firstFrame, endFrame)</c> of its clip only; on the other frames the sample keeps its
    /// own elements, and the partner is read on those frames only (ResizeMix's clips with frame counts). A range over
    /// every frame gives the region without one. JSON writes it as <c>"frames":[first, end]</c>.
    /// </summary>
    /// <param name="firstFrame">First frame (inclusive), at least 0.</param>
    /// <param name="endFrame">Frame after the last (exclusive), in (<paramref name="firstFrame"/>, T].</param>
    /// <returns>A new region.</returns>
    /// <exception cref="ArgumentException">The region is not on a clip.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, reversed, negative or past the clip's T frames.</exception>
    public ResizeRegion WithFrames(int firstFrame, int endFrame)
    {
        Internal.Guard.FrameRange(firstFrame, endFrame, Spatial, "resize box");

        return firstFrame == 0 && endFrame == Spatial.Depth
            ? new ResizeRegion(Spatial, Top, Left, Bottom, Right)
            : new ResizeRegion(Spatial, Top, Left, Bottom, Right) { FirstFrame = firstFrame, EndFrame = endFrame };
    }

    /// <summary>True when the box lies on frame <paramref name="frame"/> (always, without a frame range).</summary>
    internal bool CoversFrame(int frame) => frame >= FirstFrame && frame < (EndFrame ?? int.MaxValue);

    /// <summary>The same box on one frame of its clip (the image plane H × W), as every frame it lies on shows it.</summary>
    internal ResizeRegion OnOneFrame() => Spatial.Rank == 3 ? new ResizeRegion(new SpatialShape(Spatial.Height, Spatial.Width), Top, Left, Bottom, Right) : this;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitResize(this);
    }

    /// <summary>Resizes one plane of the partner to the box, as the mixers do (see the remarks); a clip's frame by frame.</summary>
    /// <param name="partner">The partner's plane, <see cref="SpatialShape.Size"/> elements, row-major (a clip's frames one
    /// after another; with a frame range, only the range's frames are read).</param>
    /// <param name="patch">Receives the box's (Bottom − Top) × (Right − Left) elements, row-major; a clip's T such boxes,
    /// frame by frame (with a frame range, the boxes of the frames outside it are left as they are).</param>
    /// <exception cref="ArgumentException">A length does not fit.</exception>
    public void ResizePartner(ReadOnlySpan<float> partner, Span<float> patch)
    {
        Internal.Guard.Length(partner.Length, Spatial.Size, nameof(partner), $"a {Spatial} plane");
        int boxWidth = Right - Left, frames = Spatial.Depth, frame = Spatial.Height * Spatial.Width;
        Internal.Guard.Length(patch.Length, Area * frames, nameof(patch), frames == 1 ? $"a {Bottom - Top}x{boxWidth} box" : $"{frames} frames of a {Bottom - Top}x{boxWidth} box");
        float[] scratch = ArrayPool<float>.Shared.Rent(Resampling.ScratchLength(Spatial.Width));
        try
        {
            for (int f = FirstFrame, r = FirstFrame * (Bottom - Top); f < (EndFrame ?? frames); f++)
            {
                for (int row = 0; row < Bottom - Top; row++, r++)
                {
                    ResizeRow(partner.Slice(f * frame, frame), row, scratch, patch.Slice(r * boxWidth, boxWidth));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <inheritdoc />
    public override string ToString() => (PartnerLength, EndFrame) switch
    {
        _ when HasPartnerBox => $"partner rows [{PartnerTop}, {PartnerBottom}) cols [{PartnerLeft}, {PartnerRight}) resized in rows [{Top}, {Bottom}) cols [{Left}, {Right})",
        (int length, _) => $"resized partner (its first {length}) in rows [{Top}, {Bottom}) cols [{Left}, {Right})",
        (_, int end) => $"resized partner on frames [{FirstFrame}, {end}) in rows [{Top}, {Bottom}) cols [{Left}, {Right})",
        _ => $"resized partner in rows [{Top}, {Bottom}) cols [{Left}, {Right})",
    };

    /// <summary>Writes output row <paramref name="row"/> of the box (0 = the box's top) from the partner's plane.</summary>
    /// <param name="partner">The partner's plane.</param>
    /// <param name="row">The row of the box.</param>
    /// <param name="scratch">At least <see cref="Resampling.ScratchLength"/>(width) elements of scratch.</param>
    /// <param name="destination">The box's row, Right − Left elements.</param>
    internal void ResizeRow(ReadOnlySpan<float> partner, int row, Span<float> scratch, Span<float> destination)
    {
        // The partner's box starts PartnerTop rows and PartnerLeft columns in; its rows keep the plane's pitch.
        Resampling.ResizeRow(partner[((PartnerTop * Spatial.Width) + PartnerLeft)..], Spatial.Width, RowTaps, row, ColumnTaps, 0, scratch, destination, planeInCache: false);
    }

    /// <summary>Whether <see cref="ResizeRows"/> can write this box's rows four at a time (<see cref="Resampling.ResizesRowGroups"/>).</summary>
    internal bool ResizesRowGroups => Resampling.ResizesRowGroups(ColumnTaps);

    /// <summary>Writes box rows <paramref name="row"/> to <paramref name="row"/> + <see cref="Resampling.RowGroup"/> − 1,
    /// or row <paramref name="row"/> alone, into <paramref name="destinations"/> (four or one, Right − Left floats each),
    /// the same bits as that many <see cref="ResizeRow"/> calls (<see cref="Resampling.ResizeRows"/>); four only where
    /// <see cref="ResizesRowGroups"/>.</summary>
    /// <param name="partner">The partner's plane.</param>
    /// <param name="row">The first of the rows, counted from the box's top.</param>
    /// <param name="lines"><see cref="Resampling.RowGroupScratchLength"/>(width) elements of scratch.</param>
    /// <param name="destinations">The addresses of the rows' outputs.</param>
    internal void ResizeRows(ReadOnlySpan<float> partner, int row, Span<float> lines, ReadOnlySpan<nint> destinations) =>
        Resampling.ResizeRows(partner[((PartnerTop * Spatial.Width) + PartnerLeft)..], Spatial.Width, RowTaps, row, ColumnTaps, 0, Right - Left, lines, destinations, planeInCache: false);

    /// <summary>The partner rows (of its plane) that box rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) read, as [First, End).</summary>
    /// <param name="firstRow">First row of the box (0 = the box's top).</param>
    /// <param name="endRow">Row after the last, at most the box's height.</param>
    internal (int First, int End) PartnerRowsRead(int firstRow, int endRow)
    {
        Resampling.Taps rows = RowTaps;
        int first = int.MaxValue, end = 0;
        for (int r = firstRow; r < endRow; r++)
        {
            first = Math.Min(first, rows.Start[r]);
            end = Math.Max(end, rows.Start[r] + rows.WeightsOf(r).Length);
        }

        return (PartnerTop + first, PartnerTop + end);
    }

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // On every frame the box covers the same share of each plane; with a frame range, its frames' share of the clip
        // (of the sample's first frames when measured over its frame count).
        long plane = (long)spatial.Height * spatial.Width;
        shares[0] = EndFrame is int end
            ? BoxRegion.ShareOutside((end - FirstFrame) * Area, spatial.Depth * plane)
            : BoxRegion.ShareOutside(Area, plane);
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        // A sequence's segment is also measured over the sample's first positions (its valid length), which hold it.
        bool validPart = Spatial.Rank == 1 && spatial.Rank == 1 && spatial.Width >= Right && spatial.Width <= Spatial.Width;

        // A clip's box on a frame range is also measured over the sample's first frames (its frame count), which hold them.
        validPart |= EndFrame is int end && spatial.Rank == 3 && spatial.Height == Spatial.Height && spatial.Width == Spatial.Width
            && spatial.Depth >= end && spatial.Depth <= Spatial.Depth;
        if (Spatial != spatial && !validPart)
        {
            throw new ArgumentException($"The resize box{OfSample(sample)} is for a {Spatial} plane, not {spatial}.", name);
        }
    }
}
