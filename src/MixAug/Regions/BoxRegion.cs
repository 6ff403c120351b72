using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// The partner's elements inside the half-open box <c>[Top, Bottom) × [Left, Right)</c> replace the sample's, in every
/// channel (and in every depth slice of a volume); everything else is the sample's own. A sequence's box is a
/// segment: rows [0, 1).
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

    /// <summary>First row of the box (inclusive).</summary>
    public int Top { get; }

    /// <summary>First column of the box (inclusive).</summary>
    public int Left { get; }

    /// <summary>Row after the last row of the box (exclusive).</summary>
    public int Bottom { get; }

    /// <summary>Column after the last column of the box (exclusive).</summary>
    public int Right { get; }

    /// <summary>Number of elements of one height × width plane covered by the box.</summary>
    public long Area => (long)(Bottom - Top) * (Right - Left);

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
    public bool Contains(SpatialShape spatial, int index)
    {
        CheckElement(spatial, index);
        int y = index / spatial.Width % spatial.Height;
        int x = index % spatial.Width;
        return y >= Top && y < Bottom && x >= Left && x < Right;
    }

    /// <inheritdoc />
    public override string ToString() => $"box rows [{Top}, {Bottom}) cols [{Left}, {Right})";

    /// <summary>The exact share of a plane of <paramref name="planeArea"/> elements left outside a box of <paramref name="area"/>.</summary>
    internal static double ShareOutside(long area, long planeArea) => (double)(planeArea - area) / planeArea;

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        shares[0] = ShareOutside(Area, (long)spatial.Height * spatial.Width);
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (Bottom > spatial.Height || Right > spatial.Width)
        {
            throw new ArgumentException(
                $"The box{OfSample(sample)} ({this}) does not fit a {spatial.Height}x{spatial.Width} plane.", name);
        }
    }
}
