using System.Collections;
using System.Reflection;
using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.Testing;
using MixAug.Transforms;

namespace MixAug.Sweep;

/// <summary>
/// Value rules for the sweep of MixAug and MixAug.Testing: primitives with their extremes, spans and lists of every
/// length the case implies (and one off, and empty), shapes from tiny to the largest a span allows, and pools of plans,
/// regions, transforms and features built on small batches.
/// </summary>
internal static class CoreValues
{
    private static readonly BatchShape[] Shapes =
    [
        new(2, 1, 4, 4), new(3, 2, 5, 6), new(4, 3, 8, 8), new(1, 1, 3, 3), new(5, 1, 2, 7),
        BatchShape.Sequence(3, 2, 10), BatchShape.Sequence(1, 1, 1), BatchShape.Volume(2, 1, 3, 4, 5),
    ];

    // Shapes at the limit: 2^31 − 1 elements is the most a span holds. Only the spatial extent is huge, so a plan for
    // them is a few recipes; the batch dimension stays small.
    private static readonly BatchShape[] HugeShapes =
    [
        new(1, 1, 46340, 46340), BatchShape.Sequence(1, 1, int.MaxValue), BatchShape.Volume(1, 1, 1290, 1290, 1290), new(2, 1, 1, (1 << 30) - 1),
    ];

    private static readonly Lazy<MixPlan[]> Plans = new(BuildPlans);
    private static readonly Lazy<MixPlan[]> HugePlans = new(() =>
    [
        .. HugeShapes.Select(s => new MixPlan(s.Spatial, [1, 0], [0.5, 0.25], [MixRegion.Blend, MixRegion.Blend])),
        new MixPlan(HugeShapes[0].Spatial, [1, 0], [1 - (1.0 / 46340 / 46340), 1], [new BoxRegion(46339, 46339, 46340, 46340), MixRegion.Keep]),
    ]);

    private static readonly Lazy<string[]> Json = new(() => [.. Plans.Value.Select(MixPlanJson.Serialize)]);

