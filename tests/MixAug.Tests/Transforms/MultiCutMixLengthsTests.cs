using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// MultiCutMix on sequences and clips with valid lengths: a sequence's box lies where the sample and its partner are both
/// valid, a clip's boxes on the frames every source of the sample holds; each weight is the share of the sample's own
/// valid elements that shows that source, worked out here from the mixed output (each source's values are its own index
/// plus an element code, so every output element names its source), and padding (NaN) never reaches a valid element.
/// </summary>
public class MultiCutMixLengthsTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void WeightsAreTheCountedSharesOfValidPositionsAndPaddingIsNeverTaken(bool clips)
    {
        var random = new MixRandom(31);
        int mixed = 0, severalPartners = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            int b = 1 + random.NextInt(9), c = 1 + random.NextInt(2), l = 1 + random.NextInt(clips ? 6 : 60);
            BatchShape shape = clips ? BatchShape.Volume(b, c, l, 1 + random.NextInt(9), 1 + random.NextInt(9)) : BatchShape.Sequence(b, c, l);
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(l))];
            var transform = new MultiCutMix(partners: 1 + (seed % 3), alpha: 0.5 + (seed % 4));
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            float[] batch = CodedSequences.Batch(shape, lengths);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);

            Assert.That(plan.ValidLengths.ToArray(), Is.EqualTo(lengths), $"seed {seed}");
            Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(lengths), $"seed {seed}: a pasted sequence keeps its length");
            CodedSequences.AssertWeightsAreCountedAndPaddingIsNeverShown(plan, shape, lengths, output, $"seed {seed}");
            CodedSequences.AssertInPlaceAndLabelMapsAgree(plan, shape, lengths, batch, output, $"seed {seed}");
            for (int i = 0; i < b; i++)
            {
                mixed += plan.Sources(i).Length > 1 ? 1 : 0;
                severalPartners += plan.Sources(i).Length > 2 ? 1 : 0;
            }
        }

        Assert.That(mixed, Is.GreaterThan(300), "the sweep must mix");
        Assert.That(severalPartners, Is.GreaterThan(50), "the sweep must paste from several partners");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AllEqualFullLengthsChangeNothing(bool clips)
    {
        BatchShape shape = clips ? BatchShape.Volume(9, 2, 40, 6, 5) : BatchShape.Sequence(9, 2, 40);
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

    [TestCase(false)]
    [TestCase(true)]
    public void JsonKeepsTheLengthsAndReplaysTheSameBits(bool clips)
    {
        BatchShape shape = clips ? BatchShape.Volume(7, 2, 33, 3, 4) : BatchShape.Sequence(7, 2, 33);
        int[] lengths = [33, 5, 17, 1, 30, 12, 20];
        MixPlan plan = new MultiCutMix(partners: 3).CreatePlan(new MixRequest(shape, new MixRandom(8), lengths));
        MixPlan back = MixPlanJson.Parse(MixPlanJson.Serialize(plan));
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(MixPlanJson.Serialize(plan)));
        Assert.That(back.ValidLengths.ToArray(), Is.EqualTo(lengths));
        float[] batch = CodedSequences.Batch(shape, lengths);
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
}
