using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.Transforms;
using NUnit.Framework;

namespace MixAug.Tests.Cpu;

/// <summary>
/// <see cref="CpuPlanning.CreatePlan"/> computes the features in the call and gives the grids it rented back to the pool
/// once the plan is drawn, unless the plan refers to them (a saliency mask).
/// </summary>
public sealed class CpuPlanningTests
{
    private static readonly BatchShape Shape = new(6, 3, 48, 40);

    [Test]
    public void PlansEqualThoseDrawnFromFeaturesComputedApart()
    {
        IMixTransform[] transforms =
        [
            new GuidedMix(), new GuidedMix(region: SaliencyRegion.Mask), new SaliencyMix(region: SaliencyRegion.Mask, saliency: SpectralResidualSaliency.Default),
            new SaliencyMix(), new CutMix(mode: LambdaMode.Element),
        ];
        foreach (IMixTransform transform in transforms)
        {
            for (ulong seed = 0; seed < 4; seed++)
            {
                float[] pixels = Support.TestBatches.RandomBatch(Shape, seed);
                MixPlan drawn = transform.CreatePlan(Shape, pixels, new MixRandom(seed));
                BatchFeatures apart = CpuFeatures.Compute(transform.Requirements, Shape, pixels);
                MixPlan expected = transform.CreatePlan(new MixRequest(Shape, new MixRandom(seed), apart));
                Assert.That(MixPlanJson.Serialize(drawn), Is.EqualTo(MixPlanJson.Serialize(expected)), $"{transform} seed {seed}");
            }
        }
    }

    [Test]
    public void AMaskPlanKeepsItsGridsWhilePlansDrawnAfterItReuseThePool()
    {
        // The mask plan reads its partners' grids whenever it is applied. GuidedMix's box plans, drawn after it on other
        // pixels, rent grids of the same size from the pool and give them back: had the mask plan's grids gone back too,
        // those plans would overwrite them, and the mask plan would mix differently the second time.
        var masks = new SaliencyMix(region: SaliencyRegion.Mask, saliency: SpectralResidualSaliency.Default);
        float[] pixels = Support.TestBatches.RandomBatch(Shape, 1);
        MixPlan maskPlan = masks.CreatePlan(Shape, pixels, new MixRandom(3));
        Assert.That(maskPlan.Regions.ToArray().Count(r => r is SaliencyMaskRegion), Is.GreaterThan(0));
        string json = MixPlanJson.Serialize(maskPlan);
        var first = new float[pixels.Length];
        CpuMixer.Apply(maskPlan, pixels, first);

        for (ulong seed = 10; seed < 16; seed++)
        {
            new GuidedMix().CreatePlan(Shape, Support.TestBatches.RandomBatch(Shape, seed), new MixRandom(seed));
        }

        var again = new float[pixels.Length];
        CpuMixer.Apply(maskPlan, pixels, again);
        Assert.That(again, Is.EqualTo(first));
        Assert.That(MixPlanJson.Serialize(maskPlan), Is.EqualTo(json));
    }
}
