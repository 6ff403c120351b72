using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using TorchSharp;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// A TorchSharp module that mixes a batch after the loader, on the batch's device: <c>forward(images, labels)</c> draws
/// the plan of batch k of the current epoch e from <see cref="MixRandom.ForBatch"/>(seed, e, k) and returns what
/// <see cref="MixModule.Forward(Tensor, Tensor)"/> returns for it (mixed images, targets, plan). In evaluation mode (<c>eval()</c>) it
/// mixes nothing.
/// </summary>
/// <example>
/// <code>
/// using var mix = new MixLayer(new CutMix(1.0), seed: 42, classCount: 10, smoothing: 0.1);
/// for (int epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     mix.StartEpoch(epoch);
///     foreach (Dictionary&lt;string, Tensor&gt; batch in loader)          // a plain loader, on the GPU say
///     {
///         using var scope = torch.NewDisposeScope();
///         using MixedBatch mixed = mix.call(batch["data"], batch["label"]);
///         Tensor loss = MixLosses.SoftTargetCrossEntropy(model.call(mixed.Images), mixed.Targets!);
///         ...
///     }
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>Training and evaluation.</b> In training mode (the default) every call mixes and advances the batch count.
/// In evaluation mode a call returns a copy of the images, unmixed targets (one-hot without smoothing, or a = b = the
/// label and λ = 1) and a plan that keeps every sample, and leaves the count alone, as dropout does nothing in
/// evaluation: <c>model.eval()</c> reaches this module when it is registered as a submodule.</para>
/// <para><b>Epochs and batches.</b> As for <see cref="MixCollate"/>: call <see cref="StartEpoch"/> at the start of
/// every epoch; the module counts its training-mode calls within the epoch. A rejected call does not advance the count.</para>
/// <para><b>Ownership</b> (see docs/ownership.md): images and labels are borrowed; the returned
/// <see cref="MixedBatch"/> holds new tensors that belong to the current dispose scope and to its holder. The module
/// holds no tensors, parameters or buffers.</para>
/// </remarks>
/// <threadsafety>Not thread-safe (it counts batches): one module per training loop.</threadsafety>
public sealed class MixLayer : nn.Module<Tensor, Tensor, MixedBatch>
{
    private readonly BatchStreams _streams;

    /// <summary>Creates the module (in training mode).</summary>
    /// <param name="policy">The transform that draws the plans (MixUp, CutMix, FMix, SaliencyMix, MixChoice, …).</param>
    /// <param name="seed">The run's seed: batch k of epoch e draws from <c>MixRandom.ForBatch(seed, e, k)</c>.</param>
    /// <param name="classCount">Number of classes of the labels.</param>
    /// <param name="smoothing">Label smoothing of the dense targets in training mode, in [0, 1).</param>
    /// <param name="compactTargets">Return compact (a, b, λ) targets instead of dense ones.</param>
    /// <param name="inPlace">Mix the images in place, as <see cref="MixModule"/>'s <c>inPlace</c>: the loader's batch
    /// holds the mixed images afterwards (aligned tensors are still mixed into new ones).</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not positive or <paramref name="smoothing"/> is outside [0, 1).</exception>
    /// <exception cref="ArgumentException"><paramref name="policy"/> draws from class maps (Transplantation), which the layer does not have.</exception>
    public MixLayer(IMixTransform policy, ulong seed, int classCount, double smoothing = 0, bool compactTargets = false, bool inPlace = false)
        : base(CheckedName(policy, classCount, smoothing))
    {
        Policy = policy;
        ClassCount = classCount;
        Smoothing = smoothing;
        CompactTargets = compactTargets;
        InPlace = inPlace;
        _streams = new BatchStreams(seed);
    }

    /// <summary>Raised after each training-mode call with the batch's epoch, index and plan.</summary>
    public event EventHandler<MixBatchRecord>? BatchMixed;

