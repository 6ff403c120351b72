using MixAug.Cpu;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Applies a <see cref="MixPlan"/> to a batch tensor on the tensor's own device (CPU or CUDA), giving the pixels
/// <see cref="CpuMixer"/> gives for the same plan. It draws no random numbers: all randomness is in the plan.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md). Inputs are borrowed: the images are never disposed, mutated or
/// kept. The result is a fresh tensor that the caller owns and must dispose (directly or through a dispose scope),
/// even when the plan mixes nothing (then it is a copy, never the input object). Each call runs in its own
/// <c>NewDisposeScope</c> and moves only its result out, so the result joins the caller's current scope if there is
/// one and no temporary outlives the call.</para>
/// <para><b>Layouts and dtypes.</b> Images are <c>[B, C, L]</c>, <c>[B, C, H, W]</c> or <c>[B, C, D, H, W]</c>, matching
/// the plan's shape; any strides (a permuted or sliced view works). float32, float64, float16 and bfloat16 work for
/// every plan, and the result has the input's dtype; half-precision batches are mixed in float32 and rounded once.
/// Integer batches (uint8 …) work only for plans that merely select pixels (Keep and Box regions, such as CutMix);
/// a blend or a mask throws <see cref="ArgumentException"/>. The result is contiguous.</para>
/// <para><b>Arithmetic.</b> A blend writes <c>x[i]·(float)λ + x[p]·(float)(1 − λ)</c> (two multiplies and one add in
/// float32), a mask <c>x[i]·m + x[p]·(1 − m)</c>, a box copies the partner's pixels: bit for bit what
/// <see cref="CpuMixer"/> writes for finite inputs. A contiguous float32 CPU batch without gradient runs through
/// <see cref="CpuMixer"/> itself; other batches through libtorch operations: one gather of the partners plus one
/// weighted sum, or, when only boxes move, a copy plus one gather and scatter of the box per distinct box.</para>
/// <para><b>Gradients.</b> A batch that requires grad goes through libtorch operations, so gradients flow to it.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads (dispose scopes are per thread).</threadsafety>
public static class TorchMixer
{
    /// <summary>Above this many distinct boxes in one plan, boxes are applied as one mask instead of box by box.</summary>
    private const int MaxBoxGroups = 8;

    /// <summary>Mixes <paramref name="images"/> by <paramref name="plan"/> into a new tensor.</summary>
    /// <param name="plan">The plan; its shape must equal the images' shape.</param>
    /// <param name="images">The batch (borrowed: not disposed, not changed).</param>
    /// <returns>A new contiguous tensor of the images' shape, dtype and device, owned by the caller.</returns>
    /// <remarks>See the remarks on <see cref="TorchMixer"/> for ownership and the arithmetic.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The images' rank or shape differs from the plan's, the batch is empty, or the
    /// dtype is an integer type and the plan blends or masks.</exception>
    public static Tensor Apply(MixPlan plan, Tensor images) => Apply(plan, images, allowCpuKernels: true);

    /// <summary>
    /// Mixes <paramref name="images"/> by <paramref name="plan"/> into <paramref name="destination"/>, for training loops
    /// that reuse one output buffer instead of allocating a batch per step.
    /// </summary>
    /// <param name="plan">The plan; its shape must equal the images' shape.</param>
    /// <param name="images">The batch (borrowed: not disposed, not changed).</param>
    /// <param name="destination">A tensor of the same shape, dtype and device that shares no memory with
    /// <paramref name="images"/> (borrowed: overwritten, not disposed).</param>
    /// <remarks>Creates no tensor that outlives the call. See the remarks on <see cref="TorchMixer"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A shape, dtype or device differs, the two tensors share memory, or the dtype is
    /// an integer type and the plan blends or masks.</exception>
    public static void ApplyInto(MixPlan plan, Tensor images, Tensor destination)
    {
        TensorChecks.Images(plan, images, nameof(images));
        TensorChecks.Images(plan, destination, nameof(destination));
        if (destination.dtype != images.dtype)
        {
            throw new ArgumentException($"destination has dtype {destination.dtype} but images have {images.dtype}.", nameof(destination));
        }

        TensorChecks.SameDevice(images, destination, nameof(destination));
        CheckDtype(plan, images.dtype);
        TorchSharpRuntime.EnsureLoadable();
        if (SharesMemory(images, destination))
        {
            throw new ArgumentException("destination shares memory with images; mixing reads partner samples, so write to a separate tensor.", nameof(destination));
        }

        if (CanUseCpuKernels(images) && CanUseCpuKernels(destination))
        {
            RunCpuKernels(plan, images, destination);
            return;
        }

        using DisposeScope scope = NewDisposeScope();
        Tensor result = MixWithOperations(plan, images);
        destination.copy_(result);
    }

