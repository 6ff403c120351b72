using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// MultiCutMix on sequences with valid lengths: each box lies where the sample and its partner are both valid, each
/// weight is the share of the sample's own valid positions that shows that source, worked out here from the mixed
/// output (each source's values are its own index plus a position code, so every output position names its source),
/// and padding (NaN) never reaches a valid position.
/// </summary>
public class MultiCutMixLengthsTests
{
    [Test]
    public void WeightsAreTheCountedSharesOfValidPositionsAndPaddingIsNeverTaken()
    {
        var random = new MixRandom(31);
        int mixed = 0, severalPartners = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            int b = 1 + random.NextInt(9), c = 1 + random.NextInt(2), l = 1 + random.NextInt(60);
            var shape = BatchShape.Sequence(b, c, l);
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(l))];
            var transform = new MultiCutMix(partners: 1 + (seed % 3), alpha: 0.5 + (seed % 4));
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            float[] batch = Coded(shape, lengths);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);

            Assert.That(plan.ValidLengths.ToArray(), Is.EqualTo(lengths), $"seed {seed}");
            Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(lengths), $"seed {seed}: a pasted sequence keeps its length");
            for (int i = 0; i < b; i++)
            {
                ReadOnlySpan<int> sources = plan.Sources(i);
                ReadOnlySpan<double> weights = plan.Weights(i);
                string where = $"seed {seed}, sample {i} (length {lengths[i]}), sources [{string.Join(", ", sources.ToArray())}], {plan.Regions[i]}";
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

                // The own weight exactly; a single partner's is stored as 1 − own (as a box's), so within the last bit.
                Assert.That(weights[0], Is.EqualTo((double)counts[0] / lengths[i]), $"{where}: own weight");
                for (int s = 1; s < sources.Length; s++)
                {
                    Assert.That(weights[s], Is.EqualTo((double)counts[s] / lengths[i]).Within(1e-15), $"{where}: weight of slot {s}");
                }

                mixed += sources.Length > 1 ? 1 : 0;
                severalPartners += sources.Length > 2 ? 1 : 0;
            }
        }

        Assert.That(mixed, Is.GreaterThan(300), "the sweep must mix");
        Assert.That(severalPartners, Is.GreaterThan(50), "the sweep must paste from several partners");
    }

    [Test]
    public void AllEqualFullLengthsChangeNothing()
    {
        var shape = BatchShape.Sequence(9, 2, 40);
        foreach (int partners in new[] { 1, 2, 3 })
        {
            var transform = new MultiCutMix(partners: partners);
            MixPlan plain = transform.CreatePlan(new MixRequest(shape, new MixRandom(77)));
            MixPlan full = transform.CreatePlan(new MixRequest(shape, new MixRandom(77), Enumerable.Repeat(40, 9).ToArray()));
            for (int i = 0; i < shape.BatchSize; i++)
            {
                Assert.That(full.Sources(i).ToArray(), Is.EqualTo(plain.Sources(i).ToArray()), $"{partners} partners, sample {i}");
                Assert.That(full.Weights(i).ToArray(), Is.EqualTo(plain.Weights(i).ToArray()), $"{partners} partners, sample {i}");
                Assert.That(full.Regions[i].ToString(), Is.EqualTo(plain.Regions[i].ToString()), $"{partners} partners, sample {i}");
            }
        }
    }

    [Test]
    public void JsonKeepsTheLengthsAndReplaysTheSameBits()
    {
        var shape = BatchShape.Sequence(7, 2, 33);
        int[] lengths = [33, 5, 17, 1, 30, 12, 20];
        MixPlan plan = new MultiCutMix(partners: 3).CreatePlan(new MixRequest(shape, new MixRandom(8), lengths));
        MixPlan back = MixPlanJson.Parse(MixPlanJson.Serialize(plan));
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(MixPlanJson.Serialize(plan)));
        Assert.That(back.ValidLengths.ToArray(), Is.EqualTo(lengths));
        float[] batch = Coded(shape, lengths);
        float[] expected = new float[batch.Length], replayed = new float[batch.Length];
        CpuMixer.Apply(plan, batch, expected);
        CpuMixer.Apply(back, batch, replayed);
        Assert.That(replayed, Is.EqualTo(expected));
    }

    [Test]
    public void ATileFromAShorterSourceIsRefusedByName()
    {
        // Hand-made: sample 0 (length 10) takes positions [2, 8) from sample 1, whose length is 6.
        var region = new TileRegion([new Tile(1, 0, 2, 1, 8)]);
        var plan = new MixPlan(SpatialShape.Sequence(10), [new SampleRecipe([0, 1], [0.4, 0.6], region), SampleRecipe.Unmixed(1)]);
        var e = Assert.Throws<ArgumentException>(() => plan.WithValidLengths([10, 6]));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("8 <= 6"));
        Assert.That(plan.WithValidLengths([10, 8]).OutputLengths.ToArray(), Is.EqualTo(new[] { 10, 8 }));
    }

    /// <summary>Sample s's value at channel ch, position t: s plus a code of (ch, t) below 1; NaN past its length.</summary>
    private static float[] Coded(BatchShape shape, int[] lengths)
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

    private static float Code(int sample, int channel, int position) => sample + (((channel * 64) + position + 1) / 256f);
}