    /// <summary>The transform that draws the plans.</summary>
    public IMixTransform Policy { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Label smoothing of the dense targets (training mode only).</summary>
    public double Smoothing { get; }

    /// <summary>Whether calls return compact (a, b, λ) targets instead of dense ones.</summary>
    public bool CompactTargets { get; }

    /// <summary>Whether the images are mixed in place (the batch passed in is overwritten).</summary>
    public bool InPlace { get; }

    /// <summary>The run's seed.</summary>
    public ulong Seed => _streams.Seed;

    /// <summary>The current epoch (set by <see cref="StartEpoch"/>; 0 before the first call).</summary>
    public long Epoch => _streams.Epoch;

    /// <summary>The index within <see cref="Epoch"/> of the next batch to be mixed.</summary>
    public long NextBatchIndex => _streams.NextBatchIndex;

    /// <summary>The epoch, index and plan of the last batch mixed in training mode, or null before the first.</summary>
    public MixBatchRecord? LastBatch => _streams.LastBatch;

    /// <summary>Starts epoch <paramref name="epoch"/>: the next batch is batch 0 of it.</summary>
    /// <param name="epoch">The epoch number (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public void StartEpoch(long epoch) => _streams.StartEpoch(epoch);

    /// <summary>Mixes one batch (training mode) or passes it through (evaluation mode).</summary>
    /// <param name="images">The batch, <c>[B, C, H, W]</c> (or 3-D / 5-D), on any device (borrowed).</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> or soft labels <c>[B, classes]</c> on the images' device (borrowed).</param>
    /// <returns>The images, targets and plan; new tensors owned by the caller and the current dispose scope.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The images and labels do not fit (see <see cref="MixModule.Forward(Tensor, Tensor)"/>).</exception>
    public override MixedBatch forward(Tensor images, Tensor labels)
    {
        if (!training)
        {
            return new MixModule(KeepAll.Instance, new MixRandom(0), ClassCount, smoothing: 0, CompactTargets, InPlace).Forward(images, labels);
        }

        return Complete(new MixModule(Policy, _streams.NextRandom(), ClassCount, Smoothing, CompactTargets, InPlace).Forward(images, labels));
    }

    /// <summary>
    /// Mixes one padded batch of sequences or clips with per-sample valid lengths (training mode), as
    /// <see cref="MixModule.Forward(Tensor, Tensor, Tensor)"/> does, or passes it through (evaluation mode: every sample
    /// kept, its output length its own). The returned <see cref="MixedBatch.OutputLengths"/> are the plan's.
    /// </summary>
    /// <param name="images">The padded batch, <c>[B, C, L]</c> or <c>[B, C, T, H, W]</c>, on any device (borrowed).</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> or soft labels <c>[B, classes]</c> on the images' device (borrowed).</param>
    /// <param name="validLengths">Int64 <c>[B]</c>, each sample's valid length in [1, L] (or [1, T]), on the CPU or any device (borrowed).</param>
    /// <returns>The images, targets, plan and output lengths; new tensors owned by the caller and the current dispose scope.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The arguments do not fit (see <see cref="MixModule.Forward(Tensor, Tensor, Tensor)"/>),
    /// or the policy does not take lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, L] (or [1, T]), or a class index is out of range.</exception>
    public MixedBatch forward(Tensor images, Tensor labels, Tensor validLengths)
    {
        if (!training)
        {
            return new MixModule(KeepAll.Instance, new MixRandom(0), ClassCount, smoothing: 0, CompactTargets, InPlace).Forward(images, labels, validLengths);
        }

        return Complete(new MixModule(Policy, _streams.NextRandom(), ClassCount, Smoothing, CompactTargets, InPlace).Forward(images, labels, validLengths));
    }

    /// <summary>
    /// Mixes a batch as TorchSharp's own DataLoader stacks it (training mode), its aligned tensors by the images' plan, or
    /// passes it through (evaluation mode: copies). The images and labels are those of
    /// <see cref="forward(Tensor, Tensor)"/>; each key of <paramref name="alignedKeys"/> is a stacked tensor of the
    /// batch, mixed as <see cref="MixCollate"/> mixes it (<see cref="AlignedKey.Values"/> <c>[B, ..., spatial…]</c>,
    /// <see cref="AlignedKey.LabelMap(string)"/> exactly <c>[B, spatial…]</c>, with its soft targets when given a class
    /// count) and returned in <see cref="MixedBatch.Aligned"/>. Detection boxes (<see cref="AlignedKey.Boxes"/>) come
    /// padded, as <see cref="MixCollate"/> writes them: corners <c>[B, M, 4]</c> under the key and classes <c>[B, M]</c>
    /// under its classes key, a negative class marking a padding row; they are mixed on the host by <c>BoxMixer</c> and
    /// returned padded the same way, with their weights and counts (<see cref="MixBatchKeys.WeightsOf"/>,
    /// <see cref="MixBatchKeys.LengthsOf"/>).
    /// </summary>
    /// <param name="batch">The batch's dictionary (borrowed).</param>
    /// <param name="alignedKeys">The keys to mix besides the images (values, label maps and padded boxes).</param>
    /// <param name="imagesKey">The key of the images.</param>
    /// <param name="labelsKey">The key of the labels.</param>
    /// <returns>The images, targets, plan and aligned tensors; new tensors owned by the caller and the current dispose scope.</returns>
    /// <exception cref="ArgumentNullException">An argument, or an item of <paramref name="alignedKeys"/>, is null.</exception>
    /// <exception cref="ArgumentException">The images or labels key is missing from the batch (named by its argument), or
    /// an aligned key is missing, names the images or labels, writes the same key as another, does not fit the images
    /// (batch size, extent, dtype, device; a box outside its image), or holds what the drawn plan cannot mix (integer
    /// values under a blend, a class outside its soft targets): the parameter name is then that key (or a boxes key's
    /// classes key). Nothing is counted for a refused call.</exception>
    public MixedBatch forward(IReadOnlyDictionary<string, Tensor> batch, IReadOnlyList<AlignedKey> alignedKeys, string imagesKey = "data", string labelsKey = "label")
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(alignedKeys);
        ArgumentNullException.ThrowIfNull(imagesKey);
        ArgumentNullException.ThrowIfNull(labelsKey);
        Tensor images = Get(batch, imagesKey, nameof(imagesKey)), labels = Get(batch, labelsKey, nameof(labelsKey));
        AlignedKey[] keys = [.. alignedKeys];
        (Tensor? Stacked, DetectionBoxes[]? Boxes)[] inputs = CheckAligned(batch, keys, images, imagesKey, labelsKey);
        MixedBatch mixed = training
            ? new MixModule(Policy, _streams.NextRandom(), ClassCount, Smoothing, CompactTargets, InPlace).Forward(images, labels)
            : new MixModule(KeepAll.Instance, new MixRandom(0), ClassCount, smoothing: 0, CompactTargets, InPlace).Forward(images, labels);
        var aligned = new Dictionary<string, Tensor>();
        try
        {
            for (int k = 0; k < keys.Length; k++)
            {
                if (inputs[k].Boxes is { } boxes)
                {
                    AlignedKeys.MixBoxes(keys[k], boxes, mixed.Plan, aligned, images.device);
                    continue;
                }

                AlignedKeys.MixStacked(keys[k], inputs[k].Stacked!, mixed.Plan, aligned);
            }
        }
        catch
        {
            mixed.Dispose();
            foreach (Tensor t in aligned.Values)
            {
                t.Dispose();
            }

            throw;
        }

        MixedBatch result = mixed.WithAligned(aligned);
        return training ? Complete(result) : result;
    }

