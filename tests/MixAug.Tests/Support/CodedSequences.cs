using MixAug.Planning;

namespace MixAug.Tests.Support;

/// <summary>
/// Sequences whose values name themselves: sample s's value at channel ch, position t is s plus a code of (ch, t)
/// below 1, and NaN past its valid length; so every output position of a mixed batch names the source it shows.
/// </summary>
internal static class CodedSequences
{
    /// <summary>The coded batch of <paramref name="shape"/> with the samples' valid lengths.</summary>
    public static float[] Batch(BatchShape shape, int[] lengths)
    {
        var batch = new float[shape.ElementCount];
        for (int s = 0; s < shape.BatchSize; s++)
        {
            for (int ch = 0; ch < shape.Channels; ch++)
            {
                for (int t = 0; t < shape.Width; t++)
                {
                    batch[(((s * shape.Channels) + ch) * shape.Width) + t] = t < lengths[s] ? Code(s, ch, t) : float.NaN;
                }
            }
        }

        return batch;
    }

    /// <summary>
    /// Asserts that every valid position of every output sample shows one of its plan sources at the same position,
    /// one that holds it (never padding), and that each weight is the share of the sample's valid positions showing
    /// that source (the own weight exactly, the others within the last bit, as a single partner's is stored as 1 − own).
    /// </summary>
    public static void AssertWeightsAreCountedAndPaddingIsNeverShown(MixPlan plan, BatchShape shape, int[] lengths, float[] output, string context)
    {
        int c = shape.Channels, l = shape.Width;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            string where = $"{context}, sample {i} (length {lengths[i]}), sources [{string.Join(", ", sources.ToArray())}], {plan.Regions[i]}";
            var counts = new int[sources.Length];
            for (int ch = 0; ch < c; ch++)
            {
                for (int t = 0; t < lengths[i]; t++)
                {
                    float got = output[(((i * c) + ch) * l) + t];
                    Assert.That(float.IsNaN(got), Is.False, $"{where}: padding at channel {ch}, position {t}");
                    int source = (int)MathF.Floor(got);
                    Assert.That(got, Is.EqualTo(Code(source, ch, t)), $"{where}: position {t} holds {got}, not a source's own position {t}");
                    int slot = sources.IndexOf(source);
                    Assert.That(slot, Is.GreaterThanOrEqualTo(0), $"{where}: position {t} shows sample {source}, not a source");
                    Assert.That(t, Is.LessThan(lengths[source]), $"{where}: position {t} is past source {source}'s length");
                    counts[slot] += ch == 0 ? 1 : 0;
                }
            }

            Assert.That(weights[0], Is.EqualTo((double)counts[0] / lengths[i]), $"{where}: own weight");
            for (int s = 1; s < sources.Length; s++)
            {
                Assert.That(weights[s], Is.EqualTo((double)counts[s] / lengths[i]).Within(1e-15), $"{where}: weight of slot {s}");
            }
        }
    }

    private static float Code(int sample, int channel, int position) => sample + (((channel * 64) + position + 1) / 256f);
}
