using MixAug.Internal;
using MixAug.Planning;

namespace MixAug.Labels;

/// <summary>
/// Turns labels into mixed targets with the lambdas of the same <see cref="MixPlan"/> that mixed the pixels, so
/// labels and pixels cannot disagree.
/// </summary>
/// <remarks>
/// <para>Dense targets: <c>t[i] = Σₖ wₖ·s(y[sourceₖ])</c> over the sample's sources and weights
/// (<see cref="MixPlan.Sources"/>, <see cref="MixPlan.Weights"/>), for a pairwise plan
/// <c>λᵢ·s(y[i]) + (1 − λᵢ)·s(y[partner(i)])</c>, computed in double in slot order and stored as float, where s is label
/// smoothing with timm's exact values: for a one-hot label, <c>off = ε/K</c> and <c>on = 1 − ε + ε/K</c>; for a soft
/// label row y, <c>(1 − ε)·y + ε/K</c> (the same numbers for one-hot rows). A class no source has gets exactly off,
/// one every source has exactly on. Every row sums to 1.</para>
/// <para>Soft label rows are checked, never normalised silently: each entry finite and ≥ 0 and each row summing to
/// 1 within <see cref="SoftLabelTolerance"/>.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class LabelMixer
{
    /// <summary>How far a soft label row's sum may be from 1.</summary>
    public const double SoftLabelTolerance = 1e-4;

    /// <summary>The largest dense target array the allocating overloads create (2^28 floats, 1 GiB); above it use <see cref="ToCompact"/>.</summary>
    public const long MaxDenseElements = 1L << 28;

    /// <summary>Writes dense soft targets for class-index labels into <paramref name="destination"/>.</summary>
    /// <param name="plan">The plan that mixed (or will mix) the batch.</param>
    /// <param name="labels">The class of each sample, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="smoothing">Label smoothing ε in [0, 1).</param>
    /// <param name="destination">B × K floats, row-major; written only when every argument is valid.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label, <paramref name="classCount"/> or <paramref name="smoothing"/> is out of range.</exception>
    /// <exception cref="ArgumentException">A length does not match B or B × K.</exception>
    public static void ToSoftTargets(MixPlan plan, ReadOnlySpan<int> labels, int classCount, double smoothing, Span<float> destination)
    {
        ValidateIndexLabels(plan, labels, classCount, smoothing);
        Guard.Rows(destination.Length, plan.BatchSize, classCount, nameof(destination));
        double off = smoothing / classCount;
        double on = 1.0 - smoothing + off;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            Span<float> row = destination.Slice(i * classCount, classCount);
            row.Fill((float)off);
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            for (int k = 0; k < sources.Length; k++)
            {
                int c = labels[sources[k]];
                if (FirstSourceOf(labels, sources, c) == k)
                {
                    row[c] = (float)ClassWeight(labels, sources, weights, c, on, off);
                }
            }
        }
    }

    /// <summary>Σₖ wₖ·(label of source k is c ? on : off) in slot order; exactly on when every source has class c.</summary>
    internal static double ClassWeight(ReadOnlySpan<int> labels, ReadOnlySpan<int> sources, ReadOnlySpan<double> weights, int c, double on, double off)
    {
        double sum = 0;
        bool all = true;
        for (int k = 0; k < sources.Length; k++)
        {
            bool match = labels[sources[k]] == c;
            all &= match;
            sum += weights[k] * (match ? on : off);
        }

        return all ? on : sum;
    }

    private static int FirstSourceOf(ReadOnlySpan<int> labels, ReadOnlySpan<int> sources, int c)
    {
        for (int k = 0; k < sources.Length; k++)
        {
            if (labels[sources[k]] == c)
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>Returns dense soft targets for class-index labels, as a new B × K array.</summary>
    /// <param name="plan">The plan that mixed (or will mix) the batch.</param>
    /// <param name="labels">The class of each sample, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="smoothing">Label smoothing ε in [0, 1).</param>
    /// <returns>B × K floats, row-major.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label, <paramref name="classCount"/> or <paramref name="smoothing"/> is out of range, or B × K exceeds <see cref="MaxDenseElements"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="labels"/> does not have B entries.</exception>
    public static float[] ToSoftTargets(MixPlan plan, ReadOnlySpan<int> labels, int classCount, double smoothing = 0)
    {
        ValidateIndexLabels(plan, labels, classCount, smoothing);
        var result = new float[DenseSize(plan.BatchSize, classCount)];
        ToSoftTargets(plan, labels, classCount, smoothing, result);
        return result;
    }

    /// <summary>Writes dense mixed targets for soft label rows (one-hot, smoothed, or any distribution).</summary>
    /// <param name="plan">The plan that mixed (or will mix) the batch.</param>
    /// <param name="softLabels">B × K row-major probabilities; each row finite, ≥ 0 and summing to 1.</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="smoothing">Label smoothing ε in [0, 1), applied as <c>(1 − ε)·y + ε/K</c>.</param>
    /// <param name="destination">B × K floats; written only when every argument is valid. May not overlap <paramref name="softLabels"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> or <paramref name="smoothing"/> is out of range.</exception>
    /// <exception cref="ArgumentException">A length does not match, the buffers overlap, or a row is not a distribution.</exception>
    public static void ToSoftTargets(MixPlan plan, ReadOnlySpan<float> softLabels, int classCount, double smoothing, Span<float> destination)
    {
        ValidateSoftLabels(plan, softLabels, classCount, smoothing);
        Guard.Rows(destination.Length, plan.BatchSize, classCount, nameof(destination));
        if (softLabels.Overlaps(destination))
        {
            throw new ArgumentException("destination overlaps softLabels; mixing reads partner rows, so write to a separate buffer.", nameof(destination));
        }

        double uniform = smoothing / classCount;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            Span<float> row = destination.Slice(i * classCount, classCount);
            for (int c = 0; c < classCount; c++)
            {
                double mixed = 0;
                for (int k = 0; k < sources.Length; k++)
                {
                    mixed += weights[k] * softLabels[(sources[k] * classCount) + c];
                }

                row[c] = (float)((1.0 - smoothing) * mixed + uniform);
            }
        }
    }

    /// <summary>Returns dense mixed targets for soft label rows, as a new B × K array.</summary>
    /// <param name="plan">The plan that mixed (or will mix) the batch.</param>
    /// <param name="softLabels">B × K row-major probabilities.</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="smoothing">Label smoothing ε in [0, 1).</param>
    /// <returns>B × K floats, row-major.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> or <paramref name="smoothing"/> is out of range.</exception>
    /// <exception cref="ArgumentException">A length does not match, or a row is not a distribution.</exception>
    public static float[] ToSoftTargets(MixPlan plan, ReadOnlySpan<float> softLabels, int classCount, double smoothing = 0)
    {
        ValidateSoftLabels(plan, softLabels, classCount, smoothing);
        var result = new float[DenseSize(plan.BatchSize, classCount)];
        ToSoftTargets(plan, softLabels, classCount, smoothing, result);
        return result;
    }

    /// <summary>Returns compact targets (own class, partner class, lambda) for class-index labels.</summary>
    /// <param name="plan">The pairwise plan that mixed (or will mix) the batch.</param>
    /// <param name="labels">The class of each sample, in [0, <paramref name="classCount"/>).</param>
    /// <param name="classCount">Number of classes K (at least 1), for the range check.</param>
    /// <returns>New compact targets.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label or <paramref name="classCount"/> is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="labels"/> does not have B entries, or the plan is not pairwise
    /// (a sample with more than two sources needs dense targets).</exception>
    public static MixedTargets ToCompact(MixPlan plan, ReadOnlySpan<int> labels, int classCount)
    {
        ValidateIndexLabels(plan, labels, classCount, 0);
        if (!plan.IsPairwise)
        {
            throw new ArgumentException($"Compact targets (a, b, λ) hold two classes per sample, but this {plan.TransformName} plan has samples with up to {plan.MaxSourceCount} sources; use ToSoftTargets.", nameof(plan));
        }

        int b = plan.BatchSize;
        var a = labels.ToArray();
        var partnerLabels = new int[b];
        var lambda = new float[b];
        for (int i = 0; i < b; i++)
        {
            partnerLabels[i] = labels[plan.Partners[i]];
            lambda[i] = (float)plan.Lambdas[i];
        }

        return new MixedTargets(a, partnerLabels, lambda);
    }

    private static int DenseSize(int batchSize, int classCount)
    {
        long size = (long)batchSize * classCount;
        if (size > MaxDenseElements)
        {
            throw new ArgumentOutOfRangeException(
                nameof(classCount),
                $"Dense targets for {batchSize} samples x {classCount} classes would need {size} floats, more than the {MaxDenseElements} allowed; use LabelMixer.ToCompact.");
        }

        return (int)size;
    }

    private static void ValidateCommon(MixPlan plan, int labelCount, int classCount, double smoothing, string labelsName)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Guard.Positive(classCount);
        if (!(smoothing >= 0 && smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must lie in [0, 1); it was {smoothing}.");
        }

        if (labelCount != plan.BatchSize)
        {
            throw new ArgumentException($"The number of labels does not match the batch size of the plan: {labelCount} != {plan.BatchSize}.", labelsName);
        }
    }

    private static void ValidateIndexLabels(MixPlan plan, ReadOnlySpan<int> labels, int classCount, double smoothing)
    {
        ValidateCommon(plan, labels.Length, classCount, smoothing, nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is {labels[i]}, outside [0, {classCount}).");
            }
        }
    }

    private static void ValidateSoftLabels(MixPlan plan, ReadOnlySpan<float> softLabels, int classCount, double smoothing)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Guard.Positive(classCount);
        if (softLabels.Length % classCount != 0)
        {
            throw new ArgumentException($"softLabels has {softLabels.Length} entries, not a whole number of rows of {classCount} classes.", nameof(softLabels));
        }

        ValidateCommon(plan, softLabels.Length / classCount, classCount, smoothing, nameof(softLabels));
        CheckSoftRows(softLabels, classCount, nameof(softLabels));
    }

    /// <summary>Checks that every row of <paramref name="softLabels"/> is a distribution; the exception names <paramref name="name"/>.</summary>
    internal static void CheckSoftRows(ReadOnlySpan<float> softLabels, int classCount, string name)
    {
        for (int i = 0; i < softLabels.Length / classCount; i++)
        {
            double sum = 0;
            for (int k = 0; k < classCount; k++)
            {
                float v = softLabels[i * classCount + k];
                if (!(v >= 0) || float.IsInfinity(v))
                {
                    throw new ArgumentException($"Soft label row {i}, class {k} is {v}; entries must be finite and >= 0.", name);
                }

                sum += v;
            }

            if (Math.Abs(sum - 1.0) > SoftLabelTolerance)
            {
                throw new ArgumentException($"Soft label row {i} sums to {sum}, not 1 (tolerance {SoftLabelTolerance}); rows are not normalised silently.", name);
            }
        }
    }
}
