using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// ResizeRegion's resampling against libtorch's own antialiased bilinear <c>interpolate</c> (the definition it claims
/// to follow, computed independently), and TorchMixer's libtorch path against CpuMixer for ResizeMix plans. libtorch's
/// float arithmetic differs in the last bits, so both compare within a tolerance; TorchMixer's CpuMixer path is exact.
/// </summary>
public sealed class ResizeParityTests
{
    [TestCase(24, 18, 10, 9)]   // shrink
    [TestCase(224, 224, 37, 150)]
    [TestCase(7, 9, 7, 9)]      // the same size
    [TestCase(6, 5, 9, 11)]     // enlarge
    [TestCase(40, 3, 3, 3)]
    public void ResizePartner_matches_libtorch_interpolate_with_antialias(int h, int w, int bh, int bw)
    {
        var spatial = new SpatialShape(h, w);
        var region = new ResizeRegion(spatial, 0, 0, bh > h ? h : bh, bw > w ? w : bw);
        var random = new MixRandom(9);
        float[] partner = [.. Enumerable.Range(0, h * w).Select(_ => (float)random.NextDouble())];
        var patch = new float[region.Area];
        region.ResizePartner(partner, patch);
        using Tensor input = tensor(partner, [1, 1, h, w]);
        using Tensor expected = nn.functional.interpolate(input, [region.Bottom, region.Right], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        float[] reference = expected.data<float>().ToArray();
        for (int k = 0; k < patch.Length; k++)
        {
            Assert.That(patch[k], Is.EqualTo(reference[k]).Within(2e-6), $"element {k}");
        }
    }

    /// <summary>
    /// Every box size in every image up to 9x9, each sample of a plan a different size: TorchMixer's libtorch path agrees
    /// with CpuMixer. libtorch's own interpolate repeats the first row for an output one column wide whose height
    /// shrinks to between 2 and h − 1; TorchMixer resizes those transposed.
    /// </summary>
    [Test]
    public void Every_small_box_size_matches_CpuMixer_on_the_libtorch_path()
    {
        for (int h = 1; h <= 9; h++)
        {
            for (int w = 1; w <= 9; w++)
            {
                var spatial = new SpatialShape(h, w);
                ResizeRegion[] boxes = [.. Enumerable.Range(0, h * w).Select(k => new ResizeRegion(spatial, 0, 0, 1 + (k / w), 1 + (k % w)))];
                int b = boxes.Length + 1; // one more sample, kept, so that every box has a partner other than itself
                MixRegion[] regions = [.. boxes, MixRegion.Keep];
                int[] partners = [.. Enumerable.Range(0, b).Select(i => i == b - 1 ? i : i + 1)];
                double[] lambdas = [.. regions.Select(r => r is ResizeRegion box ? (double)((h * w) - box.Area) / (h * w) : 1.0)];
                var plan = new MixPlan(spatial, partners, lambdas, regions);
                var shape = new BatchShape(b, 2, h, w);
                float[] source = Batches.Values(shape, (ulong)((h * 10) + w));
                var expected = new float[source.Length];
                CpuMixer.Apply(plan, source, expected);
                using Tensor images = Batches.ToTensor(source, shape);
                using Tensor viaOps = TorchMixer.Apply(plan, images, allowCpuKernels: false);
                float[] actual = Batches.ToArray(viaOps);
                for (int k = 0; k < actual.Length; k++)
                {
                    Assert.That(actual[k], Is.EqualTo(expected[k]).Within(1e-5), $"{h}x{w}, sample {k / shape.SampleSize}: {regions[k / shape.SampleSize]}");
                }
            }
        }
    }

    [Test]
    public void ResizeMix_plans_match_CpuMixer_on_both_paths()
    {
        foreach (LambdaMode mode in new[] { LambdaMode.Batch, LambdaMode.Element })
        {
            var shape = new BatchShape(5, 3, 31, 27);
            MixPlan plan = new ResizeMix(mode: mode, pairing: PairingStrategy.Permutation, maxScale: 1).CreatePlan(shape, new MixRandom(4));
            float[] source = Batches.Values(shape);
            var expected = new float[source.Length];
            CpuMixer.Apply(plan, source, expected);
            using Tensor images = Batches.ToTensor(source, shape);
            using Tensor viaCpu = TorchMixer.Apply(plan, images);
            Assert.That(Batches.ToArray(viaCpu), Is.EqualTo(expected), "CpuMixer path");
            using Tensor viaOps = TorchMixer.Apply(plan, images, allowCpuKernels: false);
            float[] actual = Batches.ToArray(viaOps);
            int differing = 0;
            for (int k = 0; k < actual.Length; k++)
            {
                Assert.That(actual[k], Is.EqualTo(expected[k]).Within(1e-5), $"element {k}"); // sums of up to ~20 x 20 taps in another order
                differing += actual[k] != expected[k] ? 1 : 0;
            }

            TestContext.Out.WriteLine($"{mode}: {differing} of {actual.Length} elements differ in the last bits");
            using Tensor doubles = TorchMixer.Apply(plan, images.to(ScalarType.Float64), allowCpuKernels: false);
            Assert.That(doubles.dtype, Is.EqualTo(ScalarType.Float64));
        }
    }

    /// <summary>
    /// ResizeMix on sequences with valid lengths: the CpuMixer path gives CpuMixer's bits, the libtorch path (the partner's
    /// valid part narrowed and interpolated as a plane of height 1) agrees within the resampler's rounding, and the
    /// sentinel planted in padding never reaches a valid output element on either path.
    /// </summary>
    [Test]
    public void ResizeMix_sequences_with_lengths_match_CpuMixer_on_both_paths()
    {
        int narrowed = AssertPaddedBatchesMatch(12, (random, b) => BatchShape.Sequence(b, 3, 1 + random.NextInt(60)), r => r.PartnerLength is not null);
        Assert.That(narrowed, Is.GreaterThan(20), "the sweep must exercise partners read over part of the sequence");
    }

    /// <summary>
    /// ResizeMix on clips with frame counts: the box on the frames both clips hold (the partner's frames narrowed on the
    /// libtorch path) gives CpuMixer's bits on the CpuMixer path and agrees within the resampler's rounding on libtorch's;
    /// the padding sentinel never reaches a valid output element.
    /// </summary>
    [Test]
    public void ResizeMix_clips_with_frame_counts_match_CpuMixer_on_both_paths()
    {
        int framed = AssertPaddedBatchesMatch(13, (random, b) => BatchShape.Volume(b, 2, 1 + random.NextInt(6), 3 + random.NextInt(9), 3 + random.NextInt(9)), r => r.HasFrameRange);
        Assert.That(framed, Is.GreaterThan(20), "the sweep must stop boxes short of the clip");
    }

    /// <summary>16 padded batches of up to 8 samples of the shapes <paramref name="shapeOf"/> draws, with random lengths,
    /// mixed by ResizeMix in every mode; returns how many resize regions <paramref name="counts"/> holds for.</summary>
    private static int AssertPaddedBatchesMatch(ulong generator, Func<MixRandom, int, BatchShape> shapeOf, Func<ResizeRegion, bool> counts)
    {
        const float Padding = -777f;
        var random = new MixRandom(generator);
        int counted = 0;
        for (int seed = 0; seed < 16; seed++)
        {
            int b = 1 + random.NextInt(8);
            BatchShape shape = shapeOf(random, b);
            int time = shape.SpatialRank == 3 ? shape.Depth : shape.Width;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            var resizeMix = new ResizeMix(mode: (LambdaMode)(seed % 3), pairing: seed % 3 == 1 ? PairingStrategy.Flip : PairingStrategy.Permutation);
            MixPlan plan = resizeMix.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            counted += plan.Regions.OfType<ResizeRegion>().Count(counts);
            float[] source = PaddedBatches.Values(shape, lengths, (ulong)seed, Padding);
            float[] actual = AssertBothPathsMatch(plan, shape, source, $"seed {seed}, {resizeMix}");
            int step = PaddedBatches.StepSize(shape);
            for (int k = 0; k < actual.Length; k++)
            {
                if (k % shape.PlaneSize / step < plan.OutputLengths[k / shape.SampleSize])
                {
                    Assert.That(actual[k], Is.GreaterThan(-2.001f), $"seed {seed}: padding at valid element {k}");
                }
            }
        }

        return counted;
    }

    /// <summary>CutMix's asymmetric patches (the partner's box resized into the sample's): the CpuMixer path gives
    /// CpuMixer's bits, the libtorch path (the partner narrowed to its box, then interpolated) agrees within 1e-5.</summary>
    [Test]
    public void Asymmetric_CutMix_plans_match_CpuMixer_on_both_paths()
    {
        int moved = 0;
        for (int seed = 0; seed < 12; seed++)
        {
            var shape = new BatchShape(2 + (seed % 6), 3, 9 + seed, 21 - seed);
            MixPlan plan = new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, partnerPatch: seed % 2 == 0 ? PartnerPatch.SameSize : PartnerPatch.OwnSize).CreatePlan(shape, new MixRandom((ulong)seed));
            moved += plan.Regions.OfType<ResizeRegion>().Count(r => r.HasPartnerBox);
            AssertBothPathsMatch(plan, shape, Batches.Values(shape, (ulong)seed), $"seed {seed}");
        }

        Assert.That(moved, Is.GreaterThan(30), "the sweep must draw partner boxes");
    }

