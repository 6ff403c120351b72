using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// CutMix on clips [B, C, T, H, W], VideoMix's three cuts, with and without per-sample frame counts: the own share is
/// counted from the mixed elements (<see cref="ClipAudit"/>), padding (NaN) is never read, each cut has its shape, and
/// the draws follow the documented formulas, replayed here.
/// </summary>
public class CutMixClipTests
{
    private static readonly VideoMixCut[] Cuts = [VideoMixCut.Spatial, VideoMixCut.Temporal, VideoMixCut.SpatioTemporal];

    /// <summary>
    /// 240 seeded plans over random clip shapes (T, H, W from 1), batches of 1 to 8, random frame counts (none for a
    /// quarter): every valid output element is the sample's own or the partner's at the same place, the partner's form
    /// one cuboid of the asked cut inside the frames both are valid, and λ is exactly the counted own share.
    /// </summary>
    [Test]
    public void EveryCutTakesItsExactShareAndNeverReadsPadding()
    {
        var random = new MixRandom(2020);
        int cuts = 0, partial = 0, longerThanPartner = 0;
        for (int seed = 0; seed < 240; seed++)
        {
            var shape = BatchShape.Volume(1 + random.NextInt(8), 1 + random.NextInt(2), 1 + random.NextInt(7), 1 + random.NextInt(6), 1 + random.NextInt(6));
            bool withLengths = seed % 4 != 0;
            int[] lengths = withLengths ? [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(shape.Depth))] : [.. Enumerable.Repeat(shape.Depth, shape.BatchSize)];
            LambdaMode mode = (LambdaMode)(seed % 3);
            VideoMixCut cut = Cuts[seed / 3 % 3];
            var transform = new CutMix(alpha: 0.5 + (seed % 5 * 0.5), mode: mode, pairing: mode == LambdaMode.Pair ? PairingStrategy.Flip : PairingStrategy.Permutation, videoCut: cut);
            var request = withLengths ? new MixRequest(shape, new MixRandom((ulong)seed), lengths) : new MixRequest(shape, new MixRandom((ulong)seed));
            MixPlan plan = transform.CreatePlan(request);
            float[] batch = ClipAudit.Padded(shape, lengths);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);
            if (!withLengths)
            {
                plan = plan.WithValidLengths(lengths); // the audit reads output lengths; full lengths change nothing
            }

