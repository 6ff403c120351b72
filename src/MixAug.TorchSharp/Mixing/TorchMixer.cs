using MixAug.Cpu;
using MixAug.Regions;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Applies a <see cref="MixPlan"/> to a tensor on the tensor's own device (CPU or CUDA), giving the elements
/// <see cref="CpuMixer"/> gives for the same plan. It draws no random numbers: all randomness is in the plan.
/// </summary>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md). Inputs are borrowed: the tensor is never disposed, mutated or kept.
/// The result is a fresh tensor that the caller owns and must dispose (directly or through a dispose scope), even when
/// the plan mixes nothing (then it is a copy, never the input object). Each call runs in its own
/// <c>NewDisposeScope</c> and moves only its result out, so the result joins the caller's current scope if there is
/// one and no temporary outlives the call.</para>
/// <para><b>Layouts and dtypes.</b> The tensor is <c>[B, …, spatial…]</c>: the plan's batch size first and the plan's
/// extent last, with any dimensions between (channels, views): images <c>[B, C, H, W]</c>, label maps
/// <c>[B, H, W]</c>, volumes; a plan of keeps and blends applies to any <c>[B, …]</c> tensor, a <c>[B, D]</c> feature
/// vector too. Any strides work (a permuted or sliced view). float32, float64, float16 and bfloat16 work for every plan,
/// and the result has the input's dtype. Integer tensors (uint8 images, int64 label maps) work for plans that only
/// select elements (keeps, boxes, tiles and binary masks); a blend, a soft mask or a resized partner throws
/// <see cref="ArgumentException"/>.
/// The result has the input's strides when the input is dense with the batch outermost (contiguous, or channels-last
/// made by <c>permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)</c>): such an input is neither copied to a
/// contiguous layout nor gathered into one. Other views give a contiguous result.</para>
/// <para><b>Arithmetic.</b> A blend writes <c>x[i]·(float)λ + x[p]·(float)(1 − λ)</c> (two multiplies and one add in
/// float32), a mask <c>x[i]·m + x[p]·(1 − m)</c> where m is strictly between 0 and 1 and copies x[i] where m is 1 and
/// x[p] where it is 0, a box or a tile copies its source's elements: bit for bit what <see cref="CpuMixer"/> writes for
/// finite inputs and the same mask; an element given wholly to one source (a mask weight of 1 or 0, a box, a tile) is that
/// source's element bit for bit, −0 and non-finite values included. Half-precision batches stay in their dtype: the
/// weights are float32, <c>x[p]·w'</c> is rounded to the dtype and <c>x[i]·w</c> added in float32 and rounded once, within
/// one unit in the last place of the float32 result rounded to the dtype (tested). A contiguous float32 CPU tensor
/// without gradient runs through <see cref="CpuMixer"/> itself; others through libtorch operations on the tensor's
/// device: a copy, then per kind of region one gather and one weighted sum or one masked selection. One exception to the
/// bit-for-bit agreement: a resized partner (<see cref="ResizeRegion"/>) and Mosaic's tiles (<see cref="MosaicRegion"/>)
/// go through libtorch's <c>interpolate</c> with antialiasing on this path, the same definition in libtorch's float arithmetic, within about 1e-5 of CpuMixer.</para>
/// <para><b>On a device.</b> Everything per element is built where the tensor lives, from the plan's compact recipe:
/// boxes from four <c>[n]</c> coordinate tensors, FMix noise from the kept bins of its spectrum, saliency masks from the
/// partners' small grids, thresholds by a stable sort (DeviceMasks); only a <see cref="MaskRegion"/>'s explicit weights
/// are uploaded per element. Uploads are made from pinned memory without blocking, and nothing is read back, so a call
/// does not wait for the device. Saliency masks are <see cref="RegionRasterizer"/>'s bit for bit; FMix noise is
/// synthesised in float64 where the CPU sums in float32, so an element whose noise value lies within about 1e-5 of the
/// image's range from the threshold may swap sides with another; each mask keeps exactly the plan's own count.</para>
/// <para><b>Gradients.</b> A tensor that requires grad goes through libtorch operations, so gradients flow to it.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads (dispose scopes are per thread).</threadsafety>
public static class TorchMixer
{
    /// <summary>Mixes <paramref name="images"/> by <paramref name="plan"/> into a new tensor.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="images">The batch (borrowed: not disposed, not changed).</param>
    /// <returns>A new tensor of the input's shape, dtype and device (and strides, for a dense input), owned by the caller.</returns>
    /// <remarks>See the remarks on <see cref="TorchMixer"/> for ownership and the arithmetic.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The tensor does not fit the plan (see the remarks), or its dtype is an integer
    /// type and the plan blends or soft-masks.</exception>
    public static Tensor Apply(MixPlan plan, Tensor images) => Apply(plan, images, allowCpuKernels: true);

