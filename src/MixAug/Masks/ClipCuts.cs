using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Masks;

/// <summary>
/// VideoMix's cuts of a clip T × H × W for a sampled λ: the cut's side along each axis it cuts is the axis times
/// (1 − λ) to the power 1/k, k the number of axes cut (2 spatial, 1 temporal, 3 spatio-temporal), so an unclipped cut
/// covers about 1 − λ of the clip as CutMix's box covers 1 − λ of an image. Each centre is uniform along its axis,
/// and a cut is clipped to the clip as CutMix's box is (top = centre − ⌊side/2⌋, bottom = top + side).
/// </summary>
internal static class ClipCuts
{
    /// <summary>Draws a cut of <paramref name="clip"/>: centres in the order frame, row, column (axes not cut draw nothing).</summary>
    /// <returns>The framed box and its lambda (the exact own share with <paramref name="correctLambda"/>), or unmixed when the clipped cut is empty.</returns>
    public static RegionDraw Draw(VideoMixCut cut, SpatialShape clip, double lambda, IMixRandom random, bool correctLambda)
    {
        int depth = clip.Depth, height = clip.Height, width = clip.Width;
        (double time, double space) = cut switch
        {
            VideoMixCut.Spatial => (1.0, Math.Sqrt(1.0 - lambda)),
            VideoMixCut.Temporal => (1.0 - lambda, 1.0),
            _ => (Math.Cbrt(1.0 - lambda), Math.Cbrt(1.0 - lambda)),
        };

        (long first, long end) = cut == VideoMixCut.Spatial ? (0, depth) : Centred(depth, (int)(depth * time), random);
        (long top, long bottom) = cut == VideoMixCut.Temporal ? (0, height) : Centred(height, (int)(height * space), random);
        (long left, long right) = cut == VideoMixCut.Temporal ? (0, width) : Centred(width, (int)(width * space), random);
        (int f, int e) = Clip(first, end, depth);
        (int t, int b) = Clip(top, bottom, height);
        (int l, int r) = Clip(left, right, width);
        if (e <= f || b <= t || r <= l)
        {
            return RegionDraw.Unmixed; // nothing is pasted, so no label may claim otherwise
        }

        BoxRegion box = new BoxRegion(t, l, b, r).WithFrames(f, e);
        return new RegionDraw(correctLambda ? box.OwnShare(clip, lambda) : lambda, box);
    }

    /// <summary>A side of <paramref name="size"/> whose centre is uniform over the axis, before clipping.</summary>
    private static (long Start, long End) Centred(int extent, int size, IMixRandom random)
    {
        long start = (long)random.NextInt(extent) - (size / 2);
        return (start, start + size);
    }

    private static (int Start, int End) Clip(long start, long end, int extent) =>
        ((int)Math.Clamp(start, 0, extent), (int)Math.Clamp(end, 0, extent));
}
