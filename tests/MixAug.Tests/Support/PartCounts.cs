using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Testing;
using MixAug.Tests.Cpu;

namespace MixAug.Tests.Support;

/// <summary>
/// Applies a plan with the work split into several part counts (one part, two, and counts that do not divide the
/// segments), out of place and in place, and checks every result against the expected batch: a segment boundary or a
/// cycle walked by two parts must not change an element.
/// </summary>
internal static class PartCounts
{
    /// <summary>Asserts that <paramref name="plan"/> turns <paramref name="input"/> into <paramref name="expected"/> for
    /// every count of <paramref name="parts"/>; with <paramref name="bytes"/>, also that the uint8 batch mixed in place
    /// follows the plan (its rounding is checked by <see cref="MixAssert.PixelsFollowPlan(MixPlan, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>).</summary>
    public static void AssertMixes(MixPlan plan, float[] input, float[] expected, int[] parts, byte[]? bytes = null)
    {
        foreach (int count in parts)
        {
            MixJob<float, FloatKernels>.PartsOverride = count;
            MixJob<byte, ByteKernels>.PartsOverride = count;
            try
            {
                var output = new float[input.Length];
                CpuMixer.Apply(plan, input, output);
                Assert.That(output, Is.EqualTo(expected), $"out of place, {count} parts");
                float[] inPlace = (float[])input.Clone();
                CpuMixer.ApplyInPlace(plan, inPlace);
                Assert.That(inPlace, Is.EqualTo(expected), $"in place, {count} parts");
                if (bytes is not null)
                {
                    byte[] byteInPlace = (byte[])bytes.Clone();
                    CpuMixer.ApplyInPlace(plan, byteInPlace);
                    MixAssert.PixelsFollowPlan(plan, bytes, byteInPlace);
                }
            }
            finally
            {
                MixJob<float, FloatKernels>.PartsOverride = null;
                MixJob<byte, ByteKernels>.PartsOverride = null;
            }
        }
    }

    /// <summary>Mixes a seeded random batch of <paramref name="shape"/> by <paramref name="plan"/> and asserts that it
    /// matches <see cref="GeneralPlanTests.Reference"/> for 1, 2 and 5 parts (float32 out of place and in place, uint8 in
    /// place) and that its pixels follow the plan.</summary>
    public static void AssertMixesLikeTheReference(MixPlan plan, BatchShape shape, ulong seed)
    {
        float[] input = TestBatches.RandomBatch(shape, seed);
        float[] expected = GeneralPlanTests.Reference(plan, input);
        AssertMixes(plan, input, expected, [1, 2, 5], TestBatches.RandomBytes(shape, seed));
        MixAssert.PixelsFollowPlan(plan, input, expected);
    }
}
