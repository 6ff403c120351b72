using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Transforms;
using NUnit.Framework;

namespace MixAug.Tests.Transforms;

public class FMixTests
{
    /// <summary>The own weights of sample <paramref name="i"/>'s mask, rasterised from its recipe.</summary>
    private static float[] MaskOf(MixPlan plan, int i)
    {
        var weights = new float[plan.Spatial.Size];
        RegionRasterizer.WriteOwnWeights(plan.Regions[i], plan.Spatial, plan.Lambdas[i], weights);
        return weights;
    }

    private static IEnumerable<BatchShape> Shapes() =>
    [
        BatchShape.Sequence(6, 2, 50),
        new BatchShape(6, 3, 16, 40),
        new BatchShape(5, 1, 17, 9),
        BatchShape.Volume(6, 2, 4, 6, 10),
        BatchShape.Volume(4, 1, 5, 3, 7),
    ];

    [TestCaseSource(nameof(Shapes))]
    public void EveryMaskIsBinaryAndItsMeanIsExactlyThePlanLambda(BatchShape shape)
    {
        foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
        {
            foreach (MaskGranularity granularity in Enum.GetValues<MaskGranularity>())
            {
                var fmix = new FMix(mode: mode, granularity: granularity, pairing: PairingStrategy.Permutation);
                MixPlan plan = fmix.CreatePlan(shape, new MixRandom(42));
                for (int i = 0; i < shape.BatchSize; i++)
                {
                    if (!plan.IsMixed(i))
                    {
                        continue;
                    }

                    Assert.That(plan.Regions[i], Is.TypeOf<FourierMaskRegion>());
                    float[] mask = MaskOf(plan, i);
                    Assert.That(mask.All(w => w is 0f or 1f), Is.True);
                    int ones = mask.Count(w => w == 1f);
                    Assert.That(plan.Lambdas[i], Is.EqualTo(ones / (double)shape.PlaneSize), $"{mode} {granularity} sample {i}");
                    Assert.That(plan.MeasureOwnShare(i), Is.EqualTo(plan.Lambdas[i]));
                }
            }
        }
    }

    [TestCaseSource(nameof(Shapes))]
    public void SoftMasksStayInRangeAndKeepAnExactMean(BatchShape shape)
    {
        var fmix = new FMix(maxSoft: 0.3, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup);
        MixPlan plan = fmix.CreatePlan(shape, new MixRandom(7));
        bool anySoft = false;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            if (plan.Partners[i] == i)
            {
                continue; // the middle sample of an odd flip is its own partner
            }

            float[] w = MaskOf(plan, i);
            Assert.That(w.All(x => x >= 0f && x <= 1f), Is.True);
            anySoft |= w.Any(x => x > 0f && x < 1f);
            double sum = 0;
            foreach (float x in w.Reverse())
            {
                sum += x; // summed in another order: the partial sums are exact, so the order does not matter
            }

            Assert.That(plan.Lambdas[i], Is.EqualTo(sum / w.Length));
        }

