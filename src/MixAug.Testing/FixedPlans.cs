using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Testing;

/// <summary>
/// Ready-made plans with known numbers, for exact tests of code that consumes MixAug's output (a loss, a logger, a
/// custom backend): you know every partner, lambda and pixel in advance.
/// </summary>
public static class FixedPlans
{
    /// <summary>A plan that mixes nothing: every sample kept, lambda 1.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <returns>The plan.</returns>
    public static MixPlan Identity(BatchShape shape)
    {
        int b = shape.BatchSize;
        return new MixPlan(shape.Spatial, Enumerable.Range(0, b).ToArray(), Enumerable.Repeat(1.0, b).ToArray(), Enumerable.Repeat<MixRegion>(MixRegion.Keep, b).ToArray(), "Identity");
    }

    /// <summary>Every sample blended with its flip partner (B − 1 − i) with the same lambda; an odd middle sample is kept.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="lambda">Weight of each sample itself, in [0, 1].</param>
    /// <returns>The plan.</returns>
    public static MixPlan Blend(BatchShape shape, double lambda) =>
        Flipped(shape, _ => lambda, _ => MixRegion.Blend, "FixedBlend");

    /// <summary>Every sample takes the same box from its flip partner; lambda is the box's exact outside share.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="box">The box, which must fit the shape.</param>
    /// <returns>The plan.</returns>
    public static MixPlan Box(BatchShape shape, BoxRegion box)
    {
        ArgumentNullException.ThrowIfNull(box);
        return Flipped(shape, _ => box.OwnShare(shape.Spatial, 0), _ => box, "FixedBox");
    }

    /// <summary>Every sample takes pixels from its flip partner through the same mask; lambda is the mask's mean.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="weights">Weights of each sample itself, one per plane element.</param>
    /// <returns>The plan.</returns>
    public static MixPlan Mask(BatchShape shape, ReadOnlySpan<float> weights)
    {
        var mask = new MaskRegion(weights);
        return Flipped(shape, _ => mask.Mean, _ => mask, "FixedMask");
    }

    private static MixPlan Flipped(BatchShape shape, Func<int, double> lambda, Func<int, MixRegion> region, string name)
    {
        int b = shape.BatchSize;
        int[] partners = Enumerable.Range(0, b).Select(i => b - 1 - i).ToArray();
        double[] lambdas = Enumerable.Range(0, b).Select(i => partners[i] == i ? 1.0 : lambda(i)).ToArray();
        MixRegion[] regions = Enumerable.Range(0, b).Select(i => partners[i] == i ? MixRegion.Keep : region(i)).ToArray();
        return new MixPlan(shape.Spatial, partners, lambdas, regions, name, PairingStrategy.Flip, LambdaMode.Batch);
    }
}
