using MixAug.Labels;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// The aligned keys of one batch (<see cref="MixCollateOptions.AlignedKeys"/>): read from every sample and checked
/// against the images before any tensor is made, then stacked and mixed by the batch's plan. Each failure is an
/// <see cref="ArgumentException"/> whose parameter name is the key.
/// </summary>
internal sealed class AlignedKeys
{
    private readonly (AlignedKey Key, Tensor[] Values, Padding? Pad)[] _grids;
    private readonly Tensor?[] _stacked;
    private readonly (AlignedKey Key, DetectionBoxes[] Boxes)[] _boxes;

    private AlignedKeys((AlignedKey, Tensor[], Padding?)[] grids, (AlignedKey, DetectionBoxes[])[] boxes)
    {
        _grids = grids;
        _stacked = new Tensor?[grids.Length];
        _boxes = boxes;
    }

    /// <summary>
    /// The batch keys a key writes besides its name, each with who writes it: a label map's soft targets; boxes'
    /// classes, weights and counts.
    /// </summary>
    public static IEnumerable<(string Name, string Owner)> SecondKeys(AlignedKey key)
    {
        if (key.Kind == AlignedKeyKind.LabelMap && key.ClassCount > 0)
        {
            yield return (MixBatchKeys.SoftTargetsOf(key.Name), $"where the soft targets of {key} go");
        }

        if (key.Kind == AlignedKeyKind.Boxes)
        {
            yield return (key.ClassesName!, $"where the classes of {key} go");
            yield return (MixBatchKeys.WeightsOf(key.Name), $"where the weights of {key} go");
            yield return (MixBatchKeys.LengthsOf(key.Name), $"where the counts of {key} go");
        }
    }

    /// <summary>
    /// Checks the aligned keys of <paramref name="options"/> against the collate's own keys, the carried keys and each
    /// other (the keys each writes besides its name included), and returns a copy of the list.
    /// </summary>
    public static AlignedKey[] Check(MixCollateOptions options, CarriedKey[] carried)
    {
        if (options.AlignedKeys is null)
        {
            throw new ArgumentException("AlignedKeys is null; leave it unset (none) or give a list.", nameof(options));
        }

        AlignedKey[] keys = [.. options.AlignedKeys];
        var written = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (CarriedKey key in carried)
        {
            written[key.Name] = $"carried ({key})";
            if (key.IsPadded)
            {
                written[MixBatchKeys.LengthsOf(key.Name)] = $"where the lengths of the carried {key} go";
            }
        }

        for (int k = 0; k < keys.Length; k++)
        {
            AlignedKey key = keys[k] ?? throw new ArgumentException($"AlignedKeys[{k}] is null.", nameof(options));
            Claim(key.Name, $"AlignedKeys[{k}] is '{key.Name}'", $"the aligned {key}");
            foreach ((string name, string owner) in SecondKeys(key))
            {
                Claim(name, $"AlignedKeys[{k}] is {key}, which writes '{name}' too", owner);
            }
        }

        return keys;

        void Claim(string name, string what, string owner)
        {
            string? taken = CarriedKeys.Reserved(name, options) ?? (written.TryGetValue(name, out string? by) ? by : null);
            if (taken is not null)
            {
                throw new ArgumentException($"{what}: that name is {taken}; each key of the batch needs a name of its own.", nameof(options));
            }

            written[name] = owner;
        }
    }