    /// <summary>
    /// Mixes <paramref name="images"/> by <paramref name="plan"/> into <paramref name="destination"/>, for training loops
    /// that reuse one output buffer instead of allocating a batch per step.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="images">The batch (borrowed: not disposed, not changed).</param>
    /// <param name="destination">A tensor of the same shape, dtype and device that shares no memory with
    /// <paramref name="images"/>, does not require grad and has no overlapping elements (borrowed: overwritten, not
    /// disposed).</param>
    /// <remarks>Creates no tensor that outlives the call. See the remarks on <see cref="TorchMixer"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A shape, dtype or device differs, the two tensors share memory, the destination
    /// requires grad or overlaps itself (an <c>expand()</c> view), or the dtype is an integer type and the plan blends.</exception>
    public static void ApplyInto(MixPlan plan, Tensor images, Tensor destination)
    {
        TensorChecks.Images(plan, images, nameof(images));
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.shape.SequenceEqual(images.shape))
        {
            throw new ArgumentException($"destination has shape {TensorChecks.Describe(destination.shape)} but images have {TensorChecks.Describe(images.shape)}.", nameof(destination));
        }

        if (destination.dtype != images.dtype)
        {
            throw new ArgumentException($"destination has dtype {destination.dtype} but images have {images.dtype}.", nameof(destination));
        }

        TensorChecks.SameDevice(images, destination, nameof(destination));
        if (destination.requires_grad)
        {
            throw new ArgumentException("destination requires grad, so libtorch refuses to overwrite it in place; pass a tensor created without gradient (or detach it).", nameof(destination));
        }

