using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// CutMix's clip cuts (boxes with frame ranges) through TorchMixer give CpuMixer's elements bit for bit, on both of its
/// paths (CpuMixer's kernels and libtorch's operations), for float32, uint8 and int64 clips, padding included; a
/// sentinel planted in padded frames never reaches a valid output frame.
/// </summary>
public sealed class VideoMixParityTests
{
    private const float Padding = -777f;

    [Test]
    public void Clip_cuts_with_frame_counts_match_CpuMixer_exactly()
    {
        var random = new MixRandom(2020);
        int framed = 0;
        for (int seed = 0; seed < 36; seed++)
        {
            var shape = BatchShape.Volume(1 + random.NextInt(6), 2, 1 + random.NextInt(6), 1 + random.NextInt(5), 1 + random.NextInt(7));
            int[] lengths = [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(shape.Depth))];
            var transform = new CutMix(mode: (LambdaMode)(seed % 3), pairing: seed % 3 == 1 ? PairingStrategy.Flip : PairingStrategy.Permutation, videoCut: (VideoMixCut)(seed / 3 % 3));
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            framed += plan.Regions.Count(r => r is BoxRegion { HasFrameRange: true });

            float[] source = PaddedBatches.Values(shape, lengths, (ulong)seed, Padding);
            PaddedBatches.AssertTorchMatchesCpu(plan, shape, source, Padding, $"seed {seed}, {transform}");

            // Integer clips take the libtorch path and select the same elements.
            byte[] bytes = [.. source.Select(v => v == Padding ? (byte)255 : (byte)((v + 2) * 60))];
            var expectedBytes = new byte[bytes.Length];
            CpuMixer.Apply(plan, bytes, expectedBytes);
            using Tensor byteClip = tensor(bytes).reshape(shape.BatchSize, shape.Channels, shape.Depth, shape.Height, shape.Width);
            using Tensor mixedBytes = TorchMixer.Apply(plan, byteClip);
            Assert.That(mixedBytes.data<byte>().ToArray(), Is.EqualTo(expectedBytes), $"seed {seed}, uint8");
            using Tensor longClip = byteClip.to(ScalarType.Int64);
            using Tensor mixedLongs = TorchMixer.Apply(plan, longClip);
            Assert.That(mixedLongs.data<long>().ToArray(), Is.EqualTo(expectedBytes.Select(v => (long)v).ToArray()), $"seed {seed}, int64");
        }

