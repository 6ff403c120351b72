using MixAug.Planning;

namespace MixAug.TorchSharp.Data;

/// <summary>The constructor checks <see cref="MixCollate"/> and <see cref="MixLayer"/> share with <c>MixModule</c>.</summary>
internal static class MixSettings
{
    /// <summary>Checks the policy, class count and smoothing; refuses a policy that draws from class maps unless the
    /// caller has them.</summary>
    /// <param name="policy">The transform.</param>
    /// <param name="classCount">The classes of the labels.</param>
    /// <param name="smoothing">The label smoothing.</param>
    /// <param name="classMaps">Where the caller takes class maps from for a transform that draws from them
    /// (Transplantation), or null where it has none.</param>
    public static void Check(IMixTransform policy, int classCount, double smoothing, string? classMaps = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (classMaps is null)
        {
            FeatureRequirements.RefuseClassMaps(policy, "a layer, or a collate function without a label map among its MixCollateOptions.AlignedKeys,", nameof(policy));
        }

        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be at least 1; it was {classCount}.");
        }

        if (!(smoothing >= 0 && smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must lie in [0, 1); it was {smoothing}.");
        }
    }
}
