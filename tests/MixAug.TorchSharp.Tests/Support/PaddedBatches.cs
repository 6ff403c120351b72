using MixAug.Cpu;
using MixAug.TorchSharp.Mixing;

namespace MixAug.TorchSharp.Tests.Support;

/// <summary>
/// Sequence and clip batches with a sentinel in every sample's padding, and the parity check the length tests share:
/// both TorchMixer paths give CpuMixer's elements bit for bit, and the sentinel never reaches a valid output step.
/// </summary>
internal static class PaddedBatches
{
    /// <summary>Elements per time step: 1 for a sequence [B, C, L], H·W for a clip [B, C, T, H, W].</summary>
    public static int StepSize(BatchShape shape) => shape.SpatialRank == 3 ? shape.Height * shape.Width : 1;

    /// <summary><see cref="Batches.Values"/> with <paramref name="padding"/> at every step at or past the sample's length.</summary>
    public static float[] Values(BatchShape shape, IReadOnlyList<int> lengths, ulong seed, float padding)
    {
        int step = StepSize(shape);
        float[] source = Batches.Values(shape, seed);
        for (int k = 0; k < source.Length; k++)
        {
            if (k % shape.PlaneSize / step >= lengths[k / shape.SampleSize])
            {
                source[k] = padding;
            }
        }

        return source;
    }

    /// <summary>
    /// Mixes <paramref name="source"/> by CpuMixer and by TorchMixer on both paths, asserts the three agree bit for bit
    /// and that no valid output step (before <see cref="MixPlan.OutputLengths"/>) holds <paramref name="padding"/>.
    /// </summary>
    /// <returns>The mixed elements, for checks of their own.</returns>
    public static float[] AssertTorchMatchesCpu(MixPlan plan, BatchShape shape, float[] source, float padding, string context)
    {
        int step = StepSize(shape);
        var expected = new float[source.Length];
        CpuMixer.Apply(plan, source, expected);
        using Tensor images = Batches.ToTensor(source, shape);
        foreach (bool cpuKernels in new[] { true, false })
        {
            using Tensor mixed = TorchMixer.Apply(plan, images, cpuKernels);
            Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected), $"{context}, CpuMixer path {cpuKernels}");
        }

        for (int k = 0; k < expected.Length; k++)
        {
            if (k % shape.PlaneSize / step < plan.OutputLengths[k / shape.SampleSize])
            {
                Assert.That(expected[k], Is.Not.EqualTo(padding), $"{context}: padding at valid element {k}");
            }
        }

        return expected;
    }
}