        Assert.That(anySoft, Is.True);
    }

    [Test]
    public void PerGroupMasksDifferBetweenSamplesAndRepeatForTheSameSeed()
    {
        var shape = new BatchShape(8, 3, 16, 40);
        var fmix = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup);
        MixPlan a = fmix.CreatePlan(shape, new MixRandom(5));
        MixPlan b = fmix.CreatePlan(shape, new MixRandom(5));
        Assert.That(MixPlanJson.Serialize(b), Is.EqualTo(MixPlanJson.Serialize(a)));
        var masks = Enumerable.Range(0, a.BatchSize).Select(i => MaskOf(a, i)).ToList();
        for (int i = 0; i < masks.Count; i++)
        {
            for (int j = i + 1; j < masks.Count; j++)
            {
                Assert.That(masks[j], Is.Not.EqualTo(masks[i]), $"samples {i} and {j}");
            }
        }
    }

    [Test]
    public void PerBatchNoiseGivesNestedMasks()
    {
        // One image thresholded at several counts: a mask with more own elements contains every smaller one.
        var shape = new BatchShape(10, 1, 12, 20);
        MixPlan plan = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerBatch).CreatePlan(shape, new MixRandom(9));
        var order = Enumerable.Range(0, 10).OrderBy(i => plan.Lambdas[i]).ToArray();
        for (int k = 1; k < order.Length; k++)
        {
            float[] small = MaskOf(plan, order[k - 1]);
            float[] large = MaskOf(plan, order[k]);
            Assert.That(small.Zip(large).All(p => p.First <= p.Second), Is.True);
        }
    }

    [Test]
    public void PlanFollowsTheDocumentedDrawOrder()
    {
        // Recomputes a per-group element plan sequentially from the documented order: for each sample, Beta,
        // rounding double, seed; then each mask from its own noise image, thresholded independently by sorting.
        var shape = new BatchShape(6, 1, 14, 22);
        var fmix = new FMix(alpha: 0.7, decayPower: 2.5, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, reformulate: true);
        MixPlan plan = fmix.CreatePlan(shape, new MixRandom(77));
        var random = new MixRandom(77);
        int n = shape.PlaneSize;
        for (int i = 0; i < 6; i++)
        {
            double lambda = BetaSampler.Sample(random, 1.7, 0.7);
            int own = MaskThreshold.DrawOwnCount(lambda, n, random);
            ulong seed = random.NextUInt64();
            var image = new float[n];
            new FourierNoise(shape.Spatial, 2.5, seed).Synthesize(image);
            // The own elements are the `own` largest values, ties to the smaller index: a plain sort.
            int[] order = [.. Enumerable.Range(0, n).OrderByDescending(k => image[k]).ThenBy(k => k)];
            var expected = new float[n];
            foreach (int k in order.Take(own))
            {
                expected[k] = 1;
            }

            var region = (FourierMaskRegion)plan.Regions[i];
            Assert.That((region.Noise.Seed, region.OwnCount, region.MaxSoft), Is.EqualTo((seed, own, 0.0)));
            var mask = new float[n];
            RegionRasterizer.WriteOwnWeights(region, shape.Spatial, plan.Lambdas[i], mask);
            Assert.That(plan.Lambdas[i], Is.EqualTo(own / (double)n));
            Assert.That(mask, Is.EqualTo(expected));
        }
    }

    [TestCase(0.0)]
    [TestCase(0.25)]
    public void AppliedPixelsAreSelfPartnerOrTheExactBlend(double maxSoft)
    {
        var shape = new BatchShape(4, 3, 16, 40);
        MixPlan plan = new FMix(maxSoft: maxSoft, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup).CreatePlan(shape, new MixRandom(3));
        var random = new MixRandom(8);
        float[] src = [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble())];
        var dst = new float[src.Length];
        CpuMixer.Apply(plan, src, dst);
        int plane = shape.PlaneSize, sampleSize = shape.SampleSize;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            int p = plan.Partners[i];
            float[] m = MaskOf(plan, i);
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int e = 0; e < plane; e++)
                {
                    float x = src[(i * sampleSize) + (c * plane) + e], y = src[(p * sampleSize) + (c * plane) + e];
                    float expected = m[e] switch
                    {
                        1f => x,
                        0f => y,
                        _ => (x * m[e]) + (y * (1f - m[e])),
                    };
                    Assert.That(dst[(i * sampleSize) + (c * plane) + e], Is.EqualTo(expected));
                }
            }
        }
    }

    [Test]
    public void BadParametersAreRejectedWithTheirNamesAndValues()
    {
        (Func<object> Make, string Name, string Value)[] cases =
        [
            (() => new FMix(decayPower: 0), "decayPower", "0"),
            (() => new FMix(decayPower: -2), "decayPower", "-2"),
            (() => new FMix(decayPower: double.NaN), "decayPower", "NaN"),
            (() => new FMix(maxSoft: -0.1), "maxSoft", "-0.1"),
            (() => new FMix(maxSoft: 0.51), "maxSoft", "0.51"),
            (() => new FMix(alpha: 0), "alpha", "0"),
            (() => new FMix(alpha: -1), "alpha", "-1"),
            (() => new FMix(granularity: (MaskGranularity)7), "granularity", "7"),
        ];
        foreach (var (make, name, value) in cases)
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => make());
            Assert.That(ex!.ParamName, Is.EqualTo(name));
            Assert.That(ex.Message, Does.Contain(value));
        }

        Assert.Throws<ArgumentException>(() => new FMix().CreatePlan(default, new MixRandom(1)));
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchShape(2, 3, 0, 4));
        Assert.That(zero!.ParamName, Is.EqualTo("height"));
    }

    [Test]
    public void ProbabilityZeroLeavesEverySampleKept()
    {
        MixPlan plan = new FMix(probability: 0, mode: LambdaMode.Element).CreatePlan(new BatchShape(4, 1, 8, 8), new MixRandom(1));
        Assert.That(plan.MixedCount, Is.Zero);
    }
}
