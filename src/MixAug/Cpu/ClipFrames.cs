using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// A clip plan with resized partners read as an image plan, so the image kernels (ResizeMix's resampler above all, which
/// reads a partner's whole plane) apply unchanged. When every region repeats on every frame, the batch
/// <c>[B, C, T, H, W]</c> is <c>[B, C·T, H, W]</c>, each frame a channel plane. When some region lies on a frame range
/// only, each frame plane is a sample of its own, <c>[B·C·T, 1, H, W]</c>: plane (b, c, t) takes the region on frame t
/// from plane (s, c, t) of each source s, and keeps its own elements on the frames the region does not lie on. The other
/// clip plans are mixed over the volume.
/// </summary>
internal static class ClipFrames
{
    /// <summary>True for a clip plan with a resized partner (asked on every call: allocates nothing).</summary>
    public static bool Applies(MixPlan plan)
    {
        if (plan.Spatial.Rank != 3)
        {
            return false;
        }

        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i] is ResizeRegion)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The plan as an image plan, and the layout it reads the batch with.</summary>
    /// <exception cref="ArgumentException">A region is not a keep, a blend, a box, tiles or a resized partner.</exception>
    public static (MixPlan Plan, BatchLayout Layout) AsImages(MixPlan plan, BatchLayout layout)
    {
        SpatialShape clip = plan.Spatial, frame = new(clip.Height, clip.Width);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            Check(plan.Regions[i], i);
        }

        if (!plan.Regions.Any(HasFrameRange))
        {
            var recipes = new SampleRecipe[plan.BatchSize];
            for (int i = 0; i < plan.BatchSize; i++)
            {
                recipes[i] = new SampleRecipe(plan.Sources(i).ToArray(), plan.Weights(i).ToArray(), OnFrame(plan.Regions[i], 0)!);
            }

            return (new MixPlan(frame, recipes, plan.TransformName), new BatchLayout(layout.Channels * clip.Depth, frame.Size, clip.Width, clip.Height));
        }

        return (FramesAsSamples(plan, layout.Channels), new BatchLayout(1, frame.Size, clip.Width, clip.Height));
    }

    /// <summary>Plane <c>(b·C + c)·T + t</c> of the batch as a sample of its own: the region on frame t, its sources' planes (s, c, t).</summary>
    private static MixPlan FramesAsSamples(MixPlan plan, int channels)
    {
        SpatialShape clip = plan.Spatial;
        int depth = clip.Depth;
        var recipes = new SampleRecipe[plan.BatchSize * channels * depth];
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            for (int t = 0; t < depth; t++)
            {
                MixRegion? region = OnFrame(plan.Regions[i], t);
                for (int c = 0; c < channels; c++)
                {
                    int self = (((i * channels) + c) * depth) + t;
                    if (region is null)
                    {
                        recipes[self] = new SampleRecipe([self], [1.0], MixRegion.Keep);
                        continue;
                    }

                    var planes = new int[sources.Length];
                    for (int k = 0; k < planes.Length; k++)
                    {
                        planes[k] = (((sources[k] * channels) + c) * depth) + t;
                    }

                    recipes[self] = new SampleRecipe(planes, plan.Weights(i).ToArray(), region);
                }
            }
        }

        return new MixPlan(new SpatialShape(clip.Height, clip.Width), recipes, plan.TransformName);
    }

    /// <summary>The region as frame <paramref name="frame"/> shows it, on the image plane; null where it keeps the sample's own elements.</summary>
    private static MixRegion? OnFrame(MixRegion region, int frame) => region switch
    {
        ResizeRegion resize => resize.CoversFrame(frame) ? resize.OnOneFrame() : null,
        BoxRegion box => box.CoversFrame(frame) ? new BoxRegion(box.Top, box.Left, box.Bottom, box.Right) : null,
        TileRegion tiles => tiles.CoversFrame(frame) ? tiles.WithoutFrames() : null,
        _ => region, // a keep or a blend is the same on every frame
    };

    private static bool HasFrameRange(MixRegion region) => region is ResizeRegion { HasFrameRange: true } or BoxRegion { HasFrameRange: true } or TileRegion { HasFrameRange: true };

    private static void Check(MixRegion region, int sample)
    {
        if (region is not (KeepRegion or BlendRegion or BoxRegion or TileRegion or ResizeRegion))
        {
            throw new ArgumentException(
                $"Sample {sample} has a {region.Kind} region ({region}) in a clip plan with resized partners, which the CPU mixer applies frame by frame; such a plan takes keeps, blends, boxes, tiles and resized partners only.",
                "plan");
        }
    }
}
