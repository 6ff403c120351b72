using MixAug.Randomness;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;

namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// One mixing step of a TorchSharp training loop: computes the features the policy needs on the batch's device
/// (<see cref="TorchFeatures"/>: saliency for SaliencyMix), draws a plan with MixAug's own generator (never torch's),
/// mixes the images and the labels with it, and returns both with the plan.
/// </summary>
/// <example>
/// <code>
/// var mix = new MixModule(new MixChoice((new MixUp(0.8), 1), (new CutMix(1.0), 1)), new MixRandom(seed), classCount: 1000, smoothing: 0.1);
/// foreach (var (images, labels) in loader)
/// {
///     using var scope = torch.NewDisposeScope();
///     using MixedBatch batch = mix.Forward(images, labels);
///     Tensor loss = MixLosses.SoftTargetCrossEntropy(model.forward(batch.Images), batch.Targets);
///     ...
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Ownership</b> (see docs/ownership.md): images and labels are borrowed; the returned
/// <see cref="MixedBatch"/> holds new tensors that its holder disposes. With <c>inPlace</c> the images are written: the
/// batch passed in holds the mixed images, and <see cref="MixedBatch.Images"/> is a new handle on the same memory.</para>
/// <para><b>Reproducibility.</b> The plan depends only on the policy, the generator's state and the batch shape; seed
/// the generator per batch with <see cref="MixRandom.ForBatch"/> to make each batch independent of the ones before it.</para>
/// </remarks>
/// <threadsafety>Not thread-safe (the generator has state): create one module per worker.</threadsafety>
public sealed class MixModule
{
    private readonly IMixRandom _random;

    /// <summary>Creates a module.</summary>
    /// <param name="policy">The transform that draws the plans (MixUp, CutMix, MixChoice, …).</param>
    /// <param name="random">The generator the plans are drawn from; the module takes it over.</param>
    /// <param name="classCount">Number of classes of the labels.</param>
    /// <param name="smoothing">Label smoothing of the dense targets, in [0, 1).</param>
    /// <param name="compactTargets">Return (a, b, λ) tensors instead of dense targets.</param>
    /// <param name="inPlace">Mix the images in place (<see cref="TorchMixer.ApplyInPlace"/>): the batch passed in
    /// holds the mixed images afterwards and <see cref="MixedBatch.Images"/> is a second handle on it. For a batch
    /// nothing else reads (a loader's): on the CPU it spares a new batch-sized tensor per step.</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> or <paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="policy"/> draws from class maps (Transplantation), which the module does not have.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not positive or <paramref name="smoothing"/> is outside [0, 1).</exception>
    public MixModule(IMixTransform policy, IMixRandom random, int classCount, double smoothing = 0, bool compactTargets = false, bool inPlace = false)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(random);
        FeatureRequirements.RefuseClassMaps(policy, "MixModule (images and labels only)", nameof(policy));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (!(smoothing >= 0 && smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must lie in [0, 1); it was {smoothing}.");
        }

        Policy = policy;
        _random = random;
        ClassCount = classCount;
        Smoothing = smoothing;
        CompactTargets = compactTargets;
        InPlace = inPlace;
    }

