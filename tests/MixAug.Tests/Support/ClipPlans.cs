using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Testing;

namespace MixAug.Tests.Support;

/// <summary>Methods that lay an image's region on every frame of a clip: the clip plan must be the image plan.</summary>
internal static class ClipPlans
{
    /// <summary>
    /// Draws <paramref name="transform"/>'s plans for <paramref name="clip"/> and for its images [B, C, H, W] from the same
    /// seed, asserts that every sample has the same sources, weights and region (as text), that the clip plan's weights
    /// match its regions over the volume and that it mixes like the reference for 1, 2 and 5 parts; returns both plans.
    /// </summary>
    public static (MixPlan Clip, MixPlan Image) AssertLikeTheImagePlan(IMixTransform transform, BatchShape clip, ulong seed)
    {
        MixPlan plan = transform.CreatePlan(clip, new MixRandom(seed));
        MixPlan flat = transform.CreatePlan(new BatchShape(clip.BatchSize, clip.Channels, clip.Height, clip.Width), new MixRandom(seed));
        Assert.That(plan.Spatial, Is.EqualTo(clip.Spatial));
        for (int i = 0; i < clip.BatchSize; i++)
        {
            Assert.That(plan.Sources(i).ToArray(), Is.EqualTo(flat.Sources(i).ToArray()), $"{transform} seed {seed}, sample {i}");
            Assert.That(plan.Weights(i).ToArray(), Is.EqualTo(flat.Weights(i).ToArray()), $"{transform} seed {seed}, sample {i}");
            Assert.That(plan.Regions[i].ToString(), Is.EqualTo(flat.Regions[i].ToString()), $"{transform} seed {seed}, sample {i}");
        }

        MixAssert.LambdasMatchRegions(plan);
        PartCounts.AssertMixesLikeTheReference(plan, clip, seed);
        return (plan, flat);
    }
}
