using MixAug.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Labels;

/// <summary>
/// Mixes label tensors by the same <see cref="MixPlan"/> as the images, with <see cref="LabelMixer"/>'s arithmetic, so
/// the numbers are exactly LabelMixer's: the labels (B values or B rows, small) are read to the CPU, mixed there in
/// double precision, and the targets are created on the labels' device.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): the labels are borrowed (never disposed, changed or kept); every
/// returned tensor is new and owned by the caller. Temporaries live in a per-call dispose scope.</para>
/// <para><b>Inputs.</b> Class indices: 1-D int64 <c>[B]</c>, each in [0, classCount). Soft labels: 2-D floating point
/// <c>[B, classCount]</c>. On a GPU, reading the labels synchronises with the device once per call.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class TorchLabelMixer
{
    /// <summary>
    /// Dense soft targets <c>[B, classCount]</c>, float32 whatever the images' dtype:
    /// row i = λ·y[i] + (1 − λ)·y[partner], with timm's label smoothing (see <see cref="LabelMixer"/>).
    /// </summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> or floating soft labels <c>[B, classCount]</c> (borrowed).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="smoothing">Label smoothing in [0, 1).</param>
    /// <returns>A new float32 tensor on the labels' device, owned by the caller.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The labels' dtype, rank or row count is wrong, or soft rows are not <paramref name="classCount"/> wide.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside [0, classCount), or a count or the smoothing is out of range.</exception>
    public static Tensor ToSoftTargets(MixPlan plan, Tensor labels, int classCount, double smoothing = 0)
    {
        TensorChecks.Labels(plan, labels, nameof(labels));
        return BuildSoftTargets(plan, Read(labels, classCount), classCount, smoothing, labels.device);
    }

    /// <summary>Dense targets from labels already read and checked by <see cref="Read"/>, created on <paramref name="device"/>.</summary>
    internal static Tensor BuildSoftTargets(MixPlan plan, HostLabels labels, int classCount, double smoothing, Device device)
    {
        using DisposeScope scope = NewDisposeScope();
        float[] targets = labels.Indices is int[] indices
            ? LabelMixer.ToSoftTargets(plan, indices, classCount, smoothing)
            : LabelMixer.ToSoftTargets(plan, labels.Soft!, classCount, smoothing);
        return tensor(targets, [plan.BatchSize, classCount], ScalarType.Float32, device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Reads labels whose shape and dtype <see cref="TensorChecks.Labels(int, Tensor, string)"/> accepted to the CPU and
    /// checks their values: class indices in [0, classCount), soft rows <paramref name="classCount"/> wide and each a
    /// distribution. Every exception names <c>labels</c> (or <c>classCount</c>).
    /// </summary>
    internal static HostLabels Read(Tensor labels, int classCount)
    {
        CheckClassCount(classCount);
        TorchSharpRuntime.EnsureLoadable();
        if (labels.dtype == ScalarType.Int64)
        {
            return new HostLabels(ReadIndices(labels, classCount), null);
        }

        if (labels.shape[1] != classCount)
        {
            throw new ArgumentException($"labels has rows of {labels.shape[1]} classes but classCount is {classCount}.", nameof(labels));
        }

        using DisposeScope scope = NewDisposeScope();
        float[] soft = labels.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        LabelMixer.CheckSoftRows(soft, classCount, nameof(labels));
        return new HostLabels(null, soft);
    }

    /// <summary>
    /// Compact targets: for each sample its own class (a), its partner's class (b) and the weight λ of a, for losses of
    /// the form <c>λ·ℓ(a) + (1 − λ)·ℓ(b)</c> and for the decoupled mixup loss.
    /// </summary>
    /// <param name="plan">The plan the images were mixed with.</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> (borrowed).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <returns>Three new tensors on the labels' device, owned by the caller (dispose the result).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The labels are not 1-D int64 with one value per sample.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside [0, classCount).</exception>
    public static CompactTargetTensors ToCompact(MixPlan plan, Tensor labels, int classCount)
    {
        TensorChecks.Labels(plan, labels, nameof(labels));
        CheckClassCount(classCount);
        if (labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"Compact targets need int64 class indices [B]; labels have dtype {labels.dtype}.", nameof(labels));
        }

        return BuildCompact(plan, Read(labels, classCount).Indices!, classCount, labels.device);
    }

    /// <summary>Compact targets from class indices already read and checked by <see cref="Read"/>, created on <paramref name="device"/>.</summary>
    internal static CompactTargetTensors BuildCompact(MixPlan plan, int[] indices, int classCount, Device device)
    {
        MixedTargets compact = LabelMixer.ToCompact(plan, indices, classCount);
        using DisposeScope scope = NewDisposeScope();
        Tensor a = tensor(compact.IndexA.ToArray().Select(v => (long)v).ToArray(), ScalarType.Int64, device);
        Tensor b = tensor(compact.IndexB.ToArray().Select(v => (long)v).ToArray(), ScalarType.Int64, device);
        Tensor lambda = tensor(compact.Lambda.ToArray(), ScalarType.Float32, device);
        return new CompactTargetTensors(a.MoveToOuterDisposeScope(), b.MoveToOuterDisposeScope(), lambda.MoveToOuterDisposeScope());
    }

    private static void CheckClassCount(int classCount)
    {
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be at least 1; it was {classCount}.");
        }
    }

    private static int[] ReadIndices(Tensor labels, int classCount)
    {
        using Tensor cpu = labels.cpu();
        using Tensor dense = cpu.contiguous();
        long[] values = dense.data<long>().ToArray();
        var indices = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] >= classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), values[i], $"Label {i} is {values[i]}, outside [0, {classCount}).");
            }

            indices[i] = (int)values[i];
        }

        return indices;
    }
}

/// <summary>Labels read to the CPU and checked: class indices, or soft rows (row-major float32).</summary>
internal readonly record struct HostLabels(int[]? Indices, float[]? Soft);

/// <summary>
/// Compact mixed targets as tensors: <see cref="IndexA"/> (int64, each sample's own class), <see cref="IndexB"/> (int64,
/// its partner's class) and <see cref="Lambda"/> (float32, the weight of <see cref="IndexA"/>).
/// </summary>
/// <remarks>The three tensors belong to the holder of this object: <see cref="Dispose"/> disposes them. If the object
/// was created inside a dispose scope, the tensors also belong to that scope.</remarks>
public sealed class CompactTargetTensors : IDisposable
{
    internal CompactTargetTensors(Tensor indexA, Tensor indexB, Tensor lambda)
    {
        IndexA = indexA;
        IndexB = indexB;
        Lambda = lambda;
    }

    /// <summary>Each sample's own class, int64 <c>[B]</c>.</summary>
    public Tensor IndexA { get; }

    /// <summary>Each sample's partner's class, int64 <c>[B]</c>.</summary>
    public Tensor IndexB { get; }

    /// <summary>The weight of <see cref="IndexA"/>, float32 <c>[B]</c> (the plan's lambda rounded to float).</summary>
    public Tensor Lambda { get; }

    /// <summary>Disposes the three tensors.</summary>
    public void Dispose()
    {
        IndexA.Dispose();
        IndexB.Dispose();
        Lambda.Dispose();
    }
}
