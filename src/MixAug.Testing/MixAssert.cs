using System.Globalization;
using MixAug.Planning;
using MixAug.Regions;

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
public static partial class MixAssert
{
    /// <summary>
    /// Checks that each weight is the measured share of its source: exactly the box's outside and inside shares, the
    /// mask's mean, the tiles' visible areas, 1 for kept samples; a blend's weights are its shares by definition.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <exception cref="MixInvariantException">A weight differs from its region's share.</exception>
    public static void LambdasMatchRegions(MixPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<double> weights = plan.Weights(i);
            var shares = new double[weights.Length];
            plan.MeasureShares(i, shares);
            for (int k = 0; k < weights.Length; k++)
            {
                if (weights[k] != shares[k])
                {
                    string what = k == 0 ? "lambda" : $"the weight of source {k} (sample {plan.Sources(i)[k]})";
                    throw new MixInvariantException(
                        $"Sample {i}: {what} is {weights[k]:R} but its {plan.Regions[i].Kind} region gives that source a share of {shares[k]:R}.", i);
                }
            }
        }
    }

    /// <summary>Checks float32 outputs element by element against the plan and the inputs.</summary>
    /// <param name="plan">The plan the outputs claim to follow.</param>
    /// <param name="input">The batch before mixing: B whole samples whose trailing extent is the plan's (any size for keeps and blends).</param>
    /// <param name="output">The batch after mixing.</param>
    /// <param name="tolerance">Largest accepted difference for blended elements; 0 (default) demands MixAug's exact bits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative, infinite or NaN (an infinite
    /// tolerance would accept any blend).</exception>
    /// <exception cref="MixInvariantException">An element is neither the expected blend nor the expected copy.</exception>
    public static void PixelsFollowPlan(MixPlan plan, ReadOnlySpan<float> input, ReadOnlySpan<float> output, float tolerance = 0)
    {
        CheckTolerance(tolerance);
        (int channels, int plane) = Layout(plan, input.Length, output.Length);
        int sampleSize = channels * plane;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            Rule rule = RuleFor(plan, i);
            for (int c = 0; c < channels; c++)
            {
                for (int e = 0; e < plane; e++)
                {
                    int offset = (c * plane) + e;
                    (float expected, bool exact) = rule.Expected(input, sampleSize, offset, e);
                    float actual = output[(i * sampleSize) + offset];
                    bool ok = exact || tolerance == 0
                        ? actual == expected || (float.IsNaN(actual) && float.IsNaN(expected))
                        : Math.Abs(actual - expected) <= tolerance || (float.IsNaN(actual) && float.IsNaN(expected));
                    if (!ok)
                    {
                        throw new MixInvariantException(Describe(plan, i, c, e, rule, input, sampleSize, offset, expected, actual), i);
                    }
                }
            }
        }
    }

    /// <summary>Checks uint8 outputs element by element: copies are exact, blends and masks round half to even.</summary>
    /// <param name="plan">The plan the outputs claim to follow.</param>
    /// <param name="input">The batch before mixing.</param>
    /// <param name="output">The batch after mixing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan.</exception>
    /// <exception cref="MixInvariantException">An element differs from the expected value.</exception>
    public static void PixelsFollowPlan(MixPlan plan, ReadOnlySpan<byte> input, ReadOnlySpan<byte> output)
    {
        (int channels, int plane) = Layout(plan, input.Length, output.Length);
        int sampleSize = channels * plane;
        float[] widened = new float[input.Length];
        for (int k = 0; k < input.Length; k++)
        {
            widened[k] = input[k];
        }

        for (int i = 0; i < plan.BatchSize; i++)
        {
            Rule rule = RuleFor(plan, i);
            for (int c = 0; c < channels; c++)
            {
                for (int e = 0; e < plane; e++)
                {
                    int offset = (c * plane) + e;
                    (float value, _) = rule.Expected(widened, sampleSize, offset, e);
                    byte expected = (byte)Math.Round(value, MidpointRounding.ToEven);
                    byte actual = output[(i * sampleSize) + offset];
                    if (actual != expected)
                    {
                        throw new MixInvariantException(Describe(plan, i, c, e, rule, widened, sampleSize, offset, expected, actual), i);
                    }
                }
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
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1, a label is outside
    /// [0, classCount), <paramref name="smoothing"/> is outside [0, 1), or <paramref name="tolerance"/> is negative, infinite
    /// or NaN (NaN would accept any row).</exception>
    /// <exception cref="MixInvariantException">A row is not a distribution, or an entry differs from the expected weight.</exception>
    public static void TargetsFollowPlan(MixPlan plan, ReadOnlySpan<int> labels, int classCount, ReadOnlySpan<float> targets, double smoothing = 0, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        if (!(smoothing >= 0 && smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must lie in [0, 1); it was {smoothing}.");
        }

        CheckTolerance(tolerance);
        if (labels.Length != plan.BatchSize)
        {
            throw new ArgumentException($"Expected {plan.BatchSize} labels for the plan's batch of {plan.BatchSize}; got {labels.Length}.", nameof(labels));
        }

        if (targets.Length != (long)plan.BatchSize * classCount)
        {
            throw new ArgumentException(
                $"Expected {plan.BatchSize * (long)classCount} targets for the plan's batch of {plan.BatchSize} and {classCount} classes; got {targets.Length}.", nameof(targets));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is {labels[i]}, outside [0, {classCount}).");
            }
        }

        double off = smoothing / classCount;
        double on = 1.0 - smoothing + off;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<float> row = targets.Slice(i * classCount, classCount);
            RowIsDistribution(row, i, tolerance * classCount);
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            double lambda = weights[0];
            int a = labels[i];
            int b = sources.Length > 1 ? labels[sources[1]] : a;
            for (int k = 0; k < classCount; k++)
            {
                double expected = 0, swapped = 0, unsmoothed = 0;
                for (int s = 0; s < sources.Length; s++)
                {
                    bool match = labels[sources[s]] == k;
                    expected += weights[s] * (match ? on : off);
                    unsmoothed += weights[s] * (match ? 1 : 0);
                    // The weights of the first two sources exchanged: what an inverted lambda convention writes.
                    double w = sources.Length == 2 ? weights[1 - s] : weights[s];
                    swapped += w * (match ? on : off);
                }

                if (Math.Abs(row[k] - expected) > tolerance)
                {
                    string hint = sources.Length == 2 && a != b && Math.Abs(row[k] - swapped) <= tolerance
                        ? " The row matches 1 - lambda: the lambda convention looks inverted."
                        : smoothing > 0 && Math.Abs(row[k] - unsmoothed) <= tolerance
                            ? $" The row matches unsmoothed labels: smoothing {smoothing} was not applied."
                            : string.Empty;
                    string partner = sources.Length == 2
                        ? $"partner {sources[1]} of class {b}"
                        : $"sources [{string.Join(", ", sources.ToArray())}] with weights [{string.Join(", ", weights.ToArray().Select(w => w.ToString("G9", CultureInfo.InvariantCulture)))}]";
                    throw new MixInvariantException(
                        $"Sample {i}, class {k}: expected target {expected:G9} (lambda {lambda:G9}, own class {a}, {partner}, smoothing {smoothing}), actual {row[k]:G9}.{hint}", i);
                }
            }
        }
    }

    /// <summary>Checks that every row of <paramref name="targets"/> is a probability distribution: entries finite and ≥ 0, summing to 1.</summary>
    /// <param name="targets">B × K targets, row-major.</param>
    /// <param name="classCount">Number of classes K.</param>
    /// <param name="tolerance">Largest accepted distance of a row sum from 1.</param>
    /// <exception cref="ArgumentException">The length is not a multiple of <paramref name="classCount"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1, or <paramref name="tolerance"/>
    /// is negative, infinite or NaN (NaN would accept any row).</exception>
    /// <exception cref="MixInvariantException">A row is not a distribution.</exception>
    public static void TargetsAreDistributions(ReadOnlySpan<float> targets, int classCount, double tolerance = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        CheckTolerance(tolerance);
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

    private static (int Channels, int Plane) Layout(MixPlan plan, int input, int output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int b = plan.BatchSize;
        int perSample = input / b;
        // Keeps and blends apply to any sample; when it is whole planes of the extent, elements are still named by pixel.
        int plane = plan.IsUniform && (perSample == 0 || perSample % plan.Spatial.Size != 0) ? Math.Max(perSample, 1) : plan.Spatial.Size;
        if (input == 0 || input % b != 0 || perSample % plane != 0)
        {
            throw new ArgumentException(
                $"The plan is for {b} samples of {plan.Spatial}; input has {input} elements, which must be a whole (non-zero) number of {plane}-element planes per sample.", nameof(input));
        }

        if (input != output)
        {
            throw new ArgumentException($"output has {output} elements but input has {input}; they must be equal.", nameof(output));
        }

        return (perSample / plane, plane);
    }

    private static void CheckTolerance(double tolerance, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(tolerance))] string? name = null)
    {
        if (!(tolerance >= 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(name, tolerance, $"{name} must be a finite number >= 0; it was {tolerance}.");
        }
    }

    /// <summary>Names element <paramref name="index"/> of the extent: a position, a pixel or a voxel.</summary>
    private static string Position(SpatialShape s, int index)
    {
        int x = index % s.Width;
        int y = index / s.Width % s.Height;
        int z = index / (s.Width * s.Height);
        return s.Rank switch
        {
            1 => $"position {x}",
            2 => $"pixel (y {y}, x {x})",
            _ => $"voxel (z {z}, y {y}, x {x})",
        };
    }

    private static Rule RuleFor(MixPlan plan, int sample) => plan.Regions[sample].Accept(new RuleBuilder(plan, sample));

    private static string Describe(MixPlan plan, int sample, int channel, int planeIndex, Rule rule, ReadOnlySpan<float> input, int sampleSize, int offset, float expected, float actual)
    {
        int plane = Layout(plan, input.Length, input.Length).Plane;
        string where = plane != plan.Spatial.Size ? $"element {planeIndex}" : Position(plan.Spatial, planeIndex);
        MixRegion region = plan.Regions[sample];
        ReadOnlySpan<int> sources = plan.Sources(sample);
        double lambda = plan.Lambdas[sample];
        float self = input[(sample * sampleSize) + offset];
        float partner = sources.Length > 1 ? input[(sources[1] * sampleSize) + offset] : self;
        string hint = string.Empty;
        bool fromSomeSource = false;
        foreach (int source in sources)
        {
            fromSomeSource |= actual == input[(source * sampleSize) + offset];
        }

        if (!fromSomeSource && region.Kind == MixRegionKind.Blend && sources.Length == 2 &&
            Math.Abs(actual - ((self * (float)(1.0 - lambda)) + (partner * (float)lambda))) <= 1e-6f * Math.Max(1f, Math.Abs(actual)))
        {
            hint = " The value matches 1 - lambda: the lambda convention looks inverted.";
        }
        else if (!fromSomeSource && region.Kind is MixRegionKind.Box or MixRegionKind.Keep or MixRegionKind.Tiles)
        {
            hint = " The value is none of the sample's sources': it came from somewhere else (a third image?).";
        }
        else if (region is BoxRegion && (actual == self) != (expected == self))
        {
            hint = $" The element is {(actual == partner ? "the partner's" : "the sample's own")} but lies {(expected == partner ? "inside" : "outside")} {region}: the box is off.";
        }

        string from = sources.Length == 2 ? $"partner {sources[1]}" : $"sources [{string.Join(", ", sources.ToArray())}]";
        return $"Sample {sample} ({from}, {region}, lambda {lambda:G9}), channel {channel}, {where}: expected {expected:G9}, actual {actual:G9} (self {self:G9}, partner {partner:G9}).{hint}";
    }

    /// <summary>How the elements of one sample are expected to be made, decoded once from its region.</summary>
    private sealed class Rule(MixPlan plan, int sample)
    {
        private readonly int[] _sources = plan.Sources(sample).ToArray();
        private readonly float[] _weights = [.. plan.Weights(sample).ToArray().Select(w => (float)w)];

        /// <summary>Per element: the slot that supplies it (selections), or null.</summary>
        public byte[]? Slots { get; init; }

        /// <summary>Per element: the own weight m of <c>x·m + p·(1 − m)</c> (masks), or null.</summary>
        public float[]? OwnWeights { get; init; }

        /// <summary>True for a whole-sample weighted sum.</summary>
        public bool Blend { get; init; }

        /// <summary>A resized partner's box, or null.</summary>
        public ResizeRegion? Resize { get; init; }

        /// <summary>A mosaic of resized sources, or null.</summary>
        public MosaicRegion? Mosaic { get; init; }

        // The resized partner (or the composed mosaic) per channel plane offset, made on first use (ResizeRegion.ResizePartner
        // and MosaicRegion.Compose, the mixers' own definition, so the box is checked bit for bit).
        private readonly Dictionary<int, float[]> _patches = [];

        public (float Value, bool Exact) Expected(ReadOnlySpan<float> input, int sampleSize, int offset, int planeIndex)
        {
            if (Slots is byte[] slots)
            {
                return (At(input, slots[planeIndex], sampleSize, offset), true);
            }

            if (OwnWeights is float[] own)
            {
                // A weight of exactly 1 or 0 copies its source's element, as the mixers do: the other source is not read,
                // so its padding (NaN past a valid length) cannot reach the output.
                float m = own[planeIndex];
                return m switch
                {
                    1f => (At(input, 0, sampleSize, offset), true),
                    0f => (At(input, 1, sampleSize, offset), true),
                    _ => ((At(input, 0, sampleSize, offset) * m) + (At(input, 1, sampleSize, offset) * (1f - m)), false),
                };
            }

            if (Resize is ResizeRegion resize)
            {
                // A clip's frame f shows the partner's frame f resized, on the frames the box lies on: box f of the patch.
                SpatialShape s = plan.Spatial;
                int frame = s.Height * s.Width, f = planeIndex / frame, y = planeIndex % frame / s.Width, x = planeIndex % s.Width;
                if (y < resize.Top || y >= resize.Bottom || x < resize.Left || x >= resize.Right || f < resize.FirstFrame || f >= (resize.EndFrame ?? int.MaxValue))
                {
                    return (At(input, 0, sampleSize, offset), true);
                }

                int planeStart = offset - planeIndex;
                if (!_patches.TryGetValue(planeStart, out float[]? patch))
                {
                    patch = new float[resize.Area * s.Depth];
                    resize.ResizePartner(input.Slice((_sources[1] * sampleSize) + planeStart, s.Size), patch);
                    _patches[planeStart] = patch;
                }

                return (patch[(int)(f * resize.Area) + ((y - resize.Top) * (resize.Right - resize.Left)) + x - resize.Left], true);
            }

            if (Mosaic is MosaicRegion mosaic)
            {
                // MosaicRegion.Compose (the mixers' own definition) of the four quadrants' planes, once per plane.
                SpatialShape s = plan.Spatial;
                int planeStart = offset - planeIndex;
                if (!_patches.TryGetValue(planeStart, out float[]? composed))
                {
                    var planes = new float[MosaicRegion.Quadrants * s.Size];
                    for (int q = 0; q < MosaicRegion.Quadrants; q++)
                    {
                        input.Slice((_sources[mosaic.Slots[q]] * sampleSize) + planeStart, s.Size).CopyTo(planes.AsSpan(q * s.Size));
                    }

                    composed = new float[s.Size];
                    mosaic.Compose(planes, composed);
                    _patches[planeStart] = composed;
                }

                return (composed[planeIndex], true);
            }

            if (Blend)
            {
                float sum = (BlendInput(input, 0, sampleSize, offset, planeIndex) * _weights[0]) + (BlendInput(input, 1, sampleSize, offset, planeIndex) * _weights[1]);
                for (int k = 2; k < _sources.Length; k++)
                {
                    sum = (sum * 1f) + (At(input, k, sampleSize, offset) * _weights[k]);
                }

                return (sum, false);
            }

            return (At(input, 0, sampleSize, offset), true); // keep
        }

        private float At(ReadOnlySpan<float> input, int slot, int sampleSize, int offset) => input[(_sources[slot] * sampleSize) + offset];

        /// <summary>A blend's source element, or 0 past the source's valid length when the plan's blends are zero-padded.</summary>
        private float BlendInput(ReadOnlySpan<float> input, int slot, int sampleSize, int offset, int planeIndex)
        {
            if (plan.BlendLengths != BlendLengths.ZeroPadded || !plan.HasValidLengths)
            {
                return At(input, slot, sampleSize, offset);
            }

            SpatialShape s = plan.Spatial;
            int step = s.Size / (s.Rank == 1 ? s.Width : s.Depth); // elements per time step
            return planeIndex >= plan.ValidLengths[_sources[slot]] * step ? 0f : At(input, slot, sampleSize, offset);
        }
    }

    /// <summary>Decodes each region kind into a <see cref="Rule"/>: MixAssert's interpretation, checked by the compiler for completeness.</summary>
    private sealed class RuleBuilder(MixPlan plan, int sample) : IMixRegionVisitor<Rule>
    {
        public Rule VisitKeep(KeepRegion region) => new(plan, sample);

        public Rule VisitBlend(BlendRegion region) => new(plan, sample) { Blend = true };

        public Rule VisitBox(BoxRegion region) => Selection(region);

        public Rule VisitMask(MaskRegion region) => Weighted(region);

        public Rule VisitFourierMask(FourierMaskRegion region) => Weighted(region);

        public Rule VisitSaliencyMask(SaliencyMaskRegion region) => Weighted(region);

        public Rule VisitTiles(TileRegion region) => Selection(region);

        public Rule VisitSoftBox(SoftBoxRegion region) => Weighted(region);

        public Rule VisitResize(ResizeRegion region) => new(plan, sample) { Resize = region };

        public Rule VisitMosaic(MosaicRegion region) => new(plan, sample) { Mosaic = region };

        private Rule Selection(MixRegion region)
        {
            var slots = new byte[plan.Spatial.Size];
            RegionRasterizer.WriteSlots(region, plan.Spatial, slots);
            return new Rule(plan, sample) { Slots = slots };
        }

        private Rule Weighted(MixRegion region)
        {
            var weights = new float[plan.Spatial.Size];
            RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[sample], weights);
            return new Rule(plan, sample) { OwnWeights = weights };
        }
    }
}