            for (int i = 0; i < shape.BatchSize; i++)
            {
                int p = plan.Partners[i];
                int reach = mode == LambdaMode.Batch ? lengths.Min() : Math.Min(lengths[i], lengths[p]);
                string? wrong = ClipAudit.Check(plan, shape, lengths, batch, output, i, reach, cut);
                Assert.That(wrong, Is.Null, $"seed {seed}, {transform}, {shape}, lengths [{string.Join(", ", lengths)}], sample {i} with {p}: {plan.Regions[i]}");
                Assert.That(plan.MeasureOwnShare(i), Is.EqualTo(plan.Lambdas[i]), $"seed {seed}, sample {i}");
                if (plan.Regions[i] is BoxRegion box)
                {
                    cuts++;
                    partial += box.HasFrameRange ? 1 : 0;
                    longerThanPartner += lengths[i] > lengths[p] ? 1 : 0;
                }
            }
        }

        Assert.That(cuts, Is.GreaterThan(300), "the sweep must exercise cuts");
        Assert.That(partial, Is.GreaterThan(150), "the sweep must exercise frame ranges");
        Assert.That(longerThanPartner, Is.GreaterThan(50), "the sweep must exercise samples longer than their partner");
    }

    /// <summary>The uint8 path gives the float path's elements, and 255 planted in padded frames never reaches a valid one.</summary>
    [Test]
    public void Uint8ClipsMatchTheFloatPathAndNeverShowPadding()
    {
        var random = new MixRandom(8);
        for (int seed = 0; seed < 90; seed++)
        {
            var shape = BatchShape.Volume(1 + random.NextInt(6), 2, 1 + random.NextInt(6), 1 + random.NextInt(5), 1 + random.NextInt(40));
            int[] lengths = [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(shape.Depth))];
            var transform = new CutMix(mode: (LambdaMode)(seed % 3), pairing: seed % 3 == 1 ? PairingStrategy.Flip : PairingStrategy.Roll, videoCut: Cuts[seed % 3]);
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            int plane = shape.Height * shape.Width;
            byte[] bytes = TestBatches.PaddedBytes(shape, lengths, random, 255);

            var mixed = new byte[bytes.Length];
            var floats = new float[bytes.Length];
            CpuMixer.Apply(plan, bytes, mixed);
            CpuMixer.Apply(plan, [.. bytes.Select(v => (float)v)], floats);
            Assert.That(mixed, Is.EqualTo(floats.Select(v => (byte)v).ToArray()), $"seed {seed}, {transform}");
            for (int k = 0; k < mixed.Length; k++)
            {
                if (k % shape.PlaneSize / plane < plan.OutputLengths[k / shape.SampleSize])
                {
                    Assert.That(mixed[k], Is.LessThan(255), $"seed {seed}, {transform}: padding at valid element {k}");
                }
            }
        }
    }

    /// <summary>Without lengths, the spatial cut is image CutMix's box on every frame: the same draws from the same seed.</summary>
    [Test]
    public void TheSpatialCutIsImageCutMixOnEveryFrame()
    {
        foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
        {
            for (int seed = 0; seed < 30; seed++)
            {
                var transform = new CutMix(alpha: 0.7, mode: mode, pairing: PairingStrategy.Permutation, probability: 0.8);
                MixPlan clip = transform.CreatePlan(BatchShape.Volume(6, 2, 5, 9, 13), new MixRandom((ulong)seed));
                MixPlan image = transform.CreatePlan(new BatchShape(6, 2, 9, 13), new MixRandom((ulong)seed));
                Assert.That(clip.Partners.ToArray(), Is.EqualTo(image.Partners.ToArray()));
                Assert.That(clip.Lambdas.ToArray(), Is.EqualTo(image.Lambdas.ToArray()));
                Assert.That(clip.Regions.Select(r => r.ToString()), Is.EqualTo(image.Regions.Select(r => r.ToString())), "a box on every frame, no frame range");
            }
        }
    }

    /// <summary>The temporal and spatio-temporal draws replayed by hand: λ, then the centre frame, row and column.</summary>
    [TestCase(VideoMixCut.Temporal)]
    [TestCase(VideoMixCut.SpatioTemporal)]
    public void EachCutFollowsTheDocumentedDraws(VideoMixCut cut)
    {
        const int T = 9, H = 7, W = 11;
        int checkedPartial = 0;
        for (int seed = 0; seed < 60; seed++)
        {
            MixPlan plan = new CutMix(videoCut: cut).CreatePlan(BatchShape.Volume(2, 1, T, H, W), new MixRandom((ulong)seed));
            var replay = new MixRandom((ulong)seed);
            double lambda = BetaSampler.Sample(replay, 1, 1);
            double side = cut == VideoMixCut.Temporal ? 1 - lambda : Math.Cbrt(1 - lambda);
            (int f, int e) = Centred(T, (int)(T * side), replay);
            (int top, int bottom) = cut == VideoMixCut.Temporal ? (0, H) : Centred(H, (int)(H * side), replay);
            (int left, int right) = cut == VideoMixCut.Temporal ? (0, W) : Centred(W, (int)(W * side), replay);
            if (e <= f || bottom <= top || right <= left)
            {
                Assert.That(plan.Regions[0], Is.SameAs(MixRegion.Keep), $"seed {seed}: an empty cut leaves the sample unmixed");
                Assert.That(plan.Lambdas[0], Is.EqualTo(1.0));
                continue;
            }

            var box = (BoxRegion)plan.Regions[0];
            bool everyFrame = f == 0 && e == T;
            Assert.That((box.FirstFrame, box.EndFrame, box.Top, box.Left, box.Bottom, box.Right), Is.EqualTo((f, everyFrame ? (int?)null : e, top, left, bottom, right)), $"seed {seed}");
            Assert.That(plan.Lambdas[0], Is.EqualTo(1.0 - ((double)(e - f) * (bottom - top) * (right - left) / (T * H * W))).Within(1e-15), $"seed {seed}");
            checkedPartial += everyFrame ? 0 : 1;
        }

        Assert.That(checkedPartial, Is.GreaterThan(20));

        static (int Start, int End) Centred(int extent, int size, MixRandom random)
        {
            int start = random.NextInt(extent) - (size / 2);
            return (Math.Clamp(start, 0, extent), Math.Clamp(start + size, 0, extent));
        }
    }

    /// <summary>Frame counts all equal to T draw the same plan as none, bit for bit: pixels, lambdas and JSON but the lengths.</summary>
    [Test]
    public void AllEqualFullFrameCountsChangeNothing()
    {
        foreach (VideoMixCut cut in Cuts)
        {
            foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
            {
                for (int seed = 0; seed < 10; seed++)
                {
                    var shape = BatchShape.Volume(5, 2, 4 + (seed % 3), 6, 5);
                    var transform = new CutMix(mode: mode, videoCut: cut);
                    MixPlan plain = transform.CreatePlan(shape, new MixRandom((ulong)seed));
                    MixPlan withLengths = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), [.. Enumerable.Repeat(shape.Depth, 5)]));
                    string lengths = $"\"validLengths\":[{string.Join(",", Enumerable.Repeat(shape.Depth, 5))}],";
                    Assert.That(MixPlanJson.Serialize(withLengths), Is.EqualTo(MixPlanJson.Serialize(plain).Replace("\"samples\"", lengths + "\"samples\"")), $"{transform}, seed {seed}");
                    float[] pixels = TestBatches.RandomBatch(shape, (ulong)seed);
                    var a = new float[pixels.Length];
                    var b = new float[pixels.Length];
                    CpuMixer.Apply(plain, pixels, a);
                    CpuMixer.Apply(withLengths, pixels, b);
                    Assert.That(b, Is.EqualTo(a));
                }
            }
        }
    }

    /// <summary>
    /// The audit can fail: outputs with the cut one frame too long or too short, padding read from a partner, and a
    /// lambda off by one frame are each caught (the defects a frame-range kernel or sampler would plausibly have).
    /// </summary>
    [Test]
    public void PlantedOffByOneFramesAreCaught()
    {
        var shape = BatchShape.Volume(2, 2, 6, 3, 4);
        int[] lengths = [6, 5];
        var box = new BoxRegion(1, 1, 3, 3).WithFrames(2, 4);
        double lambda = 1.0 - (2.0 * 2 * 2 / (6 * 12));
        MixPlan plan = new MixPlan(shape.Spatial, [1, 0], [lambda, 1.0], [box, MixRegion.Keep]).WithValidLengths(lengths);
        float[] batch = ClipAudit.Padded(shape, lengths);
        var output = new float[batch.Length];
        CpuMixer.Apply(plan, batch, output);
        Assert.That(ClipAudit.Check(plan, shape, lengths, batch, output, 0, 5, cut: null), Is.Null, "the correct output passes");

        int Element(int sample, int channel, int frame, int y, int x) => (((((sample * 2) + channel) * 6) + frame) * 12) + (y * 4) + x;

        // One frame too many (frame 4 of the box taken from the partner): no longer the plan's share.
        float[] tooLong = (float[])output.Clone();
        for (int ch = 0; ch < 2; ch++)
        {
            for (int y = 1; y < 3; y++)
            {
                for (int x = 1; x < 3; x++)
                {
                    tooLong[Element(0, ch, 4, y, x)] = batch[Element(1, ch, 4, y, x)];
                }
            }
        }

        Assert.That(ClipAudit.Check(plan, shape, lengths, batch, tooLong, 0, 5, null), Does.Contain("lambda"));

        // One frame too few (frame 3 left the sample's own).
        float[] tooShort = (float[])output.Clone();
        for (int ch = 0; ch < 2; ch++)
        {
            for (int y = 1; y < 3; y++)
            {
                for (int x = 1; x < 3; x++)
                {
                    tooShort[Element(0, ch, 3, y, x)] = batch[Element(0, ch, 3, y, x)];
                }
            }
        }

        Assert.That(ClipAudit.Check(plan, shape, lengths, batch, tooShort, 0, 5, null), Does.Contain("lambda"));

        // A frame read past the partner's length shows its NaN padding.
        float[] padding = (float[])output.Clone();
        padding[Element(0, 1, 5, 0, 0)] = batch[Element(1, 1, 5, 0, 0)];
        Assert.That(ClipAudit.Check(plan, shape, lengths, batch, padding, 0, 5, null), Does.Contain("NaN"));

        // A lambda counted over one frame fewer than the cut's.
        MixPlan wrongLambda = new MixPlan(shape.Spatial, [1, 0], [1.0 - (2.0 * 2 / (6 * 12)), 1.0], [box, MixRegion.Keep]).WithValidLengths(lengths);
        Assert.That(ClipAudit.Check(wrongLambda, shape, lengths, batch, output, 0, 5, null), Does.Contain("lambda"));

        // The cut shape is checked too: this cuboid is neither a spatial nor a temporal cut.
        Assert.That(ClipAudit.Check(plan, shape, lengths, batch, output, 0, 5, VideoMixCut.Spatial), Does.Contain("frames [0, 5)"));
        Assert.That(ClipAudit.Check(plan, shape, lengths, batch, output, 0, 5, VideoMixCut.Temporal), Does.Contain("whole frames"));
    }

    [Test]
    public void BadOptionsAreRefusedByNameWithTheirValues()
    {
        var undefined = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CutMix(videoCut: (VideoMixCut)7));
        Assert.That(undefined!.ParamName, Is.EqualTo("videoCut"));
        Assert.That(undefined.Message, Does.Contain("7"));

        var minMax = Assert.Throws<ArgumentException>(() => _ = new CutMix(minRatio: 0.2, maxRatio: 0.5, videoCut: VideoMixCut.Temporal));
        Assert.That(minMax!.ParamName, Is.EqualTo("videoCut"));
        Assert.That(minMax.Message, Does.Contain("Temporal"));

        var clip = BatchShape.Volume(2, 1, 3, 4, 5);
        var minMaxClip = Assert.Throws<ArgumentException>(() => new CutMix(minRatio: 0.2, maxRatio: 0.5).CreatePlan(new MixRequest(clip, new MixRandom(1))));
        Assert.That(minMaxClip!.ParamName, Is.EqualTo("request"));
        Assert.That(minMaxClip.Message, Does.Contain("2x1x3x4x5"));

        var image = new BatchShape(2, 1, 4, 5);
        var frames = Assert.Throws<ArgumentException>(() => new CutMix(videoCut: VideoMixCut.SpatioTemporal).CreatePlan(image, new MixRandom(1)));
        Assert.That(frames!.ParamName, Is.EqualTo("shape"));
        Assert.That(frames.Message, Does.Contain("SpatioTemporal").And.Contain("no frames"));
        Assert.That(new CutMix(videoCut: VideoMixCut.Temporal).ToString(), Does.Contain("Temporal cut"));
    }
}
