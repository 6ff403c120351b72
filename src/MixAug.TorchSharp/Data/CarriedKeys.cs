using MixAug.TorchSharp.Mixing;

namespace MixAug.TorchSharp.Data;

/// <summary>
/// The keys <see cref="MixCollate"/> carries into a batch unmixed (<see cref="MixCollateOptions.CarryKeys"/> and,
/// with <see cref="MixCollateOptions.CarryOtherKeys"/>, every other key): their names checked when the collate is
/// created, their samples' tensors read and checked before any tensor is made, and stacked (or padded) into the batch.
/// Each failure is an <see cref="ArgumentException"/> naming the key (or <c>options</c>), the sample and the shapes.
/// </summary>
internal sealed class CarriedKeys
{
    private readonly (CarriedKey Key, Tensor[] Values, long[][] Shapes)[] _keys;

    private CarriedKeys((CarriedKey, Tensor[], long[][])[] keys)
    {
        _keys = keys;
    }

    /// <summary>
    /// Checks the carried keys of <paramref name="options"/> against the collate's own keys and each other, and returns
    /// a copy of the list (the options hold the caller's list, which could change later).
    /// </summary>
    public static CarriedKey[] Check(MixCollateOptions options)
    {
        if (options.CarryKeys is null)
        {
            throw new ArgumentException("CarryKeys is null; leave it unset (none) or give a list.", nameof(options));
        }

        CarriedKey[] keys = [.. options.CarryKeys];
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < keys.Length; k++)
        {
            CarriedKey key = keys[k] ?? throw new ArgumentException($"CarryKeys[{k}] is null.", nameof(options));
            if (Reserved(key.Name, options) is string owner)
            {
                throw new ArgumentException($"CarryKeys[{k}] is '{key.Name}', {owner}; a carried key needs a name of its own.", nameof(options));
            }

            if (!written.Add(key.Name))
            {
                int earlier = Array.FindIndex(keys, c => c.Name == key.Name);
                throw new ArgumentException($"CarryKeys[{k}] and CarryKeys[{earlier}] are both '{key.Name}'; each key is carried once.", nameof(options));
            }
        }

        for (int k = 0; k < keys.Length; k++)
        {
            if (!keys[k].IsPadded)
            {
                continue;
            }

            string lengths = MixBatchKeys.LengthsOf(keys[k].Name);
            string? owner = Reserved(lengths, options) ?? (written.Contains(lengths) ? "a carried key too" : null);
            if (owner is not null)
            {
                throw new ArgumentException(
                    $"CarryKeys[{k}] is '{keys[k].Name}', padded, so its lengths go to '{lengths}', but that is {owner}; rename one of them.", nameof(options));
            }
        }