    /// <summary>Adds the rules to <paramref name="sweep"/>.</summary>
    public static void Register(ApiSweep sweep)
    {
        SweepContext.Noted = Imply;

        // Generic shapes of values first: later (more specific) rules take precedence.
        sweep.Add(t => t.IsEnum, (c, t) => Enum(c, t));
        sweep.Add(t => Nullable.GetUnderlyingType(t) is not null, (c, t) => c.Chance(c.Extreme ? 0.5 : 0.3) ? null : sweep.Make(c, Nullable.GetUnderlyingType(t)!, c.Extreme));
        sweep.Add(t => t.IsArray, (c, t) => Sequence(sweep, c, t.GetElementType()!, array: true));
        sweep.Add(t => ApiSweep.SpanElement(t) is not null, (c, t) => Sequence(sweep, c, ApiSweep.SpanElement(t)!, array: true) ?? Array.CreateInstance(ApiSweep.SpanElement(t)!, 0));
        sweep.Add(
            t => t.IsGenericType && t.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyList<>) || d == typeof(IEnumerable<>) || d == typeof(IReadOnlyCollection<>) || d == typeof(IList<>)),
            (c, t) => Sequence(sweep, c, t.GetGenericArguments()[0], array: c.Chance(0.5)));
        sweep.Add(
            t => t.IsGenericType && t.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal),
            (c, t) => Activator.CreateInstance(t, [.. t.GetGenericArguments().Select(a => sweep.Make(c, a, c.Extreme && c.Chance(0.5)))]));
        sweep.Add(t => t == typeof(Func<double, double>), (c, _) => c.Extreme ? c.Pick<Func<double, double>?>(null, _ => double.NaN, x => -x) : (Func<double, double>)(x => Math.Clamp(x, 0, 1)));
        sweep.Add(t => t == typeof(Func<int, double>), (c, _) => c.Extreme ? c.Pick<Func<int, double>?>(null, _ => double.NaN, _ => 2) : (Func<int, double>)(_ => 0.5));
        sweep.Add(t => t == typeof(object), (c, _) => c.Pick<object?>(null, 1, "x", Shapes[0]));
        sweep.Add(t => typeof(Exception).IsAssignableFrom(t), (c, _) => c.Extreme ? null : new InvalidOperationException("x"));

        sweep.Add<int>(c => Int(c));
        sweep.Add<long>(c => c.Extreme ? c.Pick(long.MinValue, long.MaxValue, -1L, 0L, (long)int.MaxValue + 1) : (long)Int(c));
        sweep.Add<ulong>(c => c.Pick(0UL, 1UL, ulong.MaxValue, (ulong)c.Random.NextInt64(), 42UL));
        sweep.Add<uint>(c => c.Pick(0U, 1U, uint.MaxValue, 7U));
        sweep.Add<byte>(c => (byte)c.Random.Next(256));
        sweep.Add<bool>(c => c.Chance(0.5));
        sweep.Add<double>(c => Double(c));
        sweep.Add<float>(c => (float)Double(c));
        sweep.Add<string>(c => c.Extreme
            ? c.Pick<string?>(null, string.Empty, "{", "[]", "{\"format\":\"mixaug-plan/2\"}", Mutate(c, c.Pick(Json.Value)), new string('9', 400))
            : c.Chance(0.5) ? c.Pick(Json.Value) : c.Pick("x", "MixUp", "Custom"));

        sweep.Add<BatchShape>(c => c.Extreme ? c.Pick([default, .. HugeShapes]) : c.Pick(Shapes));
        sweep.Add<SpatialShape>(c => c.Extreme ? c.Pick([default, .. HugeShapes.Select(s => s.Spatial)]) : c.Pick(Shapes).Spatial);
        sweep.Add<MixPlan>(c => c.Extreme && !c.Receiver ? c.Pick<MixPlan?>([null, .. HugePlans.Value]) : c.Pick(Plans.Value));
        sweep.Add<SampleRecipe>(c => Recipe(c, c.Batch ?? 3, c.Random.Next(c.Batch ?? 3)));
        sweep.Add(t => t == typeof(IReadOnlyList<SampleRecipe>), (c, _) => Recipes(c));
        sweep.Add(t => t == typeof(IReadOnlyList<MixRegion>), (c, _) => RegionList(c));
        AddRegions(sweep);
        sweep.Add<Tile>(c => c.Extreme ? new Tile(c.Pick(-1, 0, 300), c.Pick(-1, 0, 9), 0, c.Pick(0, 2), c.Pick(int.MaxValue, 2)) : new Tile(c.Random.Next(3), 0, 0, 1 + c.Random.Next(3), 1 + c.Random.Next(3)));
        sweep.Add<RegionDraw>(c => new RegionDraw(Double(c), Region(c)!));

        AddTransforms(sweep);
        sweep.Add(t => t == typeof(IMixRandom) || t == typeof(MixRandom), (c, _) => c.Extreme && !c.Receiver && c.Chance(0.3) ? null : new MixRandom((ulong)c.Random.NextInt64()));
        sweep.Add<ScriptedRandom>(c => c.Extreme && !c.Receiver ? null : new ScriptedRandom().WithDoubles(0.25, 0.5, 0.75).WithInts(0, 1).WithWords(7));
        sweep.Add<MixConfiguration>(c => c.Extreme ? c.Pick<MixConfiguration?>(null, new MixConfiguration(1, 1)) : c.Pick<MixConfiguration?>(null, MixConfiguration.Default, new MixConfiguration(2)));
        sweep.Add<MixRequest>(c => c.Extreme && !c.Receiver && c.Chance(0.3) ? null : Request(c));
        sweep.Add<BatchFeatures>(c => c.Extreme && !c.Receiver ? c.Pick<BatchFeatures?>(null, Features(c, SaliencyDetail.Maps)) : c.Pick(BatchFeatures.None, Features(c, SaliencyDetail.Peaks)));
        sweep.Add<FeatureRequirements>(c => c.Extreme && !c.Receiver ? null : c.Pick(FeatureRequirements.None, FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, c.Pick(SaliencyDetail.Peaks, SaliencyDetail.Maps))));
        sweep.Add<SaliencyRequirement>(c => new SaliencyRequirement((c.Extreme ? null : SpectralResidualSaliency.Default)!, Enum<SaliencyDetail>(c)));
        sweep.Add(t => t == typeof(ISaliencySource) || t == typeof(SpectralResidualSaliency), (c, t) => c.Extreme && !c.Receiver ? null : c.Pick(SpectralResidualSaliency.Default, new SpectralResidualSaliency(8, 1.0)));
        sweep.Add<FineGrainedSaliency>(c => c.Extreme && !c.Receiver ? null : c.Pick(FineGrainedSaliency.Default, new FineGrainedSaliency()));
        sweep.Add<SaliencyMaps>(c => c.Extreme && !c.Receiver && c.Chance(0.3) ? null : Maps(c));
        sweep.Add<ClassMaps>(c => c.Extreme && !c.Receiver && c.Chance(0.3) ? null : ClassMapsOf(c, c.Pick(Shapes[..5])));
        sweep.Add<FourierNoise>(c => c.Extreme && !c.Receiver ? null : new FourierNoise(c.Pick(Shapes).Spatial, c.Pick(1.0, 3.0), (ulong)c.Random.NextInt64()));
        sweep.Add<DetectionBoxes>(c => c.Extreme && !c.Receiver && c.Chance(0.3)
            ? null
            : c.Chance(0.3) ? DetectionBoxes.Empty : new DetectionBoxes([0, 0, 1, 1, 0.5f, 0.5f, 2, 3], [0, 1], c.Chance(0.5) ? [] : [0.25f, 1f]));
        sweep.Add(t => t == typeof(IReadOnlyList<Array>), (c, _) => AlignedArrayList(c));
        sweep.Add<MixedTargets>(c => LabelMixer.ToCompact(Plans.Value[0], new int[Plans.Value[0].BatchSize], 2));
        sweep.Add(t => t == typeof(IMixRegionVisitor<object>), (c, _) => c.Extreme ? null : new KindVisitor());
        sweep.Add<MixInvariantException>(c => new MixInvariantException("x", 1));
        sweep.Add(t => t == typeof(IEnumerable<MixPlan>), (c, _) => c.Extreme ? null : Enumerable.Range(0, c.Random.Next(0, 30)).Select(i => c.Pick(Plans.Value)).ToArray());
        sweep.Add(t => t == typeof(IEnumerable<double[]>), (c, _) => c.Extreme ? c.Pick<double[][]?>(null, [], [null!], [[double.NaN]]) : [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, c.Length()).Select(_ => c.Random.NextDouble()).ToArray())]);

        sweep.Buffers.Add(new BufferRule(
            v => v is Array a ? a.Clone() : null,
            (v, s) => StructuralComparisons.StructuralEqualityComparer.Equals(v, s) ? null : $"{((Array)v).GetType().Name} of {((Array)v).Length} elements differs",
            p => ApiSweep.SpanElement(p.ParameterType) is null || p.ParameterType.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>)));
        sweep.ResultChecks.Add((m, r) => r switch
        {
            double d when double.IsNaN(d) => "returned NaN",
            float f when float.IsNaN(f) => "returned NaN",
            // RegionDraw's own constructor is a plain record (the plan that receives a draw validates it); the box
            // helpers that return draws must return valid ones.
            RegionDraw draw when m.DeclaringType != typeof(RegionDraw) && (!(draw.Lambda >= 0 && draw.Lambda <= 1) || draw.Region is null) => $"returned an invalid draw {draw}",
            _ => null,
        });
    }

    /// <summary>The lengths a made value implies for the spans and lists made after it in the same case.</summary>
    private static void Imply(SweepContext c, object? value)
    {
        switch (value)
        {
            case BatchShape s when !s.IsEmpty:
                c.Batch ??= s.BatchSize;
                c.Imply(s.BatchSize, s.ElementCount, s.SampleSize, s.PlaneSize);
                break;
            case SpatialShape s when !s.IsEmpty:
                c.Imply(s.Size, 2L * s.Size, s.Rank);
                break;
            case MixPlan p:
                c.Items.TryAdd("plan", p);
                c.Batch ??= p.BatchSize;
                c.Imply(p.BatchSize, (long)p.BatchSize * p.Spatial.Size, 2L * p.BatchSize * p.Spatial.Size, p.Spatial.Size, 3L * p.BatchSize);
                break;
            case SaliencyMaps m:
                c.Batch ??= m.BatchSize;
                c.Imply(m.BatchSize, (long)m.GridHeight * m.GridWidth, (long)m.BatchSize * m.GridHeight * m.GridWidth, m.Spatial.Size);
                break;
            case MaskRegion m:
                c.Imply(m.Weights.Length);
                break;
            case FourierNoise n:
                c.Imply(n.Spatial.Size);
                break;
            case int i when i is > 0 and <= 4096:
                c.Imply(i);
                if (c.Batch is int b)
                {
                    c.Imply((long)b * i);
                }

                break;
            case Array a when c.Batch is null && a.Length > 0:
                c.Batch = a.Length;
                c.Imply(a.Length);
                break;
        }
    }

    /// <summary>Arrays for AlignedArrays: of the plan's batch in every supported type (or an unsupported one, a short one,
    /// a null) when the case has a plan, else short ones.</summary>
    private static Array[]? AlignedArrayList(SweepContext c)
    {
        if (c.Extreme && c.Chance(0.2))
        {
            return null;
        }

        int length = c.Items.TryGetValue("plan", out object? p) && (long)((MixPlan)p).BatchSize * ((MixPlan)p).Spatial.Size * 2 <= 1 << 16
            ? ((MixPlan)p).BatchSize * ((MixPlan)p).Spatial.Size * 2
            : c.Length();
        Array[] arrays = [new float[length], new byte[length], new int[length], new long[length]];
        return c.Extreme ? c.Pick<Array[]>([new double[length]], [new int[length + 1]], [null!], [], arrays) : [.. arrays.Where(_ => c.Chance(0.6))];
    }

    private static int Int(SweepContext c)
    {
        if (c.Extreme)
        {
            return c.Pick(int.MinValue, -1, 0, int.MaxValue, 46340, 46341, 65536, 1 << 20);
        }

        if (c.Lengths.Count > 0 && c.Chance(0.3))
        {
            long length = c.Pick([.. c.Lengths]);
            return (int)Math.Min(length - (c.Chance(0.5) ? 1 : 0), int.MaxValue);
        }

        return c.Pick(0, 1, 2, 3, 4, 5, 8, c.Random.Next(0, 100));
    }

    private static double Double(SweepContext c) => c.Extreme
        ? c.Pick(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, -1.0, 1e-308, double.Epsilon, double.MaxValue, -double.MaxValue, 1.0000000000000002, 1.5, 1e9)
        : c.Pick(0.0, 0.25, 0.5, 0.75, 1.0, c.Random.NextDouble(), 2.5, 3.0);

    private static object Enum(SweepContext c, Type t)
    {
        Array values = System.Enum.GetValues(t);
        return c.Extreme && c.Chance(0.7)
            ? System.Enum.ToObject(t, c.Pick(99, -1, int.MaxValue))
            : values.GetValue(c.Random.Next(values.Length))!;
    }

    private static T Enum<T>(SweepContext c)
        where T : struct, System.Enum => (T)Enum(c, typeof(T));

    private static object? Sequence(ApiSweep sweep, SweepContext c, Type element, bool array)
    {
        if (c.Extreme && c.Chance(0.2))
        {
            return null;
        }

        int length = c.Length();
        Array values = Array.CreateInstance(element, length);
        bool extremeElements = c.Extreme;
        for (int i = 0; i < length; i++)
        {
            // Plausible elements, with an occasional extreme one when the whole sequence may be extreme.
            values.SetValue(Element(sweep, c, element, extremeElements && c.Chance(1.0 / Math.Max(1, length))), i);
        }

        c.Extreme = extremeElements;
        if (array)
        {
            return values;
        }

        var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
        foreach (object? v in values)
        {
            list.Add(v);
        }

        return list;
    }

    private static object? Element(ApiSweep sweep, SweepContext c, Type element, bool extreme)
    {
        // Elements of numeric buffers are data: pixels in [0, 1), class indices and partners below the batch size.
        if (!extreme)
        {
            if (element == typeof(float))
            {
                return (float)c.Random.NextDouble();
            }

            if (element == typeof(double))
            {
                return c.Random.NextDouble();
            }

            if (element == typeof(int))
            {
                return c.Random.Next(Math.Max(1, Math.Min(c.Batch ?? 4, 8)));
            }

            if (element == typeof(byte))
            {
                return (byte)c.Random.Next(256);
            }
        }

        var saved = new List<long>(c.Lengths);
        object? value = sweep.Make(c, element, extreme);
        c.Lengths.Clear();
        c.Lengths.AddRange(saved);
        return value;
    }

    private static string Mutate(SweepContext c, string json)
    {
        int at = c.Random.Next(json.Length);
        return c.Random.Next(4) switch
        {
            0 => json[..at],
            1 => json[..at] + c.Pick("-1", "1e400", "null", "\"\"", "[]", "99") + json[at..],
            2 => json.Replace("\"lambda\":", "\"lambda\":-", StringComparison.Ordinal),
            _ => json.Replace(c.Pick("keep", "blend", "box", "Flip", "Element", "paper", "fourier"), c.Pick("Keep", "0", "Flip, Roll", "x"), StringComparison.Ordinal),
        };
    }

    private static MixPlan[] BuildPlans()
    {
        var plans = new List<MixPlan>();
        var random = new MixRandom(20261203);
        IMixTransform[] transforms =
        [
            new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Pair, pairing: PairingStrategy.Permutation),
            new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, maxSoft: 0.1), new MixUp(probability: 0),
            new SaliencyMix(mode: LambdaMode.Element, region: SaliencyRegion.Mask, pairing: PairingStrategy.Roll),
            new SaliencyMix(mode: LambdaMode.Element),
            new GridMix(mode: LambdaMode.Element, pairing: PairingStrategy.Roll),
            new SmoothMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation),
            new MultiCutMix(partners: 3),
            new CutMix(mode: LambdaMode.Element, videoCut: VideoMixCut.SpatioTemporal),
            new ResizeMix(mode: LambdaMode.Element, pairing: PairingStrategy.Roll),
            new Mosaic(),
            new GuidedMix(region: SaliencyRegion.Mask),
        ];
        foreach (BatchShape shape in Shapes)
        {
            foreach (IMixTransform t in transforms)
            {
                if ((t is MultiCutMix or CutMix { MinRatio: not null } && shape.SpatialRank == 3) || (t is CutMix { VideoCut: not VideoMixCut.Spatial } && shape.SpatialRank != 3) || (t is SaliencyMix or GuidedMix or GridMix or SmoothMix or ResizeMix or Mosaic && shape.SpatialRank != 2))
                {
                    continue;
                }

                float[] pixels = [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble())];
                plans.Add(t.CreatePlan(shape, pixels, random));
            }
        }

        // Hand-made plans: several sources, tiles, explicit masks.
        SpatialShape spatial = new(4, 4);
        plans.Add(new MixPlan(spatial, [
            new SampleRecipe([0, 1, 2], [0.5, 0.25, 0.25], MixRegion.Blend),
            new SampleRecipe([1, 2, 0], [0.5, 0.25, 0.25], new TileRegion([new Tile(1, 0, 0, 2, 2), new Tile(2, 2, 2, 4, 4)])),
            SampleRecipe.Unmixed(2)]));
        var mask = new MaskRegion([.. Enumerable.Range(0, 16).Select(i => i % 3 == 0 ? 0f : 1f)]);
        plans.Add(new MixPlan(spatial, [1, 0], [mask.Mean, mask.Mean], [mask, mask]));

        // Plans with valid lengths: clip cuts, and zero-padded blends (not uniform: they need the time axis).
        plans.Add(new CutMix(mode: LambdaMode.Element, videoCut: VideoMixCut.Temporal).CreatePlan(new MixRequest(BatchShape.Volume(3, 1, 3, 4, 5), random, [3, 1, 2])));
        plans.Add(new MixUp(mode: LambdaMode.Element, blendLengths: BlendLengths.ZeroPadded).CreatePlan(new MixRequest(BatchShape.Sequence(3, 2, 10), random, [10, 4, 7])));
        return [.. plans];
    }

    private static SampleRecipe? Recipe(SweepContext c, int batch, int sample)
    {
        if (c.Extreme && c.Chance(0.2))
        {
            return null;
        }

        int partner = (sample + 1) % Math.Max(batch, 1);
        return c.Extreme
            ? c.Pick(
                new SampleRecipe([partner], [1.0], MixRegion.Keep),
                new SampleRecipe([sample, partner], [double.NaN, 0.5], MixRegion.Blend),
                new SampleRecipe([sample, batch + 5], [0.5, 0.5], MixRegion.Blend),
                new SampleRecipe([sample, partner], [0.75, 0.75], MixRegion.Blend),
                new SampleRecipe([sample, partner], [0.5, 0.5], new BoxRegion(0, 0, 100, 100)),
                new SampleRecipe([sample, partner, partner], [0.5, 0.25, 0.25], new BoxRegion(0, 0, 1, 1)))
            : partner == sample
                ? SampleRecipe.Unmixed(sample)
                : c.Pick(
                    SampleRecipe.Unmixed(sample),
                    new SampleRecipe([sample, partner], [0.5, 0.5], MixRegion.Blend),
                    new SampleRecipe([sample, partner], [0.75, 0.25], new BoxRegion(0, 0, 1, 1)));
    }

    private static object? Recipes(SweepContext c)
    {
        if (c.Extreme && c.Chance(0.2))
        {
            return null;
        }

        int batch = c.Extreme ? c.Pick(0, 1, 3) : c.Batch ?? c.Pick(1, 2, 3, 4);
        return Enumerable.Range(0, batch).Select(i => Recipe(c, batch, i)).ToArray();
    }

    private static object? RegionList(SweepContext c)
    {
        if (c.Extreme && c.Chance(0.2))
        {
            return null;
        }

        int batch = c.Extreme && c.Chance(0.5) ? c.Pick(0, 1, 7) : c.Batch ?? 3;
        return Enumerable.Range(0, batch).Select(_ => c.Extreme ? Region(c) : c.Pick<MixRegion>(MixRegion.Blend, MixRegion.Keep)).ToArray();
    }

    private static MixRegion? Region(SweepContext c)
    {
        if (c.Extreme && !c.Receiver && c.Chance(0.3))
        {
            return null;
        }

        MixPlan plan = c.Pick(Plans.Value);
        return c.Random.Next(5) switch
        {
            0 => c.Pick<MixRegion>(MixRegion.Keep, MixRegion.Blend),
            1 => new BoxRegion(c.Random.Next(3), c.Random.Next(3), 3 + c.Random.Next(3), 3 + c.Random.Next(3)),
            2 => new MaskRegion([.. Enumerable.Range(0, c.Pick(16, 20, 1)).Select(_ => (float)c.Random.NextDouble())]),
            3 => new TileRegion([new Tile(1, 0, 0, 2, 2), new Tile(c.Pick(0, 2, 300), 1, 1, 3, 3)]),
            _ => plan.Regions[c.Random.Next(plan.BatchSize)],
        };
    }

    private static void AddRegions(ApiSweep sweep)
    {
        sweep.Add<MixRegion>(Region);
        sweep.Add<KeepRegion>(c => MixRegion.Keep);
        sweep.Add<BlendRegion>(c => MixRegion.Blend);
        sweep.Add<BoxRegion>(c => c.Extreme && !c.Receiver ? null : FramedOrNot(c, new BoxRegion(c.Random.Next(3), c.Random.Next(3), 3 + c.Random.Next(3), 3 + c.Random.Next(3))));
        sweep.Add<MaskRegion>(c => c.Extreme && !c.Receiver ? null : new MaskRegion([.. Enumerable.Range(0, c.Pick(16, 20, 1)).Select(_ => (float)c.Random.NextDouble())]));
        sweep.Add<TileRegion>(c => c.Extreme && !c.Receiver ? null : new TileRegion([new Tile(1, 0, 0, 2, 2), new Tile(2, 1, 1, 3, 3)]));
        sweep.Add<FourierMaskRegion>(c => c.Extreme && !c.Receiver ? null : Plans.Value.SelectMany(p => p.Regions).OfType<FourierMaskRegion>().ElementAt(c.Random.Next(4)));
        sweep.Add<SoftBoxRegion>(c => c.Extreme && !c.Receiver ? null : Plans.Value.SelectMany(p => p.Regions).OfType<SoftBoxRegion>().ElementAt(c.Random.Next(3)));
        sweep.Add<ResizeRegion>(c => c.Extreme && !c.Receiver ? null : Plans.Value.SelectMany(p => p.Regions).OfType<ResizeRegion>().ElementAt(c.Random.Next(3)));
        sweep.Add<MosaicRegion>(c => c.Extreme && !c.Receiver ? null : Plans.Value.SelectMany(p => p.Regions).OfType<MosaicRegion>().ElementAt(c.Random.Next(3)));
        sweep.Add<SaliencyMaskRegion>(c => c.Extreme && !c.Receiver ? null : Plans.Value.SelectMany(p => p.Regions).OfType<SaliencyMaskRegion>().ElementAt(c.Random.Next(3)));
    }

    /// <summary>A box on every frame, or (a third of the time) on a frame range, which fits clips only.</summary>
    private static BoxRegion FramedOrNot(SweepContext c, BoxRegion box) => c.Chance(1.0 / 3) ? box.WithFrames(c.Random.Next(2), 2 + c.Random.Next(2)) : box;

    private static void AddTransforms(ApiSweep sweep)
    {
        IMixTransform[] all =
        [
            new MixUp(), new CutMix(mode: LambdaMode.Element), new CutMix(minRatio: 0.2, maxRatio: 0.5), new FMix(mode: LambdaMode.Pair),
            new SaliencyMix(), new SaliencyMix(region: SaliencyRegion.Mask, mode: LambdaMode.Element),
            new MixChoice((new MixUp(), 1), (new FMix(), 2)),
            new GridMix(mode: LambdaMode.Element),
            new SmoothMix(softness: 0.5, mode: LambdaMode.Pair),
            new MultiCutMix(partners: 2, probability: 0.5),
            new ResizeMix(mode: LambdaMode.Element),
            new Transplantation(excludedClasses: [0]),
            new Mosaic(probability: 0.5, pairing: PairingStrategy.Roll),
        ];
        sweep.Add(t => t == typeof(IMixTransform), (c, _) => c.Extreme && !c.Receiver && c.Chance(0.3) ? null : c.Pick(all));
        sweep.Add(t => t == typeof(MixTransform), (c, _) => c.Extreme && !c.Receiver && c.Chance(0.3) ? null : c.Pick(all.OfType<MixTransform>().ToArray()));
        sweep.Add<MixUp>(c => new MixUp(mode: LambdaMode.Element));
        sweep.Add<CutMix>(c => c.Pick(new CutMix(), new CutMix(minRatio: 0.25, maxRatio: 1), new CutMix(videoCut: VideoMixCut.SpatioTemporal)));
        sweep.Add<FMix>(c => new FMix(maxSoft: 0.2));
        sweep.Add<SaliencyMix>(c => new SaliencyMix(region: c.Pick(SaliencyRegion.Box, SaliencyRegion.Mask)));
        sweep.Add<MixChoice>(c => all.OfType<MixChoice>().Single());
        sweep.Add<GuidedMix>(c => new GuidedMix(region: c.Pick(SaliencyRegion.Box, SaliencyRegion.Mask)));
        sweep.Add<SmoothMix>(c => c.Pick(new SmoothMix(), new SmoothMix(alpha: 0.3, softness: 1, mode: LambdaMode.Element)));
        sweep.Add<MultiCutMix>(c => c.Pick(new MultiCutMix(), new MultiCutMix(partners: 16, alpha: 0.2)));
        sweep.Add<ResizeMix>(c => c.Pick(new ResizeMix(), new ResizeMix(minScale: 1, maxScale: 1, mode: LambdaMode.Pair)));
        sweep.Add<Mosaic>(c => c.Pick(new Mosaic(), new Mosaic(minCentre: 0.1, maxCentre: 0.9, shrinkTiles: false)));
        sweep.Add<GridMix>(c => c.Pick(new GridMix(), new GridMix(minHoles: 1, maxHoles: 64, minCutArea: 0.01, holeAspect: 4, mode: LambdaMode.Pair)));
        sweep.Add<Transplantation>(c => c.Pick(new Transplantation(), new Transplantation([0, 3], probability: 0.5, pairing: PairingStrategy.Flip)));
        sweep.Add<FixedPlanTransform>(c => new FixedPlanTransform(c.Pick(Plans.Value)));
    }

    private static MixRequest Request(SweepContext c)
    {
        BatchShape shape = c.Pick(Shapes[..5]);
        BatchFeatures features = c.Random.Next(3) switch
        {
            0 => BatchFeatures.None,
            1 => Features(c, c.Pick(SaliencyDetail.Peaks, SaliencyDetail.Maps), shape),
            _ => new BatchFeatures([], ClassMapsOf(c, shape)),
        };
        return new MixRequest(shape, new MixRandom((ulong)c.Random.NextInt64()), features);
    }

    private static BatchFeatures Features(SweepContext c, SaliencyDetail detail, BatchShape? shape = null)
    {
        BatchShape s = shape ?? c.Pick(Shapes[..5]);
        float[] pixels = [.. Enumerable.Range(0, s.ElementCount).Select(_ => (float)c.Random.NextDouble())];
        return CpuFeatures.Compute(FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, detail), s, pixels);
    }

    private static ClassMaps ClassMapsOf(SweepContext c, BatchShape shape) =>
        new(shape.Spatial, [.. Enumerable.Range(0, shape.BatchSize * shape.Spatial.Size).Select(_ => c.Random.Next(4))]);

    private static SaliencyMaps Maps(SweepContext c) => c.Chance(0.5)
        ? Features(c, SaliencyDetail.Maps).Saliency[0]
        : SaliencyMaps.FromPeaks(SpectralResidualSaliency.Default, new SpatialShape(4, 4), [1, 5, 15]);

    /// <summary>A visitor that returns each region's kind.</summary>
    private sealed class KindVisitor : IMixRegionVisitor<object>
    {
        public object VisitKeep(KeepRegion region) => region.Kind;

        public object VisitBlend(BlendRegion region) => region.Kind;

        public object VisitBox(BoxRegion region) => region.Kind;

        public object VisitMask(MaskRegion region) => region.Kind;

        public object VisitFourierMask(FourierMaskRegion region) => region.Kind;

        public object VisitSaliencyMask(SaliencyMaskRegion region) => region.Kind;

        public object VisitTiles(TileRegion region) => region.Kind;

        public object VisitSoftBox(SoftBoxRegion region) => region.Kind;

        public object VisitResize(ResizeRegion region) => region.Kind;

        public object VisitMosaic(MosaicRegion region) => region.Kind;
    }
}