    /// <summary>TorchMixer's CpuMixer path gives CpuMixer's bits; its libtorch path agrees within 1e-5 (values in
    /// [-2, 2]: sums of a few taps in another order). Returns the libtorch path's elements.</summary>
    private static float[] AssertBothPathsMatch(MixPlan plan, BatchShape shape, float[] source, string context)
    {
        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor batch = Batches.ToTensor(source, shape);
        using Tensor viaCpu = TorchMixer.Apply(plan, batch);
        Assert.That(Batches.ToArray(viaCpu), Is.EqualTo(expected), $"{context}, CpuMixer path");
        using Tensor viaOps = TorchMixer.Apply(plan, batch, allowCpuKernels: false);
        float[] actual = Batches.ToArray(viaOps);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-5), $"{context}, libtorch path");
        return actual;
    }

    [Test]
    public void Integer_tensors_are_refused_for_resized_partners()
    {
        var shape = new BatchShape(2, 1, 8, 8);
        MixPlan plan = new ResizeMix().CreatePlan(shape, new MixRandom(1));
        using Tensor bytes = zeros([2, 1, 8, 8], ScalarType.Byte);
        var e = Assert.Throws<ArgumentException>(() => TorchMixer.Apply(plan, bytes));
        Assert.That(e!.Message, Does.Contain("Resize"));
    }
}
