using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// ResizeMix on clips [B, C, T, H, W] with per-sample frame counts (issue 12): the image's box lies on the
/// m = min(T_i, T_j) frames both clips hold, frame t &lt; m showing the partner's frame t resized, the later frames the
/// sample's own; padding (NaN) is never read and lambda is exactly 1 − m·box / (T_i·H·W). Checked element by element
/// against the resampling written from its formula in double (<see cref="ResampleReference"/>).
/// </summary>
public class ResizeMixFramesTests
{
    /// <summary>
    /// 200 seeded plans (clips of 1 to 6 frames of 1 to 12 by 1 to 12, batches of 1 to 8, random frame counts, all full
    /// for a quarter, every mode, some unmixed groups): the boxes are the image plan's of the same seed, on the frames
    /// both hold; every valid output element is the sample's own or the partner's frame resized; padding stays the
    /// sample's; lambda is exact; MixAssert passes; in place gives the same bits; the label map of element addresses
    /// names, at every valid element, the partner element the resampler centred on (or the sample's own).
    /// </summary>
    [Test]
    public void TheResizedPartnerLiesOnTheFramesBothHoldAndPaddingIsNeverRead()
    {
        var random = new MixRandom(1214);
        int resized = 0, framed = 0, shorterPartner = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            int b = 1 + random.NextInt(8), c = 1 + random.NextInt(2), t = 1 + random.NextInt(6), h = 1 + random.NextInt(12), w = 1 + random.NextInt(12);
            var shape = BatchShape.Volume(b, c, t, h, w);
            int[] frames = [.. Enumerable.Range(0, b).Select(_ => seed % 4 == 0 ? t : 1 + random.NextInt(t))];
            ResizeMix resizeMix = LengthSweeps.ResizeMixFor(seed);
            LambdaMode mode = resizeMix.Mode;
            MixPlan plan = resizeMix.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), frames));
            MixPlan image = resizeMix.CreatePlan(new BatchShape(b, c, h, w), new MixRandom((ulong)seed));
            float[] batch = TestBatches.PaddedWithNaN(shape, frames);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);

            string context = $"seed {seed}, {resizeMix}, {shape}, frames [{string.Join(", ", frames)}]";
            Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(frames), context);
            Assert.That(plan.Partners.ToArray(), Is.EqualTo(image.Partners.ToArray()), $"{context}: the image plan's partners");
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i], common = mode == LambdaMode.Batch ? frames.Min() : Math.Min(frames[i], frames[p]);
                string? wrong = Check(plan, image, shape, frames, batch, output, i, common);
                Assert.That(wrong, Is.Null, $"{context}, sample {i} with {p}: {plan.Regions[i]}");
                if (plan.Regions[i] is ResizeRegion region)
                {
                    resized++;
                    framed += region.HasFrameRange ? 1 : 0;
                    shorterPartner += frames[p] < frames[i] ? 1 : 0;
                }
            }

            LengthSweeps.AssertFollowsPlanInAndOutOfPlace(plan, batch, output, context);
            AssertLabelMapFollows(plan, shape, frames, context);
        }

        Assert.That(resized, Is.GreaterThan(400), "the sweep must exercise resized boxes");
        Assert.That(framed, Is.GreaterThan(200), "the sweep must stop boxes short of the clip");
        Assert.That(shorterPartner, Is.GreaterThan(100), "the sweep must exercise partners shorter than the sample");
    }

    /// <summary>Worked by hand: T = 3 frames of 4x4, a 2x2 box on frames [0, 2); frame counts [2, 3] and [3, 2].</summary>
    [Test]
    public void HandWorkedFramedBox()
    {
        var clip = SpatialShape.Volume(3, 4, 4);
        ResizeRegion region = new ResizeRegion(clip, 0, 0, 2, 2).WithFrames(0, 2);
        Assert.That((region.FirstFrame, region.EndFrame, region.HasFrameRange), Is.EqualTo((0, (int?)2, true)));
        Assert.That(region.ToString(), Is.EqualTo("resized partner on frames [0, 2) in rows [0, 2) cols [0, 2)"));

        // The box covers 2 frames of 4 elements: 8 of the sample's 3·16 = 48 elements (40/48), or of its 2·16 = 32 when
        // it holds 2 frames (24/32).
        var plan = new MixPlan(clip, [1, 0], [40.0 / 48, 1.0], [region, MixRegion.Keep]);
        Assert.That(plan.MeasureOwnShare(0), Is.EqualTo(40.0 / 48));
        Assert.That(plan.WithValidLengths([3, 2]).MeasureOwnShare(0), Is.EqualTo(40.0 / 48), "its 3 frames valid");
        Assert.That(plan.WithValidLengths([2, 3]).MeasureOwnShare(0), Is.EqualTo(24.0 / 32), "its first 2 frames valid");
        var raster = new float[48];
        RegionRasterizer.WriteOwnWeights(region, clip, plan.Lambdas[0], raster);
        Assert.That(raster.Select((v, e) => v == (e < 32 && e % 16 / 4 < 2 && e % 4 < 2 ? 0f : 1f)), Is.All.True, "the raster: 0 in the box on frames 0 and 1");

        // Partner frame f holds f + 1 everywhere, so its resized box holds f + 1; the sample holds −1 on frame 0, −2 on 1,
        // −3 on 2. Output frames 0 and 1 show 1 and 2 in the box; frame 2 is the sample's own.
        var input = new float[2 * 48];
        for (int f = 0; f < 3; f++)
        {
            input.AsSpan(f * 16, 16).Fill(-(f + 1));
            input.AsSpan(48 + (f * 16), 16).Fill(f + 1);
        }

        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        for (int f = 0; f < 3; f++)
        {
            for (int e = 0; e < 16; e++)
            {
                bool inBox = f < 2 && e / 4 < 2 && e % 4 < 2;
                Assert.That(output[(f * 16) + e], Is.EqualTo(inBox ? f + 1 : -(f + 1)).Within(1e-6), $"frame {f}, element {e}");
            }
        }

        Assert.That(output.AsSpan(48).ToArray(), Is.EqualTo(input.AsSpan(48).ToArray()), "the kept partner");

        // A frame range past the partner's frames, or a box on every frame with a shorter partner, would read padding.
        Assert.That(Assert.Throws<ArgumentException>(() => plan.WithValidLengths([3, 1]))!.ParamName, Is.EqualTo("validLengths"));
        var everyFrame = new MixPlan(clip, [1, 0], [0.75, 1.0], [new ResizeRegion(clip, 0, 0, 2, 2), MixRegion.Keep]);
        Assert.That(Assert.Throws<ArgumentException>(() => everyFrame.WithValidLengths([3, 2]))!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(everyFrame.WithValidLengths([2, 3]).OutputLengths.ToArray(), Is.EqualTo(new[] { 2, 3 }), "a longer partner");
    }

    [Test]
    public void AFrameRangeIsCheckedByName()
    {
        var clipBox = new ResizeRegion(SpatialShape.Volume(3, 4, 5), 1, 1, 2, 3);
        Assert.That(clipBox.WithFrames(0, 3).HasFrameRange, Is.False, "a range over every frame is the box on every frame");
        Assert.That(clipBox.WithFrames(1, 2).ToString(), Does.Contain("frames [1, 2)"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => clipBox.WithFrames(1, 4))!.Message, Does.Contain("endFrame 4").And.Contain("<= 3"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => clipBox.WithFrames(-1, 2))!.ParamName, Is.EqualTo("firstFrame"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => clipBox.WithFrames(2, 2))!.ParamName, Is.EqualTo("endFrame"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ResizeRegion(new SpatialShape(4, 5), 1, 1, 2, 3).WithFrames(0, 1))!.ParamName, Is.EqualTo("firstFrame"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ResizeRegion(SpatialShape.Sequence(5), 0, 1, 1, 3).WithFrames(0, 1))!.ParamName, Is.EqualTo("firstFrame"));
    }

    [Test]
    public void AllEqualFullFrameCountsChangeNothing() => FullLengths.AssertChangeNothing(mode => new ResizeMix(mode: mode), BatchShape.Volume(9, 2, 40, 7, 6));

    /// <summary>The JSON form keeps the frame ranges and replays the same bits; uint8 padding (255) never shows, and uint8
    /// gives the float path's values rounded half to even.</summary>
    [Test]
    public void JsonKeepsTheFrameRangesAndUint8NeverShowsPadding()
    {
        var shape = BatchShape.Volume(9, 2, 5, 11, 8);
        var random = new MixRandom(3);
        int[] frames = [.. Enumerable.Range(0, 9).Select(_ => 1 + random.NextInt(5))];
        MixPlan plan = new ResizeMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, maxScale: 1).CreatePlan(new MixRequest(shape, new MixRandom(7), frames));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"frames\":["));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        float[] batch = TestBatches.PaddedWithNaN(shape, frames);
        var a = new float[batch.Length];
        var b = new float[batch.Length];
        CpuMixer.Apply(plan, batch, a);
        CpuMixer.Apply(back, batch, b);
        Assert.That(b.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(a.Select(BitConverter.SingleToInt32Bits)));

        int frame = shape.Height * shape.Width;
        byte[] bytes = TestBatches.PaddedBytes(shape, frames, random, 255);

        var mixed = new byte[bytes.Length];
        CpuMixer.Apply(plan, bytes, mixed);
        for (int k = 0; k < mixed.Length; k++)
        {
            if (k % shape.PlaneSize / frame < plan.OutputLengths[k / shape.SampleSize])
            {
                Assert.That(mixed[k], Is.LessThan(255), $"padding at valid element {k}");
            }
        }

        ResampledBytes.AssertFloatPathRounded(plan, shape, 7);

        Assert.That(() => MixPlanJson.Parse(json.Replace("\"frames\":[0,", "\"frames\":[0,9")), Throws.InstanceOf<ArgumentException>());
    }

    /// <summary>
    /// A hand-made clip plan with a resized partner beside a cuboid (a box on frames [1, 3) only) and a blend: each plane
    /// is mixed as its frame shows the region, so MixAssert's element-by-element audit passes, in place too, and the
    /// frames outside each range are the sample's own.
    /// </summary>
    [Test]
    public void ResizedPartnersMixBesideCuboidsAndBlends()
    {
        var clip = SpatialShape.Volume(4, 6, 5);
        var shape = BatchShape.Volume(3, 2, 4, 6, 5);
        ResizeRegion resize = new ResizeRegion(clip, 1, 0, 5, 3).WithFrames(2, 4);
        BoxRegion cuboid = new BoxRegion(0, 1, 3, 4).WithFrames(1, 3);
        var plan = new MixPlan(
            clip,
            [2, 0, 1],
            [(120 - (2 * 12.0)) / 120, (120 - (2 * 9.0)) / 120, 0.25],
            [resize, cuboid, MixRegion.Blend]);
        MixAssert.LambdasMatchRegions(plan);
        float[] batch = TestBatches.RandomBatch(shape, 5);
        var output = new float[batch.Length];
        CpuMixer.Apply(plan, batch, output);
        LengthSweeps.AssertFollowsPlanInAndOutOfPlace(plan, batch, output, "resize beside a cuboid");
        for (int ch = 0; ch < 2; ch++)
        {
            for (int f = 0; f < 4; f++)
            {
                int at = ((0 * 2) + ch) * 120, start = at + (f * 30);
                if (f < 2)
                {
                    Assert.That(output.AsSpan(start, 30).ToArray(), Is.EqualTo(batch.AsSpan(start, 30).ToArray()), $"sample 0, channel {ch}: frame {f} is its own");
                }

                int cuboidStart = ((1 * 2) + ch) * 120 + (f * 30);
                if (f is 0 or 3)
                {
                    Assert.That(output.AsSpan(cuboidStart, 30).ToArray(), Is.EqualTo(batch.AsSpan(cuboidStart, 30).ToArray()), $"sample 1, channel {ch}: frame {f} is its own");
                }
            }
        }
    }

    /// <summary>Checks sample <paramref name="i"/>'s region, lambda and output; returns what is wrong, or null.</summary>
    private static string? Check(MixPlan plan, MixPlan image, BatchShape shape, int[] frames, float[] batch, float[] output, int i, int common)
    {
        int t = shape.Depth, h = shape.Height, w = shape.Width, frame = h * w, own = frames[i], p = plan.Partners[i];
        ResizeRegion? region = plan.Regions[i] as ResizeRegion;
        if (image.Regions[i] is ResizeRegion drawn)
        {
            if (region is null || (region.Top, region.Left, region.Bottom, region.Right) != (drawn.Top, drawn.Left, drawn.Bottom, drawn.Right))
            {
                return $"the image plan's box is {drawn}";
            }

            if ((region.FirstFrame, region.EndFrame) != (0, common == t ? null : common))
            {
                return $"frames [{region.FirstFrame}, {region.EndFrame}), expected [0, {common}) of the {t}";
            }

            double lambda = (double)(((long)own * frame) - ((long)common * region.Area)) / ((long)own * frame);
            if (plan.Lambdas[i] != lambda)
            {
                return $"lambda {plan.Lambdas[i]:R}, expected 1 − m·box / (T_i·H·W) = {lambda:R}";
            }
        }
        else if (plan.Regions[i] is not KeepRegion || plan.Lambdas[i] != 1.0)
        {
            return $"a {plan.Regions[i].Kind} region with lambda {plan.Lambdas[i]}, expected a keep as the image plan's";
        }

        double[][]? rows = region is null ? null : ResampleReference.Weights(h, region.Bottom - region.Top);
        double[][]? columns = region is null ? null : ResampleReference.Weights(w, region.Right - region.Left);
        for (int c = 0; c < shape.Channels; c++)
        {
            int at = ((i * shape.Channels) + c) * shape.PlaneSize, from = ((p * shape.Channels) + c) * shape.PlaneSize;
            for (int f = 0; f < t; f++)
            {
                ReadOnlySpan<float> partnerFrame = batch.AsSpan(from + (f * frame), frame);
                bool pasted = region is not null && f < common;
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        int e = at + (f * frame) + (y * w) + x;
                        float got = output[e];
                        if (f >= own)
                        {
                            if (!float.IsNaN(got))
                            {
                                return $"padding frame {f} of channel {c} holds {got} at ({y}, {x}); it must stay the sample's padding (NaN)";
                            }
                        }
                        else if (pasted && y >= region!.Top && y < region.Bottom && x >= region.Left && x < region.Right)
                        {
                            double expected = ResampleReference.At(partnerFrame, w, rows!, columns!, y - region.Top, x - region.Left);
                            if (!(Math.Abs(got - expected) <= 1e-6 * Math.Abs(expected) + 1e-3))
                            {
                                return $"frame {f}, channel {c}, ({y}, {x}) holds {got}, the partner's frame resized gives {expected}";
                            }
                        }
                        else if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(batch[e]))
                        {
                            return $"frame {f}, channel {c}, ({y}, {x}) holds {got}, not the sample's own {batch[e]}";
                        }
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The label map of element addresses: every valid element names the partner element nearest the centre
    /// the resampler used for it (⌊(i + ½)·n/m⌋ per axis) inside the box on the frames it lies on, itself elsewhere.</summary>
    private static void AssertLabelMapFollows(MixPlan plan, BatchShape shape, int[] frames, string context)
    {
        int n = shape.PlaneSize, h = shape.Height, w = shape.Width, frame = h * w;
        int[] map = AddressMaps.Mixed(plan, shape, context);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            var region = plan.Regions[i] as ResizeRegion;
            for (int e = 0; e < frames[i] * frame; e++)
            {
                int f = e / frame, y = e % frame / w, x = e % w;
                int expected = (i * n) + e;
                if (region is not null && f < (region.EndFrame ?? shape.Depth) && y >= region.Top && y < region.Bottom && x >= region.Left && x < region.Right)
                {
                    int bh = region.Bottom - region.Top, bw = region.Right - region.Left;
                    int sy = (int)Math.Floor((y - region.Top + 0.5) * h / bh), sx = (int)Math.Floor((x - region.Left + 0.5) * w / bw);
                    expected = (plan.Partners[i] * n) + (f * frame) + (sy * w) + sx;
                }

                Assert.That(map[(i * n) + e], Is.EqualTo(expected), $"{context}, sample {i}, frame {f}, ({y}, {x}): label map");
            }
        }
    }
}
