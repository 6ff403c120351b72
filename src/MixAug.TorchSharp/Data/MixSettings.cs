using MixAug.Planning;

namespace MixAug.TorchSharp.Data;

/// <summary>The constructor checks <see cref="MixCollate"/> and <see cref="MixLayer"/> share with <c>MixModule</c>.</summary>
internal static class MixSettings
{
    public static void Check(IMixTransform policy, int classCount, double smoothing)
    {
        ArgumentNullException.ThrowIfNull(policy);
        FeatureRequirements.RefuseClassMaps(policy, "a collate function or layer", nameof(policy));
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
