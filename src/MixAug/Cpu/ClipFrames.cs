using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// A clip plan whose regions repeat on every frame, read as an image plan over the frames: the batch
/// <c>[B, C, T, H, W]</c> is <c>[B, C·T, H, W]</c>, each frame a channel plane, so the image kernels (ResizeMix's
/// resampler above all, which reads a partner's whole plane) apply unchanged. Used for plans with resized partners on
/// clips; the other clip plans are mixed over the volume.
/// </summary>
internal static class ClipFrames
{
    /// <summary>True for a clip plan with a resized partner.</summary>
    public static bool Applies(MixPlan plan) => plan.Spatial.Rank == 3 && plan.Regions.ToArray().Any(r => r is ResizeRegion);

    /// <summary>The plan on one frame and the layout of frames as channels; every region must repeat on every frame.</summary>
    /// <exception cref="ArgumentException">A region does not repeat on every frame (a frame range, a mask over the volume).</exception>
    public static (MixPlan Plan, BatchLayout Layout) AsImages(MixPlan plan, BatchLayout layout)
    {
        SpatialShape clip = plan.Spatial, frame = new(clip.Height, clip.Width);
        var recipes = new SampleRecipe[plan.BatchSize];
        for (int i = 0; i < plan.BatchSize; i++)
        {
            MixRegion region = plan.Regions[i] switch
            {
                ResizeRegion resize => resize.OnOneFrame(),
                KeepRegion or BlendRegion => plan.Regions[i],
                BoxRegion { HasFrameRange: false } box => box,
                TileRegion { HasFrameRange: false } tiles => tiles,
                MixRegion other => throw new ArgumentException(
                    $"Sample {i} has a {other.Kind} region ({other}) in a clip plan with resized partners, which the CPU mixer applies frame by frame; such a plan takes keeps, blends, and boxes and tiles on every frame only.",
                    "plan"),
            };
            recipes[i] = new SampleRecipe(plan.Sources(i).ToArray(), plan.Weights(i).ToArray(), region);
        }

        var framePlan = new MixPlan(frame, recipes, plan.TransformName);
        return (framePlan, new BatchLayout(layout.Channels * clip.Depth, frame.Size, clip.Width, clip.Height));
    }
}