    /// <summary>The transform that draws the plans.</summary>
    public IMixTransform Policy { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Label smoothing of the dense targets.</summary>
    public double Smoothing { get; }

    /// <summary>Whether <see cref="Forward(Tensor, Tensor)"/> returns compact (a, b, λ) targets instead of dense ones.</summary>
    public bool CompactTargets { get; }

    /// <summary>Whether the images are mixed in place (the batch passed in is overwritten; see the constructor).</summary>
    public bool InPlace { get; }

    /// <summary>Draws a plan for the batch and applies it to the images and the labels.</summary>
    /// <param name="images">The batch, <c>[B, C, H, W]</c> (or 3-D / 5-D) on any device (borrowed).</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> or soft labels <c>[B, classes]</c> on the images' device (borrowed).</param>
    /// <returns>The mixed images, the targets and the plan; new tensors owned by the caller.</returns>
    /// <remarks>Every argument is checked before the plan is drawn, so a rejected call leaves the generator as it was.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The images are not a batch of rank 3, 4 or 5, the labels do not match them (shape,
    /// dtype, or soft rows that are not distributions), or the two are on different devices.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index of labels on the CPU is outside [0, <see cref="ClassCount"/>)
    /// (on a GPU the values are not read, see <see cref="TorchLabelMixer"/>).</exception>
    public MixedBatch Forward(Tensor images, Tensor labels) => Mix(images, labels, null);

    /// <summary>
    /// Draws a plan for a padded batch of sequences <c>[B, C, L]</c> or clips <c>[B, C, T, H, W]</c> with per-sample
    /// valid lengths along time and applies it (docs/sequences.md): nothing is taken from padding, the targets weigh the
    /// valid positions, and <see cref="MixedBatch.OutputLengths"/> holds the plan's output lengths (a CTC loss's input lengths).
    /// </summary>
    /// <param name="images">The padded batch, <c>[B, C, L]</c> or <c>[B, C, T, H, W]</c>, on any device (borrowed).</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> or soft labels <c>[B, classes]</c> on the images' device (borrowed).</param>
    /// <param name="validLengths">Int64 <c>[B]</c>, each sample's valid length in [1, L] (or [1, T]), on the CPU or any
    /// device (borrowed; read to the host, which waits for a GPU, because the plan is drawn there).</param>
    /// <returns>The mixed images, the targets, the plan and the output lengths; new tensors owned by the caller.</returns>
    /// <remarks>Every argument is checked before the plan is drawn, so a rejected call leaves the generator as it was.
    /// MixUp, CutMix, FMix and (sequences) ResizeMix, MultiCutMix and GridMix take lengths; methods that do not (SaliencyMix, SmoothMix, …) refuse the call with their own message.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">As <see cref="Forward(Tensor, Tensor)"/>; or <paramref name="validLengths"/> is
    /// not int64 <c>[B]</c> or is on the meta device, the images are an image batch <c>[B, C, H, W]</c> (no time axis),
    /// or the policy does not take lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As <see cref="Forward(Tensor, Tensor)"/>; or a length is outside [1, L] (or [1, T]).</exception>
    public MixedBatch Forward(Tensor images, Tensor labels, Tensor validLengths)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(validLengths);
        return Mix(images, labels, validLengths);
    }

    /// <summary>Int64 <c>[batchSize]</c> lengths read to the host; their range is checked by <see cref="MixRequest"/>.</summary>
    private static int[] ReadLengths(Tensor validLengths, long batchSize, string name)
    {
        if (validLengths.dtype != ScalarType.Int64 || validLengths.shape.Length != 1 || validLengths.shape[0] != batchSize)
        {
            throw new ArgumentException(
                $"{name} is {validLengths.dtype} {TensorChecks.Describe(validLengths.shape)}; expected Int64 [{batchSize}], one valid length per sample.", name);
        }

        if (validLengths.device_type == DeviceType.META)
        {
            throw new ArgumentException($"{name} is on the meta device, which holds no values; give the lengths on the CPU or the batch's device.", name);
        }

        using DisposeScope scope = NewDisposeScope();
        long[] values = validLengths.cpu().contiguous().data<long>().ToArray();
        var lengths = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            // Anything outside int range is out of [1, L] too; clamp so MixRequest names it with the other bad lengths.
            lengths[i] = (int)Math.Clamp(values[i], int.MinValue, int.MaxValue);
        }