    /// <summary>
    /// Reads and checks the aligned tensors of every sample against its own image; nothing is made. In a batch of
    /// sequences or clips of different lengths each sample's tensor ends in its own extent, and is padded along time to
    /// the longest: values with <see cref="MixCollateOptions.PadValue"/> (as the images), a label map with its ignore
    /// index, either of which must be a value of the tensor's dtype.
    /// </summary>
    public static AlignedKeys Read(Dictionary<string, Tensor>[] items, AlignedKey[] declared, Tensor[] images, MixCollateOptions options)
    {
        if (declared.Length == 0)
        {
            return new AlignedKeys([], []);
        }

        long[][] extents = [.. images.Select(t => t.shape[1..])];
        bool padded = extents.Any(e => !e.SequenceEqual(extents[0]));
        var grids = new List<(AlignedKey, Tensor[], Padding?)>();
        var boxes = new List<(AlignedKey, DetectionBoxes[])>();
        foreach (AlignedKey key in declared)
        {
            if (key.Kind == AlignedKeyKind.Boxes)
            {
                boxes.Add((key, ReadBoxes(items, key, extents[0], options.ImagesKey)));
                continue;
            }

            Tensor[] values = Validate(items, key, extents, options.ImagesKey);
            grids.Add((key, values, padded ? PaddingOf(key, values, extents, options.PadValue) : null));
        }

        return new AlignedKeys([.. grids], [.. boxes]);
    }

    /// <summary>The first label map's classes as class maps (what Transplantation draws from), read to the host.</summary>
    /// <exception cref="InvalidOperationException">No aligned key is a label map (the collate refuses such a policy first).</exception>
    public ClassMaps ClassMaps(SpatialShape spatial)
    {
        int first = Array.FindIndex(_grids, k => k.Key.Kind == AlignedKeyKind.LabelMap);
        if (first < 0)
        {
            throw new InvalidOperationException("No aligned key is a label map.");
        }

        Tensor maps = Stacked(first); // in the collate's scope, for the mixing to read again
        using DisposeScope scope = NewDisposeScope();
        return new ClassMaps(spatial, NativeTensor.Elements<long>(maps.to(ScalarType.Int64).cpu().contiguous()));
    }

    /// <summary>Key <paramref name="k"/>'s samples stacked (padded along time where they differ), once: the class maps
    /// and the mixing read the same tensor. It belongs to the dispose scope of the first call, the collate's.</summary>
    private Tensor Stacked(int k)
    {
        if (_stacked[k] is { IsInvalid: false } made)
        {
            return made;
        }

        (_, Tensor[] values, Padding? pad) = _grids[k];
        Tensor stacked = pad is { } p ? p.Stack(values) : stack(values);
        _stacked[k] = stacked;
        return stacked;
    }

    /// <summary>Mixes each key by <paramref name="plan"/> and adds it (and the keys it writes besides) to
    /// <paramref name="batch"/> on <paramref name="device"/>; the tensors join the current dispose scope.</summary>
    public void AddTo(Dictionary<string, Tensor> batch, MixPlan plan, Device device)
    {
        for (int k = 0; k < _grids.Length; k++)
        {
            MixStacked(_grids[k].Key, MixCollate.MoveTo(Stacked(k), device), plan, batch);
        }

        foreach ((AlignedKey key, DetectionBoxes[] boxes) in _boxes)
        {
            MixBoxes(key, boxes, plan, batch, device);
        }
    }

    /// <summary>
    /// Mixes a boxes key's per-image boxes by <paramref name="plan"/> (<see cref="BoxMixer"/>, the key's thresholds) into
    /// <paramref name="into"/> on <paramref name="device"/>: corners padded to the most boxes of any output, classes
    /// (−1 for padding), weights and counts. The collate's and <see cref="MixLayer"/>'s one way to mix boxes.
    /// </summary>
    public static void MixBoxes(AlignedKey key, DetectionBoxes[] boxes, MixPlan plan, IDictionary<string, Tensor> into, Device device)
    {
        DetectionBoxes[] mixed;
        try
        {
            mixed = BoxMixer.Mix(plan, boxes, key.MinVisibleFraction, minSide: key.MinSide);
        }
        catch (ArgumentException e) when (e.ParamName == "boxes")
        {
            // Only the work bound can refuse here (the corners were checked when read): name the key.
            throw new ArgumentException($"{key} of this batch ({plan.TransformName} plan): {e.Message.Replace(" (Parameter 'boxes')", string.Empty, StringComparison.Ordinal)}", key.Name, e);
        }

        AddBoxes(into, key, mixed, device);
    }