    /// <summary>The batch's tensor under <paramref name="key"/>; refused naming <paramref name="parameter"/> (the argument
    /// that gave the key, or the aligned key itself).</summary>
    private static Tensor Get(IReadOnlyDictionary<string, Tensor> batch, string key, string parameter) =>
        batch.TryGetValue(key, out Tensor? value) && value is not null
            ? value
            : throw new ArgumentException($"The batch has no tensor under '{key}' (its keys: {(batch.Count == 0 ? "none" : string.Join(", ", batch.Keys.Select(k => $"'{k}'")))}).", parameter);

    /// <summary>The aligned keys' tensors (a stacked tensor, or boxes read to the host), checked against the images and
    /// each other before anything is drawn.</summary>
    private static (Tensor? Stacked, DetectionBoxes[]? Boxes)[] CheckAligned(IReadOnlyDictionary<string, Tensor> batch, AlignedKey[] keys, Tensor images, string imagesKey, string labelsKey)
    {
        long[] extent = images.shape.Length >= 3 ? images.shape[2..] : [];
        var written = new HashSet<string>(StringComparer.Ordinal) { imagesKey, labelsKey };
        var inputs = new (Tensor?, DetectionBoxes[]?)[keys.Length];
        for (int k = 0; k < keys.Length; k++)
        {
            AlignedKey key = keys[k] ?? throw new ArgumentNullException(nameof(keys), $"alignedKeys[{k}] is null.");
            foreach (string name in AlignedKeys.SecondKeys(key).Select(s => s.Name).Prepend(key.Name))
            {
                if (!written.Add(name))
                {
                    throw new ArgumentException($"alignedKeys[{k}] is {key}, which writes '{name}', a key the images, the labels or another aligned key already have.", key.Name);
                }
            }

            if (key.Kind == AlignedKeyKind.Boxes)
            {
                inputs[k] = (null, CheckBoxes(batch, key, images, imagesKey));
                continue;
            }

            Tensor t = Get(batch, key.Name, key.Name);
            long[] shape = t.shape;
            bool labelMap = key.Kind == AlignedKeyKind.LabelMap;
            // A label map is [B, spatial…]; values are [B, ..., spatial…], the batch first.
            bool fits = labelMap
                ? AlignedKeys.EndsIn(key, shape, [images.shape[0], .. extent])
                : shape.Length > extent.Length && shape[0] == images.shape[0] && AlignedKeys.EndsIn(key, shape, extent);
            bool dtype = AlignedKeys.Holds(key, t.dtype);
            bool device = TensorChecks.IsSameDevice(t, images);
            if (!fits || !dtype || !device)
            {
                throw new ArgumentException(
                    $"{key} is {t.dtype} {TensorChecks.Describe(shape)} on {t.device}, but '{imagesKey}' is {TensorChecks.Describe(images.shape)} on {images.device}: {(labelMap ? "a label map is uint8, int32 or int64 [B, spatial…]" : "aligned values are floating, uint8, int32 or int64 [B, ..., spatial…]")} on the images' device.",
                    key.Name);
            }

            inputs[k] = (t, null);
        }

        return inputs;
    }