        return lengths;
    }

    private MixedBatch Mix(Tensor images, Tensor labels, Tensor? validLengths)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        long[] dims = images.shape;
        if (dims.Length is < 3 or > 5)
        {
            throw new ArgumentException($"images has rank {dims.Length} ({TensorChecks.Describe(dims)}); expected [B, C, L], [B, C, H, W] or [B, C, D, H, W].", nameof(images));
        }

        if (dims[0] == 0)
        {
            throw new ArgumentException($"images is an empty batch ({TensorChecks.Describe(dims)}).", nameof(images));
        }

        if (dims.Any(d => d > int.MaxValue))
        {
            throw new ArgumentException($"images has an extent above {int.MaxValue}: {TensorChecks.Describe(dims)}.", nameof(images));
        }

        TensorChecks.SameDevice(images, labels, nameof(labels));
        BatchShape shape = BatchShape.FromDimensions([.. dims.Select(d => (int)d)]);
        TensorChecks.Labels(shape.BatchSize, labels, nameof(labels));
        if (CompactTargets && labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"Compact targets need int64 class indices [B]; labels have dtype {labels.dtype}.", nameof(labels));
        }

        if (labels.dtype != ScalarType.Int64 && labels.shape[1] != ClassCount)
        {
            throw new ArgumentException($"labels has rows of {labels.shape[1]} classes but the module has {ClassCount}.", nameof(labels));
        }

        // The label values too where that costs no synchronisation (labels on the CPU): a rejected call draws nothing.
        TorchLabelMixer.Check(labels, ClassCount);
        if (InPlace)
        {
            TorchMixer.CheckWritable(images, nameof(images));
        }

        int[]? lengths = validLengths is null ? null : ReadLengths(validLengths, shape.BatchSize, nameof(validLengths));
        BatchFeatures features = TorchFeatures.Compute(Policy.Requirements, images);
        MixRequest request = lengths is null ? new MixRequest(shape, _random, features) : new MixRequest(shape, _random, lengths, features);
        MixPlan plan = LengthPlans.Create(Policy, request, nameof(validLengths));
        using DisposeScope scope = NewDisposeScope();
        Tensor mixed;
        if (InPlace)
        {
            TorchMixer.ApplyInPlace(plan, images);
            mixed = images.alias(); // the batch's own memory, under a handle the MixedBatch may dispose
        }
        else
        {
            mixed = TorchMixer.Apply(plan, images);
        }

        if (CompactTargets)
        {
            CompactTargetTensors compact = TorchLabelMixer.BuildCompact(plan, labels);
            compact.IndexA.MoveToOuterDisposeScope();
            compact.IndexB.MoveToOuterDisposeScope();
            compact.Lambda.MoveToOuterDisposeScope();
            return new MixedBatch(mixed.MoveToOuterDisposeScope(), null, compact, plan, OutputLengths(plan, images.device));
        }

        Tensor targets = TorchLabelMixer.BuildSoftTargets(plan, labels, ClassCount, Smoothing);
        return new MixedBatch(mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), null, plan, OutputLengths(plan, images.device));
    }

    /// <summary>The plan's output lengths, int64 <c>[B]</c> on <paramref name="device"/>, outside the current scope; null without lengths.</summary>
    private static Tensor? OutputLengths(MixPlan plan, Device device) => plan.HasValidLengths
        ? DeviceData.Upload([.. plan.OutputLengths.ToArray().Select(l => (long)l)], [plan.BatchSize], device).MoveToOuterDisposeScope()
        : null;
}

/// <summary>The result of <see cref="MixModule.Forward(Tensor, Tensor)"/>: mixed images, targets, and the plan that made them.</summary>
/// <remarks>The tensors belong to the holder: <see cref="Dispose"/> disposes them (and, if the call ran inside a
/// dispose scope, that scope owns them too).</remarks>
public sealed class MixedBatch : IDisposable
{
    internal MixedBatch(Tensor images, Tensor? targets, CompactTargetTensors? compact, MixPlan plan, Tensor? outputLengths, IReadOnlyDictionary<string, Tensor>? aligned = null)
    {
        Images = images;
        Targets = targets;
        Compact = compact;
        Plan = plan;
        OutputLengths = outputLengths;
        Aligned = aligned ?? new Dictionary<string, Tensor>();
    }

    /// <summary>The mixed images: the input's shape, dtype and device.</summary>
    public Tensor Images { get; }

    /// <summary>Dense float32 targets <c>[B, classes]</c>, or null when the module returns compact targets.</summary>
    public Tensor? Targets { get; }

    /// <summary>Compact targets, or null when the module returns dense ones.</summary>
    public CompactTargetTensors? Compact { get; }

    /// <summary>The plan that was drawn and applied (for logging, replay, or a loss that needs the lambdas).</summary>
    public MixPlan Plan { get; }

    /// <summary>
    /// Each output sample's valid length along time, int64 <c>[B]</c> on the images' device (the plan's
    /// <c>OutputLengths</c>, a CTC loss's input lengths), or null when the batch was mixed without valid lengths.
    /// </summary>
    public Tensor? OutputLengths { get; }

    /// <summary>
    /// The aligned tensors mixed by <see cref="Plan"/>, by key (and a label map's soft targets under
    /// <c>MixBatchKeys.SoftTargetsOf</c>); empty unless the batch was mixed with aligned keys
    /// (<c>MixLayer.forward(batch, alignedKeys)</c>).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Aligned { get; }

    /// <summary>Disposes the images, targets, output lengths and aligned tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Targets?.Dispose();
        Compact?.Dispose();
        OutputLengths?.Dispose();
        foreach (Tensor t in Aligned.Values)
        {
            t.Dispose();
        }
    }

    /// <summary>This batch's tensors with <paramref name="aligned"/> added (the tensors are moved, not copied).</summary>
    internal MixedBatch WithAligned(IReadOnlyDictionary<string, Tensor> aligned) => new(Images, Targets, Compact, Plan, OutputLengths, aligned);
}