    /// <summary>
    /// The boxes of a stacked batch, as <see cref="MixBoxes"/> writes them (and a collate for detection stacks them):
    /// corners <c>[B, M, 4]</c>, floating, and classes <c>[B, M]</c>, integers, where a row of a negative class is
    /// padding; read to the host and checked as the collate checks each sample's boxes.
    /// </summary>
    public static DetectionBoxes[] ReadPadded(AlignedKey key, Tensor corners, Tensor classes, long height, long width)
    {
        long b = corners.shape[0], most = corners.shape[1];
        (float[] values, long[] ids) = ToHost(corners, classes);
        var boxes = new DetectionBoxes[b];
        for (int i = 0; i < b; i++)
        {
            int[] rows = [.. Enumerable.Range(0, (int)most).Where(r => ids[(i * most) + r] >= 0)];
            float[] kept = [.. rows.SelectMany(r => values.AsSpan((int)(((i * most) + r) * 4), 4).ToArray())];
            boxes[i] = SampleBoxes(key, kept, [.. rows.Select(r => ids[(i * most) + r])], height, width, $"image {i}");
        }

        return boxes;
    }

    /// <summary>
    /// Mixes a stacked values or label-map key by <paramref name="plan"/> into <paramref name="into"/> (a label map's soft
    /// targets too); what the plan cannot mix (integer values under a blend, a class outside the soft targets) is refused
    /// naming the key. The collate's and <see cref="MixLayer"/>'s one way to mix an aligned tensor.
    /// </summary>
    public static void MixStacked(AlignedKey key, Tensor stacked, MixPlan plan, IDictionary<string, Tensor> into)
    {
        try
        {
            if (key.Kind == AlignedKeyKind.Values)
            {
                into[key.Name] = TorchMixer.Apply(plan, stacked);
                return;
            }

            into[key.Name] = TorchLabelMapMixer.Mix(plan, stacked);
            if (key.ClassCount > 0)
            {
                into[MixBatchKeys.SoftTargetsOf(key.Name)] = TorchLabelMapMixer.ToSoftTargets(plan, stacked, key.ClassCount, key.IgnoreIndex);
            }
        }
        catch (ArgumentException e) when (e.ParamName is "images" or "labelMaps")
        {
            string reason = e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new ArgumentException($"{key} of this batch ({plan.TransformName} plan): {reason}", key.Name, e);
        }
    }

    /// <summary>The mixed boxes as tensors padded to the most boxes of any output: corners, classes, weights, counts.</summary>
    private static void AddBoxes(IDictionary<string, Tensor> batch, AlignedKey key, DetectionBoxes[] mixed, Device device)
    {
        int b = mixed.Length, most = mixed.Max(m => m.Count);
        var corners = new float[b * most * 4];
        var classes = new long[b * most];
        var weights = new float[b * most];
        var counts = new long[b];
        Array.Fill(classes, -1L);
        for (int i = 0; i < b; i++)
        {
            DetectionBoxes boxes = mixed[i];
            counts[i] = boxes.Count;
            boxes.Corners.CopyTo(corners.AsSpan(i * most * 4));
            boxes.Weights.CopyTo(weights.AsSpan(i * most));
            for (int k = 0; k < boxes.Count; k++)
            {
                classes[(i * most) + k] = boxes.Classes[k];
            }
        }

        batch[key.Name] = DeviceData.Upload(corners, [b, most, 4], device);
        batch[key.ClassesName!] = DeviceData.Upload(classes, [b, most], device);
        batch[MixBatchKeys.WeightsOf(key.Name)] = DeviceData.Upload(weights, [b, most], device);
        batch[MixBatchKeys.LengthsOf(key.Name)] = DeviceData.Upload(counts, [b], device);
    }

