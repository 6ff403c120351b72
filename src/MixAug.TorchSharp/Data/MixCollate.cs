using MixAug.Labels;
using MixAug.Randomness;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using TorchSharp;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// A collate function for TorchSharp's <c>DataLoader&lt;Dictionary&lt;string, Tensor&gt;, Dictionary&lt;string, Tensor&gt;&gt;</c>
/// that mixes each batch as it is made: it stacks the samples, moves the batch to its device, draws the plan of batch
/// k of the current epoch e from <see cref="MixRandom.ForBatch"/>(seed, e, k), mixes the images with
/// <see cref="TorchMixer"/>, and returns the mixed images with the targets, the original labels and the mix record.
/// </summary>
/// <example>
/// <code>
/// var collate = new MixCollate(new MixChoice((new MixUp(0.8), 1), (new CutMix(1.0), 1)), seed: 42, classCount: 10, smoothing: 0.1);
/// using var loader = new DataLoader&lt;Dictionary&lt;string, Tensor&gt;, Dictionary&lt;string, Tensor&gt;&gt;(dataset, 128, collate.Collate, shuffle: true, seed: 1);
/// for (int epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     collate.StartEpoch(epoch);
///     foreach (Dictionary&lt;string, Tensor&gt; batch in loader)
///     {
///         using var scope = torch.NewDisposeScope();
///         Tensor loss = MixLosses.SoftTargetCrossEntropy(model.call(batch["data"]), batch[MixBatchKeys.Targets]);
///         ...
///     }
/// }
/// </code>
/// </example>
/// <remarks>
/// <para><b>The output dictionary.</b> The images key holds the mixed images <c>[B, C, H, W]</c> on the batch's device
/// (float32 from uint8 samples, see <see cref="ByteImages"/>; otherwise the samples' dtype); the labels key holds the
/// labels as the dataset gave them, stacked (int64 <c>[B]</c> or soft <c>[B, classes]</c>); then the targets
/// (<see cref="MixBatchKeys.Targets"/>, or <see cref="MixBatchKeys.TargetsA"/>, <see cref="MixBatchKeys.TargetsB"/> and
/// <see cref="MixBatchKeys.Lambda"/> with compact targets) and the mix record (<see cref="MixBatchKeys.Sources"/>,
/// <see cref="MixBatchKeys.Weights"/>). Other keys of the samples are dropped unless carried
/// (<see cref="MixCollateOptions.CarryKeys"/>, <see cref="MixCollateOptions.CarryOtherKeys"/>).</para>
/// <para><b>Carried keys</b> are per-sample data that is not mixed (a sample id, a weight, a transcript): each is
/// stacked in the batch's sample order under its own name, on the batch's device, in the samples' dtype; a padded
/// one (<see cref="CarriedKey.Padded"/>, a first dimension that varies) is padded at the end to the batch's longest
/// and its lengths go to <see cref="MixBatchKeys.LengthsOf"/>(name), int64 <c>[B]</c>. Output i mixes the samples
/// <see cref="MixBatchKeys.Sources"/>[i, :], so a loss that cannot take blended labels reads the carried rows of those
/// samples: <see cref="SourcesOf"/> gives each source slot with its gather, and
/// <c>SourceWeightedLoss.Compute(batch, lossAgainst)</c> sums the weighted losses of every slot.</para>
/// <para><b>Aligned keys</b> (<see cref="MixCollateOptions.AlignedKeys"/>) are targets aligned with each sample's image
/// (a segmentation map, depth, a second view, detection boxes): each is stacked (padded along time in a batch of
/// different lengths) and mixed by the images' plan, values by <see cref="TorchMixer"/>, label maps by
/// <see cref="TorchLabelMapMixer"/> (with their soft targets under <see cref="MixBatchKeys.SoftTargetsOf"/> when declared
/// with a class count), boxes by <c>BoxMixer</c> (padded to the most of any output, with weights and counts), under its
/// own name. With a label map, the collate also takes Transplantation, drawn from that map.</para>
/// <para><b>Sequences and clips of different lengths</b> (docs/sequences.md). Samples <c>[C, L]</c> or
/// <c>[C, T, H, W]</c> may differ in their time extent (L, or the frame count T) and in nothing else: the shorter are
/// padded to the longest with <see cref="MixCollateOptions.PadValue"/>, each sample's valid length is its own extent
/// (or the length it carries under <see cref="MixCollateOptions.LengthsKey"/>), the plan is drawn with those lengths,
/// and the batch gets <see cref="MixBatchKeys.ValidLengths"/> and <see cref="MixBatchKeys.OutputLengths"/> (the plan's,
/// for a CTC loss). MixUp, CutMix, FMix and (sequences) ResizeMix, MultiCutMix and GridMix take lengths; methods that do not (SaliencyMix, SmoothMix, …) refuse such a batch with their own
/// message, under the images key. Samples of one extent that carry no length, and images, are stacked as they are,
/// with no lengths keys.</para>
/// <para><b>Epochs and batches.</b> The collate counts the batches it makes. Call <see cref="StartEpoch"/> at the start
/// of every epoch, before enumerating the loader: it sets the epoch and restarts the count at 0, so batch k of epoch e
/// always gets the plan of <c>ForBatch(seed, e, k)</c>, whatever the loader's worker count (TorchSharp's loader reads
/// samples on worker threads but calls the collate function on the enumerating thread, in batch order). Without
/// <see cref="StartEpoch"/> the count simply goes on through epoch 0: plans stay deterministic and distinct, but a
/// resumed run must call it to meet the same plans again. A batch that is rejected does not advance the count.</para>
/// <para><b>Logging and replay.</b> <see cref="LastBatch"/> holds the (epoch, index, plan) of the batch the loader just
/// returned, and <see cref="BatchMixed"/> is raised with it; <see cref="MixBatchRecord.ToJson"/> gives the plan's JSON.</para>
/// <para><b>Ownership</b> (see docs/ownership.md). The samples are borrowed: never disposed, changed or kept. Every
/// tensor of the returned dictionary is new and belongs to the current dispose scope; inside a <c>DataLoader</c> that is
/// the loader's collate scope, so with <c>disposeBatch: true</c> (the default) the loader disposes the batch at the next
/// <c>MoveNext</c>: copy out (<c>clone()</c>, or <c>MoveToOuterDisposeScope</c> with <c>disposeBatch: false</c>) what must
/// live longer. Called without a scope, the caller disposes the values. Temporaries (the stacked batch before mixing,
/// uint8 copies) are disposed before the call returns.</para>
/// <para><b>Errors before work.</b> Missing keys, images of different shapes or dtypes, labels of the wrong dtype or
/// shape and carried keys of different dtypes or shapes (or a pad value their dtype cannot hold) raise <see cref="ArgumentException"/> (its <c>ParamName</c> is the dictionary key) before any tensor is made;
/// class indices out of range are found in the stacked labels before anything is mixed, and soft labels that are not
/// distributions when the targets are made. A rejected batch leaves no tensor behind and the count where it was.</para>
/// </remarks>
/// <threadsafety>Not thread-safe (it counts batches): one instance per loader, enumerated on one thread.</threadsafety>
public sealed class MixCollate
{
    private readonly BatchStreams _streams;
    private readonly MixCollateOptions _options;
    private readonly CarriedKey[] _carried;
    private readonly AlignedKey[] _aligned;

