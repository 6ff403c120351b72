using MixAug.Planning;
using MixAug.Testing;
using MixAug.TorchSharp.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.TorchSharp.Testing;

/// <summary>
/// <see cref="MixAssert"/>'s checks for tensors: each tensor is copied to a contiguous CPU array (float32 for images
/// and targets, int64 for class labels) and checked exactly as the core's batches are, with the same messages.
/// </summary>
/// <remarks>Tensors are borrowed: nothing passed in is modified or disposed, and every temporary lives in a dispose
/// scope of the call. Half-precision images are widened to float32, so give a <c>tolerance</c> for them.</remarks>
/// <threadsafety>Stateless; safe to call from several threads (TorchSharp dispose scopes are per thread).</threadsafety>
public static class TensorMixAssert
{
    /// <summary>Checks mixed images against the plan element by element (<see cref="MixAssert.PixelsFollowPlan(MixPlan, ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>).</summary>
    /// <param name="plan">The plan the output claims to follow.</param>
    /// <param name="input">The batch before mixing, <c>[B, …, spatial…]</c> (any trailing shape for keeps and blends), on any device.</param>
    /// <param name="output">The batch after mixing, same shape.</param>
    /// <param name="tolerance">Largest accepted difference for blended elements; 0 demands MixAug's exact float32 bits.</param>
    /// <exception cref="ArgumentException">A tensor is null, on the meta device, or its shape differs from the plan's; or as <see cref="MixAssert.PixelsFollowPlan(MixPlan, ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/>.</exception>
    /// <exception cref="MixInvariantException">An element breaks the plan.</exception>
    public static void PixelsFollowPlan(MixPlan plan, Tensor input, Tensor output, float tolerance = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        TorchSharpRuntime.EnsureLoadable();
        ArgumentNullException.ThrowIfNull(input);
        CheckHasData(input, nameof(input));
        int[] dimensions = [.. input.shape.Select(d => (int)Math.Min(d, int.MaxValue))];
        if (dimensions.Length == 0 || dimensions[0] != plan.BatchSize)
        {
            throw new ArgumentException($"input has shape [{string.Join(", ", input.shape)}]; the plan mixes a batch of {plan.BatchSize}.", nameof(input));
        }

        MixAssert.PixelsFollowPlan(plan, Floats(input, dimensions, nameof(input)), Floats(output, dimensions, nameof(output)), tolerance);
    }