    /// <summary>The entry point with the choice of path, so that tests can hold the libtorch path against CpuMixer.</summary>
    internal static Tensor Apply(MixPlan plan, Tensor images, bool allowCpuKernels)
    {
        TensorChecks.Images(plan, images, nameof(images));
        CheckDtype(plan, images.dtype);
        TorchSharpRuntime.EnsureLoadable();
        using DisposeScope scope = NewDisposeScope();
        Tensor result;
        if (allowCpuKernels && CanUseCpuKernels(images))
        {
            result = empty(images.shape, ScalarType.Float32, images.device);
            RunCpuKernels(plan, images, result);
        }
        else
        {
            result = MixWithOperations(plan, images);
        }

        return result.MoveToOuterDisposeScope();
    }

    private static void CheckDtype(MixPlan plan, ScalarType type)
    {
        if (TensorChecks.IsFloating(type))
        {
            return;
        }

        if (type is ScalarType.Bool or ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64)
        {
            throw new ArgumentException($"images have dtype {type}; use a floating-point or integer batch.", "images");
        }

        foreach (MixRegion region in plan.Regions)
        {
            if (region.Kind is MixRegionKind.Blend or MixRegionKind.Mask)
            {
                throw new ArgumentException(
                    $"images have integer dtype {type} but the plan ({plan.TransformName}) has {region.Kind} regions, which need a floating-point batch; convert the batch first (for example images.to(ScalarType.Float32)), or use CpuMixer for uint8 batches.",
                    "images");
            }
        }
    }

    private static bool CanUseCpuKernels(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && !t.requires_grad && t.is_contiguous();

    private static unsafe void RunCpuKernels(MixPlan plan, Tensor source, Tensor destination)
    {
        int count = plan.Shape.ElementCount;
        var from = new ReadOnlySpan<float>((void*)NativeTensor.DataPointer(source), count);
        var to = new Span<float>((void*)NativeTensor.DataPointer(destination), count);
        CpuMixer.Apply(plan, from, to);
    }

    private static bool SharesMemory(Tensor a, Tensor b)
    {
        // Compare the byte ranges each tensor can reach; for the contiguous tensors of a training loop they are exact.
        long aStart = (long)NativeTensor.DataPointer(a), bStart = (long)NativeTensor.DataPointer(b);
        long aEnd = aStart + (Reach(a) * a.ElementSize), bEnd = bStart + (Reach(b) * b.ElementSize);
        return aStart < bEnd && bStart < aEnd;
    }

    private static long Reach(Tensor t)
    {
        long[] shape = t.shape, strides = t.stride();
        long reach = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            reach += (shape[d] - 1) * Math.Abs(strides[d]);
        }

        return reach;
    }

    /// <summary>The libtorch path; every tensor it makes but the result belongs to the caller's (internal) scope.</summary>
    private static Tensor MixWithOperations(MixPlan plan, Tensor images)
    {
        bool anyWeighted = false, anyBox = false;
        foreach (MixRegion region in plan.Regions)
        {
            anyWeighted |= region.Kind is MixRegionKind.Blend or MixRegionKind.Mask;
            anyBox |= region.Kind == MixRegionKind.Box;
        }

        if (!anyWeighted && !anyBox)
        {
            return FreshCopy(images);
        }

        using Tensor partners = PartnerIndex(plan, images.device);
        return anyWeighted ? Weighted(plan, images, partners) : Boxes(plan, images);
    }

