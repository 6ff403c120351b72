using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// The aligned keys of one batch (<see cref="MixCollateOptions.AlignedKeys"/>): read from every sample and checked
/// against the images before any tensor is made, then stacked and mixed by the batch's plan. Each failure is an
/// <see cref="ArgumentException"/> whose parameter name is the key.
/// </summary>
internal sealed class AlignedKeys
{
    private readonly (AlignedKey Key, Tensor[] Values)[] _keys;

    private AlignedKeys((AlignedKey, Tensor[])[] keys) => _keys = keys;

    /// <summary>
    /// Checks the aligned keys of <paramref name="options"/> against the collate's own keys, the carried keys and each
    /// other (a label map's soft targets key included), and returns a copy of the list.
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
            if (key.ClassCount > 0)
            {
                string targets = MixBatchKeys.SoftTargetsOf(key.Name);
                Claim(targets, $"AlignedKeys[{k}] is {key}, so its soft targets go to '{targets}'", $"where the soft targets of {key} go");
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

    /// <summary>Reads and checks the aligned tensors of every sample against its image; nothing is made.</summary>
    public static AlignedKeys Read(Dictionary<string, Tensor>[] items, AlignedKey[] declared, Tensor[] images, string imagesKey)
    {
        if (declared.Length == 0)
        {
            return new AlignedKeys([]);
        }

        long[] extent = images[0].shape[1..];
        for (int i = 1; i < images.Length; i++)
        {
            if (!images[i].shape.SequenceEqual(images[0].shape))
            {
                throw new ArgumentException(
                    $"'{imagesKey}' of sample {i} is {TensorChecks.Describe(images[i].shape)} but sample 0's is {TensorChecks.Describe(images[0].shape)}: a batch padded to its longest sample takes no aligned key ({declared[0]}); pad the samples to one length in the dataset.",
                    declared[0].Name);
            }
        }

        var keys = new (AlignedKey, Tensor[])[declared.Length];
        for (int k = 0; k < declared.Length; k++)
        {
            keys[k] = (declared[k], Validate(items, declared[k], extent, imagesKey));
        }

        return new AlignedKeys(keys);
    }

    /// <summary>The first label map's classes as class maps (what Transplantation draws from), read to the host.</summary>
    /// <exception cref="InvalidOperationException">No aligned key is a label map (the collate refuses such a policy first).</exception>
    public ClassMaps ClassMaps(SpatialShape spatial)
    {
        Tensor[] maps = _keys.FirstOrDefault(k => k.Key.IsLabelMap).Values
            ?? throw new InvalidOperationException("No aligned key is a label map.");
        using DisposeScope scope = NewDisposeScope();
        return new ClassMaps(spatial, stack(maps).to(ScalarType.Int64).cpu().data<long>().ToArray());
    }

    /// <summary>Stacks each key on <paramref name="device"/>, mixes it by <paramref name="plan"/> and adds it (and a label
    /// map's soft targets) to <paramref name="batch"/>; the tensors join the current dispose scope.</summary>
    public void AddTo(Dictionary<string, Tensor> batch, MixPlan plan, Device device)
    {
        foreach ((AlignedKey key, Tensor[] values) in _keys)
        {
            Tensor stacked = MixCollate.MoveTo(stack(values), device);
            try
            {
                if (!key.IsLabelMap)
                {
                    batch[key.Name] = TorchMixer.Apply(plan, stacked);
                    continue;
                }

                batch[key.Name] = TorchLabelMapMixer.Mix(plan, stacked);
                if (key.ClassCount > 0)
                {
                    batch[MixBatchKeys.SoftTargetsOf(key.Name)] = TorchLabelMapMixer.ToSoftTargets(plan, stacked, key.ClassCount, key.IgnoreIndex);
                }
            }
            catch (ArgumentException e) when (e.ParamName is "images" or "labelMaps")
            {
                // The dtype against this batch's plan (integer values under a blend), or a class outside the soft targets.
                string reason = e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
                throw new ArgumentException($"{key} of this batch ({plan.TransformName} plan): {reason}", key.Name, e);
            }
        }
    }

    private static Tensor[] Validate(Dictionary<string, Tensor>[] items, AlignedKey key, long[] extent, string imagesKey)
    {
        string name = key.Name;
        var values = new Tensor[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!items[i].TryGetValue(name, out Tensor? value) || value is null)
            {
                string keys = items[i].Count == 0 ? "none" : string.Join(", ", items[i].Keys.Select(k => $"'{k}'"));
                throw new ArgumentException($"Sample {i} has no tensor under the aligned key '{name}' (its keys: {keys}); every sample must hold each key of MixCollateOptions.AlignedKeys.", name);
            }

            values[i] = value;
        }

        Tensor first = values[0];
        long[] shape = first.shape;
        ScalarType type = first.dtype;
        bool integer = type is ScalarType.Byte or ScalarType.Int32 or ScalarType.Int64;
        if (key.IsLabelMap ? !integer : !integer && !TensorChecks.IsFloating(type))
        {
            throw new ArgumentException(
                $"{key} of sample 0 has dtype {type}; {(key.IsLabelMap ? "a label map holds uint8, int32 or int64 class indices" : "aligned values are floating point, uint8, int32 or int64")}.", name);
        }

        bool fits = key.IsLabelMap
            ? shape.SequenceEqual(extent)
            : shape.Length >= extent.Length && shape[(shape.Length - extent.Length)..].SequenceEqual(extent);
        if (!fits)
        {
            throw new ArgumentException(
                $"{key} of sample 0 has shape {TensorChecks.Describe(shape)}, but its '{imagesKey}' has the extent {TensorChecks.Describe(extent)}; {(key.IsLabelMap ? "a label map is exactly the extent" : "aligned values end in the extent")}.", name);
        }

        for (int i = 1; i < values.Length; i++)
        {
            Tensor t = values[i];
            bool sameDevice = t.device_type == first.device_type && (t.device_type == DeviceType.CPU || t.device_index == first.device_index);
            if (t.dtype != type || !t.shape.SequenceEqual(shape) || !sameDevice)
            {
                throw new ArgumentException(
                    $"{key} of sample {i} is {t.dtype} {TensorChecks.Describe(t.shape)} on {t.device} but sample 0's is {type} {TensorChecks.Describe(shape)} on {first.device}; every sample's has one shape, dtype and device.", name);
            }
        }

        return values;
    }
}