    /// <summary>Checks dense targets against the plan (<see cref="MixAssert.TargetsFollowPlan"/>).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="labels">int64 class indices <c>[B]</c>, on any device.</param>
    /// <param name="classCount">Number of classes K.</param>
    /// <param name="targets">Targets <c>[B, K]</c>, any floating dtype, on any device.</param>
    /// <param name="smoothing">The label smoothing the targets should carry.</param>
    /// <param name="tolerance">Largest accepted difference per entry.</param>
    /// <exception cref="ArgumentException">A tensor is null, on the meta device, or has the wrong shape or dtype; or as <see cref="MixAssert.TargetsFollowPlan"/>.</exception>
    /// <exception cref="MixInvariantException">A target breaks the plan.</exception>
    public static void TargetsFollowPlan(MixPlan plan, Tensor labels, int classCount, Tensor targets, double smoothing = 0, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(labels);
        TorchSharpRuntime.EnsureLoadable();
        if (labels.dtype != ScalarType.Int64 || labels.dim() != 1)
        {
            throw new ArgumentException($"labels must be an int64 [B] tensor of class indices; it is {labels.dtype} with shape [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        CheckHasData(labels, nameof(labels));

        using DisposeScope scope = NewDisposeScope();
        long[] classes = labels.detach().cpu().contiguous().data<long>().ToArray();
        int[] asInts = classes.Select(c => c is < 0 or > int.MaxValue ? -1 : (int)c).ToArray();
        MixAssert.TargetsFollowPlan(plan, asInts, classCount, Floats(targets, [plan.BatchSize, classCount], nameof(targets)), smoothing, tolerance);
    }

    /// <summary>Checks hard mixed label maps against the plan (<see cref="MixAssert.LabelMapsFollowPlan(MixPlan, ReadOnlySpan{int}, ReadOnlySpan{int})"/>).</summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labelMaps">uint8, int32 or int64 class indices <c>[B, spatial…]</c> before mixing, on any device.</param>
    /// <param name="mixed">The mixed maps, an integer tensor of the same shape.</param>
    /// <exception cref="ArgumentException">A tensor is null, on the meta device, not of integers, of the wrong shape, or
    /// holds a value outside the range of int.</exception>
    /// <exception cref="MixInvariantException">An element's label is not the label of the source element it shows.</exception>
    public static void LabelMapsFollowPlan(MixPlan plan, Tensor labelMaps, Tensor mixed)
    {
        ArgumentNullException.ThrowIfNull(plan);
        TorchSharpRuntime.EnsureLoadable();
        int[] labels = Labels(plan, labelMaps, nameof(labelMaps));
        MixAssert.LabelMapsFollowPlan(plan, labels, Labels(plan, mixed, nameof(mixed), labelMaps.shape));
    }

    /// <summary>Checks the pair form of mixed label maps (<see cref="MixAssert.LabelPairsFollowPlan"/>), e.g. the
    /// tensors of <c>TorchLabelMapMixer.ToPairs</c>.</summary>
    /// <param name="plan">The plan that mixed the images; no sample may blend more than two sources.</param>
    /// <param name="labelMaps">Integer class indices <c>[B, spatial…]</c> before mixing, on any device.</param>
    /// <param name="classA">Class A of every element, an integer tensor of the maps' shape.</param>
    /// <param name="classB">Class B of every element, an integer tensor of the maps' shape.</param>
    /// <param name="weightA">The weight of A, a floating-point tensor of the maps' shape.</param>
    /// <param name="tolerance">Largest accepted difference of a weight; 0 demands the pixels' exact float weights.</param>
    /// <exception cref="ArgumentException">A tensor is null, on the meta device, or of the wrong shape or dtype; or as <see cref="MixAssert.LabelPairsFollowPlan"/>.</exception>
    /// <exception cref="MixInvariantException">A class or weight differs from the expected one.</exception>
    public static void LabelPairsFollowPlan(MixPlan plan, Tensor labelMaps, Tensor classA, Tensor classB, Tensor weightA, float tolerance = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        TorchSharpRuntime.EnsureLoadable();
        int[] labels = Labels(plan, labelMaps, nameof(labelMaps));
        long[] shape = labelMaps.shape;
        MixAssert.LabelPairsFollowPlan(
            plan, labels, Labels(plan, classA, nameof(classA), shape), Labels(plan, classB, nameof(classB), shape), Floats(weightA, [.. shape.Select(d => (int)d)], nameof(weightA)), tolerance);
    }

    /// <summary>Checks per-element soft targets <c>[B, K, spatial…]</c> against the plan (<see cref="MixAssert.SoftLabelMapsFollowPlan"/>).</summary>
    /// <param name="plan">The plan that mixed the images.</param>
    /// <param name="labelMaps">Integer class indices <c>[B, spatial…]</c> before mixing, on any device.</param>
    /// <param name="classCount">Number of classes K.</param>
    /// <param name="ignoreIndex">The label of elements without a class.</param>
    /// <param name="targets">Floating-point targets <c>[B, K, spatial…]</c>, on any device.</param>
    /// <param name="tolerance">Largest accepted difference of a target.</param>
    /// <exception cref="ArgumentException">A tensor is null, on the meta device, or of the wrong shape or dtype; or as <see cref="MixAssert.SoftLabelMapsFollowPlan"/>.</exception>
    /// <exception cref="MixInvariantException">An element's targets do not sum to 1 (or 0), or a target differs from its expected weight.</exception>
    public static void SoftLabelMapsFollowPlan(MixPlan plan, Tensor labelMaps, int classCount, int ignoreIndex, Tensor targets, double tolerance = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(plan);
        TorchSharpRuntime.EnsureLoadable();
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        int[] labels = Labels(plan, labelMaps, nameof(labelMaps));
        int[] shape = [.. labelMaps.shape.Select(d => (int)d)];
        MixAssert.SoftLabelMapsFollowPlan(plan, labels, classCount, ignoreIndex, Floats(targets, [shape[0], classCount, .. shape[1..]], nameof(targets)), tolerance);
    }

    /// <summary>Reads an integer tensor of <paramref name="shape"/> (or, when null, of the plan's batch of maps) as int labels.</summary>
    private static int[] Labels(MixPlan plan, Tensor tensor, string name, long[]? shape = null)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        CheckHasData(tensor, name);
        if (tensor.is_floating_point() || tensor.is_complex() || tensor.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"{name} has dtype {tensor.dtype}; integer class indices (uint8, int32 or int64) are expected.", name);
        }

        bool fits = shape is null
            ? tensor.dim() >= 2 && tensor.shape[0] == plan.BatchSize && tensor.numel() == (long)plan.BatchSize * plan.Spatial.Size
            : tensor.shape.SequenceEqual(shape);
        if (!fits)
        {
            string expected = shape is null ? $"[{plan.BatchSize}, spatial…] with {plan.Spatial.Size} elements per map" : $"[{string.Join(", ", shape)}]";
            throw new ArgumentException($"{name} has shape [{string.Join(", ", tensor.shape)}] but {expected} is expected.", name);
        }

        using DisposeScope scope = NewDisposeScope();
        long[] values = tensor.detach().to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();
        var labels = new int[values.Length];
        for (int e = 0; e < values.Length; e++)
        {
            labels[e] = values[e] is >= int.MinValue and <= int.MaxValue
                ? (int)values[e]
                : throw new ArgumentException($"{name} holds {values[e]} at element {e}, outside the range of int.", name);
        }

        return labels;
    }

    /// <summary>Rejects a tensor on the meta device, whose values cannot be read (libtorch's ExternalException otherwise).</summary>
    private static void CheckHasData(Tensor tensor, string name)
    {
        if (tensor.device_type == DeviceType.META)
        {
            throw new ArgumentException($"{name} is on the meta device, which holds no values to check.", name);
        }
    }

    private static float[] Floats(Tensor tensor, int[] dimensions, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor, name);
        if (!tensor.shape.SequenceEqual(dimensions.Select(d => (long)d)))
        {
            throw new ArgumentException($"{name} has shape [{string.Join(", ", tensor.shape)}] but [{string.Join(", ", dimensions)}] is expected.", name);
        }

        if (!tensor.is_floating_point())
        {
            throw new ArgumentException($"{name} has dtype {tensor.dtype}; a floating-point tensor is expected.", name);
        }

        CheckHasData(tensor, name);

        using DisposeScope scope = NewDisposeScope();
        return tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }
}