    /// <summary>A contiguous copy that never aliases the input (<c>contiguous()</c> alone would return a view of it).</summary>
    private static Tensor FreshCopy(Tensor images) =>
        images.is_contiguous() ? images.clone() : images.contiguous();

    /// <summary>Partner of each sample, with kept samples pointing at themselves so that they read only their own pixels.</summary>
    private static Tensor PartnerIndex(MixPlan plan, Device device)
    {
        var index = new long[plan.BatchSize];
        for (int i = 0; i < index.Length; i++)
        {
            index[i] = plan.IsMixed(i) ? plan.Partners[i] : i;
        }

        return tensor(index, ScalarType.Int64, device);
    }

    /// <summary>
    /// Blends and masks (with any boxes and keeps): <c>x·w + x[partner]·w'</c>, with the weights of the sample itself
    /// and of its partner as separate tensors so that the arithmetic is CpuMixer's. One weight per sample
    /// (<c>[B, 1, 1…]</c>, broadcast) when every region is a blend or a keep, one per plane element otherwise.
    /// </summary>
    private static Tensor Weighted(MixPlan plan, Tensor x, Tensor partners)
    {
        ScalarType type = x.dtype;
        ScalarType weightType = type == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor gathered = x.index_select(0, partners);
        if (UniformBlend(plan) is double lambda && type is ScalarType.Float32 or ScalarType.Float64)
        {
            // One lambda for the whole batch: scalars, no weight tensor. For float32 libtorch rounds the scalar to
            // float, so pass exactly (float)λ and (float)(1 − λ) as CpuMixer does.
            double self = type == ScalarType.Float32 ? (float)lambda : lambda;
            double other = type == ScalarType.Float32 ? (float)(1.0 - lambda) : 1.0 - lambda;
            Tensor result = x.mul(self);
            gathered.mul_(other);
            return result.add_(gathered);
        }

        (Tensor selfWeights, Tensor partnerWeights) = WeightTensors(plan, weightType, x.device);
        Tensor mixed = x.mul(selfWeights);
        mixed.add_(gathered.mul(partnerWeights));
        return mixed.dtype == type ? mixed.contiguous() : mixed.to(type);
    }

