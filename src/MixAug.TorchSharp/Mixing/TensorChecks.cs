namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Argument checks for tensors, done before any tensor operation so that callers get an
/// <see cref="ArgumentException"/> naming the parameter and the numbers instead of libtorch's
/// <c>ExternalException</c> from deep inside a kernel.
/// </summary>
internal static class TensorChecks
{
    /// <summary>The tensor layouts a plan applies to, for messages.</summary>
    internal static string Layout(MixPlan plan) => plan.IsUniform
        ? $"[{plan.BatchSize}, ...] (any trailing shape: the plan only keeps and blends)"
        : $"[{plan.BatchSize}, ..., {string.Join(", ", plan.Spatial.ToDimensions())}] (the batch, any leading channel dimensions, then the plan's extent)";

    /// <summary>True for the dtypes a blend or a soft mask can be computed in.</summary>
    internal static bool IsFloating(ScalarType type) =>
        type is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>True for the integer dtypes class indices may come in (uint8 and the signed ones).</summary>
    internal static bool IsInteger(ScalarType type) =>
        type is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;

    /// <summary>
    /// Checks that <paramref name="images"/> is a live, non-empty tensor the plan applies to: the plan's batch size first,
    /// and, unless the plan only keeps and blends, the plan's spatial extent last.
    /// </summary>
    internal static void Images(MixPlan plan, Tensor images, string name)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(images, name);
        long[] actual = images.shape;
        if (actual.Length == 0)
        {
            throw new ArgumentException($"{name} is a scalar; the plan needs {Layout(plan)}.", name);
        }

        if (actual.Any(d => d == 0))
        {
            string what = actual[0] == 0 ? "an empty batch" : "empty";
            throw new ArgumentException($"{name} is {what} ({Describe(actual)}); a plan needs at least one element per sample.", name);
        }

        if (actual[0] != plan.BatchSize)
        {
            throw new ArgumentException($"{name} has {actual[0]} samples ({Describe(actual)}) but the plan mixes a batch of {plan.BatchSize}.", name);
        }

        if (images.device_type == DeviceType.META)
        {
            throw new ArgumentException($"{name} is on the meta device, which holds no data to mix.", name);
        }

        if (plan.IsUniform)
        {
            return;
        }

        int[] spatial = plan.Spatial.ToDimensions();
        if (actual.Length < spatial.Length + 1)
        {
            throw new ArgumentException($"{name} has rank {actual.Length} ({Describe(actual)}); the plan needs {Layout(plan)}.", name);
        }

        for (int d = 0; d < spatial.Length; d++)
        {
            long extent = actual[actual.Length - spatial.Length + d];
            if (extent != spatial[d])
            {
                throw new ArgumentException(
                    $"{name} has shape {Describe(actual)} but the plan is drawn over {plan.Spatial}, so {name} must be {Layout(plan)}.", name);
            }
        }
    }

    /// <summary>Checks that <paramref name="labels"/> is one label per sample (1-D integer) or one row per sample (2-D float).</summary>
    internal static void Labels(MixPlan plan, Tensor labels, string name)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Labels(plan.BatchSize, labels, name);
    }

    /// <summary>As <see cref="Labels(MixPlan, Tensor, string)"/>, before a plan exists.</summary>
    internal static void Labels(int batchSize, Tensor labels, string name)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        if (labels.device_type == DeviceType.META)
        {
            throw new ArgumentException($"{name} is on the meta device, which holds no data.", name);
        }

        long[] shape = labels.shape;
        ScalarType type = labels.dtype;
        if (type == ScalarType.Int64)
        {
            if (shape.Length != 1)
            {
                throw new ArgumentException($"{name} holds int64 class indices, so it must be 1-D [B]; it is {Describe(shape)}.", name);
            }
        }
        else if (type is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16)
        {
            if (shape.Length != 2)
            {
                throw new ArgumentException($"{name} holds {type} soft labels, so it must be 2-D [B, classes]; it is {Describe(shape)}.", name);
            }
        }
        else
        {
            throw new ArgumentException($"{name} has dtype {type}; class indices must be Int64 ([B]) and soft labels floating point ([B, classes]).", name);
        }

        if (shape[0] != batchSize)
        {
            throw new ArgumentException($"{name} has shape {Describe(shape)} ({shape[0]} rows) but the batch of {batchSize} samples needs one row per sample.", name);
        }
    }

    /// <summary>Checks that two tensors live on the same device; MixAug never copies between devices implicitly.</summary>
    internal static void SameDevice(Tensor images, Tensor other, string otherName) =>
        SameDevice(images.device_type, images.device_index, other.device_type, other.device_index, otherName);

    /// <summary>The device comparison itself, separate so that it can be tested without a second device.</summary>
    internal static void SameDevice(DeviceType imageType, int imageIndex, DeviceType otherType, int otherIndex, string otherName)
    {
        if (!IsSameDevice(imageType, imageIndex, otherType, otherIndex))
        {
            throw new ArgumentException(
                $"{otherName} is on {Device(otherType, otherIndex)} but the images are on {Device(imageType, imageIndex)}; move them to one device first (MixAug never copies between devices).", otherName);
        }
    }

    /// <summary>Whether two tensors are on one device.</summary>
    internal static bool IsSameDevice(Tensor a, Tensor b) => IsSameDevice(a.device_type, a.device_index, b.device_type, b.device_index);

    /// <summary>Whether a tensor is on <paramref name="device"/>.</summary>
    internal static bool IsOn(Tensor t, Device device) => IsSameDevice(t.device_type, t.device_index, device.type, device.index);

    /// <summary>The one device rule: the same type and, but on the CPU, the same index (CPU tensors report index −1 or
    /// 0 depending on how they were made; only the type matters there).</summary>
    private static bool IsSameDevice(DeviceType aType, int aIndex, DeviceType bType, int bIndex) =>
        aType == bType && (aType == DeviceType.CPU || aIndex == bIndex);

    internal static string Describe(long[] shape) => "[" + string.Join(", ", shape) + "]";

    private static string Device(DeviceType type, int index) => type == DeviceType.CPU ? "cpu" : $"{type.ToString().ToLowerInvariant()}:{index}";
}
