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
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape.</exception>
    public static MixPlan Identity(BatchShape shape)
    {
        CheckShape(shape);
        int b = shape.BatchSize;
        return new MixPlan(shape.Spatial, Enumerable.Range(0, b).ToArray(), Enumerable.Repeat(1.0, b).ToArray(), Enumerable.Repeat<MixRegion>(MixRegion.Keep, b).ToArray(), "Identity");
    }

    /// <summary>Every sample blended with its flip partner (B − 1 − i) with the same lambda; an odd middle sample is kept.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="lambda">Weight of each sample itself, in [0, 1].</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is outside [0, 1] or NaN.</exception>
    public static MixPlan Blend(BatchShape shape, double lambda)
    {
        CheckShape(shape);
        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"lambda must lie in [0, 1]; it was {lambda}.");
        }

        return Flipped(shape, _ => lambda, _ => MixRegion.Blend, "FixedBlend");
    }

    /// <summary>Every sample takes the same box from its flip partner; lambda is the box's exact outside share.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="box">The box, which must fit the shape.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="box"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape, or the box does not fit its plane.</exception>
    public static MixPlan Box(BatchShape shape, BoxRegion box)
    {
        ArgumentNullException.ThrowIfNull(box);
        CheckShape(shape);
        if (box.Bottom > shape.Height || box.Right > shape.Width)
        {
            throw new ArgumentException($"The {box} does not fit a {shape.Height}x{shape.Width} plane.", nameof(box));
        }

        return Flipped(shape, _ => box.OwnShare(shape.Spatial, 0), _ => box, "FixedBox");
    }

    /// <summary>Every sample takes pixels from its flip partner through the same mask; lambda is the mask's mean.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="weights">Weights of each sample itself, one per plane element.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape, or the weights are not
    /// one per plane element, each in [0, 1].</exception>
    public static MixPlan Mask(BatchShape shape, ReadOnlySpan<float> weights)
    {
        CheckShape(shape);
        if (weights.Length != shape.PlaneSize)
        {
            throw new ArgumentException($"weights has {weights.Length} elements but a {shape} batch has {shape.PlaneSize} per plane.", nameof(weights));
        }

        var mask = new MaskRegion(weights);
        return Flipped(shape, _ => mask.Mean, _ => mask, "FixedMask");
    }

    private static void CheckShape(BatchShape shape)
    {
        if (shape.IsEmpty)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }
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
