using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Cpu;

/// <summary>Drawing plans for batches in managed memory, features included.</summary>
public static class CpuPlanning
{
    /// <summary>
    /// Draws a plan for <paramref name="pixels"/>: computes the features the transform needs on the CPU
    /// (<see cref="CpuFeatures"/>; none for most methods), then draws from <paramref name="random"/>.
    /// </summary>
    /// <param name="transform">The transform.</param>
    /// <param name="shape">The batch shape.</param>
    /// <param name="pixels">The batch, <see cref="BatchShape.ElementCount"/> float32 values. Only read.</param>
    /// <param name="random">The generator to draw from; it is advanced.</param>
    /// <param name="configuration">Threads; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <returns>A new, validated plan.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The shape is not supported, <paramref name="pixels"/> has the wrong length, or
    /// <paramref name="transform"/> draws from class maps (Transplantation), which pixels do not give.</exception>
    public static MixPlan CreatePlan(this IMixTransform transform, BatchShape shape, ReadOnlySpan<float> pixels, IMixRandom random, MixConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(random);
        FeatureRequirements.RefuseClassMaps(transform, "this overload (pixels only)", nameof(transform));
        PlanFeatures features = CpuFeatures.ComputeForOnePlan(transform.Requirements, shape, pixels, configuration);
        var request = new MixRequest(shape, random, features.Features);
        MixPlan? plan = null;
        try
        {
            plan = transform.CreatePlan(request);
            return plan;
        }
        catch (ArgumentException e) when (e.ParamName == nameof(request))
        {
            throw Internal.Guard.Rename(e, nameof(shape)); // the request holds the caller's shape and features of its pixels
        }
        finally
        {
            // The features stay in this call: only a plan that refers to its grids (a saliency mask) keeps them.
            features.Release(plan);
        }
    }
}
