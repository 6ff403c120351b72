using MixAug.Labels;
using MixAug.Randomness;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using static TorchSharp.torch.nn.functional;

namespace MixAug.TorchSharp.Tests.Labels;

/// <summary>
/// Label maps as tensors: the same numbers as <see cref="LabelMapMixer"/> on arrays, the hard map equal to what
/// TorchMixer's libtorch path selects, and the dense losses against libtorch's own cross-entropy with ignore_index and
/// a double-precision loop.
/// </summary>
public sealed class TorchLabelMapMixerTests
{
    private const int K = 4;
    private static readonly BatchShape Shape = new(4, 1, 6, 5);

    private static IEnumerable<IMixTransform> Methods() =>
        [new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element), new FMix(maxSoft: 0.2), new FMix()];

    private static long[] RandomLabels(MixRandom random, bool withIgnore) =>
        [.. Enumerable.Range(0, Shape.BatchSize * Shape.Spatial.Size).Select(_ => withIgnore && random.NextInt(6) == 0 ? -100L : random.NextInt(K))];

    [Test]
    public void TensorsGetTheArraysNumbersInEveryDtype()
    {
        using var scope = NewDisposeScope();
        ulong seed = 0;
        foreach (IMixTransform transform in Methods())
        {
            var random = new MixRandom(seed++);
            MixPlan plan = transform.CreatePlan(Shape, random);
            long[] labels = RandomLabels(random, withIgnore: false);
            long[] dims = [Shape.BatchSize, Shape.Height, Shape.Width];

            var expected = new long[labels.Length];
            LabelMapMixer.Mix(plan, labels, expected);
            foreach (ScalarType type in new[] { ScalarType.Byte, ScalarType.Int32, ScalarType.Int64 })
            {
                Tensor maps = tensor(labels, dims).to_type(type);
                Tensor mixed = TorchLabelMapMixer.Mix(plan, maps);
                Assert.That((mixed.dtype, mixed.shape), Is.EqualTo((type, dims)));
                Assert.That(mixed.to_type(ScalarType.Int64).data<long>().ToArray(), Is.EqualTo(expected), $"{transform.Name} {type}");
            }

            var a = new int[labels.Length];
            var b = new int[labels.Length];
            var w = new float[labels.Length];
            LabelMapMixer.ToPairs(plan, labels, a, b, w);
            using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, tensor(labels, dims));
            Assert.That(pairs.IndexA.data<long>().ToArray(), Is.EqualTo(a.Select(v => (long)v).ToArray()));
            Assert.That(pairs.IndexB.data<long>().ToArray(), Is.EqualTo(b.Select(v => (long)v).ToArray()));
            Assert.That(pairs.WeightA.data<float>().ToArray(), Is.EqualTo(w));

            var soft = new float[labels.Length * K];
            LabelMapMixer.ToSoftTargets(plan, labels, K, -100, soft);
            Tensor softTensor = TorchLabelMapMixer.ToSoftTargets(plan, tensor(labels, dims), K);
            Assert.That(softTensor.shape, Is.EqualTo(new long[] { Shape.BatchSize, K, Shape.Height, Shape.Width }));
            Assert.That(softTensor.data<float>().ToArray(), Is.EqualTo(soft));
        }
    }

    [Test]
    public void OutputsOf32MiBAndMoreAndStridedMapsGiveTheArraysNumbersToo()
    {
        // Outputs from 32 MiB on live in managed arrays under the tensor (NativeTensor.NewHostTensor), smaller ones in
        // libtorch's memory: 4 int64 maps of 1024x1024 are 32 MiB, and so are their pairs' int64 classes; the maps are
        // read through a transposed view, which the host copy makes contiguous.
        using var scope = NewDisposeScope();
        var shape = new BatchShape(4, 1, 1024, 1024);
        MixPlan plan = new CutMix(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(21));
        long[] labels = [.. Enumerable.Range(0, shape.BatchSize * shape.PlaneSize).Select(i => (long)((i * 7) % 11))];
        Tensor transposed = tensor(labels, [4, 1024, 1024]).transpose(1, 2).contiguous().transpose(1, 2);
        Assert.That(transposed.is_contiguous(), Is.False);

        var expected = new long[labels.Length];
        LabelMapMixer.Mix(plan, labels, expected);
        foreach (Tensor maps in new[] { tensor(labels, [4, 1024, 1024]), transposed })
        {
            Tensor mixed = TorchLabelMapMixer.Mix(plan, maps);
            Assert.That((mixed.dtype, mixed.shape, mixed.is_contiguous()), Is.EqualTo((ScalarType.Int64, new long[] { 4, 1024, 1024 }, true)));
            Assert.That(mixed.data<long>().ToArray().AsSpan().SequenceEqual(expected), Is.True, "int64 maps of 32 MiB");
        }

        var a = new int[labels.Length];
        var b = new int[labels.Length];
        var w = new float[labels.Length];
        LabelMapMixer.ToPairs(plan, labels, a, b, w);
        using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, transposed);
        Assert.That(pairs.IndexA.data<long>().ToArray().AsSpan().SequenceEqual(a.Select(v => (long)v).ToArray()), Is.True, "classes A");
        Assert.That(pairs.IndexB.data<long>().ToArray().AsSpan().SequenceEqual(b.Select(v => (long)v).ToArray()), Is.True, "classes B");
        Assert.That(pairs.WeightA.data<float>().ToArray().AsSpan().SequenceEqual(w), Is.True, "weights of A");
    }

    [Test]
    public void HardMapOfASelectingPlanIsWhatTorchMixerSelects()
    {
        using var scope = NewDisposeScope();
        for (ulong seed = 0; seed < 20; seed++)
        {
            var random = new MixRandom(seed);
            MixPlan plan = (seed % 2 == 0 ? new CutMix(mode: LambdaMode.Element) : (IMixTransform)new FMix()).CreatePlan(Shape, random);
            Tensor maps = tensor(RandomLabels(random, withIgnore: true), [Shape.BatchSize, Shape.Height, Shape.Width]);
            Assert.That(TorchLabelMapMixer.Mix(plan, maps).data<long>().ToArray(), Is.EqualTo(TorchMixer.Apply(plan, maps).data<long>().ToArray()), $"seed {seed}");
        }
    }

    [Test]
    public void OnHardPlansBothLossesAreLibtorchsCrossEntropyWithIgnoreIndex()
    {
        using var scope = NewDisposeScope();
        for (ulong seed = 0; seed < 10; seed++)
        {
            var random = new MixRandom(seed + 50);
            MixPlan plan = new CutMix(mode: LambdaMode.Element).CreatePlan(Shape, random);
            Tensor maps = tensor(RandomLabels(random, withIgnore: true), [Shape.BatchSize, Shape.Height, Shape.Width]);
            Tensor logits = randn([Shape.BatchSize, K, Shape.Height, Shape.Width], ScalarType.Float64, generator: new global::TorchSharp.torch.Generator((ulong)seed));
            Tensor hard = TorchLabelMapMixer.Mix(plan, maps);
            double expected = cross_entropy(logits, hard, ignore_index: -100).item<double>();
            using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, maps);
            Assert.That(DenseLosses.MixedCrossEntropy(logits, pairs).item<double>(), Is.EqualTo(expected).Within(1e-12));
            Tensor soft = TorchLabelMapMixer.ToSoftTargets(plan, maps, K);
            Assert.That(DenseLosses.SoftTargetCrossEntropy(logits, soft).item<double>(), Is.EqualTo(expected).Within(1e-6));
        }
    }

    [Test]
    public void OnBlendsAndSoftEdgesTheTwoLossesAgreeAndMatchADoubleLoop()
    {
        using var scope = NewDisposeScope();
        int n = Shape.Spatial.Size;
        for (ulong seed = 0; seed < 10; seed++)
        {
            var random = new MixRandom(seed + 90);
            MixPlan plan = (seed % 2 == 0 ? new MixUp(mode: LambdaMode.Element) : (IMixTransform)new FMix(maxSoft: 0.3)).CreatePlan(Shape, random);
            long[] labels = RandomLabels(random, withIgnore: true);
            Tensor maps = tensor(labels, [Shape.BatchSize, Shape.Height, Shape.Width]);
            Tensor logits = randn([Shape.BatchSize, K, Shape.Height, Shape.Width], ScalarType.Float64, generator: new global::TorchSharp.torch.Generator((ulong)seed));
            using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, maps);
            double pairLoss = DenseLosses.MixedCrossEntropy(logits, pairs).item<double>();
            double softLoss = DenseLosses.SoftTargetCrossEntropy(logits, TorchLabelMapMixer.ToSoftTargets(plan, maps, K)).item<double>();

            // The loop: every element's sources with the pixels' weights (own m, partner 1 − m) from the rasteriser.
            double[] z = logits.data<double>().ToArray();
            double sum = 0;
            int counted = 0;
            var own = new float[n];
            for (int i = 0; i < Shape.BatchSize; i++)
            {
                MixAug.Regions.RegionRasterizer.WriteOwnWeights(plan.Regions[i], plan.Spatial, plan.Lambdas[i], own);
                int[] sources = plan.Sources(i).ToArray();
                for (int e = 0; e < n; e++)
                {
                    double wOwn = own[e], wPartner = sources.Length > 1 ? 1.0 - own[e] : 0;
                    double num = 0, den = 0;
                    foreach ((int source, double weight) in new[] { (sources[0], wOwn), (sources[^1], wPartner) })
                    {
                        long c = labels[(source * n) + e];
                        if (c != -100 && weight > 0)
                        {
                            double max = Enumerable.Range(0, K).Max(k => z[(((i * K) + k) * n) + e]);
                            double logSum = max + Math.Log(Enumerable.Range(0, K).Sum(k => Math.Exp(z[(((i * K) + k) * n) + e] - max)));
                            num += weight * (logSum - z[(((i * K) + (int)c) * n) + e]);
                            den += weight;
                        }
                    }

                    if (den > 0)
                    {
                        sum += num / den;
                        counted++;
                    }
                }
            }

            Assert.That(pairLoss, Is.EqualTo(sum / counted).Within(1e-6), $"seed {seed}");
            Assert.That(softLoss, Is.EqualTo(sum / counted).Within(1e-6), $"seed {seed}");
        }
    }

    [Test]
    public void GradientsFlowAndAllIgnoredGivesZero()
    {
        using var scope = NewDisposeScope();
        MixPlan plan = new MixUp(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(4));
        Tensor logits = randn([Shape.BatchSize, K, Shape.Height, Shape.Width]).requires_grad_();
        Tensor maps = full([Shape.BatchSize, Shape.Height, Shape.Width], 255, ScalarType.Int64);
        using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, maps);
        Tensor loss = DenseLosses.MixedCrossEntropy(logits, pairs, ignoreIndex: 255);
        loss.backward();
        Assert.That(loss.item<float>(), Is.EqualTo(0f));
        Assert.That(logits.grad!.abs().sum().item<float>(), Is.EqualTo(0f));

        Tensor soft = TorchLabelMapMixer.ToSoftTargets(plan, maps.remainder(K), K, ignoreIndex: 255);
        logits.grad!.zero_();
        DenseLosses.SoftTargetCrossEntropy(logits, soft).backward();
        Assert.That(logits.grad!.abs().sum().item<float>(), Is.GreaterThan(0f));
    }

    [Test]
    public void BadMapsAreRejectedByName()
    {
        using var scope = NewDisposeScope();
        MixPlan plan = new CutMix().CreatePlan(Shape, new MixRandom(1));
        var ex = Assert.Throws<ArgumentException>(() => TorchLabelMapMixer.Mix(plan, zeros([Shape.BatchSize, 1, Shape.Height, Shape.Width], ScalarType.Int64)));
        Assert.That((ex!.ParamName, ex.Message), Is.EqualTo(("labelMaps", "labelMaps has shape [4, 1, 6, 5] but the plan's label maps are [4, 6, 5]: [B, spatial…], no channel dimension. (Parameter 'labelMaps')")));
        Assert.That(Assert.Throws<ArgumentException>(() => TorchLabelMapMixer.Mix(plan, zeros([Shape.BatchSize, Shape.Height, Shape.Width])))!.Message, Does.StartWith("labelMaps has dtype Float32"));
        ex = Assert.Throws<ArgumentException>(() => TorchLabelMapMixer.ToSoftTargets(plan, full([Shape.BatchSize, Shape.Height, Shape.Width], 9, ScalarType.Int64), K));
        Assert.That((ex!.ParamName, ex.Message), Is.EqualTo(("labelMaps", "Label 0 (sample 0, element 0) is 9: neither a class in [0, 4) nor the ignore index -100. (Parameter 'labelMaps')")));

        using LabelMapPairTensors pairs = TorchLabelMapMixer.ToPairs(plan, full([Shape.BatchSize, Shape.Height, Shape.Width], 9, ScalarType.Int64));
        ex = Assert.Throws<ArgumentException>(() => DenseLosses.MixedCrossEntropy(randn([Shape.BatchSize, K, Shape.Height, Shape.Width]), pairs));
        Assert.That(ex!.ParamName, Is.EqualTo("targets"));
        Assert.That(Assert.Throws<ArgumentException>(() => DenseLosses.SoftTargetCrossEntropy(randn([Shape.BatchSize, K]), randn([Shape.BatchSize, K])))!.ParamName, Is.EqualTo("logits"));
    }
}
