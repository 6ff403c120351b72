using MixAug.Planning;

namespace MixAug.Testing;

/// <summary>
/// Checks a (plan, inputs, outputs, targets) quadruple against MixAug's invariants, whoever produced the outputs:
/// MixAug's CPU mixer, another backend, or your own code. Each failed check throws a
/// <see cref="MixInvariantException"/> naming the sample, the element or class, the expected and the actual value.
/// </summary>
/// <remarks>
/// The pixel rule is MixAug's contract (docs/concepts.md): a kept sample is bit-identical to its input; inside a box
/// every element is the partner's, outside it the sample's own; a blend is <c>x·(float)λ + p·(float)(1 − λ)</c> in
/// float32 and a mask <c>x·m + p·(1 − m)</c>; uint8 values are those, rounded half to even. With a tolerance above 0
/// a blended value may differ by that much (for backends that evaluate in another order).
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class MixAssert
{
    /// <summary>
    /// Checks that each lambda is the measured share of own pixels: exactly the box's outside share, the mask's mean,
    /// 1 for kept samples, and in [0, 1] for blends.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <exception cref="MixInvariantException">A lambda differs from its region's share.</exception>
    public static void LambdasMatchRegions(MixPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            double measured = plan.MeasureOwnShare(i);
            if (plan.Lambdas[i] != measured)
            {
                throw new MixInvariantException(
                    $"Sample {i}: lambda is {plan.Lambdas[i]:R} but its {plan.Regions[i].Kind} region leaves a share of {measured:R} of its own pixels.", i);
            }
        }
    }

    /// <summary>Checks float32 outputs element by element against the plan and the inputs.</summary>
    /// <param name="plan">The plan the outputs claim to follow.</param>
    /// <param name="input">The batch before mixing.</param>
    /// <param name="output">The batch after mixing.</param>
    /// <param name="tolerance">Largest accepted difference for blended elements; 0 (default) demands MixAug's exact bits.</param>
    /// <exception cref="ArgumentException">A length does not match the plan.</exception>
    /// <exception cref="MixInvariantException">An element is neither the expected blend nor the expected copy.</exception>
    public static void PixelsFollowPlan(MixPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> output, float tolerance = 0)
    {
        CheckLengths(plan, input.Length, output.Length);
        foreach ((int i, int c, int e, int at, int partnerAt) in Elements(plan))
        {
            float self = input[at];
            float partner = input[partnerAt];
            float actual = output[at];
            (float expected, bool exact) = Expected(plan, i, plan.Regions[i], e, self, partner);
            bool ok = exact || tolerance == 0
                ? actual == expected || (float.IsNaN(actual) && float.IsNaN(expected))
                : Math.Abs(actual - expected) <= tolerance || (float.IsNaN(actual) && float.IsNaN(expected));
            if (!ok)
            {
                throw new MixInvariantException(Describe(plan, i, c, e, self, partner, expected, actual), i);
            }
        }
    }

    /// <summary>Checks uint8 outputs element by element: boxes and kept samples copy, blends and masks round half to even.</summary>
    /// <param name="plan">The plan the outputs claim to follow.</param>
    /// <param name="input">The batch before mixing.</param>
    /// <param name="output">The batch after mixing.</param>
    /// <exception cref="ArgumentException">A length does not match the plan.</exception>
    /// <exception cref="MixInvariantException">An element differs from the expected value.</exception>
    public static void PixelsFollowPlan(MixPlan plan, ReadOnlySpan<byte> input, ReadOnlySpan<byte> output)
    {
        CheckLengths(plan, input.Length, output.Length);
        foreach ((int i, int c, int e, int at, int partnerAt) in Elements(plan))
        {
            byte self = input[at];
            byte partner = input[partnerAt];
            (float value, _) = Expected(plan, i, plan.Regions[i], e, self, partner);
            byte expected = (byte)Math.Round(value, MidpointRounding.ToEven);
            if (output[at] != expected)
            {
                throw new MixInvariantException(Describe(plan, i, c, e, self, partner, expected, output[at]), i);
            }
        }
    }

    /// <summary>
    /// Checks dense targets for class-index labels: each row is a distribution, and equals
    /// <c>λ·s(y[i]) + (1 − λ)·s(y[partner])</c> with the plan's lambda and partner and label smoothing s of
    /// <paramref name="smoothing"/> (off = ε/K, on = 1 − ε + ε/K), within <paramref name="tolerance"/>.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="labels">Class of each sample.</param>
    /// <param name="classCount">Number of classes K.</param>
    /// <param name="targets">B × K targets, row-major.</param>
    /// <param name="smoothing">The label smoothing the targets should carry.</param>
    /// <param name="tolerance">Largest accepted difference per entry (float rounding).</param>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    /// <exception cref="MixInvariantException">A row is not a distribution, or an entry differs from the expected weight.</exception>
    public static void TargetsFollowPlan(MixPlan plan, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<float> targets, double smoothing = 0, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (labels.Length != plan.BatchSize || targets.Length != (long)plan.BatchSize * classCount)
        {
            throw new ArgumentException(
                $"Expected {plan.BatchSize} labels and {plan.BatchSize * (long)classCount} targets for the plan's batch of {plan.BatchSize} and {classCount} classes; got {labels.Length} and {targets.Length}.");
        }

        double off = smoothing / classCount;
        double on = 1.0 - smoothing + off;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<float> row = targets.Slice(i * classCount, classCount);
            RowIsDistribution(row, i, tolerance * classCount);
            double lambda = plan.Lambdas[i];
            int a = labels[i];
            int b = labels[plan.Partners[i]];
            for (int k = 0; k < classCount; k++)
            {
                double expected = (lambda * (k == a ? on : off)) + ((1 - lambda) * (k == b ? on : off));
                if (Math.Abs(row[k] - expected) > tolerance)
                {
                    string hint = Math.Abs(row[k] - ((1 - lambda) * (k == a ? on : off)) - (lambda * (k == b ? on : off))) <= tolerance && a != b
                        ? " The row matches 1 - lambda: the lambda convention looks inverted."
                        : smoothing > 0 && Math.Abs(row[k] - ((lambda * (k == a ? 1 : 0)) + ((1 - lambda) * (k == b ? 1 : 0)))) <= tolerance
                            ? $" The row matches unsmoothed labels: smoothing {smoothing} was not applied."
                            : string.Empty;
                    throw new MixInvariantException(
                        $"Sample {i}, class {k}: expected target {expected:G9} (lambda {lambda:G9}, own class {a}, partner {plan.Partners[i]} of class {b}, smoothing {smoothing}), actual {row[k]:G9}.{hint}", i);
                }
            }
        }
    }

    /// <summary>Checks that every row of <paramref name="targets"/> is a probability distribution: entries finite and ≥ 0, summing to 1.</summary>
    /// <param name="targets">B × K targets, row-major.</param>
    /// <param name="classCount">Number of classes K.</param>
    /// <param name="tolerance">Largest accepted distance of a row sum from 1.</param>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="classCount"/>.</exception>
    /// <exception cref="MixInvariantException">A row is not a distribution.</exception>
    public static void TargetsAreDistributions(ReadOnlySpan<float> targets, int classCount, double tolerance = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (targets.Length % classCount != 0)
        {
            throw new ArgumentException($"targets has {targets.Length} entries, not a whole number of rows of {classCount}.", nameof(targets));
        }

        for (int i = 0; i < targets.Length / classCount; i++)
        {
            RowIsDistribution(targets.Slice(i * classCount, classCount), i, tolerance);
        }
    }

    private static void RowIsDistribution(ReadOnlySpan<float> row, int sample, double tolerance)
    {
        double sum = 0;
        for (int k = 0; k < row.Length; k++)
        {
            if (!(row[k] >= 0) || float.IsInfinity(row[k]))
            {
                throw new MixInvariantException($"Sample {sample}, class {k}: target {row[k]} is not a finite non-negative weight.", sample);
            }

            sum += row[k];
        }

        if (Math.Abs(sum - 1) > tolerance)
        {
            throw new MixInvariantException($"Sample {sample}: targets sum to {sum:G9}, expected 1 (tolerance {tolerance}).", sample);
        }
    }

    /// <summary>The expected element and whether it must match exactly (copies must; blends may use the tolerance).</summary>
    private static (float Value, bool Exact) Expected(MixPlan plan, int sample, MixRegion region, int planeIndex, float self, float partner)
    {
        switch (region)
        {
            case KeepRegion:
                return (self, true);
            case BlendRegion:
                double lambda = plan.Lambdas[sample];
                return ((self * (float)lambda) + (partner * (float)(1.0 - lambda)), false);
            case BoxRegion box:
                return (InBox(box, plan.Shape, planeIndex) ? partner : self, true);
            case MaskRegion mask:
                float m = mask.Weights[planeIndex];
                return ((self * m) + (partner * (1f - m)), m is 0f or 1f);
            default:
                throw new ArgumentException($"Sample {sample} has a region of unknown kind {region.Kind}.", nameof(plan));
        }
    }

    private static bool InBox(BoxRegion box, BatchShape shape, int planeIndex)
    {
        int y = (planeIndex / shape.Width) % shape.Height;
        int x = planeIndex % shape.Width;
        return y >= box.Top && y < box.Bottom && x >= box.Left && x < box.Right;
    }

    private static string Describe(MixPlan plan, int sample, int channel, int planeIndex, float self, float partner, float expected, float actual)
    {
        BatchShape s = plan.Shape;
        int x = planeIndex % s.Width;
        int y = (planeIndex / s.Width) % s.Height;
        int z = planeIndex / (s.Width * s.Height);
        string where = s.SpatialRank switch
        {
            1 => $"position {x}",
            2 => $"pixel (y {y}, x {x})",
            _ => $"voxel (z {z}, y {y}, x {x})",
        };
        MixRegion region = plan.Regions[sample];
        double lambda = plan.Lambdas[sample];
        string hint = string.Empty;
        if (actual != self && actual != partner && region.Kind == MixRegionKind.Blend &&
            Math.Abs(actual - ((self * (float)(1.0 - lambda)) + (partner * (float)lambda))) <= 1e-6f * Math.Max(1f, Math.Abs(actual)))
        {
            hint = " The value matches 1 - lambda: the lambda convention looks inverted.";
        }
        else if (actual != self && actual != partner && region.Kind is MixRegionKind.Box or MixRegionKind.Keep)
        {
            hint = " The value is neither the sample's nor its partner's: it came from somewhere else (a third image?).";
        }
        else if (region is BoxRegion && (actual == self) != (expected == self))
        {
            hint = $" The element is {(actual == partner ? "the partner's" : "the sample's own")} but lies {(expected == partner ? "inside" : "outside")} {region}: the box is off.";
        }

        return $"Sample {sample} (partner {plan.Partners[sample]}, {region}, lambda {lambda:G9}), channel {channel}, {where}: expected {expected:G9}, actual {actual:G9} (self {self:G9}, partner {partner:G9}).{hint}";
    }

    /// <summary>Every element of the batch: sample, channel, plane index, its offset and its partner's offset.</summary>
    private static IEnumerable<(int Sample, int Channel, int PlaneIndex, int At, int PartnerAt)> Elements(MixPlan plan)
    {
        BatchShape s = plan.Shape;
        for (int i = 0; i < s.BatchSize; i++)
        {
            int p = plan.Partners[i];
            for (int c = 0; c < s.Channels; c++)
            {
                for (int e = 0; e < s.PlaneSize; e++)
                {
                    int offset = (c * s.PlaneSize) + e;
                    yield return (i, c, e, (i * s.SampleSize) + offset, (p * s.SampleSize) + offset);
                }
            }
        }
    }

    private static void CheckLengths(MixPlan plan, int input, int output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (input != plan.Shape.ElementCount || output != plan.Shape.ElementCount)
        {
            throw new ArgumentException($"The plan is for a {plan.Shape} batch of {plan.Shape.ElementCount} elements; input has {input} and output {output}.");
        }
    }
}
