using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// FMix with per-sample valid lengths (issue 12) on sequences [B, C, L] and clips [B, C, T, H, W]: each mask is drawn
/// over the positions both samples hold, the sample keeps its own elements past them, padding (NaN) is never read and
/// stays the sample's, and lambda is the exact own share of the sample's valid elements, all checked element by element
/// against <see cref="FMixLengthAudit"/>'s mask rebuilt from the noise alone.
/// </summary>
public class FMixLengthsTests
{
    /// <summary>
    /// 240 seeded plans over random sequence and clip shapes (extents from 1), batches of 1 to 8, random lengths (all
    /// full for a quarter), every mode, both granularities, binary and soft masks: every output element is the audit's,
    /// lambda is exactly its share, MixAssert's checks pass and the in-place path gives the same bits.
    /// </summary>
    [Test]
    public void EveryMaskCoversTheCommonPartWithAnExactShareAndNeverReadsPadding()
    {
        var random = new MixRandom(2002);
        int masks = 0, shorterMasks = 0, soft = 0, clips = 0;
        for (int seed = 0; seed < 240; seed++)
        {
            int b = 1 + random.NextInt(8), c = 1 + random.NextInt(3);
            bool clip = seed % 3 == 2;
            BatchShape shape = clip
                ? BatchShape.Volume(b, c, 1 + random.NextInt(6), 1 + random.NextInt(5), 1 + random.NextInt(6))
                : BatchShape.Sequence(b, c, 1 + random.NextInt(60));
            int time = clip ? shape.Depth : shape.Width;
            bool full = seed % 4 == 0;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => full ? time : 1 + random.NextInt(time))];
            LambdaMode mode = (LambdaMode)(seed % 3);
            double maxSoft = seed % 5 < 2 ? 0.25 : 0.0;
            var fmix = new FMix(
                alpha: 0.5 + (seed % 4 * 0.5),
                maxSoft: maxSoft,
                reformulate: seed % 7 == 0,
                probability: seed % 6 == 5 ? 0.6 : 1.0,
                mode: mode,
                pairing: mode == LambdaMode.Pair ? PairingStrategy.Flip : PairingStrategy.Permutation,
                granularity: seed % 2 == 0 ? MaskGranularity.PerGroup : MaskGranularity.PerBatch);
            MixPlan plan = fmix.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            float[] batch = TestBatches.PaddedWithNaN(shape, lengths);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);

            string context = $"seed {seed}, {fmix}, {shape}, lengths [{string.Join(", ", lengths)}]";
            Assert.That(plan.ValidLengths.ToArray(), Is.EqualTo(lengths), context);
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i];
                int reach = mode == LambdaMode.Batch ? lengths.Min() : Math.Min(lengths[i], lengths[p]);
                string? wrong = FMixLengthAudit.Check(plan, shape, lengths, batch, output, i, reach);
                Assert.That(wrong, Is.Null, $"{context}, sample {i} with {p}: {plan.Regions[i]}");
                Assert.That(plan.MeasureOwnShare(i), Is.EqualTo(plan.Lambdas[i]), $"{context}, sample {i}");
                if (plan.Regions[i] is FourierMaskRegion mask)
                {
                    masks++;
                    shorterMasks += reach < lengths[i] ? 1 : 0;
                    soft += mask.MaxSoft > 0 ? 1 : 0;
                    clips += clip ? 1 : 0;
                }
            }

            LengthSweeps.AssertFollowsPlanInAndOutOfPlace(plan, batch, output, context);
        }

        Assert.That(masks, Is.GreaterThan(600), "the sweep must exercise masks");
        Assert.That(shorterMasks, Is.GreaterThan(200), "the sweep must exercise samples longer than the part both hold");
        Assert.That(soft, Is.GreaterThan(200), "the sweep must exercise soft masks");
        Assert.That(clips, Is.GreaterThan(150), "the sweep must exercise clips");
    }

    /// <summary>The uint8 path rounds the float path's binary masks to the same bytes, and 255 planted in padding never reaches a valid position.</summary>
    [Test]
    public void Uint8BatchesMatchTheFloatPathAndNeverShowPadding()
    {
        var random = new MixRandom(81);
        for (int seed = 0; seed < 60; seed++)
        {
            bool clip = seed % 2 == 1;
            BatchShape shape = clip
                ? BatchShape.Volume(1 + random.NextInt(6), 2, 1 + random.NextInt(6), 1 + random.NextInt(5), 1 + random.NextInt(9))
                : BatchShape.Sequence(1 + random.NextInt(6), 2, 1 + random.NextInt(70));
            int step = clip ? shape.Height * shape.Width : 1;
            int[] lengths = [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(clip ? shape.Depth : shape.Width))];
            var fmix = new FMix(mode: (LambdaMode)(seed % 3), granularity: MaskGranularity.PerGroup);
            MixPlan plan = fmix.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            byte[] bytes = TestBatches.PaddedBytes(shape, lengths, random, 255);

            var mixed = new byte[bytes.Length];
            var floats = new float[bytes.Length];
            CpuMixer.Apply(plan, bytes, mixed);
            CpuMixer.Apply(plan, [.. bytes.Select(v => (float)v)], floats);
            Assert.That(mixed, Is.EqualTo(floats.Select(v => (byte)v).ToArray()), $"seed {seed}, {fmix}");
            for (int k = 0; k < mixed.Length; k++)
            {
                if (k % shape.PlaneSize / step < plan.OutputLengths[k / shape.SampleSize])
                {
                    Assert.That(mixed[k], Is.LessThan(255), $"seed {seed}: padding at valid element {k}");
                }
            }
        }
    }

    /// <summary>Worked by hand: L = 10, lengths [10, 4]; sample 0's mask covers the 4 positions both hold.</summary>
    [Test]
    public void HandWorkedSequence()
    {
        var spatial = SpatialShape.Sequence(10);
        var noise = new FourierNoise(SpatialShape.Sequence(4), 3.0, 7);
        var mask = new FourierMaskRegion(noise, ownCount: 1);

        // Sample 0 keeps 1 of the 4 masked positions and its own 6 past them: 7 of its 10. Sample 1 (length 4) is kept.
        var plan = new MixPlan(spatial, [1, 1], [0.7, 1.0], [mask, MixRegion.Keep]).WithValidLengths([10, 4]);
        Assert.That(plan.MeasureOwnShare(0), Is.EqualTo(0.7));
        Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(new[] { 10, 4 }));

        var weights = new float[10];
        RegionRasterizer.WriteOwnWeights(mask, spatial, 0.7, weights);
        Assert.That(weights[4..], Is.All.EqualTo(1f), "past the mask the sample is its own");
        Assert.That(weights[..4].Count(w => w == 1f), Is.EqualTo(1));

        // The same mask on a partner of length 3 would read its padding: refused by name.
        var e = Assert.Throws<ArgumentException>(() => new MixPlan(spatial, [1, 1], [0.7, 1.0], [mask, MixRegion.Keep]).WithValidLengths([10, 3]));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("up to 4").And.Contain("(3)"));
    }

    /// <summary>Worked by hand: a clip of 5 frames of 2x3, lengths [5, 2]; the mask covers frames [0, 2), 12 elements.</summary>
    [Test]
    public void HandWorkedClipWithASoftMask()
    {
        var spatial = SpatialShape.Volume(5, 2, 3);
        var mask = new FourierMaskRegion(new FourierNoise(SpatialShape.Volume(2, 2, 3), 2.0, 3), ownCount: 6, maxSoft: 0.25);

        // s = ⌊12·min(0.25, 0.5, 0.5)⌋ = 3: ranks 0-2 get 1, ranks 3-8 linspace(1, 0, 6) = 1, 0.8, 0.6, 0.4, 0.2, 0
        // (rounded to 2^-24), ranks 9-11 get 0. Sum = 3 + 3 (the ramp's symmetric pairs) = 6 of 12, plus 18 own elements
        // in frames 2-4: (6 + 18) / 30 = 0.8.
        double sum = 3 + (1.0 + Math.Round(0.8 * 16_777_216.0) / 16_777_216.0 + Math.Round(0.6 * 16_777_216.0) / 16_777_216.0
            + Math.Round(0.4 * 16_777_216.0) / 16_777_216.0 + Math.Round(0.2 * 16_777_216.0) / 16_777_216.0);
        Assert.That(mask.OwnShare(spatial, 0.5), Is.EqualTo((sum + 18) / 30));
        Assert.That(mask.OwnShare(spatial, 0.5), Is.EqualTo(0.8).Within(1e-9));
        Assert.That(mask.OwnShare(SpatialShape.Volume(2, 2, 3), 0.5), Is.EqualTo(mask.Mean), "over the noise's own extent, the mask's mean");

        var plan = new MixPlan(spatial, [1, 1], [mask.OwnShare(spatial, 0.5), 1.0], [mask, MixRegion.Keep]).WithValidLengths([5, 2]);
        MixAssert.LambdasMatchRegions(plan);
        Assert.That(MixPlanJson.Serialize(plan), Does.Contain("\"length\":2"));
    }

    /// <summary>
    /// Per-batch noise with lengths: the groups of one common length share one noise, each length draws its own; with
    /// equal lengths the whole batch shares one, as without lengths.
    /// </summary>
    [Test]
    public void PerBatchNoiseIsSharedByTheGroupsOfOneCommonLength()
    {
        var shape = BatchShape.Sequence(8, 1, 30);
        int[] lengths = [30, 12, 30, 12, 30, 7, 30, 30];
        MixPlan plan = new FMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(new MixRequest(shape, new MixRandom(3), lengths));
        var byExtent = plan.Regions.OfType<FourierMaskRegion>().GroupBy(r => r.Noise.Spatial).ToList();
        Assert.That(byExtent, Has.Count.GreaterThan(1), "the permutation pairs samples of different lengths");
        foreach (var group in byExtent)
        {
            Assert.That(group.Select(r => r.Noise).Distinct().Count(), Is.EqualTo(1), $"one noise for extent {group.Key}");
        }

        MixPlan equal = new FMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(shape, new MixRandom(3), [.. Enumerable.Repeat(30, 8)]));
        Assert.That(equal.Regions.OfType<FourierMaskRegion>().Select(r => r.Noise).Distinct().Count(), Is.EqualTo(1));
    }

    /// <summary>Lengths all equal to the extent draw the plan drawn without lengths, bit for bit.</summary>
    [Test]
    public void FullLengthsChangeNothing()
    {
        foreach (BatchShape shape in new[] { BatchShape.Sequence(7, 2, 33), BatchShape.Volume(5, 2, 4, 3, 5) })
        {
            foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
            {
                var fmix = new FMix(mode: mode, maxSoft: 0.1, granularity: MaskGranularity.PerBatch);
                int[] full = [.. Enumerable.Repeat(shape.SpatialRank == 3 ? shape.Depth : shape.Width, shape.BatchSize)];
                MixPlan plain = fmix.CreatePlan(shape, new MixRandom(11));
                MixPlan withLengths = fmix.CreatePlan(new MixRequest(shape, new MixRandom(11), full));
                Assert.That(
                    MixPlanJson.Serialize(withLengths).Replace($",\"validLengths\":[{string.Join(",", full)}]", string.Empty),
                    Is.EqualTo(MixPlanJson.Serialize(plain)),
                    $"{shape} {mode}");
            }
        }
    }

    /// <summary>The JSON form keeps each noise's length and replays the same bits; a length past the extent is refused.</summary>
    [Test]
    public void JsonKeepsTheMaskLengthsAndReplaysTheSameBits()
    {
        var random = new MixRandom(6);
        foreach (BatchShape shape in new[] { BatchShape.Sequence(9, 2, 41), BatchShape.Volume(6, 1, 5, 4, 3) })
        {
            int time = shape.SpatialRank == 3 ? shape.Depth : shape.Width;
            int[] lengths = [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(time))];
            MixPlan plan = new FMix(mode: LambdaMode.Element, maxSoft: 0.2, pairing: PairingStrategy.Permutation, granularity: MaskGranularity.PerGroup)
                .CreatePlan(new MixRequest(shape, new MixRandom(2), lengths));
            string json = MixPlanJson.Serialize(plan);
            Assert.That(json, Does.Contain("\"length\":"));
            MixPlan back = MixPlanJson.Parse(json);
            Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
            Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
            float[] batch = TestBatches.PaddedWithNaN(shape, lengths);
            var a = new float[batch.Length];
            var b = new float[batch.Length];
            CpuMixer.Apply(plan, batch, a);
            CpuMixer.Apply(back, batch, b);
            Assert.That(b.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(a.Select(BitConverter.SingleToInt32Bits)));
        }

        string one = MixPlanJson.Serialize(new MixPlan(
            SpatialShape.Sequence(10),
            [1, 1],
            [0.7, 1.0],
            [new FourierMaskRegion(new FourierNoise(SpatialShape.Sequence(4), 3.0, 7), 1), MixRegion.Keep]).WithValidLengths([10, 4]));
        Assert.That(one, Does.Contain("\"noises\":[{\"seed\":7,\"decay\":3,\"spectrum\":\"paper\",\"length\":4}]"));
        Assert.That(() => MixPlanJson.Parse(one.Replace("\"length\":4", "\"length\":11")), Throws.InstanceOf<FormatException>().With.Message.Contains("[1, 10]"));
        Assert.That(() => MixPlanJson.Parse(one.Replace("\"length\":4", "\"length\":0")), Throws.InstanceOf<FormatException>());
    }

    /// <summary>A mask's noise must be the plan's extent or its first positions along time; anything else is refused by name.</summary>
    [Test]
    public void AMaskOfAnotherExtentIsRefused()
    {
        var sequence = new FourierMaskRegion(new FourierNoise(SpatialShape.Sequence(12), 3.0, 1), 3);
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(SpatialShape.Sequence(10), [1, 1], [0.5, 1.0], [sequence, MixRegion.Keep]));
        Assert.That(e!.ParamName, Is.EqualTo("regions"));
        Assert.That(e.Message, Does.Contain("first positions along time"));

        // Cropped along another axis, or an image plane (which has no time axis).
        var rows = new FourierMaskRegion(new FourierNoise(SpatialShape.Volume(4, 2, 3), 3.0, 1), 3);
        Assert.Throws<ArgumentException>(() => _ = new MixPlan(SpatialShape.Volume(4, 3, 3), [1, 1], [0.5, 1.0], [rows, MixRegion.Keep]));
        var image = new FourierMaskRegion(new FourierNoise(new SpatialShape(3, 8), 3.0, 1), 3);
        Assert.Throws<ArgumentException>(() => _ = new MixPlan(new SpatialShape(4, 8), [1, 1], [0.5, 1.0], [image, MixRegion.Keep]));
    }

    /// <summary>The reference spectrum needs masks of length 2 or more: a request with a length of 1 is refused before any draw.</summary>
    [Test]
    public void TheReferenceSpectrumRefusesALengthOfOne()
    {
        var fmix = new FMix(spectrum: FourierSpectrum.Reference);
        var random = new MixRandom(1);
        ulong before = new MixRandom(1).NextUInt64();
        var e = Assert.Throws<ArgumentException>(() => fmix.CreatePlan(new MixRequest(BatchShape.Sequence(3, 1, 8), random, [8, 1, 5])));
        Assert.That(e!.ParamName, Is.EqualTo("request"));
        Assert.That(e.Message, Does.Contain("shortest valid length is 1"));
        Assert.That(random.NextUInt64(), Is.EqualTo(before), "nothing was drawn");

        MixPlan plan = fmix.CreatePlan(new MixRequest(BatchShape.Sequence(3, 1, 8), new MixRandom(1), [8, 2, 5]));
        Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(new[] { 8, 2, 5 }));
    }
}