    /// <summary>Creates a collate function.</summary>
    /// <param name="policy">The transform that draws the plans (MixUp, CutMix, FMix, SaliencyMix, MixChoice, …).</param>
    /// <param name="seed">The run's seed: batch k of epoch e draws from <c>MixRandom.ForBatch(seed, e, k)</c>.</param>
    /// <param name="classCount">Number of classes of the labels.</param>
    /// <param name="smoothing">Label smoothing of the dense targets, in [0, 1).</param>
    /// <param name="compactTargets">Put compact (a, b, λ) targets in the batch instead of dense ones.</param>
    /// <param name="options">Dictionary keys, device and uint8 handling; null for the defaults (<c>"data"</c>, <c>"label"</c>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not positive or <paramref name="smoothing"/> is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">A key of <paramref name="options"/> is empty, two keys are equal, one of
    /// them is a key of <see cref="MixBatchKeys"/>, a carried or aligned key is null, repeated, one of those keys or (a
    /// padded carried key, a label map with soft targets) has its second key taken, <see cref="MixCollateOptions.ByteImages"/> is undefined, or
    /// <see cref="MixCollateOptions.Device"/> is the meta device; or <paramref name="policy"/> draws from class maps
    /// (Transplantation) and no aligned key is a label map to draw them from.</exception>
    public MixCollate(IMixTransform policy, ulong seed, int classCount, double smoothing = 0, bool compactTargets = false, MixCollateOptions? options = null)
    {
        options ??= new MixCollateOptions();
        MixSettings.Check(policy, classCount, smoothing, options.AlignedKeys?.FirstOrDefault(k => k?.Kind == AlignedKeyKind.LabelMap)?.Name);
        CheckKey(options.ImagesKey, nameof(MixCollateOptions.ImagesKey));
        CheckKey(options.LabelsKey, nameof(MixCollateOptions.LabelsKey));
        if (options.ImagesKey == options.LabelsKey)
        {
            throw new ArgumentException($"ImagesKey and LabelsKey are both '{options.ImagesKey}'; a batch needs two different keys.", nameof(options));
        }

        if (options.LengthsKey is { } lengthsKey)
        {
            CheckKey(lengthsKey, nameof(MixCollateOptions.LengthsKey));
            if (lengthsKey == options.ImagesKey || lengthsKey == options.LabelsKey)
            {
                throw new ArgumentException($"LengthsKey is '{lengthsKey}', the key of the images or the labels; a sample's length needs a key of its own.", nameof(options));
            }
        }

        if (!Enum.IsDefined(options.ByteImages))
        {
            throw new ArgumentException($"ByteImages is {(int)options.ByteImages}, not a defined value.", nameof(options));
        }

        CheckDevice(options.Device, nameof(options));
        _carried = CarriedKeys.Check(options);
        _aligned = AlignedKeys.Check(options, _carried);

        Policy = policy;
        ClassCount = classCount;
        Smoothing = smoothing;
        CompactTargets = compactTargets;
        _options = options;
        _streams = new BatchStreams(seed);
    }

