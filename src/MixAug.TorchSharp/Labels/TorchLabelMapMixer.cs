using System.Buffers;
using System.Numerics.Tensors;
using MixAug.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Labels;

/// <summary>
/// Mixes segmentation label maps <c>[B, spatial…]</c> (uint8, int32 or int64 class indices) by the plan that mixed
/// the images, with <see cref="LabelMapMixer"/>'s rules and numbers: the hard map, the per-element pairs for
/// <see cref="Losses.DenseLosses.MixedCrossEntropy"/>, or soft targets <c>[B, K, spatial…]</c> for
/// <see cref="Losses.DenseLosses.SoftTargetCrossEntropy"/>.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): the label maps are borrowed (never disposed, changed or kept); every
/// returned tensor is new, on the maps' device, and owned by the caller.</para>
/// <para><b>Where it runs.</b> The maps are read to host memory, mixed there by <see cref="LabelMapMixer"/> and the
/// result is created on the maps' device: on a GPU that is one synchronisation and two copies per call. A hard map of a
/// plan that only selects (keeps, boxes, tiles, binary masks) can also be mixed on the device by
/// <see cref="TorchMixer.Apply(MixPlan, Tensor)"/>, which gives the same elements.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class TorchLabelMapMixer
{
    /// <summary>The hard mixed map: every element takes the class of the source with the largest weight there.</summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="labelMaps">uint8, int32 or int64 class indices <c>[B, spatial…]</c> (borrowed).</param>
    /// <returns>A new tensor of the maps' shape, dtype and device, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The maps' shape, dtype or device does not fit (see the remarks).</exception>
    public static Tensor Mix(MixPlan plan, Tensor labelMaps)
    {
        Check(plan, labelMaps);
        using DisposeScope scope = NewDisposeScope();
        Tensor host = Host(labelMaps);

        // Read in place on the host (NativeTensor.Elements), written into a new host tensor, then moved to the maps' device.
        Tensor mixed;
        switch (labelMaps.dtype)
        {
            case ScalarType.Byte:
                mixed = NativeTensor.NewHostTensor(labelMaps.shape, ScalarType.Byte, out Span<byte> bytes);
                LabelMapMixer.Mix(plan, NativeTensor.Elements<byte>(host), bytes);
                break;
            case ScalarType.Int32:
                mixed = NativeTensor.NewHostTensor(labelMaps.shape, ScalarType.Int32, out Span<int> ints);
                LabelMapMixer.Mix(plan, NativeTensor.Elements<int>(host), ints);
                break;
            default:
                mixed = NativeTensor.NewHostTensor(labelMaps.shape, ScalarType.Int64, out Span<long> longs);
                LabelMapMixer.Mix(plan, NativeTensor.Elements<long>(host), longs);
                break;
        }

        return mixed.to(labelMaps.device).MoveToOuterDisposeScope();
    }

    /// <summary>Per-element pairs: class A (the dominant source's), class B (the other's), and the weight of A.</summary>
    /// <param name="plan">The plan the images were mixed with; no sample may blend more than two sources.</param>
    /// <param name="labelMaps">uint8, int32 or int64 class indices <c>[B, spatial…]</c> (borrowed); int64 values within the range of int.</param>
    /// <returns>Int64 classes and float32 weights of the maps' shape, on their device, owned by the caller (dispose the result).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The maps do not fit (see the remarks), a value is outside the range of int,
    /// or a sample blends more than two sources.</exception>
    public static LabelMapPairTensors ToPairs(MixPlan plan, Tensor labelMaps)
    {
        Check(plan, labelMaps);
        using DisposeScope scope = NewDisposeScope();
        long[] shape = labelMaps.shape;
        int count = checked((int)labelMaps.numel());
        Tensor weight = NativeTensor.NewHostTensor(shape, ScalarType.Float32, out Span<float> weightA);
        int[] classes = ArrayPool<int>.Shared.Rent(2 * count); // int32 classes, widened below into the int64 tensors
        try
        {
            Span<int> classA = classes.AsSpan(0, count), classB = classes.AsSpan(count, count);
            Tensor host = Host(labelMaps);
            try
            {
                switch (labelMaps.dtype)
                {
                    case ScalarType.Byte: LabelMapMixer.ToPairs(plan, NativeTensor.Elements<byte>(host), classA, classB, weightA); break;
                    case ScalarType.Int32: LabelMapMixer.ToPairs(plan, NativeTensor.Elements<int>(host), classA, classB, weightA); break;
                    default: LabelMapMixer.ToPairs(plan, NativeTensor.Elements<long>(host), classA, classB, weightA); break;
                }
            }
            catch (ArgumentException e) when (e.ParamName == "labels")
            {
                throw new ArgumentException(e.Message.Replace(" (Parameter 'labels')", string.Empty, StringComparison.Ordinal), nameof(labelMaps), e);
            }

            Tensor indexA = NativeTensor.NewHostTensor(shape, ScalarType.Int64, out Span<long> longA);
            Tensor indexB = NativeTensor.NewHostTensor(shape, ScalarType.Int64, out Span<long> longB);
            TensorPrimitives.ConvertTruncating<int, long>(classA, longA);
            TensorPrimitives.ConvertTruncating<int, long>(classB, longB);
            Device device = labelMaps.device;
            return new LabelMapPairTensors(
                indexA.to(device).MoveToOuterDisposeScope(), indexB.to(device).MoveToOuterDisposeScope(), weight.to(device).MoveToOuterDisposeScope());
        }
        finally
        {
            ArrayPool<int>.Shared.Return(classes);
        }
    }

    /// <summary>Soft targets <c>[B, K, spatial…]</c>, float32, with the weights the pixels were mixed with; ignored
    /// sources get no weight and the rest are renormalised (see <see cref="LabelMapMixer"/>).</summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="labelMaps">uint8, int32 or int64 class indices <c>[B, spatial…]</c> (borrowed).</param>
    /// <param name="classCount">Number of classes K (at least 1).</param>
    /// <param name="ignoreIndex">The label of elements without a class (PyTorch's default −100; 255 for Pascal VOC).</param>
    /// <returns>A new float32 tensor on the maps' device, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The maps do not fit (see the remarks), a value is neither a class nor the
    /// ignore index, or the targets would exceed <see cref="LabelMixer.MaxDenseElements"/>.</exception>
    public static Tensor ToSoftTargets(MixPlan plan, Tensor labelMaps, int classCount, int ignoreIndex = -100)
    {
        Check(plan, labelMaps);
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be at least 1; it was {classCount}.");
        }

        long size = labelMaps.numel() * classCount;
        if (size > LabelMixer.MaxDenseElements)
        {
            throw new ArgumentException(
                $"Soft targets of {labelMaps.numel()} elements × {classCount} classes would hold {size} floats, above LabelMixer.MaxDenseElements ({LabelMixer.MaxDenseElements}); use ToPairs.", nameof(classCount));
        }

        using DisposeScope scope = NewDisposeScope();
        Tensor targets = NativeTensor.NewHostTensor([labelMaps.shape[0], classCount, .. labelMaps.shape.Skip(1)], ScalarType.Float32, out Span<float> written);
        Tensor host = Host(labelMaps);
        try
        {
            switch (labelMaps.dtype)
            {
                case ScalarType.Byte: LabelMapMixer.ToSoftTargets(plan, NativeTensor.Elements<byte>(host), classCount, ignoreIndex, written); break;
                case ScalarType.Int32: LabelMapMixer.ToSoftTargets(plan, NativeTensor.Elements<int>(host), classCount, ignoreIndex, written); break;
                default: LabelMapMixer.ToSoftTargets(plan, NativeTensor.Elements<long>(host), classCount, ignoreIndex, written); break;
            }
        }
        catch (ArgumentException e) when (e.ParamName == "labels")
        {
            throw new ArgumentException(e.Message.Replace(" (Parameter 'labels')", string.Empty, StringComparison.Ordinal), nameof(labelMaps), e);
        }

        return targets.to(labelMaps.device).MoveToOuterDisposeScope();
    }

    /// <summary>Checks the maps: live, on a real device, uint8/int32/int64, exactly <c>[B, spatial…]</c> of the plan.</summary>
    private static void Check(MixPlan plan, Tensor labelMaps)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(labelMaps);
        long[] shape = labelMaps.shape;
        long[] expected = [plan.BatchSize, .. plan.Spatial.ToDimensions().Select(d => (long)d)];
        if (!shape.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"labelMaps has shape {TensorChecks.Describe(shape)} but the plan's label maps are {TensorChecks.Describe(expected)}: [B, spatial…], no channel dimension.", nameof(labelMaps));
        }

        if (labelMaps.dtype is not (ScalarType.Byte or ScalarType.Int32 or ScalarType.Int64))
        {
            throw new ArgumentException($"labelMaps has dtype {labelMaps.dtype}; label maps are class indices of dtype Byte, Int32 or Int64.", nameof(labelMaps));
        }

        if (labelMaps.device_type == DeviceType.META)
        {
            throw new ArgumentException("labelMaps is on the meta device, which holds no data.", nameof(labelMaps));
        }

        TorchSharpRuntime.EnsureLoadable();
    }

    /// <summary>A contiguous host copy (or the tensor itself when it already is one), in the caller's dispose scope.</summary>
    private static Tensor Host(Tensor labelMaps) => labelMaps.detach().cpu().contiguous();
}

/// <summary>
/// Per-element pairs of a mixed label map as tensors of the map's shape: <see cref="IndexA"/> (int64, the dominant
/// source's class), <see cref="IndexB"/> (int64, the other source's) and <see cref="WeightA"/> (float32, the weight of A;
/// B's is <c>1 − WeightA</c>).
/// </summary>
/// <remarks>The three tensors belong to the holder of this object: <see cref="Dispose"/> disposes them. If the object
/// was created inside a dispose scope, the tensors also belong to that scope.</remarks>
public sealed class LabelMapPairTensors : IDisposable
{
    internal LabelMapPairTensors(Tensor indexA, Tensor indexB, Tensor weightA)
    {
        IndexA = indexA;
        IndexB = indexB;
        WeightA = weightA;
    }

    /// <summary>Class A of every element, int64 <c>[B, spatial…]</c>: the hard mixed map.</summary>
    public Tensor IndexA { get; }

    /// <summary>Class B of every element, int64; equal to A where one source supplies the element.</summary>
    public Tensor IndexB { get; }

    /// <summary>The weight of A, float32, in [0.5, 1].</summary>
    public Tensor WeightA { get; }

    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        IndexA.Dispose();
        IndexB.Dispose();
        WeightA.Dispose();
    }
}