        return keys;
    }

    /// <summary>Reads and checks the carried tensors of every sample; nothing is made.</summary>
    public static CarriedKeys Read(Dictionary<string, Tensor>[] items, CarriedKey[] declared, AlignedKey[] aligned, MixCollateOptions options)
    {
        var keys = new List<(CarriedKey, Tensor[], long[][])>();
        foreach (CarriedKey key in declared)
        {
            Tensor[] values = Gather(items, key.Name, "each key of MixCollateOptions.CarryKeys");
            keys.Add((key, values, Validate(values, key)));
        }

        if (options.CarryOtherKeys)
        {
            foreach (string name in OtherKeys(items, declared, aligned, options))
            {
                CarriedKey key = CarriedKey.Stacked(name);
                Tensor[] values = Gather(items, name, "the same keys, with CarryOtherKeys");
                keys.Add((key, values, Validate(values, key)));
            }
        }

        return new CarriedKeys([.. keys]);
    }

    /// <summary>Adds the carried tensors to <paramref name="batch"/> on <paramref name="device"/>; they join the current dispose scope.</summary>
    public void AddTo(Dictionary<string, Tensor> batch, Device device)
    {
        foreach ((CarriedKey key, Tensor[] values, long[][] shapes) in _keys)
        {
            if (!key.IsPadded)
            {
                batch[key.Name] = MixCollate.MoveTo(stack(values), device);
                continue;
            }

            long[] lengths = [.. shapes.Select(shape => shape[0])];
            batch[key.Name] = MixCollate.MoveTo(PadAtTheEnd(values, lengths, shapes[0][1..], key.PadValue), device);
            batch[MixBatchKeys.LengthsOf(key.Name)] = DeviceData.Upload(lengths, [values.Length], device);
        }
    }

    /// <summary>
    /// Each sample's <c>[U_i, trailing...]</c> at the front of its row of <c>[B, U, trailing...]</c>, the rest the pad
    /// value. The samples are concatenated and copied with one <c>index_copy_</c> to rows <c>i·U + [0, U_i)</c> of the
    /// batch seen as <c>[B·U, trailing...]</c>: three libtorch calls, where a copy per sample costs three each (a
    /// measured 3 to 4 times longer for 128 transcripts).
    /// </summary>
    private static Tensor PadAtTheEnd(Tensor[] values, long[] lengths, long[] trailing, double padValue)
    {
        long extent = lengths.Max();
        if (lengths.All(l => l == extent))
        {
            return stack(values);
        }

        var rows = new long[lengths.Sum()];
        for (int i = 0, k = 0; i < lengths.Length; i++)
        {
            for (long u = 0; u < lengths[i]; u++)
            {
                rows[k++] = (i * extent) + u;
            }
        }

        Tensor first = values[0];
        using global::TorchSharp.Scalar pad = PadScalar(padValue, first.dtype);
        using Tensor flat = full([values.Length * extent, .. trailing], pad, first.dtype, first.device);
        using Tensor all = cat(values, 0);
        using Tensor index = tensor(rows, device: first.device);
        flat.index_copy_(0, index, all);
        return flat.view([values.Length, extent, .. trailing]);
    }

    /// <summary>The pad value as a scalar of the dtype's kind: an integer dtype is filled from an integer, not a double.</summary>
    private static global::TorchSharp.Scalar PadScalar(double padValue, ScalarType type) => type switch
    {
        ScalarType.Bool => padValue != 0,
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Int16 or ScalarType.Int32 or ScalarType.Int64 => (long)padValue,
        _ => padValue,
    };

    /// <summary>Who writes <paramref name="name"/> into the batch already, or null.</summary>
    internal static string? Reserved(string name, MixCollateOptions options)
    {
        if (name == options.ImagesKey || name == options.LabelsKey)
        {
            return "the key of the images or the labels";
        }

        if (name == options.LengthsKey)
        {
            return "the lengths key, read into MixBatchKeys.ValidLengths already";
        }

        return WrittenByCollate(name);
    }

    private static string? WrittenByCollate(string name) =>
        MixBatchKeys.All.Contains(name) ? $"a key the collate writes itself ({string.Join(", ", MixBatchKeys.All)})" : null;

    /// <summary>The keys of sample 0 that nothing else claims, in ordinal order; every sample must hold the same ones.</summary>
    private static string[] OtherKeys(Dictionary<string, Tensor>[] items, CarriedKey[] declared, AlignedKey[] aligned, MixCollateOptions options)
    {
        bool Claimed(string k) => k == options.ImagesKey || k == options.LabelsKey || k == options.LengthsKey || declared.Any(c => c.Name == k) || aligned.Any(a => a.Name == k || a.ClassesName == k);
        string[] others = [.. items[0].Keys.Where(k => !Claimed(k)).Order(StringComparer.Ordinal)];
        foreach (string name in others)
        {
            string? owner = WrittenByCollate(name)
                ?? (declared.FirstOrDefault(c => c.IsPadded && MixBatchKeys.LengthsOf(c.Name) == name) is { } padded ? $"where the lengths of {padded} go" : null)
                ?? aligned.SelectMany(AlignedKeys.SecondKeys).FirstOrDefault(k => k.Name == name).Owner;
            if (owner is not null)
            {
                throw new ArgumentException(
                    $"Sample 0 has the key '{name}', {owner}; CarryOtherKeys would carry it there: rename it in the dataset, or name the keys to carry in CarryKeys.", name);
            }
        }

        for (int i = 1; i < items.Length; i++)
        {
            string? extra = items[i].Keys.Where(k => !Claimed(k)).Order(StringComparer.Ordinal).FirstOrDefault(k => !others.Contains(k));
            if (extra is not null)
            {
                throw new ArgumentException(
                    $"Sample {i} has the key '{extra}', which sample 0 lacks (its other keys: {List(others)}); with CarryOtherKeys every sample must hold the same keys.", extra);
            }
        }

        return others;
    }

    /// <summary>Every sample's tensor under <paramref name="key"/> (a <paramref name="kind"/> key, "carried" or
    /// "aligned"); a sample without it is refused naming the key, the sample, its keys and <paramref name="rule"/>.</summary>
    internal static Tensor[] Gather(Dictionary<string, Tensor>[] items, string key, string rule, string kind = "carried")
    {
        var values = new Tensor[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!items[i].TryGetValue(key, out Tensor? value) || value is null)
            {
                throw new ArgumentException($"Sample {i} has no tensor under the {kind} key '{key}' (its keys: {List(items[i].Keys)}); every sample must hold {rule}.", key);
            }

            values[i] = value;
        }

        return values;
    }

    /// <summary>
    /// One dtype and device; one shape (stacked) or one shape past the first dimension (padded); a pad value of the
    /// dtype. Returns each sample's shape, read once (each read is a call into libtorch).
    /// </summary>
    private static long[][] Validate(Tensor[] values, CarriedKey key)
    {
        string name = key.Name;
        Tensor first = values[0];
        long[][] shapes = [.. values.Select(t => t.shape)];
        long[] shape = shapes[0];
        ScalarType type = first.dtype;
        if (key.IsPadded && shape.Length == 0)
        {
            throw new ArgumentException($"'{name}' of sample 0 is a 0-dim {type}; a padded key needs a first dimension to pad (carry it with CarriedKey.Stacked).", name);
        }

        for (int i = 1; i < values.Length; i++)
        {
            Tensor t = values[i];
            long[] own = shapes[i];
            string both = $"'{name}' of sample {i} is {t.dtype} {TensorChecks.Describe(own)} but sample 0's is {type} {TensorChecks.Describe(shape)}";
            if (t.dtype != type)
            {
                throw new ArgumentException($"{both}; every sample's '{name}' must have one dtype (convert them in the dataset).", name);
            }

            if (!key.IsPadded && !own.SequenceEqual(shape))
            {
                throw new ArgumentException($"{both}; a stacked key needs one shape in every sample (carry it with CarriedKey.Padded if its first dimension varies).", name);
            }

            if (key.IsPadded && (own.Length != shape.Length || !own.AsSpan(1).SequenceEqual(shape.AsSpan(1))))
            {
                throw new ArgumentException($"{both}; a padded key may differ in its first dimension only.", name);
            }

            if (!TensorChecks.IsSameDevice(t, first))
            {
                throw new ArgumentException($"'{name}' of sample {i} is on {t.device} but sample 0's is on {first.device}; a batch is stacked on one device.", name);
            }
        }

        if (key.IsPadded && !Fits(key.PadValue, type))
        {
            throw new ArgumentException($"'{name}' holds {type} tensors, but its pad value is {key.PadValue}, not a value of that dtype; give CarriedKey.Padded a pad value the dtype holds.", name);
        }

        return shapes;
    }

    /// <summary>True when <paramref name="value"/> is a value of <paramref name="type"/>; any value (NaN included) for floating and complex dtypes.</summary>
    internal static bool Fits(double value, ScalarType type)
    {
        bool Whole(double lo, double hi) => value >= lo && value <= hi && Math.Floor(value) == value;
        return type switch
        {
            ScalarType.Bool => value is 0.0 or 1.0,
            ScalarType.Byte => Whole(0, byte.MaxValue),
            ScalarType.Int8 => Whole(sbyte.MinValue, sbyte.MaxValue),
            ScalarType.Int16 => Whole(short.MinValue, short.MaxValue),
            ScalarType.Int32 => Whole(int.MinValue, int.MaxValue),
            ScalarType.Int64 => value >= long.MinValue && value < -(double)long.MinValue && Math.Floor(value) == value, // [-2^63, 2^63)
            _ => true,
        };
    }

    private static string List(IEnumerable<string> keys) => keys.Any() ? string.Join(", ", keys.Select(k => $"'{k}'")) : "none";
}