    /// <summary>The lambda when every sample is blended with one lambda (batch-mode MixUp), otherwise null.</summary>
    private static double? UniformBlend(MixPlan plan)
    {
        double lambda = plan.Lambdas[0];
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i].Kind != MixRegionKind.Blend || plan.Lambdas[i] != lambda)
            {
                return null;
            }
        }

        return lambda;
    }

    private static (Tensor Self, Tensor Partner) WeightTensors(MixPlan plan, ScalarType type, Device device)
    {
        BatchShape shape = plan.Shape;
        bool perElement = plan.Regions.Any(r => r.Kind is MixRegionKind.Mask or MixRegionKind.Box);
        int plane = perElement ? shape.PlaneSize : 1;
        long[] dims = new long[shape.SpatialRank + 2];
        Array.Fill(dims, 1L);
        dims[0] = plan.BatchSize;
        if (perElement)
        {
            int[] full = shape.ToDimensions();
            for (int d = 2; d < dims.Length; d++)
            {
                dims[d] = full[d];
            }
        }

        var self = new double[plan.BatchSize * plane];
        var other = new double[plan.BatchSize * plane];
        bool single = type == ScalarType.Float32;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            var s = self.AsSpan(i * plane, plane);
            var o = other.AsSpan(i * plane, plane);
            double lambda = plan.Lambdas[i];
            switch (plan.Regions[i])
            {
                case BlendRegion:
                    // CpuMixer's weights: (float)λ and (float)(1 − λ), the complement taken in double.
                    s.Fill(single ? (float)lambda : lambda);
                    o.Fill(single ? (float)(1.0 - lambda) : 1.0 - lambda);
                    break;
                case MaskRegion mask:
                    ReadOnlySpan<float> m = mask.Weights;
                    for (int k = 0; k < plane; k++)
                    {
                        s[k] = m[k];
                        o[k] = single ? 1f - m[k] : 1.0 - m[k];
                    }

                    break;
                case BoxRegion box:
                    s.Fill(1.0);
                    o.Clear();
                    for (int d = 0; d < shape.Depth; d++)
                    {
                        for (int r = box.Top; r < box.Bottom; r++)
                        {
                            int row = ((d * shape.Height) + r) * shape.Width;
                            s.Slice(row + box.Left, box.Right - box.Left).Clear();
                            o.Slice(row + box.Left, box.Right - box.Left).Fill(1.0);
                        }
                    }

                    break;
                default:
                    s.Fill(1.0);
                    o.Clear();
                    break;
            }
        }

        Tensor selfWeights = tensor(self, dims, type, device);
        Tensor partnerWeights = tensor(other, dims, type, device);
        return (selfWeights, partnerWeights);
    }

    /// <summary>
    /// Plans that only move boxes (CutMix): a copy of the batch, then for each distinct box one gather of the partners'
    /// box contents and one scatter into the copy; with many distinct boxes, one boolean mask and <c>where</c>.
    /// Both only select pixels, so they work for every dtype and are exact.
    /// </summary>
    private static Tensor Boxes(MixPlan plan, Tensor x)
    {
        var groups = new Dictionary<(int Top, int Left, int Bottom, int Right), List<int>>();
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i] is BoxRegion box)
            {
                var key = (box.Top, box.Left, box.Bottom, box.Right);
                if (!groups.TryGetValue(key, out List<int>? members))
                {
                    groups[key] = members = [];
                }

                members.Add(i);
            }
        }

        if (groups.Count > MaxBoxGroups)
        {
            return BoxesAsMask(plan, x);
        }

        Tensor result = FreshCopy(x);
        int rank = plan.Shape.SpatialRank;
        foreach (((int top, int left, int bottom, int right), List<int> members) in groups)
        {
            long[] samples = [.. members.Select(i => (long)i)];
            long[] partners = [.. members.Select(i => (long)plan.Partners[i])];
            using Tensor sampleIndex = tensor(samples, ScalarType.Int64, x.device);
            using Tensor partnerIndex = tensor(partners, ScalarType.Int64, x.device);
            using Tensor source = BoxView(x, rank, top, left, bottom, right);
            using Tensor target = BoxView(result, rank, top, left, bottom, right);
            using Tensor moved = source.index_select(0, partnerIndex);
            target.index_copy_(0, sampleIndex, moved);
        }

        return result;
    }

    private static Tensor BoxView(Tensor t, int spatialRank, int top, int left, int bottom, int right)
    {
        // A box spans the last axis (columns) and, for images and volumes, the one before it (rows); a volume's box
        // covers every depth slice, and a sequence's rows are its single implicit row.
        using Tensor columns = t.narrow(-1, left, right - left);
        return spatialRank == 1 ? columns.alias() : columns.narrow(-2, top, bottom - top);
    }

    private static Tensor BoxesAsMask(MixPlan plan, Tensor x)
    {
        BatchShape shape = plan.Shape;
        int plane = shape.PlaneSize;
        var take = new bool[plan.BatchSize * plane];
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i] is BoxRegion box)
            {
                for (int d = 0; d < shape.Depth; d++)
                {
                    for (int r = box.Top; r < box.Bottom; r++)
                    {
                        int row = (i * plane) + (((d * shape.Height) + r) * shape.Width);
                        take.AsSpan(row + box.Left, box.Right - box.Left).Fill(true);
                    }
                }
            }
        }

        int[] full = shape.ToDimensions();
        long[] dims = [.. full.Select(v => (long)v)];
        dims[1] = 1;
        using Tensor mask = tensor(take, dims, device: x.device);
        using Tensor partners = PartnerIndex(plan, x.device);
        using Tensor gathered = x.index_select(0, partners);
        return where(mask, gathered, x).contiguous();
    }
}
