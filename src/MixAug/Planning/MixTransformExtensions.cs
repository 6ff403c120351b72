using MixAug.Randomness;

namespace MixAug.Planning;

/// <summary>Shorthands for drawing plans.</summary>
public static class MixTransformExtensions
{
    /// <summary>Draws a plan for a batch of <paramref name="shape"/> from <paramref name="random"/>, with no batch features.</summary>
    /// <param name="transform">The transform.</param>
    /// <param name="shape">The batch shape.</param>
    /// <param name="random">The generator to draw from; it is advanced.</param>
    /// <returns>A new, validated plan.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The transform does not support <paramref name="shape"/>, or it needs batch
    /// features (SaliencyMix): compute them with the backend that holds the batch and pass a <see cref="MixRequest"/>,
    /// or use <c>CpuPlanning.CreatePlan(transform, shape, pixels, random)</c> for arrays.</exception>
    public static MixPlan CreatePlan(this IMixTransform transform, BatchShape shape, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(transform);
        if (!transform.Requirements.IsEmpty)
        {
            FeatureRequirements.RefuseClassMaps(transform, "this overload (shape and generator only)", nameof(transform));
            string needs = string.Join(", ", transform.Requirements.Saliency.Select(s => $"saliency {s.Detail.ToString().ToLowerInvariant()} from {s.Source}"));
            throw new ArgumentException(
                $"{transform.Name} needs {needs}, which this overload cannot compute: it has no pixels. Compute the features with the backend that holds the batch (CpuFeatures.Compute for arrays, TorchFeatures.Compute for tensors) and pass them in a MixRequest, or call CpuPlanning.CreatePlan(transform, shape, pixels, random).",
                nameof(transform));
        }

        var request = new MixRequest(shape, random);
        try
        {
            return transform.CreatePlan(request);
        }
        catch (ArgumentException e) when (e.ParamName == nameof(request))
        {
            throw Internal.Guard.Rename(e, nameof(shape)); // the request holds nothing of the caller's but the shape
        }
    }
}
