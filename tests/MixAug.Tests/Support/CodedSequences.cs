using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;

namespace MixAug.Tests.Support;

/// <summary>
/// Sequences <c>[B, C, L]</c> and clips <c>[B, C, T, H, W]</c> whose values name themselves: sample s's value at channel
/// ch, element e of the channel's plane is s plus a code of (ch, e) below 1, and NaN past its valid length (positions
/// of a sequence, frames of a clip); so every output element of a mixed batch names the source and element it shows.
/// </summary>
internal static class CodedSequences
{
    /// <summary>The coded batch of <paramref name="shape"/> with the samples' valid lengths.</summary>
    public static float[] Batch(BatchShape shape, int[] lengths)
    {
        var batch = new float[shape.ElementCount];
        int plane = shape.PlaneSize, step = Step(shape);
        for (int s = 0; s < shape.BatchSize; s++)
        {
            for (int ch = 0; ch < shape.Channels; ch++)
            {
                for (int e = 0; e < plane; e++)
                {
                    batch[(((s * shape.Channels) + ch) * plane) + e] = e / step < lengths[s] ? Code(shape, s, ch, e) : float.NaN;
                }
            }
        }

        return batch;
    }

    /// <summary>
    /// Asserts that every valid element of every output sample shows one of its plan sources at the same element, one
    /// that holds it (never padding), and that each weight is the share of the sample's valid elements showing that
    /// source (the own weight exactly, the others within the last bit, as a single partner's is stored as 1 − own).
    /// </summary>
    public static void AssertWeightsAreCountedAndPaddingIsNeverShown(MixPlan plan, BatchShape shape, int[] lengths, float[] output, string context)
    {
        int c = shape.Channels, plane = shape.PlaneSize, step = Step(shape);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            string where = $"{context}, sample {i} (length {lengths[i]}), sources [{string.Join(", ", sources.ToArray())}], {plan.Regions[i]}";
            var counts = new int[sources.Length];
            int valid = lengths[i] * step;
            for (int ch = 0; ch < c; ch++)
            {
                for (int e = 0; e < valid; e++)
                {
                    float got = output[(((i * c) + ch) * plane) + e];
                    Assert.That(float.IsNaN(got), Is.False, $"{where}: padding at channel {ch}, element {e}");
                    int source = (int)MathF.Floor(got);
                    Assert.That(got, Is.EqualTo(Code(shape, source, ch, e)), $"{where}: element {e} holds {got}, not a source's own element {e}");
                    int slot = sources.IndexOf(source);
                    Assert.That(slot, Is.GreaterThanOrEqualTo(0), $"{where}: element {e} shows sample {source}, not a source");
                    Assert.That(e / step, Is.LessThan(lengths[source]), $"{where}: element {e} is past source {source}'s length");
                    counts[slot] += ch == 0 ? 1 : 0;
                }
            }

            Assert.That(weights[0], Is.EqualTo((double)counts[0] / valid), $"{where}: own weight");
            for (int s = 1; s < sources.Length; s++)
            {
                Assert.That(weights[s], Is.EqualTo((double)counts[s] / valid).Within(1e-15), $"{where}: weight of slot {s}");
            }
        }
    }

    /// <summary>
    /// Asserts that the plan mixes the coded batch in place as it did into <paramref name="output"/>, and that the hard
    /// label map of element addresses (sample·N + element) names, at every valid element, the source element the output
    /// shows (a plan that only selects: boxes, tiles).
    /// </summary>
    public static void AssertInPlaceAndLabelMapsAgree(MixPlan plan, BatchShape shape, int[] lengths, float[] batch, float[] output, string context)
    {
        float[] inPlace = [.. batch];
        CpuMixer.ApplyInPlace(plan, inPlace);
        Assert.That(inPlace.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(output.Select(BitConverter.SingleToInt32Bits)), $"{context}: in place");
        int n = shape.PlaneSize, step = Step(shape);
        int[] addresses = [.. Enumerable.Range(0, shape.BatchSize * n)];
        var map = new int[addresses.Length];
        LabelMapMixer.Mix(plan, addresses, map);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            for (int e = 0; e < lengths[i] * step; e++)
            {
                int source = (int)MathF.Floor(output[i * shape.Channels * n + e]); // channel 0 of the output
                Assert.That(map[(i * n) + e], Is.EqualTo((source * n) + e), $"{context}, sample {i}, element {e}: label map");
            }
        }
    }

    /// <summary>Elements per time step: 1 along a sequence, H·W per frame of a clip.</summary>
    private static int Step(BatchShape shape) => shape.SpatialRank == 3 ? shape.Height * shape.Width : 1;

    /// <summary>s + (ch·N + e + 1)/2^k, with 2^k above C·N: exact in float32 for the small batches of the tests.</summary>
    private static float Code(BatchShape shape, int sample, int channel, int element)
    {
        int codes = shape.Channels * shape.PlaneSize;
        float scale = MathF.Pow(2, MathF.Ceiling(MathF.Log2(codes + 1)));
        return sample + ((((long)channel * shape.PlaneSize) + element + 1) / scale);
    }
}
