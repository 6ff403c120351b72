using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Masks;

/// <summary>
/// Box geometry shared by CutMix-like methods: the cut size for a lambda, a box centred on a point and clipped to
/// the plane, and the region and corrected lambda that result.
/// </summary>
public static class BoxSampler
{
    /// <summary>
    /// The unclipped cut size whose area ratio is 1 − λ: <c>(⌊H·√(1 − λ)⌋, ⌊W·√(1 − λ)⌋)</c> for images; for sequences
    /// (height 1) the cut is a segment, <c>(1, ⌊L·(1 − λ)⌋)</c>, because a square-root rule would never cut a 1-high plane.
    /// </summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="lambda">The sampled weight of the sample itself, in [0, 1].</param>
    /// <returns>The cut height and width (each possibly 0).</returns>
    public static (int Height, int Width) CutSize(BatchShape shape, double lambda)
    {
        if (shape.Height == 1)
        {
            return (1, (int)(shape.Width * (1.0 - lambda)));
        }

        double ratio = Math.Sqrt(1.0 - lambda);
        return ((int)(shape.Height * ratio), (int)(shape.Width * ratio));
    }

    /// <summary>
    /// A box of <paramref name="cutHeight"/> × <paramref name="cutWidth"/> whose centre is (<paramref name="centreY"/>,
    /// <paramref name="centreX"/>), clipped to the plane. Unlike timm's <c>rand_bbox</c>, an odd size keeps all its
    /// pixels before clipping (top = centre − ⌊size/2⌋, bottom = top + size).
    /// </summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="cutHeight">Box height before clipping.</param>
    /// <param name="cutWidth">Box width before clipping.</param>
    /// <param name="centreY">Centre row.</param>
    /// <param name="centreX">Centre column.</param>
    /// <param name="correctLambda">True to return the exact own share after clipping; false to return <paramref name="sampledLambda"/>.</param>
    /// <param name="sampledLambda">The lambda the cut size came from.</param>
    /// <returns>The region (Keep when the clipped box is empty, with lambda 1) and the lambda.</returns>
    public static RegionDraw CentredBox(
        BatchShape shape, int cutHeight, int cutWidth, int centreY, int centreX, bool correctLambda, double sampledLambda)
    {
        int top = centreY - cutHeight / 2;
        int left = centreX - cutWidth / 2;
        return ClippedBox(shape, top, left, top + cutHeight, left + cutWidth, correctLambda, sampledLambda);
    }

    /// <summary>A box of the given size with its centre drawn uniformly over the plane (CutMix), clipped.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="cutHeight">Box height before clipping.</param>
    /// <param name="cutWidth">Box width before clipping.</param>
    /// <param name="random">Generator: draws the centre row, then the centre column.</param>
    /// <param name="correctLambda">True to return the exact own share after clipping.</param>
    /// <param name="sampledLambda">The lambda the cut size came from.</param>
    /// <returns>The region and the lambda.</returns>
    public static RegionDraw UniformCentredBox(
        BatchShape shape, int cutHeight, int cutWidth, IMixRandom random, bool correctLambda, double sampledLambda)
    {
        ArgumentNullException.ThrowIfNull(random);
        int cy = random.NextInt(shape.Height);
        int cx = random.NextInt(shape.Width);
        return CentredBox(shape, cutHeight, cutWidth, cy, cx, correctLambda, sampledLambda);
    }

    /// <summary>Clips the half-open box to the plane and builds the draw; an empty box leaves the sample unmixed.</summary>
    internal static RegionDraw ClippedBox(
        BatchShape shape, int top, int left, int bottom, int right, bool correctLambda, double sampledLambda)
    {
        top = Math.Clamp(top, 0, shape.Height);
        bottom = Math.Clamp(bottom, 0, shape.Height);
        left = Math.Clamp(left, 0, shape.Width);
        right = Math.Clamp(right, 0, shape.Width);
        if (bottom <= top || right <= left)
        {
            return RegionDraw.Unmixed; // nothing is pasted, so no label may claim otherwise
        }

        var box = new BoxRegion(top, left, bottom, right);
        double lambda = correctLambda ? box.OwnShare(shape, sampledLambda) : sampledLambda;
        return new RegionDraw(lambda, box);
    }
}