    /// <summary>
    /// A boxes key of a stacked batch, as MixCollate writes one: corners <c>[B, M, 4]</c> floating and classes
    /// <c>[B, M]</c> integers on the images' device, a negative class marking a padding row; read to the host and
    /// checked (each box inside its image).
    /// </summary>
    private static DetectionBoxes[] CheckBoxes(IReadOnlyDictionary<string, Tensor> batch, AlignedKey key, Tensor images, string imagesKey)
    {
        Tensor corners = Get(batch, key.Name, key.Name), classes = Get(batch, key.ClassesName!, key.ClassesName!);
        long[] shape = corners.shape, classShape = classes.shape;
        if (images.shape.Length != 4)
        {
            throw new ArgumentException($"{key}: detection boxes need images [B, C, H, W]; '{imagesKey}' is {TensorChecks.Describe(images.shape)}.", key.Name);
        }

        bool cornersFit = TensorChecks.IsFloating(corners.dtype) && shape.Length == 3 && shape[0] == images.shape[0] && shape[2] == 4;
        bool classesFit = TensorChecks.IsInteger(classes.dtype)
            && classShape.Length == 2 && cornersFit && classShape[0] == shape[0] && classShape[1] == shape[1];
        if (!cornersFit || !TensorChecks.IsSameDevice(corners, images))
        {
            throw new ArgumentException(
                $"{key} is {corners.dtype} {TensorChecks.Describe(shape)} on {corners.device}, but '{imagesKey}' is {TensorChecks.Describe(images.shape)} on {images.device}: stacked boxes are floating [B, M, 4] corners x0, y0, x1, y1 on the images' device.",
                key.Name);
        }

        if (!classesFit || !TensorChecks.IsSameDevice(classes, images))
        {
            throw new ArgumentException(
                $"'{key.ClassesName}' is {classes.dtype} {TensorChecks.Describe(classShape)} on {classes.device}, but the {shape[1]} box rows of {key} need integer classes [{shape[0]}, {shape[1]}] on the images' device (a negative class marks a padding row).",
                key.ClassesName);
        }

        return AlignedKeys.ReadPadded(key, corners, classes, images.shape[2], images.shape[3]);
    }

    /// <summary>Records a training-mode batch, advances the count and raises <see cref="BatchMixed"/>.</summary>
    private MixedBatch Complete(MixedBatch batch)
    {
        MixBatchRecord record = _streams.Complete(batch.Plan);
        BatchMixed?.Invoke(this, record);
        return batch;
    }

    /// <summary>Checks the arguments before the base constructor creates the native module.</summary>
    private static string CheckedName(IMixTransform policy, int classCount, double smoothing)
    {
        MixSettings.Check(policy, classCount, smoothing);
        return nameof(MixLayer);
    }
}
