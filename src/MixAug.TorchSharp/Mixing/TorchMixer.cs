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
public static partial class TorchMixer
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
        CheckWritable(destination, nameof(destination));
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

    /// <summary>
    /// Mixes <paramref name="images"/> by <paramref name="plan"/> in place: afterwards the tensor holds the mixed batch.
    /// For a batch nothing else reads any more (a freshly stacked loader batch): on the CPU it spares the second
    /// batch-sized tensor that <see cref="Apply(MixPlan, Tensor)"/> makes, whose first writes cost more than the mixing
    /// for large batches (docs/torchsharp.md, "Cost").
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="images">The batch (borrowed: overwritten, not disposed). It must not require grad and must own
    /// every element (no <c>expand()</c> view).</param>
    /// <remarks>A contiguous float32 CPU tensor is mixed by <see cref="CpuMixer.ApplyInPlace(MixPlan, Span{float}, MixConfiguration?)"/>
    /// with no tensor made; any other is mixed by libtorch's operations into a temporary and copied back. The values are
    /// those of <see cref="Apply(MixPlan, Tensor)"/>.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The tensor does not fit the plan, requires grad, overlaps itself, or its dtype
    /// is an integer type and the plan blends; nothing is written then.</exception>
    public static void ApplyInPlace(MixPlan plan, Tensor images)
    {
        TensorChecks.Images(plan, images, nameof(images));
        CheckWritable(images, nameof(images));
        CheckDtype(plan, images.dtype);
        TorchSharpRuntime.EnsureLoadable();
        if (CanUseCpuKernels(images))
        {
            CpuMixer.ApplyInPlace(plan, NativeTensor.Writable<float>(images));
            return;
        }

        using DisposeScope scope = NewDisposeScope();
        images.copy_(MixWithOperations(plan, images));
    }

    /// <summary>
    /// Mixes a batch its caller owns and nothing else reads (a collate's freshly stacked images): in place where the
    /// CPU kernels run, returning <paramref name="images"/> itself with no second batch made; elsewhere into a new
    /// tensor as <see cref="Apply(MixPlan, Tensor)"/>, since in place would only add a copy back.
    /// </summary>
    internal static Tensor MixOwned(MixPlan plan, Tensor images)
    {
        if (!CanUseCpuKernels(images))
        {
            return Apply(plan, images);
        }

        ApplyInPlace(plan, images);
        return images;
    }

    /// <summary>Refuses a tensor that cannot be written (a destination, a batch mixed in place): one that requires grad
    /// (libtorch refuses to overwrite it) or overlaps itself.</summary>
    internal static void CheckWritable(Tensor images, string name)
    {
        if (images.requires_grad)
        {
            throw new ArgumentException($"{name} requires grad, so libtorch refuses to overwrite it in place; pass a tensor created without gradient (or detach it).", name);
        }

        CheckOwnsEveryElement(images, name);
    }

    /// <summary>Refuses a tensor with stride 0 along a dimension longer than 1 (an <c>expand()</c> view): writing it
    /// would write one element for several.</summary>
    private static void CheckOwnsEveryElement(Tensor t, string name)
    {
        long[] shape = t.shape, strides = t.stride();
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] > 1 && strides[d] == 0)
            {
                throw new ArgumentException($"{name} has stride 0 along dimension {d} (an expand() view), so its elements overlap; write to a tensor that owns every element.", name);
            }
        }
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

    private static bool CanUseCpuKernels(Tensor t) =>
        t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32 && !t.requires_grad && t.is_contiguous() && t.numel() <= int.MaxValue;

    private static void RunCpuKernels(MixPlan plan, Tensor source, Tensor destination) =>
        CpuMixer.Apply(plan, NativeTensor.Elements<float>(source), NativeTensor.Writable<float>(destination));

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
