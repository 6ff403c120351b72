using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.SharedTests;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Planning;

/// <summary>
/// Per-sample valid lengths along time (issue 12): plans drawn with lengths never take padding, their lambdas are the
/// exact own share of the output's valid positions, they carry the lengths (and JSON keeps them), and all-equal lengths
/// change nothing. Padding is planted as NaN (float) or 255 (uint8) and must never appear at a valid output position.
/// </summary>
public class ValidLengthsTests
{
    private static readonly IMixTransform[] Transforms =
    [
        new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation),
        new MixUp(mode: LambdaMode.Batch),
        new MixUp(alpha: 0.4, mode: LambdaMode.Pair, probability: 0.7),
        new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation),
        new CutMix(mode: LambdaMode.Pair),
        new CutMix(mode: LambdaMode.Batch, pairing: PairingStrategy.Roll),
        new CutMix(minRatio: 0.1, maxRatio: 0.9, mode: LambdaMode.Element, pairing: PairingStrategy.Roll),
        new FMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, granularity: MaskGranularity.PerGroup),
        new FMix(mode: LambdaMode.Pair),
    ];

    /// <summary>
    /// Over many seeds, odd batches and a batch of one, random lengths (1 included): no valid output position holds the
    /// NaN planted in padding, a box or binary-mask output position holds the sample's own value or its partner's at the same time,
    /// lambda is the counted share of own positions among the output's valid ones, and the output length follows the
    /// rule (blend: the shorter; box or keep: its own), all worked out here from the output, not from the plan's code.
    /// </summary>
    [Test]
    public void LambdaIsTheExactShareOfValidPositionsAndPaddingIsNeverTaken()
    {
        var random = new MixRandom(12);
        int boxes = 0, blends = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            int b = 1 + random.NextInt(9);
            int c = 1 + random.NextInt(3);
            int l = 1 + random.NextInt(40);
            var shape = BatchShape.Sequence(b, c, l);
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(l))];
            float[] batch = Padded(shape, lengths, float.NaN);
            IMixTransform transform = Transforms[seed % Transforms.Length];
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);

            Assert.That(plan.ValidLengths.ToArray(), Is.EqualTo(lengths));
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i];
                double lambda = plan.Lambdas[i];
                string where = $"seed {seed}, {transform}, sample {i} (length {lengths[i]}) with {p} (length {lengths[p]}), {plan.Regions[i]}";
                bool blend = plan.Regions[i].Kind == MixRegionKind.Blend;
                int expectedLength = blend ? Math.Min(lengths[i], lengths[p]) : lengths[i];
                Assert.That(plan.OutputLengths[i], Is.EqualTo(expectedLength), where);
                int own = 0;
                for (int ch = 0; ch < c; ch++)
                {
                    for (int t = 0; t < expectedLength; t++)
                    {
                        float got = output[(((i * c) + ch) * l) + t];
                        float mine = batch[(((i * c) + ch) * l) + t];
                        float theirs = batch[(((p * c) + ch) * l) + t];
                        Assert.That(float.IsNaN(got), Is.False, $"{where}: padding at channel {ch}, position {t}");
                        if (blend)
                        {
                            Assert.That(got, Is.EqualTo((lambda * mine) + ((1 - lambda) * theirs)).Within(0.01), where);
                        }
                        else
                        {
                            Assert.That(got == mine || got == theirs, Is.True, $"{where}: position {t} holds {got}");
                            own += ch == 0 && got == mine ? 1 : 0;
                        }
                    }
                }

                if (blend)
                {
                    blends++;
                }
                else
                {
                    boxes += plan.Regions[i].Kind == MixRegionKind.Box ? 1 : 0;
                    Assert.That(lambda, Is.EqualTo((double)own / expectedLength), where);
                    Assert.That(plan.MeasureOwnShare(i), Is.EqualTo(lambda), where);
                }
            }
        }

        Assert.That(boxes, Is.GreaterThan(200), "the sweep must exercise boxes");
        Assert.That(blends, Is.GreaterThan(200), "the sweep must exercise blends");
    }

    /// <summary>The uint8 path too: 255 planted in padding never reaches a valid output position.</summary>
    [Test]
    public void Uint8PaddingNeverReachesAValidPosition()
    {
        var random = new MixRandom(5);
        for (int seed = 0; seed < 100; seed++)
        {
            var shape = BatchShape.Sequence(1 + random.NextInt(8), 2, 1 + random.NextInt(30));
            int[] lengths = [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(shape.Width))];
            byte[] batch = TestBatches.PaddedBytes(shape, lengths, random, 201);

            MixPlan plan = Transforms[seed % Transforms.Length].CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            var output = new byte[batch.Length];
            CpuMixer.Apply(plan, batch, output);
            for (int k = 0; k < output.Length; k++)
            {
                int sample = k / shape.SampleSize;
                if (k % shape.Width < plan.OutputLengths[sample])
                {
                    Assert.That(output[k], Is.LessThanOrEqualTo(200), $"seed {seed}: element {k} of sample {sample}");
                }
            }
        }
    }

    /// <summary>Lengths all equal to L draw the same plan as no lengths, bit for bit: same pixels, same lambdas, same JSON but the lengths.</summary>
    [Test]
    public void AllEqualFullLengthsChangeNothing()
    {
        foreach (IMixTransform transform in Transforms)
        {
            for (int seed = 0; seed < 20; seed++)
            {
                var shape = BatchShape.Sequence(5 + (seed % 4), 3, 17 + seed);
                int[] full = [.. Enumerable.Repeat(shape.Width, shape.BatchSize)];
                MixPlan plain = transform.CreatePlan(shape, new MixRandom((ulong)seed));
                MixPlan withLengths = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), full));
                string expected = MixPlanJson.Serialize(plain);
                string json = MixPlanJson.Serialize(withLengths);
                Assert.That(json.Replace($",\"validLengths\":[{string.Join(",", full)}]", string.Empty), Is.EqualTo(expected));
                Assert.That(withLengths.OutputLengths.ToArray(), Is.EqualTo(full));

                float[] pixels = Tests.Support.TestBatches.RandomBatch(shape, (ulong)seed);
                var a = new float[pixels.Length];
                var b = new float[pixels.Length];
                CpuMixer.Apply(plain, pixels, a);
                CpuMixer.Apply(withLengths, pixels, b);
                Assert.That(b, Is.EqualTo(a));
            }
        }
    }

    /// <summary>Worked by hand: L = 10, lengths [10, 4, 7].</summary>
    [Test]
    public void HandWorkedPlan()
    {
        var spatial = SpatialShape.Sequence(10);
        // Sample 0 takes [1, 3) from sample 1 (valid up to 4): 8 of its 10 valid positions are its own.
        // Sample 1 blends with sample 2: valid up to min(4, 7) = 4. Sample 2 keeps its own 7.
        var plan = new MixPlan(spatial, [1, 2, 2], [0.8, 0.25, 1.0], [new BoxRegion(0, 1, 1, 3), MixRegion.Blend, MixRegion.Keep])
            .WithValidLengths([10, 4, 7]);
        Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(new[] { 10, 4, 7 }));
        Assert.That(plan.MeasureOwnShare(0), Is.EqualTo(0.8));
        Assert.That(plan.MeasureOwnShare(1), Is.EqualTo(0.25));
        Assert.That(plan.MeasureOwnShare(2), Is.EqualTo(1.0));

        // Sample 1 (valid 4) with a segment [1, 3) from sample 0: 2 of 4 are its own.
        var other = new MixPlan(spatial, [1, 0], [0.8, 0.5], [new BoxRegion(0, 1, 1, 3), new BoxRegion(0, 1, 1, 3)]).WithValidLengths([10, 4]);
        Assert.That(other.MeasureOwnShare(1), Is.EqualTo(0.5));
        Assert.That(other.OutputLengths.ToArray(), Is.EqualTo(new[] { 10, 4 }));
    }

    /// <summary>With every length 1, a box is the first position or nothing, and a blend output is one position long.</summary>
    [Test]
    public void LengthsOfOne()
    {
        var shape = BatchShape.Sequence(5, 2, 6);
        int[] ones = [1, 1, 1, 1, 1];
        MixPlan box = new CutMix(minRatio: 1, maxRatio: 1, mode: LambdaMode.Element).CreatePlan(new MixRequest(shape, new MixRandom(1), ones));
        for (int i = 0; i < 5; i++)
        {
            bool self = box.Partners[i] == i;
            Assert.That(box.Regions[i].ToString(), Is.EqualTo(self ? MixRegion.Keep.ToString() : new BoxRegion(0, 0, 1, 1).ToString()));
            Assert.That(box.Lambdas[i], Is.EqualTo(self ? 1.0 : 0.0));
            Assert.That(box.OutputLengths[i], Is.EqualTo(1));
        }

        MixPlan blend = new MixUp(mode: LambdaMode.Element).CreatePlan(new MixRequest(shape, new MixRandom(1), ones));
        Assert.That(blend.OutputLengths.ToArray(), Is.EqualTo(ones));
    }

    [Test]
    public void ABatchOfOneIsKeptAtItsLength()
    {
        foreach (IMixTransform transform in Transforms)
        {
            MixPlan plan = transform.CreatePlan(new MixRequest(BatchShape.Sequence(1, 1, 9), new MixRandom(3), [4]));
            Assert.That(plan.Regions[0].Kind, Is.EqualTo(MixRegionKind.Keep), transform.ToString());
            Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(new[] { 4 }));
        }
    }

    /// <summary>Video: a blend over frames is valid up to the shorter clip and never holds a padded frame.</summary>
    [Test]
    public void ClipsBlendUpToTheShorterFrameCount()
    {
        var shape = BatchShape.Volume(7, 2, 6, 3, 4);
        int[] frames = [6, 1, 3, 6, 2, 5, 4];
        var batch = Tests.Support.TestBatches.RandomBatch(shape, 7);
        int frame = 3 * 4;
        for (int k = 0; k < batch.Length; k++)
        {
            if (k % shape.PlaneSize / frame >= frames[k / shape.SampleSize])
            {
                batch[k] = float.NaN;
            }
        }

        MixPlan plan = new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(new MixRequest(shape, new MixRandom(9), frames));
        var output = new float[batch.Length];
        CpuMixer.Apply(plan, batch, output);
        for (int i = 0; i < 7; i++)
        {
            int p = plan.Partners[i];
            Assert.That(plan.OutputLengths[i], Is.EqualTo(Math.Min(frames[i], frames[p])));
            for (int k = i * shape.SampleSize; k < (i + 1) * shape.SampleSize; k++)
            {
                if (k % shape.PlaneSize / frame < plan.OutputLengths[i])
                {
                    Assert.That(float.IsNaN(output[k]), Is.False, $"sample {i}, element {k}");
                }
            }
        }
    }

    /// <summary>A box on every frame of a clip takes from every valid frame: allowed only when no source is shorter.</summary>
    [Test]
    public void AClipBoxOnEveryFrameNeedsPartnersAtLeastAsLong()
    {
        var spatial = SpatialShape.Volume(5, 4, 4);
        var box = new BoxRegion(0, 0, 2, 2);
        MixPlan plan = new MixPlan(spatial, [1, 0], [0.75, 1.0], [box, MixRegion.Keep]).WithValidLengths([3, 5]);
        Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(new[] { 3, 5 }));
        Assert.That(plan.MeasureOwnShare(0), Is.EqualTo(0.75));

        var shorter = new MixPlan(spatial, [1, 0], [0.75, 1.0], [box, MixRegion.Keep]);
        var e = Assert.Throws<ArgumentException>(() => shorter.WithValidLengths([5, 3]));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("Sample 0").And.Contain("[5, 3]"));
    }

    [Test]
    public void ASegmentPastAPartnersLengthIsRefused()
    {
        var plan = new MixPlan(SpatialShape.Sequence(10), [1, 0], [0.7, 1.0], [new BoxRegion(0, 2, 1, 5), MixRegion.Keep]);
        var e = Assert.Throws<ArgumentException>(() => plan.WithValidLengths([10, 4]));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("up to 5").And.Contain("(4)"));

        // Past its own length too: the segment would replace padding and lambda would count it.
        var own = new MixPlan(SpatialShape.Sequence(10), [1, 0], [0.7, 1.0], [new BoxRegion(0, 2, 1, 5), MixRegion.Keep]);
        Assert.Throws<ArgumentException>(() => own.WithValidLengths([4, 10]));
    }

    [Test]
    public void ExplicitMaskRegionsAreNotYetDefinedWithLengths()
    {
        var plan = new MixPlan(SpatialShape.Sequence(4), [1, 0], [0.5, 1.0], [new MaskRegion([1, 1, 0, 0]), MixRegion.Keep]);
        var e = Assert.Throws<ArgumentException>(() => plan.WithValidLengths([4, 4]));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("Mask"));

        var request = new MixRequest(BatchShape.Sequence(4, 1, 16), new MixRandom(1), [16, 8, 4, 2]);
        var refused = Assert.Throws<ArgumentException>(() => new HalfBlend().CreatePlan(request));
        Assert.That(refused!.ParamName, Is.EqualTo("request"));
        Assert.That(refused.Message, Does.Contain("HalfBlend does not support valid lengths"));

    }

    [Test]
    public void ClipTilesTakeFrameCountsWithinTheFramesEverySourceHolds()
    {
        // Tiles on every frame take every valid frame of the partner: allowed only when the partner is not shorter; a
        // frame range must end within the sample's and every source's frames (as a box's).
        var clip = SpatialShape.Volume(4, 2, 2);
        var tile = new TileRegion([new Tile(1, 0, 0, 1, 1)]);
        var everyFrame = new MixPlan(clip, [1, 0], [0.75, 1.0], [tile, MixRegion.Keep]);
        Assert.That(everyFrame.WithValidLengths([4, 4]).OutputLengths.ToArray(), Is.EqualTo(new[] { 4, 4 }));
        Assert.That(everyFrame.WithValidLengths([2, 4]).OutputLengths.ToArray(), Is.EqualTo(new[] { 2, 4 }), "a partner longer than the sample");
        var shorter = Assert.Throws<ArgumentException>(() => everyFrame.WithValidLengths([4, 2]));
        Assert.That(shorter!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(shorter.Message, Does.Contain("Sample 0 (valid length 4"));

        var framed = new MixPlan(clip, [1, 0], [1 - (2.0 / 16), 1.0], [tile.WithFrames(0, 2), MixRegion.Keep]);
        MixPlan withLengths = framed.WithValidLengths([4, 2]);
        Assert.That(withLengths.OutputLengths.ToArray(), Is.EqualTo(new[] { 4, 2 }));
        Assert.That(withLengths.MeasureOwnShare(0), Is.EqualTo(1 - (2.0 / 16)), "2 partner elements of the sample's 4·2·2 valid ones");
        var past = Assert.Throws<ArgumentException>(() => framed.WithValidLengths([4, 1]));
        Assert.That(past!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(past.Message, Does.Contain("up to 2"));
    }

    [TestCase(new[] { 5, -1, 3 }, "-1")]
    [TestCase(new[] { 5, 0, 3 }, "0")]
    [TestCase(new[] { 5, 11, 3 }, "11")]
    [TestCase(new[] { 5, 3 }, "2 valid lengths for a batch of 3")]
    [TestCase(new[] { 5, 3, 3, 3 }, "4 valid lengths for a batch of 3")]
    public void BadLengthsAreRefusedByName(int[] lengths, string detail)
    {
        var shape = BatchShape.Sequence(3, 2, 10);
        var e = Assert.Catch<ArgumentException>(() => _ = new MixRequest(shape, new MixRandom(1), lengths));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain(detail));

        var plan = new MixUp().CreatePlan(shape, new MixRandom(1));
        var p = Assert.Catch<ArgumentException>(() => plan.WithValidLengths(lengths));
        Assert.That(p!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(p.Message, Does.Contain(detail));
        Assert.That(plan.HasValidLengths, Is.False, "the plan is immutable");
    }

    [Test]
    public void AnImagePlaneHasNoTimeAxis()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixRequest(new BatchShape(2, 1, 4, 4), new MixRandom(1), [4, 4]));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("no time axis"));
    }

    [Test]
    public void JsonKeepsTheLengthsAndReplaysTheSameBits()
    {
        var plan = new MixPlan(SpatialShape.Sequence(10), [1, 0], [0.8, 0.25], [new BoxRegion(0, 1, 1, 3), MixRegion.Blend]).WithValidLengths([10, 4]);
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Is.EqualTo(
            "{\"format\":\"mixaug-plan/2\",\"transform\":\"Custom\",\"pairing\":\"Custom\",\"mode\":\"Element\",\"batch\":2,\"spatial\":[10],\"validLengths\":[10,4]," +
            "\"samples\":[{\"partner\":1,\"lambda\":0.8,\"region\":\"box\",\"box\":[0,1,1,3]},{\"partner\":0,\"lambda\":0.25,\"region\":\"blend\"}]}"));

        var random = new MixRandom(4);
        foreach (IMixTransform transform in Transforms)
        {
            var shape = BatchShape.Sequence(7, 2, 33);
            int[] lengths = [.. Enumerable.Range(0, 7).Select(_ => 1 + random.NextInt(33))];
            MixPlan drawn = transform.CreatePlan(new MixRequest(shape, new MixRandom(8), lengths));
            MixPlan back = MixPlanJson.Parse(MixPlanJson.Serialize(drawn));
            Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(MixPlanJson.Serialize(drawn)));
            Assert.That(back.OutputLengths.ToArray(), Is.EqualTo(drawn.OutputLengths.ToArray()));
            float[] pixels = Padded(shape, lengths, float.NaN);
            var a = new float[pixels.Length];
            var b = new float[pixels.Length];
            CpuMixer.Apply(drawn, pixels, a);
            CpuMixer.Apply(back, pixels, b);
            Assert.That(b, Is.EqualTo(a));
        }

        // A document whose segment reaches past a partner's length is refused by the plan, about the caller's text.
        string bad = json.Replace("[10,4]", "[10,2]");
        var e = Assert.Throws<ArgumentException>(() => MixPlanJson.Parse(bad));
        Assert.That(e!.ParamName, Is.EqualTo("json"));
    }

    /// <summary>A batch whose valid positions hold distinct finite values and whose padding holds <paramref name="padding"/>.</summary>
    internal static float[] Padded(BatchShape shape, int[] lengths, float padding)
    {
        var batch = new float[shape.ElementCount];
        for (int k = 0; k < batch.Length; k++)
        {
            int sample = k / shape.SampleSize;
            int t = k % shape.Width;
            batch[k] = t < lengths[sample] ? (sample * 1000) + (k % shape.SampleSize) + 1 : padding;
        }

        return batch;
    }
}
