using MixAug.Internal;
using MixAug.Planning;

namespace MixAug.Labels;

/// <summary>How <see cref="MultiLabelMixer"/> combines the label rows of a sample's sources.</summary>
public enum MultiLabelMode
{
    /// <summary><c>t = Σ_k w_k·y[source k]</c>: each class weighted by the share of the sources that have it (the
    /// usual mixed target, what <see cref="LabelMixer"/> gives for one-hot rows).</summary>
    Weighted,

    /// <summary><c>t = max_k y[source k]</c> over the sources with non-zero weight: every label of every image that
    /// shows in the mix is present (the "union" of multi-label mixing).</summary>
    Union,
}

/// <summary>
/// Mixes one-hot or multi-hot label rows <c>[B, K]</c> (each value in [0, 1]; rows need not sum to 1) by the plan
/// that mixed the images, for multi-label training with binary cross-entropy
/// (<c>MixLosses.BinaryCrossEntropy</c> in MixAug.TorchSharp, with timm's <c>target_threshold</c>).
/// </summary>
/// <remarks>The weights are the plan's (<see cref="MixPlan.Weights"/>), summed in double in slot order and stored as
/// float. A kept sample's targets are its own row.</remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class MultiLabelMixer
{
    /// <summary>Writes the mixed multi-label targets into <paramref name="destination"/>.</summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labels">B rows of <paramref name="classCount"/> values, each finite and in [0, 1] (1 = the label is present).</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="mode">How the sources' rows are combined.</param>
    /// <param name="destination">B × K floats; written only when every argument is valid.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1 or <paramref name="mode"/> is undefined.</exception>
    /// <exception cref="ArgumentException">A length does not match B × K, or a value is outside [0, 1].</exception>
    public static void ToTargets(MixPlan plan, ReadOnlySpan<float> labels, int classCount, MultiLabelMode mode, Span<float> destination)
    {
        Check(plan, labels, classCount, mode);
        Guard.Rows(destination.Length, plan.BatchSize, classCount, nameof(destination));
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            for (int c = 0; c < classCount; c++)
            {
                double value = 0;
                for (int k = 0; k < sources.Length; k++)
                {
                    double y = labels[(sources[k] * classCount) + c];
                    value = mode == MultiLabelMode.Weighted ? value + (weights[k] * y) : weights[k] > 0 ? Math.Max(value, y) : value;
                }

                destination[(i * classCount) + c] = (float)value;
            }
        }
    }

    /// <summary>Returns the mixed multi-label targets as a new B × K array.</summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labels">B rows of <paramref name="classCount"/> values, each finite and in [0, 1].</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="mode">How the sources' rows are combined.</param>
    /// <returns>B × K floats, row-major.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1 or <paramref name="mode"/> is undefined.</exception>
    /// <exception cref="ArgumentException">The length is not B × K, or a value is outside [0, 1].</exception>
    public static float[] ToTargets(MixPlan plan, ReadOnlySpan<float> labels, int classCount, MultiLabelMode mode = MultiLabelMode.Weighted)
    {
        Check(plan, labels, classCount, mode);
        var targets = new float[labels.Length];
        ToTargets(plan, labels, classCount, mode, targets);
        return targets;
    }

    private static void Check(MixPlan plan, ReadOnlySpan<float> labels, int classCount, MultiLabelMode mode)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be at least 1; it was {classCount}.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown multi-label mode {(int)mode}.");
        }

        Guard.Rows(labels.Length, plan.BatchSize, classCount, nameof(labels));
        for (int e = 0; e < labels.Length; e++)
        {
            if (!(labels[e] >= 0f && labels[e] <= 1f))
            {
                throw new ArgumentException($"Label value {e} (sample {e / classCount}, class {e % classCount}) is {labels[e]}; multi-label values must lie in [0, 1].", nameof(labels));
            }
        }
    }
}