        long[] shape = destination.shape, strides = destination.stride();
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] > 1 && strides[d] == 0)
            {
                throw new ArgumentException($"destination has stride 0 along dimension {d} (an expand() view), so its elements overlap; write to a tensor that owns every element.", nameof(destination));
            }
        }

        CheckDtype(plan, images.dtype);
        TorchSharpRuntime.EnsureLoadable();
        if (SharesMemory(images, destination))
        {
            throw new ArgumentException("destination shares memory with images; mixing reads other samples, so write to a separate tensor.", nameof(destination));
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
            throw new ArgumentException($"images have dtype {type}; use a floating-point or integer tensor.", "images");
        }

        for (int i = 0; i < plan.BatchSize; i++)
        {
            MixRegion region = plan.Regions[i];
            if (!region.Accept(SelectsOnly.Instance))
            {
                throw new ArgumentException(
                    $"images have integer dtype {type} but sample {i} of the plan ({plan.TransformName}) has a {region.Kind} region that weighs elements, which needs a floating-point tensor; convert it first (for example images.to(ScalarType.Float32)), or use CpuMixer for uint8 batches.",
                    "images");
            }
        }
    }

    private static bool CanUseCpuKernels(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && !t.requires_grad && t.is_contiguous() && t.numel() <= int.MaxValue;

    private static unsafe void RunCpuKernels(MixPlan plan, Tensor source, Tensor destination)
    {
        int count = (int)source.numel();
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
    private static Tensor MixWithOperations(MixPlan plan, Tensor x)
    {
        var groups = new TorchGroups(plan);
        Tensor blended = plan.ZeroPadsBlends ? ZeroPastLengths(plan, x) : x; // what blends read
        if (groups.Blends.Count == plan.BatchSize)
        {
            return BlendAll(plan, blended);
        }

        // clone() keeps a dense input's strides (channels-last stays channels-last); other views come out contiguous.
        Tensor result = x.clone();
        if (groups.Blends.Count > 0)
        {
            Blend(plan, blended, result, groups.Blends);
        }

        if (groups.Boxes.Count > 0)
        {
            Boxes(plan, x, result, groups.Boxes);
        }

        if (groups.Masks.Count > 0)
        {
            Masks(plan, x, result, groups.Masks);
        }

        foreach (int sample in groups.Tiles)
        {
            Tiles(plan, x, result, sample);
        }

        foreach (int sample in groups.BlendsOfMany)
        {
            BlendMany(plan, x, result, sample);
        }

        foreach (int sample in groups.Resizes)
        {
            Resize(plan, x, result, sample);
        }

        foreach (int sample in groups.Mosaics)
        {
            Mosaic(plan, x, result, sample);
        }

        return result;
    }

    /// <summary>
    /// The batch with every sample's padding (time steps at or after its valid length) replaced by zeros, for a
    /// zero-padded plan's blends: CpuMixer reads zeros there too, so the two agree bit for bit.
    /// </summary>
    private static Tensor ZeroPastLengths(MixPlan plan, Tensor x)
    {
        SpatialShape spatial = plan.Spatial;
        int extent = spatial.Rank == 1 ? spatial.Width : spatial.Depth;
        Tensor lengths = DeviceData.Upload([.. plan.ValidLengths.ToArray().Select(l => (long)l)], [plan.BatchSize, 1], x.device);
        Tensor padding = arange(extent, ScalarType.Int64, x.device).unsqueeze(0).ge(lengths); // [B, time]
        long[] dims = PerSample(plan.BatchSize, (int)x.dim());
        dims[(int)x.dim() - spatial.Rank] = extent; // [B, 1…, time(, 1, 1)]
        return x.masked_fill(padding.view(dims), 0);
    }

    /// <summary>Index tensors of a group of samples and of their partners, on the tensor's device.</summary>
    private static (Tensor Samples, Tensor Partners) Indices(MixPlan plan, List<int> samples, Device device) => (
        DeviceData.Upload([.. samples.Select(i => (long)i)], [samples.Count], device),
        DeviceData.Upload([.. samples.Select(i => (long)plan.Sources(i)[1])], [samples.Count], device));

    /// <summary>
    /// <c>x.index_select(0, index)</c> in <paramref name="x"/>'s memory layout: a dense tensor whose batch stride is the
    /// largest (contiguous, channels-last) is gathered as the contiguous permutation of itself, so the gathered batch has
    /// the same strides and elementwise operations between the two read both in order; other views gather contiguously.
    /// </summary>
    internal static Tensor Gather(Tensor x, Tensor index)
    {
        if (x.is_contiguous())
        {
            return x.index_select(0, index);
        }

        long[] strides = x.stride();
        long[] order = [.. Enumerable.Range(0, strides.Length).Select(d => (long)d).OrderByDescending(d => strides[d]).ThenBy(d => d)];
        Tensor dense = x.permute(order);
        if (order[0] != 0 || !dense.is_contiguous())
        {
            return x.index_select(0, index);
        }

        long[] inverse = new long[order.Length];
        for (int d = 0; d < order.Length; d++)
        {
            inverse[order[d]] = d;
        }

        return dense.index_select(0, index).permute(inverse);
    }

    /// <summary>
    /// <c>partner·w' + self·w</c> for a half-precision batch, kept in its dtype: the partner term is rounded to the dtype
    /// in place on the gathered partners (a fresh tensor), then <c>self·w</c> is added in float32 and the sum rounded
    /// once. The weights stay float32 (scalars or <c>[n, 1, …]</c> tensors), so no float32 copy of the batch is made.
    /// </summary>
    private static Tensor HalfBlend(Tensor self, Tensor partners, Tensor selfWeight, Tensor otherWeight) =>
        partners.mul_(otherWeight).addcmul_(self, selfWeight, 1);

    private static bool IsHalf(ScalarType type) => type is ScalarType.Float16 or ScalarType.BFloat16;

    /// <summary>The view shape that broadcasts one value per sample over the other dimensions: <c>[n, 1, 1, …]</c>.</summary>
    private static long[] PerSample(int count, int rank)
    {
        long[] dims = new long[rank];
        Array.Fill(dims, 1L);
        dims[0] = count;
        return dims;
    }

    /// <summary>
    /// Two-source blends: <c>x[i]·w + x[p]·w'</c> with CpuMixer's float weights (float64 tensors use the double weights);
    /// half precision through <see cref="HalfBlend"/>.
    /// </summary>
    private static void Blend(MixPlan plan, Tensor x, Tensor result, List<int> samples)
    {
        ScalarType type = x.dtype;
        ScalarType weightType = type == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        (Tensor index, Tensor partners) = Indices(plan, samples, x.device);
        bool single = weightType == ScalarType.Float32;
        double[] self = [.. samples.Select(i => single ? (float)plan.Weights(i)[0] : plan.Weights(i)[0])];
        double[] other = [.. samples.Select(i => single ? (float)plan.Weights(i)[1] : plan.Weights(i)[1])];
        long[] dims = PerSample(samples.Count, (int)x.dim());
        Tensor selfWeight = DeviceData.Upload(self, dims, weightType, x.device), otherWeight = DeviceData.Upload(other, dims, weightType, x.device);
        Tensor mixed = IsHalf(type)
            ? HalfBlend(Gather(x, index), Gather(x, partners), selfWeight, otherWeight)
            : Gather(x, index).mul(selfWeight).add_(Gather(x, partners).mul(otherWeight));
        result.index_copy_(0, index, mixed);
    }

    /// <summary>
    /// Every sample blended with its partner: no copy and no scatter, and one scalar weight pair when the whole batch
    /// shares one lambda (batch-mode Mixup), so the result is two multiplies and one add over a gathered batch.
    /// </summary>
    private static Tensor BlendAll(MixPlan plan, Tensor x)
    {
        ScalarType type = x.dtype;
        Tensor partners = DeviceData.Upload([.. Enumerable.Range(0, plan.BatchSize).Select(i => (long)plan.Sources(i)[1])], [plan.BatchSize], x.device);
        Tensor gathered = Gather(x, partners);
        double lambda = plan.Lambdas[0];
        bool shared = true;
        for (int i = 1; i < plan.BatchSize && shared; i++)
        {
            shared = plan.Lambdas[i] == lambda;
        }

        if (shared)
        {
            // libtorch rounds a scalar to the tensor's type (to float32, the compute type, for half precision), so
            // pass exactly (float)λ and (float)(1 − λ) as CpuMixer does.
            bool single = type != ScalarType.Float64;
            global::TorchSharp.Scalar selfScalar = single ? (float)lambda : lambda, otherScalar = single ? (float)plan.Weights(0)[1] : plan.Weights(0)[1];
            return IsHalf(type)
                ? gathered.mul_(otherScalar).add_(x, selfScalar) // x·λ added in float32 and rounded once
                : x.mul(selfScalar).add_(gathered.mul_(otherScalar));
        }

        ScalarType weightType = type == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        bool floats = weightType == ScalarType.Float32;
        long[] dims = PerSample(plan.BatchSize, (int)x.dim());
        double[] self = [.. Enumerable.Range(0, plan.BatchSize).Select(i => floats ? (float)plan.Weights(i)[0] : plan.Weights(i)[0])];
        double[] other = [.. Enumerable.Range(0, plan.BatchSize).Select(i => floats ? (float)plan.Weights(i)[1] : plan.Weights(i)[1])];
        Tensor selfWeight = DeviceData.Upload(self, dims, weightType, x.device), otherWeight = DeviceData.Upload(other, dims, weightType, x.device);
        return IsHalf(type)
            ? HalfBlend(x, gathered, selfWeight, otherWeight)
            : x.mul(selfWeight).add_(gathered.mul_(otherWeight));
    }

    /// <summary>
    /// Boxes: a boolean mask <c>[n, 1…, H, W]</c> built on the device from the boxes' four coordinates (four small
    /// uploads; a clip's box also its frame range, <c>[n, T, H, W]</c>), then one selection between the samples and their
    /// partners. It only selects, so it is exact for every dtype.
    /// </summary>
    private static void Boxes(MixPlan plan, Tensor x, Tensor result, List<int> samples)
    {
        Device device = x.device;
        SpatialShape spatial = plan.Spatial;
        BoxRegion[] boxes = [.. samples.Select(i => (BoxRegion)plan.Regions[i])];
        long[] column = [samples.Count, 1];
        Tensor top = DeviceData.Upload([.. boxes.Select(b => (long)b.Top)], column, device);
        Tensor bottom = DeviceData.Upload([.. boxes.Select(b => (long)b.Bottom)], column, device);
        Tensor left = DeviceData.Upload([.. boxes.Select(b => (long)b.Left)], column, device);
        Tensor right = DeviceData.Upload([.. boxes.Select(b => (long)b.Right)], column, device);
        Tensor rows = arange(spatial.Height, ScalarType.Int64, device).unsqueeze(0);
        Tensor columns = arange(spatial.Width, ScalarType.Int64, device).unsqueeze(0);
        Tensor inRows = rows.ge(top).logical_and_(rows.lt(bottom)); // [n, H]
        Tensor inColumns = columns.ge(left).logical_and_(columns.lt(right)); // [n, W]
        Tensor inside = inRows.unsqueeze(2).logical_and(inColumns.unsqueeze(1)); // [n, H, W]
        if (spatial.Rank == 1)
        {
            inside = inside.squeeze(1); // [n, L]: a sequence's rows are its single row
        }

        if (spatial.Rank == 3)
        {
            // Every frame unless the box has a frame range: [n, T] frames, then [n, T, H, W].
            Tensor first = DeviceData.Upload([.. boxes.Select(b => (long)b.FirstFrame)], column, device);
            Tensor end = DeviceData.Upload([.. boxes.Select(b => (long)(b.EndFrame ?? spatial.Depth))], column, device);
            Tensor frames = arange(spatial.Depth, ScalarType.Int64, device).unsqueeze(0);
            Tensor inFrames = frames.ge(first).logical_and_(frames.lt(end));
            inside = inFrames.unsqueeze(2).unsqueeze(3).logical_and(inside.unsqueeze(1));
        }

        // Inside the box the partner shows: the sample keeps its own elements where the mask is false.
        SelectWhere(plan, x, result, samples, Broadcastable(inside.logical_not(), (int)x.dim(), spatial.Rank));
    }

    /// <summary>
    /// Masks: own weights built on the device from the recipes (<see cref="DeviceMasks"/>); binary masks select, soft masks
    /// blend, and a weight of exactly 1 or 0 copies its source's element.
    /// </summary>
    private static void Masks(MixPlan plan, Tensor x, Tensor result, List<int> samples)
    {
        long[] dims = [samples.Count, .. plan.Spatial.ToDimensions().Select(d => (long)d)];
        Tensor m = DeviceMasks.OwnWeights(plan, samples, x.device).view(dims);
        Tensor broadcast = Broadcastable(m, (int)x.dim(), plan.Spatial.Rank);
        if (!TensorChecks.IsFloating(x.dtype) || DeviceMasks.AreBinary(plan, samples))
        {
            // Binary masks select (one where instead of two products and a sum); whether they are is known from the recipes.
            SelectWhere(plan, x, result, samples, broadcast.eq(0).logical_not());
            return;
        }

        (Tensor index, Tensor partners) = Indices(plan, samples, x.device);
        ScalarType weightType = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor own = broadcast.to(weightType);
        Tensor other = own.neg().add_(1.0); // 1 − m, rounded in the weights' type as CpuMixer's (1f − m)
        Tensor self = Gather(x, index), partner = Gather(x, partners);
        Tensor blended = IsHalf(x.dtype) ? HalfBlend(self, partner.clone(), own, other) : self.mul(own).add_(partner.mul(other));

        // Weights of exactly 1 and 0 copy their source's element, as CpuMixer does.
        result.index_copy_(0, index, where(broadcast.eq(1), self, where(broadcast.eq(0), partner, blended)));
    }

    /// <summary>result[i] = where(own, x[i], x[partner]) for the samples of <paramref name="samples"/>.</summary>
    private static void SelectWhere(MixPlan plan, Tensor x, Tensor result, List<int> samples, Tensor own)
    {
        (Tensor index, Tensor partners) = Indices(plan, samples, x.device);
        Tensor selected = where(own, Gather(x, index), Gather(x, partners));
        result.index_copy_(0, index, selected);
    }

    /// <summary>
    /// Reshapes a per-sample tensor over the extent (<c>[n, spatial…]</c>) to broadcast over the dimensions between the
    /// batch and the extent.
    /// </summary>
    private static Tensor Broadcastable(Tensor perSample, int rank, int spatialRank)
    {
        Tensor t = perSample;
        int middle = rank - 1 - spatialRank;
        for (int k = 0; k < middle; k++)
        {
            t = t.unsqueeze(1);
        }

        return t;
    }

    /// <summary>Tiles: each tile's source elements copied into the sample's output, in order.</summary>
    private static void Tiles(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        ReadOnlySpan<int> sources = plan.Sources(sample);
        int rank = plan.Spatial.Rank;
        foreach (Tile tile in ((TileRegion)plan.Regions[sample]).Tiles)
        {
            if (tile.Slot == 0)
            {
                Region(result[sample], rank, tile).copy_(Region(x[sample], rank, tile));
                continue;
            }

            Region(result[sample], rank, tile).copy_(Region(x[sources[tile.Slot]], rank, tile));
        }
    }

    /// <summary>The view of a tile's rectangle in one sample: the last axis (columns) and, for images and volumes, the rows.</summary>
    private static Tensor Region(Tensor sample, int spatialRank, Tile tile)
    {
        Tensor columns = sample.narrow(-1, tile.Left, tile.Right - tile.Left);
        return spatialRank == 1 ? columns : columns.narrow(-2, tile.Top, tile.Bottom - tile.Top);
    }

    /// <summary>
    /// A resized partner: libtorch's bilinear <c>interpolate</c> with antialiasing (ResizeRegion's definition, in
    /// libtorch's float arithmetic), in float32 for half precision, copied into the box. A sequence is a plane of height
    /// 1, and only the partner's first <see cref="ResizeRegion.PartnerLength"/> positions are resized when it has one.
    /// </summary>
    private static void Resize(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        var region = (ResizeRegion)plan.Regions[sample];
        int rank = plan.Spatial.Rank;
        ScalarType work = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor partner = x[plan.Sources(sample)[1]];
        if (region.PartnerLength is int length)
        {
            partner = partner.narrow(-1, 0, length); // the partner's valid part: nothing past it is read
        }

        partner = partner.to(work);
        long[] shape = partner.shape; // [..., H, W], or [..., L] for a sequence
        long height = rank == 1 ? 1 : shape[^2];
        Tensor planes = partner.reshape(1, -1, height, shape[^1]);
        long[] size = [region.Bottom - region.Top, region.Right - region.Left];
        Tensor resized = nn.functional.interpolate(planes, size, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        Tensor patch = (rank == 1 ? resized.reshape([.. shape[..^1], size[1]]) : resized.reshape([.. shape[..^2], size[0], size[1]])).to(x.dtype);
        Region(result[sample], rank, new Tile(1, region.Top, region.Left, region.Bottom, region.Right)).copy_(patch);
    }

    /// <summary>
    /// A mosaic: the four quadrants' sources gathered, resized to the tile in one libtorch <c>interpolate</c> (bilinear,
    /// antialiased: ResizeRegion's definition), and each tile's visible part copied into its quadrant.
    /// </summary>
    private static void Mosaic(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        var region = (MosaicRegion)plan.Regions[sample];
        ReadOnlySpan<int> sources = plan.Sources(sample);
        var quadrants = new long[MosaicRegion.Quadrants];
        for (int q = 0; q < quadrants.Length; q++)
        {
            quadrants[q] = sources[region.Slots[q]];
        }

        ScalarType work = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor planes = x.index_select(0, DeviceData.Upload(quadrants, [quadrants.Length], x.device)).to(work);
        long[] shape = planes.shape; // [4, ..., H, W]
        long[] size = [region.TileHeight, region.TileWidth];
        Tensor tiles = nn.functional.interpolate(planes.reshape(quadrants.Length, -1, shape[^2], shape[^1]), size, mode: InterpolationMode.Bilinear, align_corners: false, antialias: true)
            .reshape([.. shape[..^2], size[0], size[1]]).to(x.dtype);
        for (int q = 0; q < quadrants.Length; q++)
        {
            (int top, int left, int bottom, int right) = region.QuadrantBox(q);
            Tensor visible = tiles[q].narrow(-2, region.TileRow(top), bottom - top).narrow(-1, region.TileColumn(left), right - left);
            Region(result[sample], 2, new Tile(0, top, left, bottom, right)).copy_(visible);
        }
    }

    /// <summary>A blend of more than two sources: the running sum plus each source times its float weight, in slot order.</summary>
    private static void BlendMany(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        int[] sources = plan.Sources(sample).ToArray();
        double[] weights = plan.Weights(sample).ToArray();
        bool single = x.dtype != ScalarType.Float64;
        Tensor Weighted(int k) => x[sources[k]].to(single ? ScalarType.Float32 : ScalarType.Float64).mul(single ? (float)weights[k] : weights[k]);
        Tensor sum = Weighted(0).add_(Weighted(1));
        for (int k = 2; k < sources.Length; k++)
        {
            sum = sum.add_(Weighted(k));
        }

        result[sample].copy_(sum.to(x.dtype));
    }

    /// <summary>Whether a region only selects elements (so integer tensors can be mixed exactly).</summary>
    private sealed class SelectsOnly : IMixRegionVisitor<bool>
    {
        public static readonly SelectsOnly Instance = new();

        public bool VisitKeep(KeepRegion region) => true;

        public bool VisitBlend(BlendRegion region) => false;

        public bool VisitBox(BoxRegion region) => true;

        public bool VisitMask(MaskRegion region)
        {
            foreach (float w in region.Weights)
            {
                if (w is not (0f or 1f))
                {
                    return false;
                }
            }

            return true;
        }

        public bool VisitFourierMask(FourierMaskRegion region) => region.MaxSoft == 0 || region.OwnCount == 0 || region.OwnCount == region.Noise.Spatial.Size;

        public bool VisitSaliencyMask(SaliencyMaskRegion region) => true;

        public bool VisitTiles(TileRegion region) => true;

        public bool VisitSoftBox(SoftBoxRegion region) => false;

        public bool VisitResize(ResizeRegion region) => false;

        public bool VisitMosaic(MosaicRegion region) => false;
    }

    /// <summary>The samples of a plan sorted by how the libtorch path mixes them (kept samples are already in the copy).</summary>
    private sealed class TorchGroups : IMixRegionVisitor<List<int>?>
    {
        private int _sample;
        private MixPlan _plan;

        public TorchGroups(MixPlan plan)
        {
            _plan = plan;
            for (_sample = 0; _sample < plan.BatchSize; _sample++)
            {
                plan.Regions[_sample].Accept(this)?.Add(_sample);
            }
        }

        public List<int> Blends { get; } = [];

        public List<int> BlendsOfMany { get; } = [];

        public List<int> Boxes { get; } = [];

        public List<int> Masks { get; } = [];

        public List<int> Tiles { get; } = [];

        public List<int> Resizes { get; } = [];

        public List<int> Mosaics { get; } = [];

        public List<int>? VisitKeep(KeepRegion region) => null;

        public List<int>? VisitBlend(BlendRegion region) => _plan.Sources(_sample).Length == 2 ? Blends : BlendsOfMany;

        public List<int>? VisitBox(BoxRegion region) => Boxes;

        public List<int>? VisitMask(MaskRegion region) => Masks;

        public List<int>? VisitFourierMask(FourierMaskRegion region) => Masks;

        public List<int>? VisitSaliencyMask(SaliencyMaskRegion region) => Masks;

        public List<int>? VisitTiles(TileRegion region) => Tiles;

        public List<int>? VisitSoftBox(SoftBoxRegion region) => Masks;

        public List<int>? VisitResize(ResizeRegion region) => Resizes;

        public List<int>? VisitMosaic(MosaicRegion region) => Mosaics;
    }
}
