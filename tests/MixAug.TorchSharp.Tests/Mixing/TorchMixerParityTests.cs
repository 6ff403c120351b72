using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// The same plan gives the same float32 pixels through TorchMixer (both its CpuMixer path and its libtorch path) as
/// through CpuMixer: exactly, since both compute x·(float)λ + x[p]·(float)(1 − λ) with two multiplies and one add.
/// </summary>
public sealed class TorchMixerParityTests
{
    private static readonly int[] BatchSizes = [1, 2, 5, 8];

    public static IEnumerable<TestCaseData> Transforms()
    {
        foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
        {
            foreach (PairingStrategy pairing in new[] { PairingStrategy.Flip, PairingStrategy.Roll, PairingStrategy.Permutation })
            {
                if (mode == LambdaMode.Pair && pairing == PairingStrategy.Roll)
                {
                    continue; // pair mode needs mutual partners
                }

                yield return new TestCaseData(new MixUp(alpha: 1.0, mode: mode, pairing: pairing)).SetArgDisplayNames($"MixUp {mode} {pairing}");
                yield return new TestCaseData(new CutMix(alpha: 1.0, mode: mode, pairing: pairing)).SetArgDisplayNames($"CutMix {mode} {pairing}");
                yield return new TestCaseData(new GridMix(alpha: 1.0, mode: mode, pairing: pairing)).SetArgDisplayNames($"GridMix {mode} {pairing}");
                yield return new TestCaseData(new SmoothMix(alpha: 1.0, mode: mode, pairing: pairing)).SetArgDisplayNames($"SmoothMix {mode} {pairing}");
            }
        }

        yield return new TestCaseData(new MixUp(alpha: 0.4, probability: 0.5, mode: LambdaMode.Element)).SetArgDisplayNames("MixUp elem p0.5");
        yield return new TestCaseData(new CutMix(alpha: 1.0, mode: LambdaMode.Element, correctLambda: false)).SetArgDisplayNames("CutMix uncorrected");
        yield return new TestCaseData(new MultiCutMix(partners: 3)).SetArgDisplayNames("MultiCutMix 3");
        yield return new TestCaseData(new MultiCutMix(partners: 1, probability: 0.5)).SetArgDisplayNames("MultiCutMix 1 p0.5");
        yield return new TestCaseData(new MixChoice((new MixUp(0.8), 1.0), (new CutMix(1.0, mode: LambdaMode.Element), 1.0))).SetArgDisplayNames("MixChoice");
    }

    [TestCaseSource(nameof(Transforms))]
    public void Transform_plans_match_CpuMixer_exactly_on_both_paths(IMixTransform transform)
    {
        foreach (int b in BatchSizes)
        {
            for (ulong seed = 0; seed < 3; seed++)
            {
                var shape = new BatchShape(b, 3, 7, 9);
                MixPlan plan = transform.CreatePlan(shape, new MixRandom(seed));
                AssertParity(plan, shape, $"B={b}, seed {seed}, {plan}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Hand_made_plans_with_every_region_kind_match_CpuMixer_exactly(int spatialRank)
    {
        foreach (int b in new[] { 1, 4, 7, 8 })
        {
            BatchShape shape = spatialRank switch
            {
                1 => BatchShape.Sequence(b, 2, 13),
                2 => new BatchShape(b, 3, 6, 5),
                _ => BatchShape.Volume(b, 2, 3, 4, 5),
            };
            AssertParity(Batches.MixedRegions(shape), shape, $"{shape} soft masks");
            AssertParity(Batches.MixedRegions(shape, binaryMasks: true), shape, $"{shape} binary masks");
        }
    }

    /// <summary>
    /// Masks copy an element they give wholly to one source, on both paths: −0, infinities and NaN in the batch come
    /// out bit for bit where the weight is 1 or 0 (a blend would turn inf·0 into NaN and −0 + 0 into +0), and blended
    /// elements agree as well (NaN for NaN).
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    public void Masks_copy_whole_elements_bit_for_bit_with_special_values(bool binaryMasks)
    {
        var shape = new BatchShape(8, 2, 6, 5); // samples 3 and 7 are masked
        MixPlan plan = Batches.MixedRegions(shape, binaryMasks);
        float[] source = Batches.Values(shape);
        float[] specials = [-0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        for (int i = 0; i < source.Length; i += 3)
        {
            source[i] = specials[(i / 3) % specials.Length];
        }

        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor images = Batches.ToTensor(source, shape);
        foreach (bool cpuKernels in new[] { true, false })
        {
            using Tensor mixed = TorchMixer.Apply(plan, images, cpuKernels);
            float[] actual = Batches.ToArray(mixed);
            for (int k = 0; k < actual.Length; k++)
            {
                bool same = float.IsNaN(expected[k]) ? float.IsNaN(actual[k]) : BitConverter.SingleToInt32Bits(actual[k]) == BitConverter.SingleToInt32Bits(expected[k]);
                Assert.That(same, Is.True, $"element {k}: {actual[k]} for {expected[k]}, CpuMixer path {cpuKernels}");
            }
        }

        // The rasterised weights say which elements are whole: there the CPU result is the source's element itself.
        var weights = new float[shape.PlaneSize];
        int whole = 0;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            RegionRasterizer.WriteOwnWeights(plan.Regions[i], plan.Spatial, plan.Lambdas[i], weights);
            int from = plan.Weights(i).Length > 1 ? plan.Sources(i)[1] : i;
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int e = 0; e < shape.PlaneSize; e++)
                {
                    int k = (i * shape.SampleSize) + (c * shape.PlaneSize) + e;
                    int at = weights[e] == 1f ? k : weights[e] == 0f ? (from * shape.SampleSize) + (c * shape.PlaneSize) + e : -1;
                    if (at >= 0 && plan.Regions[i] is MaskRegion or FourierMaskRegion)
                    {
                        whole++;
                        Assert.That(BitConverter.SingleToInt32Bits(expected[k]), Is.EqualTo(BitConverter.SingleToInt32Bits(source[at])), $"sample {i}, element {e}");
                    }
                }
            }
        }

        Assert.That(whole, Is.GreaterThan(0), "the plan has masked elements of one source");
    }

    [Test]
    public void Many_distinct_boxes_take_the_mask_route_and_still_match()
    {
        var shape = new BatchShape(32, 3, 16, 16);
        MixPlan plan = new CutMix(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(5));
        AssertParity(plan, shape, plan.ToString());
    }

    private static void AssertParity(MixPlan plan, BatchShape shape, string what)
    {
        float[] source = Batches.Values(shape);
        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor images = Batches.ToTensor(source, shape);
        foreach (bool cpuKernels in new[] { true, false })
        {
            using Tensor mixed = TorchMixer.Apply(plan, images, cpuKernels);
            Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected), $"{what}, CpuMixer path {cpuKernels}");
        }

        Assert.That(Batches.ToArray(images), Is.EqualTo(source), "the input was changed");
    }
}