        Assert.That(framed, Is.GreaterThan(15), "the sweep must exercise frame ranges");
    }

    /// <summary>GridMix on clips (the image's grid on every frame) through TorchMixer: CpuMixer's elements, float32 and uint8.</summary>
    [Test]
    public void Clip_grids_match_CpuMixer_exactly()
    {
        for (int seed = 0; seed < 8; seed++)
        {
            var shape = BatchShape.Volume(2 + (seed % 5), 2, 1 + (seed % 4), 9 + seed, 7 + (2 * seed));
            MixPlan plan = new GridMix(mode: (LambdaMode)(seed % 3), pairing: seed % 3 == 1 ? PairingStrategy.Permutation : PairingStrategy.Flip, minHoles: 1, maxHoles: 4).CreatePlan(shape, new MixRandom((ulong)seed));
            AssertFullClipsMatchCpuMixer(plan, shape, seed);
        }
    }

    /// <summary>Full-length clips of <paramref name="shape"/> mixed by <paramref name="plan"/> through TorchMixer give
    /// CpuMixer's elements, float32 and, for plans that only select (<paramref name="bytes"/>), uint8.</summary>
    private static void AssertFullClipsMatchCpuMixer(MixPlan plan, BatchShape shape, int seed, bool bytes = true)
    {
        float[] source = PaddedBatches.Values(shape, [.. Enumerable.Repeat(shape.Depth, shape.BatchSize)], (ulong)seed, Padding);
        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor clip = tensor(source).reshape(shape.BatchSize, shape.Channels, shape.Depth, shape.Height, shape.Width);
        using Tensor mixed = TorchMixer.Apply(plan, clip);
        Assert.That(mixed.data<float>().ToArray(), Is.EqualTo(expected), $"{plan.TransformName} seed {seed}");
        if (!bytes)
        {
            return;
        }

        byte[] values = [.. source.Select(v => (byte)((v + 2) * 60))];
        var expectedBytes = new byte[values.Length];
        CpuMixer.Apply(plan, values, expectedBytes);
        using Tensor byteClip = tensor(values).reshape(shape.BatchSize, shape.Channels, shape.Depth, shape.Height, shape.Width);
        using Tensor mixedBytes = TorchMixer.Apply(plan, byteClip);
        Assert.That(mixedBytes.data<byte>().ToArray(), Is.EqualTo(expectedBytes), $"{plan.TransformName} seed {seed}, uint8");
    }

    /// <summary>A hand-made clip plan with a resized partner on frames [2, 4), a cuboid on frames [1, 3) and a blend (the
    /// CPU mixes it with each frame plane as a sample of its own): TorchMixer's CpuMixer path gives its bits, the libtorch
    /// path agrees within 1e-5.</summary>
    [Test]
    public void A_resized_partner_on_a_frame_range_beside_a_cuboid_and_a_blend_matches_CpuMixer()
    {
        var shape = BatchShape.Volume(3, 2, 4, 6, 5);
        ResizeRegion resize = new ResizeRegion(shape.Spatial, 1, 0, 5, 3).WithFrames(2, 4);
        BoxRegion cuboid = new BoxRegion(0, 1, 3, 4).WithFrames(1, 3);
        var plan = new MixPlan(shape.Spatial, [2, 0, 1], [(120 - (2 * 12.0)) / 120, (120 - (2 * 9.0)) / 120, 0.25], [resize, cuboid, MixRegion.Blend]);
        float[] source = PaddedBatches.Values(shape, [4, 4, 4], 7, Padding);
        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor clip = tensor(source).reshape(3, 2, 4, 6, 5);
        using Tensor viaCpu = TorchMixer.Apply(plan, clip);
        Assert.That(viaCpu.data<float>().ToArray(), Is.EqualTo(expected), "CpuMixer path");
        using Tensor viaOps = TorchMixer.Apply(plan, clip, allowCpuKernels: false);
        Assert.That(viaOps.data<float>().ToArray(), Is.EqualTo(expected).Within(1e-5f), "libtorch path");
    }

    /// <summary>MultiCutMix on clips (the image's boxes, of up to four partners, on every frame) through TorchMixer:
    /// CpuMixer's elements, float32 and uint8.</summary>
    [Test]
    public void Clip_boxes_of_several_partners_match_CpuMixer_exactly()
    {
        for (int seed = 0; seed < 8; seed++)
        {
            var shape = BatchShape.Volume(2 + (seed % 5), 2, 1 + (seed % 4), 9 + seed, 7 + (2 * seed));
            MixPlan plan = new MultiCutMix(partners: 1 + (seed % 4)).CreatePlan(shape, new MixRandom((ulong)seed));
            AssertFullClipsMatchCpuMixer(plan, shape, seed);
        }
    }

    /// <summary>SmoothMix on clips (the image's soft box on every frame) through TorchMixer: CpuMixer's elements, float32.</summary>
    [Test]
    public void Clip_soft_boxes_match_CpuMixer_exactly()
    {
        for (int seed = 0; seed < 8; seed++)
        {
            var shape = BatchShape.Volume(2 + (seed % 5), 2, 1 + (seed % 4), 9 + seed, 7 + (2 * seed));
            MixPlan plan = new SmoothMix(softness: 0.05 + (0.1 * (seed % 4)), mode: (LambdaMode)(seed % 3)).CreatePlan(shape, new MixRandom((ulong)seed));
            AssertFullClipsMatchCpuMixer(plan, shape, seed, bytes: false); // soft weights need a floating-point tensor on TorchMixer
        }
    }

    /// <summary>ResizeMix on clips (each frame shows the partner's frame resized into the image's box) through TorchMixer:
    /// CpuMixer's elements on its CPU path, and within 1e-5 on the libtorch path (libtorch's interpolate).</summary>
    [Test]
    public void Clip_resized_partners_match_CpuMixer()
    {
        for (int seed = 0; seed < 8; seed++)
        {
            var shape = BatchShape.Volume(2 + (seed % 5), 2, 1 + (seed % 4), 9 + seed, 7 + (2 * seed));
            MixPlan plan = new ResizeMix(mode: (LambdaMode)(seed % 3), maxScale: 1).CreatePlan(shape, new MixRandom((ulong)seed));
            AssertFullClipsMatchCpuMixer(plan, shape, seed, bytes: false);
            float[] source = PaddedBatches.Values(shape, [.. Enumerable.Repeat(shape.Depth, shape.BatchSize)], (ulong)seed, Padding);
            var expected = new float[source.Length];
            CpuMixer.Apply(plan, source, expected);
            using Tensor clip = tensor(source).reshape(shape.BatchSize, shape.Channels, shape.Depth, shape.Height, shape.Width);
            using Tensor mixed = TorchMixer.Apply(plan, clip, allowCpuKernels: false);
            Assert.That(mixed.data<float>().ToArray(), Is.EqualTo(expected).Within(1e-5f), $"seed {seed}: libtorch path");
        }
    }
}
