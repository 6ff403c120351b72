using MixAug.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Labels;

/// <summary>
/// Mixes label tensors by the same <see cref="MixPlan"/> as the images, on the labels' device, with
/// <see cref="LabelMixer"/>'s arithmetic (float64, in slot order, rounded once to float32), so the numbers are exactly
/// LabelMixer's and a call never waits for the device: only the plan's sources and weights are uploaded.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): the labels are borrowed (never disposed, changed or kept); every
/// returned tensor is new and owned by the caller. Temporaries live in a per-call dispose scope.</para>
/// <para><b>Inputs.</b> Class indices: 1-D int64 <c>[B]</c>, each in [0, classCount). Soft labels: 2-D floating point
/// <c>[B, classCount]</c>, each row a distribution. Shapes and dtypes are checked on every device. The values are checked
/// where reading them costs no synchronisation, on the CPU; on a GPU they are not read (reading them would make the host
/// wait for every kernel queued before), so a class index outside [0, classCount) there gives a row without its class
/// (the smoothing mass only), and soft rows are mixed as they are.</para>
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
    /// <exception cref="ArgumentException">The labels' dtype, rank or row count is wrong, soft rows are not
    /// <paramref name="classCount"/> wide, or (labels on the CPU) a soft row is not a distribution.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count or the smoothing is out of range, B × classCount exceeds
    /// <see cref="LabelMixer.MaxDenseElements"/>, or (labels on the CPU) a class index is outside [0, classCount).</exception>
    public static Tensor ToSoftTargets(MixPlan plan, Tensor labels, int classCount, double smoothing = 0)
    {
        TensorChecks.Labels(plan, labels, nameof(labels));
        CheckSmoothing(smoothing);
        Check(labels, classCount);
        long size = (long)plan.BatchSize * classCount;
        if (size > LabelMixer.MaxDenseElements)
        {
            throw new ArgumentOutOfRangeException(
                nameof(classCount),
                $"Dense targets for {plan.BatchSize} samples x {classCount} classes would need {size} floats, more than the {LabelMixer.MaxDenseElements} allowed; use ToCompact.");
        }

        return BuildSoftTargets(plan, labels, classCount, smoothing);
    }

    /// <summary>
    /// Checks labels whose shape and dtype <see cref="TensorChecks.Labels(int, Tensor, string)"/> accepted: the class count,
    /// soft rows <paramref name="classCount"/> wide, and, for labels on the CPU, their values (class indices in
    /// [0, classCount), soft rows that are distributions). Every exception names <c>labels</c> (or <c>classCount</c>).
    /// </summary>
    internal static void Check(Tensor labels, int classCount)
    {
        CheckClassCount(classCount);
        TorchSharpRuntime.EnsureLoadable();
        if (labels.dtype != ScalarType.Int64 && labels.shape[1] != classCount)
        {
            throw new ArgumentException($"labels has rows of {labels.shape[1]} classes but classCount is {classCount}.", nameof(labels));
        }

        if (labels.device_type != DeviceType.CPU)
        {
            return; // reading the values would synchronise with the device (see the remarks)
        }

        using DisposeScope scope = NewDisposeScope();
        if (labels.dtype == ScalarType.Int64)
        {
            long[] values = labels.contiguous().data<long>().ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                if (values[i] < 0 || values[i] >= classCount)
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), values[i], $"Label {i} is {values[i]}, outside [0, {classCount}).");
                }
            }

            return;
        }

        float[] soft = labels.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        LabelMixer.CheckSoftRows(soft, classCount, nameof(labels));
    }

    /// <summary>
    /// Dense targets from checked labels, on their device: per class c, Σₖ wₖ·(y[sourceₖ] is c ? on : off) in float64
    /// and slot order (exactly off where no source has c, on where every source has it), or for soft rows
    /// <c>(1 − ε)·Σₖ wₖ·y[sourceₖ] + ε/K</c>; rounded once to float32.
    /// </summary>
    internal static Tensor BuildSoftTargets(MixPlan plan, Tensor labels, int classCount, double smoothing)
    {
        using DisposeScope scope = NewDisposeScope();
        Device device = labels.device;
        int b = plan.BatchSize, slots = plan.MaxSourceCount;

        // The plan's sources and weights as [B, slots] tables; a sample with fewer sources repeats itself with weight 0,
        // and adding 0 leaves the float64 sum unchanged.
        long[] sources = new long[b * slots];
        double[] weights = new double[b * slots];
        bool[] present = new bool[b * slots];
        for (int i = 0; i < b; i++)
        {
            ReadOnlySpan<int> from = plan.Sources(i);
            ReadOnlySpan<double> w = plan.Weights(i);
            for (int k = 0; k < slots; k++)
            {
                bool has = k < from.Length;
                sources[(i * slots) + k] = has ? from[k] : i;
                weights[(i * slots) + k] = has ? w[k] : 0.0;
                present[(i * slots) + k] = has;
            }
        }

        Tensor source = DeviceData.Upload(sources, [b, slots], device);
        Tensor weight = DeviceData.Upload(weights, [b, slots], ScalarType.Float64, device);
        double off = smoothing / classCount, on = 1.0 - smoothing + off;
        using Scalar offScalar = off.ToScalar();
        Tensor targets;
        if (labels.dtype == ScalarType.Int64)
        {
            using Scalar onScalar = on.ToScalar();
            Tensor valid = DeviceData.Upload([.. present.Select(p => p ? 1L : 0L)], [b, slots], device).eq(KeptScalars.One);
            Tensor classes = DeviceData.Range(classCount, device).unsqueeze(0);
            Tensor onValue = full([1, 1], onScalar, ScalarType.Float64, device), offValue = full([1, 1], offScalar, ScalarType.Float64, device);
            Tensor sum = zeros([b, classCount], ScalarType.Float64, device);
            Tensor any = zeros([b, classCount], ScalarType.Bool, device), all = ones([b, classCount], ScalarType.Bool, device);
            for (int k = 0; k < slots; k++)
            {
                Tensor match = labels.index_select(0, source.select(1, k)).unsqueeze(1).eq(classes); // [B, K]
                Tensor slotValid = valid.select(1, k).unsqueeze(1);
                any = any.logical_or_(match.logical_and(slotValid));
                all = all.logical_and_(match.logical_or(slotValid.logical_not()));
                sum = sum.add_(where(match, onValue, offValue).mul_(weight.select(1, k).unsqueeze(1)), KeptScalars.One);
            }

            targets = where(any, where(all, onValue, sum), offValue);
        }
        else
        {
            Tensor soft = labels.detach().to(ScalarType.Float64);
            Tensor mixed = zeros([b, classCount], ScalarType.Float64, device);
            for (int k = 0; k < slots; k++)
            {
                mixed = mixed.add_(soft.index_select(0, source.select(1, k)).mul_(weight.select(1, k).unsqueeze(1)), KeptScalars.One);
            }

            using Scalar kept = (1.0 - smoothing).ToScalar();
            targets = mixed.mul_(kept).add_(offScalar, KeptScalars.One);
        }

        return targets.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Compact targets: for each sample its own class (a), its partner's class (b) and the weight λ of a, for losses of
    /// the form <c>λ·ℓ(a) + (1 − λ)·ℓ(b)</c> and for the decoupled mixup loss.
    /// </summary>
    /// <param name="plan">The pairwise plan the images were mixed with.</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> (borrowed).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <returns>Three new tensors on the labels' device, owned by the caller (dispose the result).</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The labels are not 1-D int64 with one value per sample, or the plan has samples
    /// of more than two sources.</exception>
    /// <exception cref="ArgumentOutOfRangeException">(Labels on the CPU) a class index is outside [0, classCount).</exception>
    public static CompactTargetTensors ToCompact(MixPlan plan, Tensor labels, int classCount)
    {
        TensorChecks.Labels(plan, labels, nameof(labels));
        CheckClassCount(classCount);
        if (labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"Compact targets need int64 class indices [B]; labels have dtype {labels.dtype}.", nameof(labels));
        }

        Check(labels, classCount);
        return BuildCompact(plan, labels);
    }

    /// <summary>Compact targets from checked int64 labels, on their device: a = the labels, b = the partners' labels, λ as float32.</summary>
    internal static CompactTargetTensors BuildCompact(MixPlan plan, Tensor labels)
    {
        if (!plan.IsPairwise)
        {
            throw new ArgumentException($"Compact targets (a, b, λ) hold two classes per sample, but this {plan.TransformName} plan has samples with up to {plan.MaxSourceCount} sources; use ToSoftTargets.", nameof(plan));
        }

        using DisposeScope scope = NewDisposeScope();
        Device device = labels.device;
        Tensor partners = DeviceData.Upload([.. plan.Partners.ToArray().Select(p => (long)p)], [plan.BatchSize], device);
        Tensor a = labels.detach().clone();
        Tensor b = labels.detach().index_select(0, partners);
        Tensor lambda = DeviceData.Upload([.. plan.Lambdas.ToArray().Select(l => (float)l)], [plan.BatchSize], device);
        return new CompactTargetTensors(a.MoveToOuterDisposeScope(), b.MoveToOuterDisposeScope(), lambda.MoveToOuterDisposeScope());
    }

    private static void CheckClassCount(int classCount)
    {
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"classCount must be at least 1; it was {classCount}.");
        }
    }

    private static void CheckSmoothing(double smoothing)
    {
        if (!(smoothing >= 0 && smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must lie in [0, 1); it was {smoothing}.");
        }
    }
}

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
