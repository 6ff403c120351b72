using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Masks;

/// <summary>
/// Box geometry shared by CutMix-like methods: the cut size for a lambda, a box centred on a point and clipped to
/// the plane, and the region and corrected lambda that result.
/// </summary>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class BoxSampler
{
    /// <summary>
    /// The unclipped cut size whose area ratio is 1 − λ: <c>(⌊H·√(1 − λ)⌋, ⌊W·√(1 − λ)⌋)</c> for images; for sequences
    /// (height 1) the cut is a segment, <c>(1, ⌊L·(1 − λ)⌋)</c>, because a square-root rule would never cut a 1-high plane.
    /// </summary>
    /// <param name="spatial">The spatial extent.</param>
    /// <param name="lambda">The sampled weight of the sample itself, in [0, 1].</param>
    /// <returns>The cut height and width (each possibly 0).</returns>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is outside [0, 1] or NaN.</exception>
    public static (int Height, int Width) CutSize(SpatialShape spatial, double lambda)
    {
        CheckSpatial(spatial);
        Guard.Probability(lambda);
        if (spatial.Height == 1)
        {
            return (1, (int)(spatial.Width * (1.0 - lambda)));
        }

        double ratio = Math.Sqrt(1.0 - lambda);
        return ((int)(spatial.Height * ratio), (int)(spatial.Width * ratio));
    }

    /// <summary>
    /// A box of <paramref name="cutHeight"/> × <paramref name="cutWidth"/> whose centre is (<paramref name="centreY"/>,
    /// <paramref name="centreX"/>), clipped to the plane. Unlike timm's <c>rand_bbox</c>, an odd size keeps all its
    /// pixels before clipping (top = centre − ⌊size/2⌋, bottom = top + size).
    /// </summary>
    /// <param name="spatial">The spatial extent.</param>
    /// <param name="cutHeight">Box height before clipping, at least 0.</param>
    /// <param name="cutWidth">Box width before clipping, at least 0.</param>
    /// <param name="centreY">Centre row (may lie outside the plane: the box is clipped).</param>
    /// <param name="centreX">Centre column (likewise).</param>
    /// <param name="correctLambda">True to return the exact own share after clipping; false to return <paramref name="sampledLambda"/>.</param>
    /// <param name="sampledLambda">The lambda the cut size came from, in [0, 1].</param>
    /// <returns>The region (Keep when the clipped box is empty, with lambda 1) and the lambda.</returns>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or <paramref name="sampledLambda"/> is outside [0, 1] or NaN.</exception>
    public static RegionDraw CentredBox(
        SpatialShape spatial, int cutHeight, int cutWidth, int centreY, int centreX, bool correctLambda, double sampledLambda)
    {
        CheckSpatial(spatial);
        ArgumentOutOfRangeException.ThrowIfNegative(cutHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(cutWidth);
        Guard.Probability(sampledLambda);
        long top = (long)centreY - (cutHeight / 2);
        long left = (long)centreX - (cutWidth / 2);
        return ClippedBox(spatial, top, left, top + cutHeight, left + cutWidth, correctLambda, sampledLambda);
    }

    /// <summary>A box of the given size with its centre drawn uniformly over the plane (CutMix), clipped.</summary>
    /// <param name="spatial">The spatial extent.</param>
    /// <param name="cutHeight">Box height before clipping, at least 0.</param>
    /// <param name="cutWidth">Box width before clipping, at least 0.</param>
    /// <param name="random">Generator: draws the centre row, then the centre column.</param>
    /// <param name="correctLambda">True to return the exact own share after clipping.</param>
    /// <param name="sampledLambda">The lambda the cut size came from, in [0, 1].</param>
    /// <returns>The region and the lambda.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or <paramref name="sampledLambda"/> is outside [0, 1] or NaN.</exception>
    public static RegionDraw UniformCentredBox(
        SpatialShape spatial, int cutHeight, int cutWidth, IMixRandom random, bool correctLambda, double sampledLambda)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckSpatial(spatial);
        ArgumentOutOfRangeException.ThrowIfNegative(cutHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(cutWidth);
        Guard.Probability(sampledLambda);
        int cy = random.NextInt(spatial.Height);
        int cx = random.NextInt(spatial.Width);
        return CentredBox(spatial, cutHeight, cutWidth, cy, cx, correctLambda, sampledLambda);
    }

    /// <summary>Clips the half-open box to the plane and builds the draw; an empty box leaves the sample unmixed.</summary>
    internal static RegionDraw ClippedBox(
        SpatialShape spatial, long top, long left, long bottom, long right, bool correctLambda, double sampledLambda)
    {
        int t = (int)Math.Clamp(top, 0, spatial.Height);
        int b = (int)Math.Clamp(bottom, 0, spatial.Height);
        int l = (int)Math.Clamp(left, 0, spatial.Width);
        int r = (int)Math.Clamp(right, 0, spatial.Width);
        if (b <= t || r <= l)
        {
            return RegionDraw.Unmixed; // nothing is pasted, so no label may claim otherwise
        }

        var box = new BoxRegion(t, l, b, r);
        double lambda = correctLambda ? box.OwnShare(spatial, sampledLambda) : sampledLambda;
        return new RegionDraw(lambda, box);
    }

    private static void CheckSpatial(SpatialShape spatial)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }
    }
}