    /// <summary>Each sample's boxes, read to the host and checked: corners <c>[N, 4]</c> floating inside the image, classes <c>[N]</c> integers in the range of int.</summary>
    private static DetectionBoxes[] ReadBoxes(Dictionary<string, Tensor>[] items, AlignedKey key, long[] extent, string imagesKey)
    {
        string name = key.Name, classesName = key.ClassesName!;
        if (extent.Length != 2)
        {
            throw new ArgumentException($"{key}: detection boxes need images [C, H, W]; '{imagesKey}' of sample 0 has the extent {TensorChecks.Describe(extent)}.", name);
        }

        Tensor[] corners = Gather(items, name), classes = Gather(items, classesName);
        var boxes = new DetectionBoxes[items.Length];
        long height = extent[0], width = extent[1];
        for (int i = 0; i < items.Length; i++)
        {
            Tensor c = corners[i], k = classes[i];
            if (!TensorChecks.IsFloating(c.dtype) || c.shape.Length != 2 || c.shape[1] != 4)
            {
                throw new ArgumentException($"{key} of sample {i} is {c.dtype} {TensorChecks.Describe(c.shape)}; boxes are floating [N, 4] corners x0, y0, x1, y1 (N may be 0).", name);
            }

            if (!TensorChecks.IsInteger(k.dtype) || k.shape.Length != 1 || k.shape[0] != c.shape[0])
            {
                throw new ArgumentException($"'{classesName}' of sample {i} is {k.dtype} {TensorChecks.Describe(k.shape)}, but its {c.shape[0]} boxes need integer classes [{c.shape[0]}].", classesName);
            }

            (float[] values, long[] ids) = ToHost(c, k);
            boxes[i] = SampleBoxes(key, values, ids, height, width, $"sample {i}");
        }

        return boxes;
    }

    /// <summary>Corners as float32 and classes as int64, read to the host in element order (empty for no boxes: TorchSharp's
    /// <c>data&lt;T&gt;().ToArray()</c> throws on an empty tensor).</summary>
    private static (float[] Corners, long[] Classes) ToHost(Tensor corners, Tensor classes)
    {
        if (corners.numel() == 0)
        {
            return ([], []);
        }

        using DisposeScope scope = NewDisposeScope();
        return (corners.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray(), classes.to(ScalarType.Int64).cpu().contiguous().data<long>().ToArray());
    }

    /// <summary>One image's boxes, checked: each inside the image with x0 &lt; x1 and y0 &lt; y1, each class in the range of int.</summary>
    private static DetectionBoxes SampleBoxes(AlignedKey key, float[] values, long[] ids, long height, long width, string whose)
    {
        for (int b = 0; b < ids.Length; b++)
        {
            float x0 = values[4 * b], y0 = values[(4 * b) + 1], x1 = values[(4 * b) + 2], y1 = values[(4 * b) + 3];
            if (!(x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height && x0 < x1 && y0 < y1))
            {
                throw new ArgumentException($"{key}: box {b} of {whose} is ({x0}, {y0}, {x1}, {y1}); a box lies inside the {width}x{height} image with x0 < x1 and y0 < y1.", key.Name);
            }

            if (ids[b] is < int.MinValue or > int.MaxValue)
            {
                throw new ArgumentException($"'{key.ClassesName}' of {whose}: box {b}'s class is {ids[b]}, outside the range of int.", key.ClassesName);
            }
        }

        return new DetectionBoxes(values, [.. ids.Select(v => (int)v)]);
    }

    private static Tensor[] Gather(Dictionary<string, Tensor>[] items, string name) =>
        CarriedKeys.Gather(items, name, "each key of MixCollateOptions.AlignedKeys", kind: "aligned");

