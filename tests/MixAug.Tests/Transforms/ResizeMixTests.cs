using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class ResizeMixTests
{
    [Test]
    public void RejectsBadParametersByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ResizeMix(minScale: 0))!.ParamName, Is.EqualTo("minScale"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ResizeMix(maxScale: 1.2))!.Message, Does.Contain("1.2"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new ResizeMix(minScale: 0.6, maxScale: 0.4))!.Message, Does.Contain("0.6").And.Contain("0.4"));
        var spatial = new SpatialShape(8, 6);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ResizeRegion(spatial, 0, 0, 9, 3))!.Message, Does.Contain("9").And.Contain("8"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ResizeRegion(spatial, 0, 4, 2, 4))!.ParamName, Is.EqualTo("right"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new ResizeRegion(default, 0, 0, 1, 1))!.ParamName, Is.EqualTo("spatial"));
        var region = new ResizeRegion(spatial, 1, 1, 3, 4);
        Assert.That(Assert.Throws<ArgumentException>(() => region.ResizePartner(new float[47], new float[6]))!.ParamName, Is.EqualTo("partner"));
        Assert.That(Assert.Throws<ArgumentException>(() => region.ResizePartner(new float[48], new float[7]))!.ParamName, Is.EqualTo("patch"));
        var clipBox = new ResizeRegion(SpatialShape.Volume(2, 8, 6), 1, 1, 3, 4);
        Assert.That(Assert.Throws<ArgumentException>(() => clipBox.ResizePartner(new float[96], new float[6]))!.Message, Does.Contain("2 frames of a 2x3 box"));

        // The CPU mixer applies a clip's resized partners frame by frame: a hand-made plan that also holds a soft box
        // (over the volume) is refused by name before anything is written.
        var clip = SpatialShape.Volume(2, 4, 4);
        var softBox = new SoftBoxRegion(clip, 0, 0, 2, 2, 1.0);
        var resizeAndSoftBox = new MixPlan(clip, [1, 0], [0.75, softBox.Mean], [new ResizeRegion(clip, 0, 0, 2, 2), softBox]);
        float[] untouched = [.. Enumerable.Repeat(7f, 64)];
        var refused = Assert.Throws<ArgumentException>(() => CpuMixer.Apply(resizeAndSoftBox, new float[64], untouched));
        Assert.That(refused!.ParamName, Is.EqualTo("plan"));
        Assert.That(refused.Message, Does.Contain("Sample 1 has a SoftBox region"));
        Assert.That(untouched, Is.All.EqualTo(7f), "nothing written");
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void ClipsTakeTheImageBoxOnEveryFrameEachShowingThePartnersFrameResized(PairingStrategy pairing, LambdaMode mode)
    {
        // The box is drawn over H×W from the same stream as an image's, so a clip plan's boxes and λ are the image plan's.
        // Frame t of every output is the image plan applied to frame t of the batch (the image path), MixAssert resizes
        // each partner frame by ResizeRegion's definition, and part counts, in place and uint8 agree.
        var clip = BatchShape.Volume(7, 2, 3, 23, 19);
        var image = new BatchShape(7, 2, 23, 19);
        int frame = 23 * 19, t = clip.Depth;
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var transform = new ResizeMix(mode: mode, pairing: pairing, maxScale: 1, probability: 0.9);
            MixPlan plan = transform.CreatePlan(clip, new MixRandom(seed));
            MixPlan flat = transform.CreatePlan(image, new MixRandom(seed));
            Assert.That(plan.Lambdas.ToArray(), Is.EqualTo(flat.Lambdas.ToArray()), $"seed {seed}");
            Assert.That(plan.Partners.ToArray(), Is.EqualTo(flat.Partners.ToArray()), $"seed {seed}");
            Assert.That(plan.Regions.Select(r => r.ToString()), Is.EqualTo(flat.Regions.Select(r => r.ToString())), $"seed {seed}");
            MixAssert.LambdasMatchRegions(plan);

            float[] input = TestBatches.RandomBatch(clip, seed);
            var expected = new float[input.Length];
            CpuMixer.Apply(plan, input, expected);
            MixAssert.PixelsFollowPlan(plan, input, expected);
            for (int f = 0; f < t; f++)
            {
                // Frame f of every sample and channel, as an image batch, mixed by the image plan.
                float[] frames = new float[image.ElementCount], mixedFrames = new float[image.ElementCount];
                for (int plane = 0; plane < clip.BatchSize * clip.Channels; plane++)
                {
                    input.AsSpan((((plane * t) + f) * frame), frame).CopyTo(frames.AsSpan(plane * frame));
                }

                CpuMixer.Apply(flat, frames, mixedFrames);
                for (int plane = 0; plane < clip.BatchSize * clip.Channels; plane++)
                {
                    Assert.That(expected.AsSpan((((plane * t) + f) * frame), frame).ToArray(), Is.EqualTo(mixedFrames.AsSpan(plane * frame, frame).ToArray()), $"seed {seed}, sample·channel {plane}, frame {f}");
                }
            }

            PartCounts.AssertMixes(plan, input, expected, [1, 2, 5], TestBatches.RandomBytes(clip, seed));

            // Label maps follow each frame's box by nearest neighbour, as MixAssert works it out from the regions.
            int[] labels = [.. Enumerable.Range(0, clip.BatchSize * clip.PlaneSize)];
            var mixedLabels = new int[labels.Length];
            MixAug.Labels.LabelMapMixer.Mix(plan, labels, mixedLabels);
            MixAssert.LabelMapsFollowPlan(plan, labels, mixedLabels);
        }
    }

    [Test]
    public void BatchModeBoxFollowsTheDocumentedDrawsAndLambdaIsTheOwnShare()
    {
        var shape = new BatchShape(2, 1, 30, 20);
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = new ResizeMix(minScale: 0.2, maxScale: 0.9).CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            double tau = 0.2 + (0.7 * replay.NextDouble());
            int cutH = Math.Max(1, (int)(30 * tau)), cutW = Math.Max(1, (int)(20 * tau));
            int cy = replay.NextInt(30), cx = replay.NextInt(20);
            int top = Math.Max(0, cy - (cutH / 2)), left = Math.Max(0, cx - (cutW / 2));
            int bottom = Math.Min(30, cy - (cutH / 2) + cutH), right = Math.Min(20, cx - (cutW / 2) + cutW);
            var box = (ResizeRegion)plan.Regions[0];
            Assert.That((box.Top, box.Left, box.Bottom, box.Right), Is.EqualTo((top, left, bottom, right)), $"seed {seed}");
            Assert.That(plan.Lambdas[0], Is.EqualTo((600.0 - ((bottom - top) * (right - left))) / 600.0));
            MixAssert.LambdasMatchRegions(plan);
        }
    }

    [TestCase(24, 18, 0, 0, 24, 18)]   // the same size: a copy
    [TestCase(24, 18, 3, 2, 10, 9)]    // shrink by about 3.4 and 2.6
    [TestCase(7, 9, 0, 0, 7, 9)]
    [TestCase(5, 4, 0, 0, 5, 4)]
    [TestCase(40, 3, 10, 0, 13, 3)]    // rows shrink by 13.3, columns keep
    public void ResizesAsTheAntialiasedBilinearDefinition(int h, int w, int top, int left, int bottom, int right)
    {
        // The definition written here in double, as a 2D sum (not separable), from the docs' formula.
        var spatial = new SpatialShape(h, w);
        var region = new ResizeRegion(spatial, top, left, bottom, right);
        var random = new MixRandom(4);
        float[] partner = [.. Enumerable.Range(0, h * w).Select(_ => (float)random.NextDouble())];
        var patch = new float[region.Area];
        region.ResizePartner(partner, patch);
        int bh = bottom - top, bw = right - left;
        double[][] wy = Weights(h, bh), wx = Weights(w, bw);
        for (int oy = 0; oy < bh; oy++)
        {
            for (int ox = 0; ox < bw; ox++)
            {
                double expected = 0;
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        expected += wy[oy][y] * wx[ox][x] * partner[(y * w) + x];
                    }
                }

                Assert.That(patch[(oy * bw) + ox], Is.EqualTo(expected).Within(2e-6), $"({oy}, {ox})");
            }
        }

        if (bh == h && bw == w)
        {
            Assert.That(patch, Is.EqualTo(partner), "the same size copies bit for bit");
        }
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void MixesTheResizedPartnerInPlaceAndOutOfPlaceForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        var shape = new BatchShape(7, 3, 23, 19);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            MixPlan plan = new ResizeMix(mode: mode, pairing: pairing, maxScale: 1).CreatePlan(shape, new MixRandom(seed));
            float[] input = TestBatches.RandomBatch(shape, seed);
            var expected = new float[input.Length];
            CpuMixer.Apply(plan, input, expected);
            MixAssert.PixelsFollowPlan(plan, input, expected);
            PartCounts.AssertMixes(plan, input, expected, [1, 2, 5]);
        }
    }

    [Test]
    public void InPlaceWithKeptSamplesOrOtherRegionsEqualsOutOfPlaceForAnyPartCount()
    {
        // In place, boxes are resized into a buffer and then copied in (no copy of the batch) when every sample is a
        // resized box or kept; a plan with any other region takes the snapshot. Both must give the out-of-place bits.
        var shape = new BatchShape(9, 3, 29, 23);
        int kept = 0;
        for (ulong seed = 1; seed <= 6; seed++)
        {
            MixPlan plan = new ResizeMix(probability: 0.6, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(shape, new MixRandom(seed));
            kept += plan.Regions.Count(r => r is not ResizeRegion);
            float[] input = TestBatches.RandomBatch(shape, seed);
            var expected = new float[input.Length];
            CpuMixer.Apply(plan, input, expected);
            MixAssert.PixelsFollowPlan(plan, input, expected);
            PartCounts.AssertMixes(plan, input, expected, [1, 2, 4], TestBatches.RandomBytes(shape, seed));

            var box = new BoxRegion(2, 3, 9, 11);
            MixRegion[] regions = [box, .. plan.Regions.Skip(1)];
            double[] lambdas = [box.OwnShare(shape.Spatial, 1), .. plan.Lambdas[1..]];
            var mixed = new MixPlan(shape.Spatial, plan.Partners.ToArray(), lambdas, regions);
            CpuMixer.Apply(mixed, input, expected);
            MixAssert.PixelsFollowPlan(mixed, input, expected);
            PartCounts.AssertMixes(mixed, input, expected, [1, 2, 4]);
        }

        Assert.That(kept, Is.InRange(1, (6 * 9) - 1), "some samples kept, some resized");
    }

    [Test]
    public void MixAssertCatchesAPartnerPastedInPlaceInsteadOfResized()
    {
        // The defect a box would make: the partner's elements at the same place rather than its whole picture.
        var shape = new BatchShape(2, 1, 12, 12);
        var region = new ResizeRegion(shape.Spatial, 2, 2, 8, 8);
        var plan = new MixPlan(shape.Spatial, [1, 0], [region.OwnShare(shape.Spatial, 1), region.OwnShare(shape.Spatial, 1)], [region, region]);
        float[] input = TestBatches.RandomBatch(shape, 3);
        var wrong = new float[input.Length];
        CpuMixer.Apply(new MixPlan(shape.Spatial, [1, 0], [plan.Lambdas[0], plan.Lambdas[1]], [new BoxRegion(2, 2, 8, 8), new BoxRegion(2, 2, 8, 8)]), input, wrong);
        Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, wrong));
    }

    [Test]
    public void UInt8RoundsTheResizedValuesHalfToEvenWorkedOutByHand()
    {
        // A 1x2 plane whose box is its first pixel: the two columns shrink to one, weights ½ and ½ (support 2,
        // triangle weights ¾ and ¾, normalised), so the box shows the mean of the partner's two pixels.
        // Sample 0 = (1, 2) and sample 1 = (7, 10) pasted into each other: 8.5 rounds to 8 and 1.5 to 2 (half to
        // even; truncation would give 8 and 1, half away from zero 9 and 2).
        var spatial = new SpatialShape(1, 2);
        var region = new ResizeRegion(spatial, 0, 0, 1, 1);
        double own = region.OwnShare(spatial, 1);
        var plan = new MixPlan(spatial, [1, 0], [own, own], [region, region]);
        byte[] batch = [1, 2, 7, 10];
        var output = new byte[4];
        CpuMixer.Apply(plan, batch, output);
        Assert.That(output, Is.EqualTo(new byte[] { 8, 2, 2, 10 }));
        CpuMixer.ApplyInPlace(plan, batch);
        Assert.That(batch, Is.EqualTo(new byte[] { 8, 2, 2, 10 }), "in place, from a snapshot");
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void UInt8IsTheFloatPathOnTheSameValuesRoundedHalfToEven(PairingStrategy pairing, LambdaMode mode)
    {
        // Tall planes (224 rows of 160 bytes) span several segments, so a box's rows are resized segment by segment.
        foreach (BatchShape shape in new[] { new BatchShape(5, 3, 23, 19), new BatchShape(3, 3, 224, 160) })
        {
            for (ulong seed = 1; seed <= 4; seed++)
            {
                MixPlan plan = new ResizeMix(mode: mode, pairing: pairing, minScale: 0.05, maxScale: 1).CreatePlan(shape, new MixRandom(seed));
                ResampledBytes.AssertFloatPathRounded(plan, shape, seed);
            }
        }
    }

    [Test]
    public void PlansRoundTripThroughJson()
    {
        MixPlan plan = new ResizeMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, probability: 0.8).CreatePlan(new BatchShape(9, 3, 31, 29), new MixRandom(3));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"region\":\"resize\""));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
        MixAssert.LambdasMatchRegions(back);
    }

    /// <summary>The antialiased bilinear weights of every output over every input (zeros outside the taps).</summary>
    private static double[][] Weights(int inputs, int outputs)
    {
        double scale = (double)inputs / outputs, support = Math.Max(1, scale);
        var all = new double[outputs][];
        for (int i = 0; i < outputs; i++)
        {
            double centre = scale * (i + 0.5);
            int lo = Math.Max(0, (int)(centre - support + 0.5)), hi = Math.Min(inputs, (int)(centre + support + 0.5));
            all[i] = new double[inputs];
            for (int j = lo; j < hi; j++)
            {
                all[i][j] = Math.Max(0, 1 - Math.Abs((j + 0.5 - centre) / support));
            }

            double total = all[i].Sum();
            all[i] = [.. all[i].Select(v => v / total)];
        }

        return all;
    }
}