    /// <summary>Raised after each batch is mixed, on the enumerating thread, with its epoch, index and plan.</summary>
    /// <remarks>It runs inside the loader's collate scope: tensors a handler makes are disposed with the batch.</remarks>
    public event EventHandler<MixBatchRecord>? BatchMixed;

    /// <summary>The transform that draws the plans.</summary>
    public IMixTransform Policy { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Label smoothing of the dense targets.</summary>
    public double Smoothing { get; }

    /// <summary>Whether batches carry compact (a, b, λ) targets instead of dense ones.</summary>
    public bool CompactTargets { get; }

    /// <summary>The keys, device and uint8 handling.</summary>
    public MixCollateOptions Options => _options;

    /// <summary>The run's seed.</summary>
    public ulong Seed => _streams.Seed;

    /// <summary>The current epoch (set by <see cref="StartEpoch"/>; 0 before the first call).</summary>
    public long Epoch => _streams.Epoch;

    /// <summary>The index within <see cref="Epoch"/> of the next batch to be mixed.</summary>
    public long NextBatchIndex => _streams.NextBatchIndex;

    /// <summary>The epoch, index and plan of the last batch mixed, or null before the first.</summary>
    public MixBatchRecord? LastBatch => _streams.LastBatch;

    /// <summary>Starts epoch <paramref name="epoch"/>: the next batch is batch 0 of it. Call it before enumerating the loader each epoch.</summary>
    /// <param name="epoch">The epoch number (0 or more).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public void StartEpoch(long epoch) => _streams.StartEpoch(epoch);

    /// <summary>
    /// The collate function: makes one mixed batch from the samples. Pass it to the loader as <c>collate.Collate</c>.
    /// </summary>
    /// <param name="samples">The samples of the batch, in the loader's order (borrowed).</param>
    /// <param name="device">The loader's device; <see cref="MixCollateOptions.Device"/> takes precedence, and with neither the
    /// samples' device is used.</param>
    /// <returns>A new dictionary of new tensors (see the remarks on <see cref="MixCollate"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/> is null.</exception>
    /// <exception cref="ArgumentException">A sample lacks a key or holds a tensor of the wrong shape or dtype (sequences and
    /// clips may differ in time only, padded carried keys in their first dimension only), an aligned key does not end in
    /// the images' extent, has a dtype it cannot hold, or meets a plan that cannot mix it (integer values under a blend, a
    /// class outside its soft targets), a carried key's pad value is not a value of its dtype, a key carried by <see cref="MixCollateOptions.CarryOtherKeys"/> is one the collate writes, a valid length is not an integer scalar or is given for an image, the pad value is
    /// not a byte for uint8 samples that need padding, the policy refuses valid lengths or draws a plan without them, or uint8
    /// images kept as bytes meet a plan that blends; the parameter name is the dictionary key. Or <paramref name="device"/>
    /// is the meta device (named <c>device</c>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside [0, classCount) (the parameter name is the
    /// labels key), or a valid length is outside [1, the sample's extent] (the lengths key).</exception>
    public Dictionary<string, Tensor> Collate(IEnumerable<Dictionary<string, Tensor>> samples, Device? device)
    {
        ArgumentNullException.ThrowIfNull(samples);
        CheckDevice(device, nameof(device));
        SampleList list = SampleList.Read(samples, _options, _carried, _aligned, ClassCount, CompactTargets);
        Device target = _options.Device ?? device ?? list.Images[0].device;
        string imagesKey = _options.ImagesKey, labelsKey = _options.LabelsKey;

        using DisposeScope scope = NewDisposeScope();
        Tensor labels = list.HasClassIndices ? stack(list.Labels).reshape(list.Labels.Length) : stack(list.Labels); // [B] or [B, K]
        int[]? indices = list.HasClassIndices ? ReadIndices(labels, ClassCount, labelsKey) : null;
        labels = MoveTo(labels, target);

        Tensor images = MoveTo(list.Lengths is { } padding ? padding.Stack(list.Images) : stack(list.Images), target);
        if (images.dtype == ScalarType.Byte && _options.ByteImages == ByteImages.ToUnitFloat)
        {
            using Scalar levels = 255f.ToScalar();
            images = images.to(ScalarType.Float32).div_(levels);
        }

        BatchShape shape = BatchShape.FromDimensions([.. images.shape.Select(d => checked((int)d))]);
        MixRequest request = list.Lengths is { } lengths
            ? new MixRequest(shape, _streams.NextRandom(), lengths.Valid, Features(images, list.Aligned, shape))
            : new MixRequest(shape, _streams.NextRandom(), Features(images, list.Aligned, shape));
        MixPlan plan = LengthPlans.Create(Policy, request, imagesKey);
        var batch = new Dictionary<string, Tensor>
        {
            [imagesKey] = Mix(plan, images, imagesKey),
            [labelsKey] = labels,
        };
        AddTargets(batch, plan, labels, indices, labelsKey);
        AddRecord(batch, plan, target);
        AddLengths(batch, plan, target);
        list.Carried.AddTo(batch, target);
        list.Aligned.AddTo(batch, plan, target);
        foreach (Tensor t in batch.Values)
        {
            t.MoveToOuterDisposeScope();
        }

        MixBatchRecord record = _streams.Complete(plan);
        BatchMixed?.Invoke(this, record);
        return batch;
    }

    /// <summary>
    /// The compact targets of a batch made with <c>compactTargets: true</c>, as the <see cref="CompactTargetTensors"/>
    /// that <c>MixLosses.MixedCrossEntropy</c>, <c>MixLosses.DecoupledMixup</c> and <c>MixLosses.MixedAccuracy</c> take.
    /// </summary>
    /// <param name="batch">A batch returned by <see cref="Collate"/>.</param>
    /// <returns>A holder of the batch's own <see cref="MixBatchKeys.TargetsA"/>, <see cref="MixBatchKeys.TargetsB"/> and
    /// <see cref="MixBatchKeys.Lambda"/> tensors, not copies: they stay the batch's (the loader's), so do not dispose it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch lacks one of the three keys (it was made with dense targets).</exception>
    public static CompactTargetTensors CompactTargetsOf(IReadOnlyDictionary<string, Tensor> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Tensor Get(string key) => batch.TryGetValue(key, out Tensor? t) && t is not null
            ? t
            : throw new ArgumentException($"The batch has no '{key}'; only a MixCollate created with compactTargets: true puts compact targets in its batches.", nameof(batch));
        return new CompactTargetTensors(Get(MixBatchKeys.TargetsA), Get(MixBatchKeys.TargetsB), Get(MixBatchKeys.Lambda));
    }

    /// <summary>
    /// The source slots of a batch: one <see cref="BatchSource"/> per column of <see cref="MixBatchKeys.Sources"/> and
    /// <see cref="MixBatchKeys.Weights"/>, whose <see cref="BatchSource.Gather"/> reads a carried key (or the labels) of
    /// each output's source in that slot, for losses that cannot take blended labels.
    /// </summary>
    /// <param name="batch">A batch returned by <see cref="Collate"/>.</param>
    /// <returns>The slots, slot 0 (each sample itself) first; dispose them, or let the current dispose scope do it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch lacks the mix record, or it is not an int64 and a float64 <c>[B, S]</c>
    /// of one shape.</exception>
    public static IReadOnlyList<BatchSource> SourcesOf(IReadOnlyDictionary<string, Tensor> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Tensor Get(string key, ScalarType type) =>
            batch.TryGetValue(key, out Tensor? t) && t is not null && t.dtype == type && t.shape.Length == 2 && t.shape.All(d => d > 0)
                ? t
                : throw new ArgumentException(
                    $"The batch's '{key}' is {(t is null ? "missing" : $"{t.dtype} {TensorChecks.Describe(t.shape)}")}; a batch made by MixCollate holds the mix record, {type} [B, S].", nameof(batch));
        Tensor sources = Get(MixBatchKeys.Sources, ScalarType.Int64), weights = Get(MixBatchKeys.Weights, ScalarType.Float64);
        if (!sources.shape.SequenceEqual(weights.shape))
        {
            throw new ArgumentException(
                $"The batch's '{MixBatchKeys.Sources}' is {TensorChecks.Describe(sources.shape)} but its '{MixBatchKeys.Weights}' is {TensorChecks.Describe(weights.shape)}; the record's two halves have one shape.", nameof(batch));
        }

        return [.. Enumerable.Range(0, (int)sources.shape[1]).Select(k => new BatchSource(batch, k, sources, weights))];
    }

    /// <summary>A meta device holds no values, so a batch moved there could be neither mixed nor read: refuse it up front.</summary>
    private static void CheckDevice(Device? device, string name)
    {
        if (device?.type == DeviceType.META)
        {
            throw new ArgumentException("The device is the meta device, which holds no data to mix; pass a CPU or CUDA device.", name);
        }
    }

    private static void CheckKey(string key, string name)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"{name} is empty; give the dataset's dictionary key.", "options");
        }

        if (MixBatchKeys.All.Contains(key))
        {
            throw new ArgumentException($"{name} is '{key}', a key the collate writes itself ({string.Join(", ", MixBatchKeys.All)}); rename the dataset's key.", "options");
        }
    }

    /// <summary><paramref name="t"/> itself when it is on <paramref name="device"/> already, else a copy there.</summary>
    internal static Tensor MoveTo(Tensor t, Device device)
    {
        return TensorChecks.IsOn(t, device) ? t : t.to(device);
    }

    /// <summary>The class indices on the host, checked against the class count before any mixing.</summary>
    private static int[] ReadIndices(Tensor labels, int classCount, string key)
    {
        long[] values = labels.cpu().data<long>().ToArray();
        var indices = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] >= classCount)
            {
                throw new ArgumentOutOfRangeException(key, values[i], $"'{key}' of sample {i} is {values[i]}, outside [0, {classCount}).");
            }

            indices[i] = (int)values[i];
        }

        return indices;
    }

    /// <summary>Saliency (if the policy needs it) on the batch's device, from float pixels even when the batch stays uint8;
    /// class maps (Transplantation) from the first aligned label map.</summary>
    private BatchFeatures Features(Tensor images, AlignedKeys aligned, BatchShape shape)
    {
        FeatureRequirements needs = Policy.Requirements;
        if (needs.IsEmpty)
        {
            return BatchFeatures.None;
        }

        BatchFeatures computed = TorchFeatures.Compute(needs, TensorChecks.IsFloating(images.dtype) ? images : images.to(ScalarType.Float32));
        return needs.ClassMaps ? new BatchFeatures(computed.Saliency, aligned.ClassMaps(shape.Spatial)) : computed;
    }

    private static Tensor Mix(MixPlan plan, Tensor images, string key)
    {
        try
        {
            return TorchMixer.MixOwned(plan, images); // the batch stacked here, which nothing else reads
        }
        catch (ArgumentException e) when (e.ParamName == "images" && images.dtype == ScalarType.Byte)
        {
            // Only the dtype check can fail here (the shape comes from the batch itself): name the dataset's key.
            throw new ArgumentException(
                $"'{key}' holds uint8 images, kept as bytes (ByteImages.Keep), but this batch's {plan.TransformName} plan blends pixels; use ByteImages.ToUnitFloat or a policy that only selects pixels (CutMix).",
                key,
                e);
        }
    }

    private void AddTargets(Dictionary<string, Tensor> batch, MixPlan plan, Tensor labels, int[]? indices, string key)
    {
        Device device = labels.device;
        if (indices is null)
        {
            try
            {
                batch[MixBatchKeys.Targets] = TorchLabelMixer.ToSoftTargets(plan, labels, ClassCount, Smoothing);
            }
            catch (ArgumentException e) when (e.ParamName == "labels")
            {
                throw new ArgumentException($"'{key}': {e.Message.Replace(" (Parameter 'labels')", string.Empty, StringComparison.Ordinal)}", key, e);
            }

            return;
        }

        // The indices were read to the host already, so the targets come from LabelMixer directly: the numbers of
        // TorchLabelMixer, which would build them on the labels' device from uploaded tables instead.
        if (CompactTargets)
        {
            MixedTargets compact = LabelMixer.ToCompact(plan, indices, ClassCount);
            // Uploads that do not make the host wait for a GPU (DeviceData), like the mixing's own.
            batch[MixBatchKeys.TargetsA] = DeviceData.Upload([.. compact.IndexA.ToArray().Select(v => (long)v)], [plan.BatchSize], device);
            batch[MixBatchKeys.TargetsB] = DeviceData.Upload([.. compact.IndexB.ToArray().Select(v => (long)v)], [plan.BatchSize], device);
            batch[MixBatchKeys.Lambda] = DeviceData.Upload(compact.Lambda.ToArray(), [plan.BatchSize], device);
            return;
        }

        float[] targets = LabelMixer.ToSoftTargets(plan, indices, ClassCount, Smoothing);
        batch[MixBatchKeys.Targets] = DeviceData.Upload(targets, [plan.BatchSize, ClassCount], device);
    }

    /// <summary>The plan's input and output valid lengths as int64 <c>[B]</c> tensors, when it has lengths.</summary>
    private static void AddLengths(Dictionary<string, Tensor> batch, MixPlan plan, Device device)
    {
        if (!plan.HasValidLengths)
        {
            return;
        }

        batch[MixBatchKeys.ValidLengths] = DeviceData.Upload([.. plan.ValidLengths.ToArray().Select(l => (long)l)], [plan.BatchSize], device);
        batch[MixBatchKeys.OutputLengths] = DeviceData.Upload([.. plan.OutputLengths.ToArray().Select(l => (long)l)], [plan.BatchSize], device);
    }

    /// <summary>The plan's sources and weights as <c>[B, S]</c> tensors, short rows padded with the sample itself at weight 0.</summary>
    private static void AddRecord(Dictionary<string, Tensor> batch, MixPlan plan, Device device)
    {
        int b = plan.BatchSize, width = plan.MaxSourceCount;
        var sources = new long[b * width];
        var weights = new double[b * width];
        for (int i = 0; i < b; i++)
        {
            ReadOnlySpan<int> from = plan.Sources(i);
            ReadOnlySpan<double> w = plan.Weights(i);
            for (int k = 0; k < width; k++)
            {
                sources[(i * width) + k] = k < from.Length ? from[k] : i;
                weights[(i * width) + k] = k < w.Length ? w[k] : 0.0;
            }
        }

        batch[MixBatchKeys.Sources] = DeviceData.Upload(sources, [b, width], device);
        batch[MixBatchKeys.Weights] = DeviceData.Upload(weights, [b, width], ScalarType.Float64, device);
    }
}