    /// <summary>Each sample's tensor, checked: a dtype the kind takes, its shape ending in its own image's extent (a label
    /// map exactly that extent), and one shape (besides time), dtype and device in every sample.</summary>
    private static Tensor[] Validate(Dictionary<string, Tensor>[] items, AlignedKey key, long[][] extents, string imagesKey)
    {
        string name = key.Name;
        Tensor[] values = Gather(items, name);
        Tensor first = values[0];
        ScalarType type = first.dtype;
        bool labelMap = key.Kind == AlignedKeyKind.LabelMap;
        if (!Holds(key, type))
        {
            throw new ArgumentException(
                $"{key} of sample 0 has dtype {type}; {(labelMap ? "a label map holds uint8, int32 or int64 class indices" : "aligned values are floating point, uint8, int32 or int64")}.", name);
        }

        for (int i = 0; i < values.Length; i++)
        {
            Tensor t = values[i];
            long[] shape = t.shape, extent = extents[i];
            if (!EndsIn(key, shape, extent))
            {
                throw new ArgumentException(
                    $"{key} of sample {i} has shape {TensorChecks.Describe(shape)}, but its '{imagesKey}' has the extent {TensorChecks.Describe(extent)}; {(labelMap ? "a label map is exactly the extent" : "aligned values end in the extent")}.", name);
            }

            bool sameDevice = TensorChecks.IsSameDevice(t, first);
            bool sameLeading = shape.Length == first.shape.Length && shape[..(shape.Length - extent.Length)].SequenceEqual(first.shape[..(shape.Length - extent.Length)]);
            if (t.dtype != type || !sameLeading || !sameDevice)
            {
                throw new ArgumentException(
                    $"{key} of sample {i} is {t.dtype} {TensorChecks.Describe(shape)} on {t.device} but sample 0's is {type} {TensorChecks.Describe(first.shape)} on {first.device}; every sample's has one dtype, device and shape before the extent.", name);
            }
        }

        return values;
    }

    /// <summary>Whether <paramref name="type"/> is a dtype the key takes: integer class indices for a label map, floating
    /// or uint8, int32 and int64 for values.</summary>
    internal static bool Holds(AlignedKey key, ScalarType type)
    {
        bool integer = type is ScalarType.Byte or ScalarType.Int32 or ScalarType.Int64;
        return key.Kind == AlignedKeyKind.LabelMap ? integer : integer || TensorChecks.IsFloating(type);
    }

    /// <summary>Whether <paramref name="shape"/> fits <paramref name="extent"/>: exactly it for a label map, ending in it
    /// for values (the samples' own extent, or the batch size and the extent for a stacked batch).</summary>
    internal static bool EndsIn(AlignedKey key, long[] shape, long[] extent) =>
        key.Kind == AlignedKeyKind.LabelMap
            ? shape.SequenceEqual(extent)
            : shape.Length >= extent.Length && shape[(shape.Length - extent.Length)..].SequenceEqual(extent);

    /// <summary>How a key's samples are padded along time to the longest; refused when the pad value is not a value of
    /// the key's dtype.</summary>
    private static Padding PaddingOf(AlignedKey key, Tensor[] values, long[][] extents, double padValue)
    {
        double pad = key.Kind == AlignedKeyKind.LabelMap ? key.IgnoreIndex : padValue;
        ScalarType type = values[0].dtype;
        if (!CarriedKeys.Fits(pad, type))
        {
            string how = key.Kind == AlignedKeyKind.LabelMap
                ? $"pads with its ignore index {key.IgnoreIndex}, which a {type} map cannot hold: give one it can, AlignedKey.LabelMap(name, classCount, ignoreIndex: 255) for uint8"
                : $"pads with MixCollateOptions.PadValue {padValue}, which {type} cannot hold";
            throw new ArgumentException($"{key}: the batch's samples differ in length, and the key {how}.", key.Name);
        }

        // Time is the extent's first dimension: the key's dimension before its trailing extent's other ones.
        return new Padding(values[0].shape.Length - extents[0].Length, extents.Max(e => e[0]), pad);
    }

    /// <summary>Samples padded at the end of dimension <paramref name="Time"/> to <paramref name="Extent"/> with <paramref name="Value"/>.</summary>
    private readonly record struct Padding(int Time, long Extent, double Value)
    {
        public Tensor Stack(Tensor[] values) => SampleLengths.StackPadded(values, Time, Extent, Value);
    }
}
