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
