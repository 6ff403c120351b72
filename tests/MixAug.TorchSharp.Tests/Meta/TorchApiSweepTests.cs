using System.Reflection;
using System.Reflection.Emit;
using MixAug.Randomness;
using MixAug.Sweep;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using MixAug.TorchSharp.Testing;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Meta;

/// <summary>
/// The public-API sweep (see <see cref="ApiSweep"/>) over MixAug.TorchSharp and MixAug.TorchSharp.Testing: every public
/// member, called with seeded tensors that fit the plan and with bad ones (null, scalars, empty batches, wrong ranks
/// and dtypes, the meta device, tensors that require grad, expand() views, transposed views, NaN values), must return or
/// throw a documented exception naming one of its parameters (docs/ownership.md: an ArgumentException, never libtorch's
/// ExternalException), and must never change or dispose a tensor the caller passed, except a destination it returned
/// normally into, or the batch TorchMixer.ApplyInPlace returned normally from mixing.
/// </summary>
public sealed class TorchApiSweepTests
{
    private const int Seed = 20261203;
    private const int CasesPerMember = 60;

    [Test]
    public void EveryPublicMemberRejectsBadTensorsByNameWithoutTouchingTheCallersTensors()
    {
        var sweep = new ApiSweep();
        CoreValues.Register(sweep);
        string folder = Directory.CreateTempSubdirectory("mixaug-sweep-").FullName;
        try
        {
            TorchValues.Register(sweep, folder);
            IReadOnlyList<MethodBase> members = sweep.Members(typeof(TorchMixer).Assembly, typeof(TensorMixAssert).Assembly);
            SweepResult result = sweep.Run(members, Seed, CasesPerMember);
            TestContext.Out.WriteLine(result.Report());
            Assert.That(result.Cases, Is.GreaterThan(1000));
            Assert.That(result.Failures, Is.Empty, result.Report());
            Assert.That(result.Excluded.Distinct(), Is.EquivalentTo(new[]
            {
                "MixBatchRecord.Deconstruct(Int64&, Int64&, MixPlan&): by-reference parameters (a record's Deconstruct); nothing to validate",
                "TorchSharpLoadReport.Deconstruct(TorchSharpLoadAction&, String&, String&): by-reference parameters (a record's Deconstruct); nothing to validate",
            }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Value rules for tensors and the TorchSharp types, and the buffer rule that snapshots tensors.</summary>
internal static class TorchValues
{
    public static void Register(ApiSweep sweep, string folder)
    {
        DisposeScope? scope = null;
        sweep.BeforeCase = () => scope = NewDisposeScope();
        sweep.AfterCase = () =>
        {
            scope?.Dispose();
            scope = null;
        };

        sweep.Add<Tensor>(c => c.Extreme ? Bad(c) : Plausible(c));
        sweep.Add<Device>(c => c.Pick(CPU, new Device(DeviceType.META)));
        // SourceWeightedLoss's callback: a per-sample loss, null, a wrong shape, an integer result.
        sweep.Add<Func<Tensor, Tensor>>(c => c.Pick<Func<Tensor, Tensor>?>(
            s => s.to(ScalarType.Float32) * 0.5,
            null,
            s => s.unsqueeze(0).to(ScalarType.Float32),
            s => s));
        sweep.Add<CompactTargetTensors>(c =>
        {
            if (c.Extreme && !c.Receiver && c.Chance(0.4))
            {
                return null;
            }

            MixPlan plan = c.Items.TryGetValue("plan", out object? p) && ((MixPlan)p).IsPairwise
                ? (MixPlan)p
                : new MixUp(mode: LambdaMode.Element).CreatePlan(new BatchShape(3, 1, 2, 2), new MixRandom(1));
            Tensor labels = tensor([.. Enumerable.Range(0, plan.BatchSize).Select(i => (long)(i % 3))]);
            return TorchLabelMixer.ToCompact(plan, labels, 3);
        });
        sweep.Add<LabelMapPairTensors>(c =>
        {
            if (c.Extreme && !c.Receiver && c.Chance(0.4))
            {
                return null;
            }

            MixPlan plan = c.Items.TryGetValue("plan", out object? p) && ((MixPlan)p).Spatial.Size <= 1 << 12
                ? (MixPlan)p
                : new CutMix().CreatePlan(new BatchShape(3, 1, 4, 4), new MixRandom(1));
            long[] dims = [plan.BatchSize, .. plan.Spatial.ToDimensions().Select(d => (long)d)];
            try
            {
                return TorchLabelMapMixer.ToPairs(plan, randint(0, 3, dims, ScalarType.Int64));
            }
            catch (ArgumentException)
            {
                // A blend of more than two sources has no pairs; pairs of another plan then.
                return TorchLabelMapMixer.ToPairs(new CutMix().CreatePlan(new BatchShape(3, 1, 4, 4), new MixRandom(1)), randint(0, 3, [3, 4, 4], ScalarType.Int64));
            }
        });
        sweep.Add<MixModule>(c => new MixModule(
            c.Pick<IMixTransform>(new MixUp(mode: LambdaMode.Element), new CutMix(), new SaliencyMix(), new FMix()),
            new MixRandom((ulong)c.Random.NextInt64()),
            3,
            c.Pick(0.0, 0.1),
            compactTargets: c.Chance(0.3)));
        sweep.Add<MixedBatch>(c =>
        {
            var shape = new BatchShape(3, 1, 4, 4);
            using Tensor images = rand(3, 1, 4, 4);
            using Tensor labels = tensor(new long[] { 0, 1, 2 });
            return new MixModule(new MixUp(), new MixRandom(1), 3).Forward(images, labels);
        });
        RegisterManifold(sweep);
        sweep.Add<GradientSaliency>(c => new GradientSaliency(c.Pick(1, 2, 3)));
        sweep.Add<TorchSharpLoadReport>(c => TorchSharpRuntime.EnsureLoadable());
        RegisterScalarScan(sweep);
        RegisterData(sweep);

        // Paths for the ELF patcher: never a real library, only files of the sweep's own temporary folder.
        string empty = Path.Combine(folder, "empty.so"), text = Path.Combine(folder, "text.so"), tiny = Path.Combine(folder, "tiny.so");
        File.WriteAllBytes(empty, []);
        File.WriteAllText(text, "not an ELF file");
        File.WriteAllBytes(tiny, [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1]);
        Func<SweepContext, object?> paths = c => c.Pick<string?>(null, string.Empty, Path.Combine(folder, "missing.so"), folder, empty, text, tiny);
        sweep.ParameterOverrides["TorchSharpRuntime.PatchFile/library"] = paths;
        sweep.ParameterOverrides["TorchSharpRuntime.NeedsPatch/library"] = paths;

        // Lists of tensors (AlignedMixing): each tensor snapshotted, never compared with Tensor.Equals (libtorch's
        // equal, which meta tensors refuse).
        sweep.Buffers.Insert(0, new BufferRule(
            v => v is Tensor[] ts ? ts.Select(t => t is null ? null : Snapshot(t)).ToArray() : null,
            (v, s) => ((Tensor[])v).Zip((TensorSnapshot?[])s).Select(p => p.First is null || p.Second is null ? null : Changed(p.First, p.Second)).FirstOrDefault(m => m is not null),
            p => true));
        sweep.Buffers.Insert(0, new BufferRule(
            v => v is Tensor t ? Snapshot(t) : null,
            (v, s) => Changed((Tensor)v, (TensorSnapshot)s),
            p => p.Name != "destination" && p.Member.Name != nameof(TorchMixer.ApplyInPlace)));
    }

    /// <summary>Manifold Mixup: a model that takes any image batch (relu then tanh), its layer names (and unknown, repeated,
    /// null or no names), and steps over it with every policy.</summary>
    // ScalarLifetimeScan's inputs: null, a small assembly, a dynamic one, and methods with and without a body, a generic
    // one, a constructor and a DynamicMethod.
    private static void RegisterScalarScan(ApiSweep sweep)
    {
        Assembly dynamicAssembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("MixAugSweepEmpty"), AssemblyBuilderAccess.Run);
        sweep.Add<Assembly>(c => c.Pick<Assembly?>(null, typeof(TensorMixAssert).Assembly, dynamicAssembly));
        var dynamicMethod = new DynamicMethod("SweepReturnsNothing", typeof(void), Type.EmptyTypes);
        dynamicMethod.GetILGenerator().Emit(OpCodes.Ret);
        sweep.Add<MethodBase>(c => c.Pick<MethodBase?>(
            null,
            typeof(Tensor).GetMethod(nameof(Tensor.add), [typeof(Tensor)]),
            typeof(Tensor).GetMethod(nameof(Tensor.add), [typeof(Tensor), typeof(global::TorchSharp.Scalar)]),
            typeof(nn.Module<Tensor, Tensor>).GetMethod("forward"),
            typeof(Enumerable).GetMethod(nameof(Enumerable.Empty))!.MakeGenericMethod(typeof(int)),
            typeof(List<int>).GetConstructor(Type.EmptyTypes),
            dynamicMethod));
    }

    private static void RegisterManifold(ApiSweep sweep)
    {
        Func<nn.Module<Tensor, Tensor>> model = () => nn.Sequential(("relu", nn.ReLU()), ("tanh", nn.Tanh()));
        sweep.Add<nn.Module<Tensor, Tensor>>(c => c.Extreme && c.Chance(0.5) ? null : model());
        sweep.Add<IEnumerable<string>>(c => c.Extreme
            ? c.Pick<IEnumerable<string>?>(null, [], ["nope"], ["relu", "relu"], [null!], [string.Empty])
            : c.Pick<IEnumerable<string>>(["relu"], ["tanh", "relu"]));
        Func<SweepContext, ManifoldMixup> make = c => new ManifoldMixup(
            model(),
            c.Pick<string[]>(["relu"], ["relu", "tanh"]),
            c.Pick<IMixTransform>(new MixUp(mode: LambdaMode.Element), new CutMix(), new SaliencyMix(), new FMix()),
            3,
            c.Pick(0.0, 0.1),
            mixInput: c.Chance(0.3));
        sweep.Add<ManifoldMixup>(c => make(c));
        sweep.Add<ManifoldMixedBatch>(c =>
        {
            using Tensor images = rand(3, 1, 4, 4);
            using Tensor labels = tensor(new long[] { 0, 1, 2 });
            return make(c).Forward(images, labels, new MixRandom(1));
        });
    }

    /// <summary>The DataLoader types: collates and layers of every policy, per-sample dictionaries for <c>Collate</c> (good,
    /// or missing a key, of mixed shapes, out-of-range labels, null entries) and collated batches.</summary>
    private static void RegisterData(ApiSweep sweep)
    {
        // Collate names the dictionary key it rejects (documented; users know the key, not the argument).
        sweep.ExtraParameterNames["MixCollate.Collate"] = ["data", "label", "length", "id", "transcript", "mask", "depth", "boxes", "box_classes"];
        // MixLayer's dictionary form names an aligned key it refuses by the key (the images and labels by their arguments).
        sweep.ExtraParameterNames["MixLayer.forward"] = ["mask", "depth", "boxes", "box_classes"];
        Func<SweepContext, IMixTransform> policy = c => c.Pick<IMixTransform>(new MixUp(mode: LambdaMode.Element), new CutMix(), new SaliencyMix(), new FMix());
        sweep.Add<MixCollateOptions>(c => c.Extreme
            ? c.Pick<MixCollateOptions?>(
                null,
                new MixCollateOptions { ImagesKey = "x", LabelsKey = "x" },
                new MixCollateOptions { ByteImages = ByteImages.Keep },
                new MixCollateOptions { Device = new Device(DeviceType.META) },
                new MixCollateOptions { LengthsKey = c.Pick("data", MixBatchKeys.OutputLengths, string.Empty) },
                new MixCollateOptions { CarryKeys = c.Pick<IReadOnlyList<CarriedKey>>([CarriedKey.Stacked("label")], [CarriedKey.Padded("valid")], [CarriedKey.Stacked("id"), CarriedKey.Padded("id")], [null!], null!) },
                new MixCollateOptions { CarryKeys = [CarriedKey.Padded("transcript", c.Pick(-1.0, 0.5, 1e30))], CarryOtherKeys = true },
                new MixCollateOptions { AlignedKeys = c.Pick<IReadOnlyList<AlignedKey>>([AlignedKey.Values("data")], [AlignedKey.LabelMap("mask"), AlignedKey.Values("mask")], [AlignedKey.LabelMap("id", 3)], [null!], null!) },
                new MixCollateOptions { CarryKeys = [CarriedKey.Stacked("mask_targets")], AlignedKeys = [AlignedKey.LabelMap("mask", 3)] })
            : new MixCollateOptions { LengthsKey = c.Pick<string?>(null, "length"), PadValue = c.Pick(0.0, double.NaN, -1.5), CarryKeys = Carried(c), CarryOtherKeys = c.Chance(0.3), AlignedKeys = Aligned(c) });
        sweep.Add<MixCollate>(c => new MixCollate(policy(c), (ulong)c.Random.NextInt64(), 3, c.Pick(0.0, 0.1), compactTargets: c.Chance(0.3), options: c.Chance(0.5) ? null : new MixCollateOptions { CarryKeys = Carried(c), AlignedKeys = Aligned(c) }));
        sweep.Add<CarriedKey>(c => c.Pick(CarriedKey.Stacked("id"), CarriedKey.Padded("transcript", c.Pick(0.0, -1.0, double.NaN))));
        sweep.Add<AlignedKey>(c => c.Pick(AlignedKey.Values("depth"), AlignedKey.LabelMap("mask"), AlignedKey.LabelMap("mask", c.Pick(1, 3), c.Pick(-100, 255)), AlignedKey.Boxes("boxes", "box_classes", c.Pick(0.0, 0.1, 0.9), c.Pick(0.0, 2.0))));
        sweep.Add<BatchSource>(c =>
        {
            var collate = new MixCollate(policy(c), 1, 3, options: new MixCollateOptions { CarryKeys = [CarriedKey.Stacked("id"), CarriedKey.Padded("transcript")] });
            IReadOnlyList<BatchSource> slots = MixCollate.SourcesOf(collate.Collate([Sample(c, 0, 4, good: true), Sample(c, 1, 4, good: true), Sample(c, 2, 4, good: true)], CPU));
            return slots[c.Random.Next(slots.Count)];
        });
        Func<SweepContext, object?> keys = c => c.Pick<string?>(null, string.Empty, "data", "label", "id", "transcript", "nope", MixBatchKeys.Sources);
        sweep.ParameterOverrides["BatchSource.Gather/key"] = keys;
        sweep.ParameterOverrides["BatchSource.GatherLengths/key"] = keys;
        // SourceWeightedLoss's batch callback: a per-sample loss from the slot, null, a wrong shape, an integer result.
        sweep.Add<Func<BatchSource, Tensor>>(c => c.Pick<Func<BatchSource, Tensor>?>(
            s => s.Weights.to(ScalarType.Float32) * 0.5,
            null,
            s => s.Weights.unsqueeze(0),
            s => s.Indices.clone()));
        sweep.Add<MixLayer>(c => new MixLayer(policy(c), (ulong)c.Random.NextInt64(), 3, c.Pick(0.0, 0.1), compactTargets: c.Chance(0.3)));
        sweep.Add<MixBatchRecord>(c => c.Extreme && !c.Receiver && c.Chance(0.5)
            ? null
            : new MixBatchRecord(c.Random.Next(3), c.Random.Next(3), new MixUp(mode: LambdaMode.Element).CreatePlan(new BatchShape(3, 1, 2, 2), new MixRandom(1))));
        sweep.Add<Dictionary<string, Tensor>>(c => Sample(c, 3, 4));
        sweep.Add<IEnumerable<Dictionary<string, Tensor>>>(c =>
        {
            int size = c.Extreme ? c.Pick(1, 3) : 3;
            var samples = Enumerable.Range(0, size).Select(_ => Sample(c, 3, 4)).ToList();
            return !c.Extreme ? samples : c.Random.Next(6) switch
            {
                0 => null,
                1 => new List<Dictionary<string, Tensor>>(),
                2 => [.. samples, null!],
                3 => [.. samples, Sample(c, 3, 5)],
                4 => [.. Enumerable.Range(0, size).Select(i => Sequence(c, i, 2 + c.Random.Next(6)))],
                _ => samples,
            };
        });
        sweep.Add<IReadOnlyDictionary<string, Tensor>>(c =>
        {
            if (c.Extreme)
            {
                return c.Pick<IReadOnlyDictionary<string, Tensor>?>(null, new Dictionary<string, Tensor>(), new Dictionary<string, Tensor> { ["data"] = rand(3, 1, 4, 4) });
            }

            var collate = new MixCollate(policy(c), 1, 3, compactTargets: c.Chance(0.7));
            return collate.Collate([Sample(c, 0, 4), Sample(c, 1, 4), Sample(c, 2, 4)], CPU);
        });
    }

    /// <summary>Carried keys for a collate: none, a stacked id, a padded transcript, or both.</summary>
    private static IReadOnlyList<CarriedKey> Carried(SweepContext c) =>
        c.Pick<IReadOnlyList<CarriedKey>>([], [CarriedKey.Stacked("id")], [CarriedKey.Padded("transcript", c.Pick(0.0, -1.0))], [CarriedKey.Stacked("id"), CarriedKey.Padded("transcript")]);

    /// <summary>Aligned keys for a collate: none, the label map "mask" (with soft targets of 3 classes or not), values
    /// "depth", or depth and the boxes "boxes" with their "box_classes".</summary>
    private static IReadOnlyList<AlignedKey> Aligned(SweepContext c) =>
        c.Pick<IReadOnlyList<AlignedKey>>([], [AlignedKey.LabelMap("mask")], [AlignedKey.LabelMap("mask", 3), AlignedKey.Values("depth")], [AlignedKey.Values("depth"), AlignedKey.Boxes("boxes", "box_classes")]);

    /// <summary>One loader sample: a 1xSxS image, a class label below 3, an int64 "id", an int64 "transcript" [1 to 4],
    /// an int64 "mask" [S, S] of classes below 3, float32 "depth" [1, S, S], and none or two "boxes" with their
    /// "box_classes"; in an extreme case a key may be missing,
    /// the label out of range, the image of another dtype, or the carried or aligned keys of another shape or dtype.</summary>
    private static Dictionary<string, Tensor> Sample(SweepContext c, int label, int size, bool good = false)
    {
        var sample = new Dictionary<string, Tensor>
        {
            ["data"] = rand(1, size, size),
            ["label"] = tensor((long)(label < 3 ? label : c.Random.Next(3))),
            ["id"] = tensor((long)label),
            ["transcript"] = ones([1 + c.Random.Next(4)], ScalarType.Int64),
            ["mask"] = randint(0, 3, [size, size], ScalarType.Int64),
            ["depth"] = rand(1, size, size),
            ["boxes"] = label % 2 == 0 ? zeros(0, 4) : tensor(new float[] { 0, 0, 1, 2, 1, 1, size, size }, [2, 4]),
            ["box_classes"] = label % 2 == 0 ? zeros([0], ScalarType.Int64) : tensor(new long[] { 1, 2 }),
        };
        if (c.Extreme && !good)
        {
            switch (c.Random.Next(10))
            {
                case 0: sample.Remove(c.Pick("data", "label", "id", "transcript")); break;
                case 1: sample["label"] = tensor(7L); break;
                case 2: sample["data"] = rand(1, size, size).to_type(c.Pick(ScalarType.Float64, ScalarType.Int32, ScalarType.Bool)); break;
                case 3: sample["data"] = full(new long[] { 1, size, size }, float.NaN); break;
                case 4: sample["id"] = c.Pick(tensor(new long[] { 1, 2 }), tensor(1.5f)); break;
                case 5: sample["transcript"] = c.Pick(ones([2, 2], ScalarType.Int64), tensor(3L), ones([2], ScalarType.Byte)); break;
                case 6: sample["mask"] = c.Pick(full([size, size], 9L), rand(size, size), ones([1, size, size], ScalarType.Int64)); break;
                case 7: sample["depth"] = c.Pick(rand(size), ones([1, size, size], ScalarType.Bool), ones([1, size, size], ScalarType.Int32)); break;
                case 8: sample["boxes"] = c.Pick(tensor(new float[] { 0, 0, size + 1, 1 }, [1, 4]), zeros(2, 3), full([1, 4], float.NaN)); break;
            }
        }

        return sample;
    }

    /// <summary>One sequence sample [1, length] and, sometimes, its own valid length under "length" (in an extreme case
    /// out of range or of the wrong dtype).</summary>
    private static Dictionary<string, Tensor> Sequence(SweepContext c, int label, int length)
    {
        var sample = new Dictionary<string, Tensor> { ["data"] = rand(1, length), ["label"] = tensor((long)label % 3) };
        if (c.Chance(0.5))
        {
            sample["length"] = c.Extreme ? c.Pick(tensor(0L), tensor((long)length + 1), tensor(1.5f), tensor(new long[] { 1, 1 })) : tensor((long)(1 + c.Random.Next(length)));
        }

        return sample;
    }

    /// <summary>A tensor that fits the case: images of the plan's batch and extent, labels, logits or targets.</summary>
    private static Tensor Plausible(SweepContext c)
    {
        MixPlan? plan = c.Items.TryGetValue("plan", out object? p) ? (MixPlan)p : null;
        int b = plan?.BatchSize ?? c.Batch ?? 3;
        const int classes = 3;
        string name = c.Parameter?.Name ?? string.Empty;
        Tensor value = name switch
        {
            "labelMaps" when plan is not null && plan.Spatial.Size <= 1 << 12 => randint(0, classes, [b, .. plan.Spatial.ToDimensions().Select(d => (long)d)], c.Pick(ScalarType.Int64, ScalarType.Int32, ScalarType.Byte)),
            "labels" when c.Chance(0.7) => tensor([.. Enumerable.Range(0, b).Select(_ => (long)c.Random.Next(classes))]),
            "labels" or "targets" => softmax(rand(b, classes), 1),
            "logits" => randn(b, classes),
            "validLengths" => tensor([.. Enumerable.Range(0, b).Select(_ => 1L + c.Random.Next(4))]),
            _ => Images([b, c.Pick(1, 2), .. (plan?.Spatial ?? new SpatialShape(4, 4)).ToDimensions().Select(d => (long)d)]),
        };
        c.Batch ??= b;
        c.Imply(b, classes);
        return value;
    }

    /// <summary>Random images; for the huge extents of the core pools (2^31 elements a plane) a meta tensor of that shape,
    /// which holds no memory.</summary>
    private static Tensor Images(long[] shape) =>
        shape.Aggregate(1L, (a, d) => a * d) <= 1 << 20 ? rand(shape) : empty(shape, ScalarType.Float32, device: new Device(DeviceType.META));

    /// <summary>A tensor that is wrong for almost any parameter, in one of the ways docs/ownership.md promises to check.</summary>
    private static Tensor? Bad(SweepContext c)
    {
        Tensor good = Plausible(c);
        if (good.device_type == DeviceType.META)
        {
            return good; // already unusable; every other variant would try to fill 2^31 elements
        }

        long[] shape = good.shape;
        return c.Random.Next(14) switch
        {
            0 => null,
            1 => tensor(1.5f),
            2 => zeros([0, .. shape.Skip(1)]),
            3 => empty(shape, good.dtype, device: new Device(DeviceType.META)),
            4 => empty([1L << 40, 3], ScalarType.Float32, device: new Device(DeviceType.META)),
            5 => good.to_type(ScalarType.Float32).requires_grad_(),
            6 => good.narrow(0, 0, 1).expand(shape),
            7 => good.to_type(c.Pick(ScalarType.Int32, ScalarType.Bool, ScalarType.ComplexFloat32, ScalarType.Float64, ScalarType.Float16, ScalarType.Int8)),
            8 => good.unsqueeze(0),
            9 => good.reshape(-1),
            10 => full(shape, float.NaN),
            11 => good.dim() >= 2 ? good.transpose(0, good.dim() - 1) : good.flip(0),
            12 => zeros([shape[0] + 1, .. shape.Skip(1)], good.dtype),
            _ => good.dtype == ScalarType.Int64 ? good + 7 : good,
        };
    }

    private static TensorSnapshot? Snapshot(Tensor t)
    {
        if (t.IsInvalid)
        {
            return null;
        }

        bool meta = t.device_type == DeviceType.META;
        byte[]? bytes = meta || t.numel() > 1 << 20 ? null : t.detach().cpu().contiguous().bytes.ToArray();
        return new TensorSnapshot(bytes, t.shape, t.dtype, t.requires_grad);
    }

    private static string? Changed(Tensor t, TensorSnapshot before)
    {
        if (t.IsInvalid)
        {
            return "disposed the caller's tensor";
        }

        if (!t.shape.SequenceEqual(before.Shape) || t.dtype != before.Type || t.requires_grad != before.RequiresGrad)
        {
            return $"changed the tensor's shape, dtype or requires_grad ({TensorChecks.Describe(before.Shape)} {before.Type} → {TensorChecks.Describe(t.shape)} {t.dtype})";
        }

        if (before.Bytes is byte[] bytes)
        {
            using DisposeScope scope = NewDisposeScope();
            byte[] now = t.detach().cpu().contiguous().bytes.ToArray();
            if (!now.AsSpan().SequenceEqual(bytes))
            {
                return "changed the tensor's values";
            }
        }

        return null;
    }

    private sealed record TensorSnapshot(byte[]? Bytes, long[] Shape, ScalarType Type, bool RequiresGrad);
}
