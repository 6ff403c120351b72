using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// The partner's elements inside the half-open box <c>[Top, Bottom) × [Left, Right)</c> replace the sample's, in every
/// channel (and in every depth slice of a volume); everything else is the sample's own. A sequence's box is a
/// segment: rows [0, 1). On a clip <c>[B, C, T, H, W]</c> a box may be limited to the frames
/// <c>[FirstFrame, EndFrame)</c> (<see cref="WithFrames"/>): a space-time cuboid, VideoMix's cut.
/// </summary>
public sealed class BoxRegion : MixRegion
{
    /// <summary>Creates a box; coordinates are checked against a shape when a plan is built.</summary>
    /// <param name="top">First row of the box (inclusive).</param>
    /// <param name="left">First column of the box (inclusive).</param>
    /// <param name="bottom">Row after the last row of the box (exclusive).</param>
    /// <param name="right">Column after the last column of the box (exclusive).</param>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty, reversed, or has negative coordinates.</exception>
    public BoxRegion(int top, int left, int bottom, int right)
    {
        if (top < 0 || left < 0 || bottom <= top || right <= left)
        {
            throw new ArgumentOutOfRangeException(
                top < 0 || bottom <= top ? (top < 0 ? nameof(top) : nameof(bottom)) : (left < 0 ? nameof(left) : nameof(right)),
                $"A box needs 0 <= top < bottom and 0 <= left < right; it was top {top}, left {left}, bottom {bottom}, right {right}.");
        }

        Top = top;
        Left = left;
        Bottom = bottom;
        Right = right;
    }

    private BoxRegion(BoxRegion box, int firstFrame, int endFrame)
        : this(box.Top, box.Left, box.Bottom, box.Right)
    {
        FirstFrame = firstFrame;
        EndFrame = endFrame;
    }

    /// <summary>First row of the box (inclusive).</summary>
    public int Top { get; }

    /// <summary>First column of the box (inclusive).</summary>
    public int Left { get; }

    /// <summary>Row after the last row of the box (exclusive).</summary>
    public int Bottom { get; }

    /// <summary>Column after the last column of the box (exclusive).</summary>
    public int Right { get; }

    /// <summary>First frame of a clip the box covers (inclusive); 0 when it covers every frame.</summary>
    public int FirstFrame { get; }

    /// <summary>Frame after the last frame the box covers (exclusive), or null when it covers every frame (and applies
    /// to every depth slice of any volume).</summary>
    public int? EndFrame { get; }

    /// <summary>True when the box covers only the frames <c>[FirstFrame, EndFrame)</c> of a clip.</summary>
    public bool HasFrameRange => EndFrame.HasValue;

    /// <summary>Number of elements of one height × width plane covered by the box.</summary>
    public long Area => (long)(Bottom - Top) * (Right - Left);

    /// <summary>
    /// The same box limited to the frames <c>[firstFrame, endFrame)</c> of a clip <c>[B, C, T, H, W]</c>: a cuboid. A plan
    /// holds it over a volume only (the frames are checked against T when the plan is built); JSON writes the range as
    /// <c>"frames":[first, end]</c>.
    /// </summary>
    /// <param name="firstFrame">First frame (inclusive), at least 0.</param>
    /// <param name="endFrame">Frame after the last (exclusive), greater than <paramref name="firstFrame"/>.</param>
    /// <returns>A new box with the frame range; this one is not changed.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, reversed or negative.</exception>
    public BoxRegion WithFrames(int firstFrame, int endFrame)
    {
        Internal.Guard.FrameRange(firstFrame, endFrame);

        return new BoxRegion(this, firstFrame, endFrame);
    }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Box;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitBox(this);
    }

    /// <summary>True when plane element <paramref name="index"/> (row-major, any depth slice) lies in the box.</summary>
    /// <param name="spatial">The spatial extent.</param>
    /// <param name="index">An element index in [0, <see cref="SpatialShape.Size"/>).</param>
    /// <returns>True inside the box.</returns>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the extent.</exception>
    /// <exception cref="ArgumentException">The box has a frame range and <paramref name="spatial"/> is not a volume.</exception>
    public bool Contains(SpatialShape spatial, int index)
    {
        CheckElement(spatial, index);
        CheckFramesHaveDepth(spatial, nameof(spatial));
        int y = index / spatial.Width % spatial.Height;
        int x = index % spatial.Width;
        return y >= Top && y < Bottom && x >= Left && x < Right && CoversFrame(index / (spatial.Height * spatial.Width));
    }

    /// <inheritdoc />
    public override string ToString() => HasFrameRange
        ? $"box frames [{FirstFrame}, {EndFrame}) rows [{Top}, {Bottom}) cols [{Left}, {Right})"
        : $"box rows [{Top}, {Bottom}) cols [{Left}, {Right})";

    /// <summary>True when depth slice <paramref name="frame"/> lies in the frame range (always, without one).</summary>
    internal bool CoversFrame(int frame) => frame >= FirstFrame && frame < (EndFrame ?? int.MaxValue);

    /// <summary>The exact share of a plane of <paramref name="planeArea"/> elements left outside a box of <paramref name="area"/>.</summary>
    internal static double ShareOutside(long area, long planeArea) => (double)(planeArea - area) / planeArea;

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // A box on every frame covers the same share of each plane; a cuboid its frames' share of the whole clip.
        long plane = (long)spatial.Height * spatial.Width;
        shares[0] = EndFrame is int end
            ? ShareOutside((end - FirstFrame) * Area, spatial.Depth * plane)
            : ShareOutside(Area, plane);
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (Bottom > spatial.Height || Right > spatial.Width)
        {
            throw new ArgumentException(
                $"The box{OfSample(sample)} ({this}) does not fit a {spatial.Height}x{spatial.Width} plane.", name);
        }

        CheckFramesHaveDepth(spatial, name, sample);
        if (EndFrame > spatial.Depth)
        {
            throw new ArgumentException(
                $"The box{OfSample(sample)} ({this}) ends at frame {EndFrame}, past the {spatial.Depth} frames of a {spatial} clip.", name);
        }
    }

    private void CheckFramesHaveDepth(SpatialShape spatial, string name, int sample = -1)
    {
        if (HasFrameRange && spatial.Rank != 3)
        {
            throw new ArgumentException(
                $"The box{OfSample(sample)} ({this}) has a frame range, which needs a clip extent T x H x W; {spatial} has no frames.", name);
        }
    }
}
