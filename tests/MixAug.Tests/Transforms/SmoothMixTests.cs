using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class SmoothMixTests
{
    [Test]
    public void RejectsBadParametersByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothMix(alpha: double.NaN))!.ParamName, Is.EqualTo("alpha"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothMix(softness: 0))!.ParamName, Is.EqualTo("softness"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SmoothMix(softness: 1.5))!.Message, Does.Contain("1.5"));
        var spatial = new SpatialShape(8, 6);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 2, 0, 9, 3, 1))!.Message, Does.Contain("9").And.Contain("8"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 0, -1, 2, 3, 1))!.ParamName, Is.EqualTo("left"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 0, 3, 2, 3, 1))!.ParamName, Is.EqualTo("right"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(spatial, 0, 0, 2, 3, 0))!.ParamName, Is.EqualTo("sigma"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SoftBoxRegion(SpatialShape.Volume(2, 3, 4), 0, 0, 4, 1, 1))!.ParamName, Is.EqualTo("bottom"), "a clip's box is checked against its frame");
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new SoftBoxRegion(default, 0, 0, 1, 1, 1))!.ParamName, Is.EqualTo("spatial"));
    }

    [Test]
    public void AClipSoftBoxOnEveryFrameNeedsPartnersAsLongAndAFrameRangeIsChecked()
    {
        // On every frame the box takes every valid frame of the partner: a shorter partner is refused by name; a frame
        // range must lie within the clip, and within every source's frames once lengths are given.
        var clipBox = new SoftBoxRegion(SpatialShape.Volume(3, 4, 5), 1, 1, 2, 3, 1);
        var plan = new MixPlan(clipBox.Spatial, [1, 0], [clipBox.Mean, 1.0], [clipBox, MixRegion.Keep]);
        Assert.That(Assert.Throws<ArgumentException>(() => plan.WithValidLengths([3, 2]))!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(plan.WithValidLengths([2, 3]).OutputLengths.ToArray(), Is.EqualTo(new[] { 2, 3 }), "a longer partner");

        SoftBoxRegion framed = clipBox.WithFrames(0, 2);
        var framedPlan = new MixPlan(clipBox.Spatial, [1, 0], [framed.Mean, 1.0], [framed, MixRegion.Keep]);
        MixPlan withLengths = framedPlan.WithValidLengths([3, 2]);
        Assert.That(withLengths.MeasureOwnShare(0), Is.EqualTo(framed.Mean), "all 3 frames valid: the mean over the clip");
        Assert.That(Assert.Throws<ArgumentException>(() => framedPlan.WithValidLengths([3, 1]))!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(clipBox.WithFrames(0, 3).HasFrameRange, Is.False, "a range over every frame is the box on every frame");
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => clipBox.WithFrames(1, 4))!.Message, Does.Contain("endFrame 4").And.Contain("<= 3"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => clipBox.WithFrames(-1, 2))!.ParamName, Is.EqualTo("firstFrame"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SoftBoxRegion(new SpatialShape(4, 5), 1, 1, 2, 3, 1).WithFrames(0, 1))!.ParamName, Is.EqualTo("firstFrame"));
    }

    [Test]
    public void ClipsWithFrameCountsLieOnTheFramesBothHoldWithTheExactShareAndNoPadding()
    {
        // Padding frames hold NaN: a valid output element that read any would be NaN. λ is worked out from the definition
        // (own weight 1f − gy·gx on frames [0, m), 1 after), over the sample's valid frames, summed in double (exact).
        var random = new MixRandom(45);
        int mixed = 0, framed = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            int b = 1 + random.NextInt(8), c = 1 + random.NextInt(2), t = 1 + random.NextInt(6), h = 2 + random.NextInt(9), w = 2 + random.NextInt(9);
            var shape = BatchShape.Volume(b, c, t, h, w);
            int[] frames = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(t))];
            (MixPlan plan, LambdaMode mode, double softness) = DrawWithLengths(shape, frames, seed);
            for (int i = 0; i < b; i++)
            {
                if (plan.Regions[i] is not SoftBoxRegion box)
                {
                    continue;
                }

                int partner = plan.Partners[i], common = mode == LambdaMode.Batch ? frames.Min() : Math.Min(frames[i], frames[partner]);
                string where = $"seed {seed}, {mode}, sample {i} ({frames[i]} frames) from {partner} ({frames[partner]} frames): {box}";
                Assert.That((box.FirstFrame, box.EndFrame), Is.EqualTo((0, common == t ? null : (int?)common)), where);
                Assert.That(box.Sigma, Is.EqualTo(softness * Math.Min(h, w)), $"{where}: σ is the image's");
                // The raster over the whole clip (what TorchMixer, label maps and MixAssert use), and λ over the valid frames.
                double own = 0;
                var raster = new float[t * h * w];
                RegionRasterizer.WriteOwnWeights(box, plan.Spatial, plan.Lambdas[i], raster);
                for (int f = 0, e = 0; f < t; f++)
                {
                    for (int y = 0; y < h; y++)
                    {
                        for (int x = 0; x < w; x++, e++)
                        {
                            float expected = f < common ? 1f - (Falloff(y, box.Top, box.Bottom, box.Sigma) * Falloff(x, box.Left, box.Right, box.Sigma)) : 1f;
                            Assert.That(raster[e], Is.EqualTo(expected), $"{where}: raster at frame {f}, row {y}, column {x}");
                            own += f < frames[i] ? expected : 0;
                        }
                    }
                }

                Assert.That(plan.Lambdas[i], Is.EqualTo(own / (frames[i] * h * w)), $"{where}: λ");
                mixed++;
                framed += box.HasFrameRange ? 1 : 0;
            }

            AssertNoPaddingReadAndInPlaceAgrees(plan, shape, frames, seed);
        }

        Assert.That(mixed, Is.GreaterThan(300), "the sweep must mix");
        Assert.That(framed, Is.GreaterThan(100), "the sweep must stop boxes short of the clip");
    }

    /// <summary>The sweeps' plan for <paramref name="seed"/>: SmoothMix with the seed's α, softness, mode and pairing, over
    /// the lengths; a soft box keeps each sample's valid length.</summary>
    private static (MixPlan Plan, LambdaMode Mode, double Softness) DrawWithLengths(BatchShape shape, int[] lengths, int seed)
    {
        var mode = (LambdaMode)(seed % 3);
        double softness = 0.05 + (0.3 * (seed % 4));
        var transform = new SmoothMix(alpha: 0.5 + (seed % 3), softness: softness, mode: mode, pairing: mode == LambdaMode.Pair ? PairingStrategy.Permutation : PairingStrategy.Flip);
        MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
        Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(lengths), $"seed {seed}: a soft box keeps the sample's valid length");
        return (plan, mode, softness);
    }

    /// <summary>Mixes a random batch whose padding (positions, or frames, past each length) holds NaN: no valid output
    /// element may be NaN, in place must give the same bits, and the weights must match the regions.</summary>
    private static void AssertNoPaddingReadAndInPlaceAgrees(MixPlan plan, BatchShape shape, int[] lengths, int seed)
    {
        int c = shape.Channels, plane = shape.PlaneSize, step = shape.SpatialRank == 3 ? shape.Height * shape.Width : 1;
        float[] padded = TestBatches.RandomBatch(shape, (ulong)seed);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                padded.AsSpan((((i * c) + ch) * plane) + (lengths[i] * step), plane - (lengths[i] * step)).Fill(float.NaN);
            }
        }

        var output = new float[padded.Length];
        CpuMixer.Apply(plan, padded, output);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                int nan = Array.FindIndex(output, (((i * c) + ch) * plane), lengths[i] * step, float.IsNaN);
                Assert.That(nan, Is.EqualTo(-1), $"seed {seed}, sample {i}, channel {ch}: padding read at element {nan - (((i * c) + ch) * plane)}");
            }
        }

        float[] inPlace = [.. padded];
        CpuMixer.ApplyInPlace(plan, inPlace);
        Assert.That(inPlace.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(output.Select(BitConverter.SingleToInt32Bits)), $"seed {seed}: in place");
        MixAssert.LambdasMatchRegions(plan);
    }

    /// <summary>g(d) = (float)exp(−d²/(2σ²)) at the distance of <paramref name="i"/> to [start, end), as documented.</summary>
    private static float Falloff(int i, int start, int end, double sigma)
    {
        double d = i < start ? start - i : i >= end ? i - end + 1 : 0;
        return (float)Math.Exp(-(d * d) / (2 * sigma * sigma));
    }

    [Test]
    public void AllEqualFullFrameCountsChangeNothing() => FullLengths.AssertChangeNothing(mode => new SmoothMix(mode: mode), BatchShape.Volume(9, 2, 40, 7, 6));

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Batch)]
    public void ClipsTakeTheImageSoftBoxOnEveryFrameForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        // The box and σ are drawn over H×W from the same stream as an image's, so a clip plan's boxes and λ are the image
        // plan's; every frame's raster is the image's raster, bit for bit, and the clip mixes like the reference (which
        // checks λ against the rasterised volume too).
        var clip = BatchShape.Volume(7, 2, 4, 21, 18);
        int frame = 21 * 18;
        for (ulong seed = 1; seed <= 4; seed++)
        {
            (MixPlan plan, MixPlan flat) = ClipPlans.AssertLikeTheImagePlan(new SmoothMix(softness: 0.1 * seed, mode: mode, pairing: pairing, probability: 0.9), clip, seed);
            string json = MixPlanJson.Serialize(plan);
            MixPlan back = MixPlanJson.Parse(json);
            Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json), $"seed {seed}: JSON");
            Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()), $"seed {seed}: JSON λ");
            var clipWeights = new float[clip.PlaneSize];
            var imageWeights = new float[frame];
            for (int i = 0; i < clip.BatchSize; i++)
            {
                RegionRasterizer.WriteOwnWeights(plan.Regions[i], plan.Spatial, plan.Lambdas[i], clipWeights);
                RegionRasterizer.WriteOwnWeights(flat.Regions[i], flat.Spatial, flat.Lambdas[i], imageWeights);
                for (int t = 0; t < 4; t++)
                {
                    Assert.That(clipWeights.AsSpan(t * frame, frame).ToArray(), Is.EqualTo(imageWeights), $"seed {seed}, sample {i}, frame {t}");
                }
            }
        }
    }

    [Test]
    public void WithLengthsEachSegmentStopsWhereBothAreValidAndLambdaIsTheValidShare()
    {
        // Padding holds NaN: a valid output position that read any would be NaN. λ is worked out from the definition
        // (own weight 1f − g(dx), g 0 from the reach on) over the sample's valid positions, summed in double.
        var random = new MixRandom(43);
        int mixed = 0, stopped = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            int b = 1 + random.NextInt(9), c = 1 + random.NextInt(2), l = 2 + random.NextInt(80);
            var shape = BatchShape.Sequence(b, c, l);
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(l))];
            (MixPlan plan, LambdaMode mode, double softness) = DrawWithLengths(shape, lengths, seed);
            for (int i = 0; i < b; i++)
            {
                if (plan.Regions[i] is not SoftBoxRegion segment)
                {
                    continue;
                }

                int partner = plan.Partners[i], common = mode == LambdaMode.Batch ? lengths.Min() : Math.Min(lengths[i], lengths[partner]);
                string where = $"seed {seed}, {mode}, sample {i} (length {lengths[i]}) from {partner} (length {lengths[partner]}): {segment}";
                Assert.That(segment.Right, Is.LessThanOrEqualTo(common), where);
                Assert.That(segment.Reach, Is.EqualTo(common == l ? null : common), where);
                Assert.That(segment.Sigma, Is.EqualTo(softness * common), $"{where}: σ is a share of the common length");
                double own = 0;
                for (int t = 0; t < lengths[i]; t++)
                {
                    int d = t < segment.Left ? segment.Left - t : t >= segment.Right ? t - segment.Right + 1 : 0;
                    float g = t < common ? (float)Math.Exp(-(double)d * d / (2 * segment.Sigma * segment.Sigma)) : 0f;
                    own += 1f - (1f * g);
                }

                Assert.That(plan.Lambdas[i], Is.EqualTo(own / lengths[i]), $"{where}: λ");
                mixed++;
                stopped += segment.Reach is null ? 0 : 1;
            }

            AssertNoPaddingReadAndInPlaceAgrees(plan, shape, lengths, seed);
        }

        Assert.That(mixed, Is.GreaterThan(300), "the sweep must mix");
        Assert.That(stopped, Is.GreaterThan(100), "the sweep must stop segments short of the sequence");
    }

    [TestCase(LambdaMode.Element)]
    [TestCase(LambdaMode.Batch)]
    public void WithLengthsMixesLikeTheReferenceForAnyPartCount(LambdaMode mode)
    {
        var shape = BatchShape.Sequence(9, 3, 301);
        int[] lengths = [301, 120, 77, 301, 250, 9, 180, 301, 40];
        for (ulong seed = 1; seed <= 3; seed++)
        {
            MixPlan plan = new SmoothMix(mode: mode).CreatePlan(new MixRequest(shape, new MixRandom(seed), lengths));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [Test]
    public void AllEqualFullLengthsChangeNothing() => FullLengths.AssertChangeNothing(mode => new SmoothMix(mode: mode));

    [Test]
    public void AReachStopsTheFallOffAndIsCheckedAgainstTheLengths()
    {
        var sequence = SpatialShape.Sequence(30);
        var segment = new SoftBoxRegion(sequence, 0, 10, 1, 14, 4);
        SoftBoxRegion stopped = segment.WithReach(20);
        Assert.That(stopped.Reach, Is.EqualTo(20));
        Assert.That(stopped.ToString(), Does.Contain("within the first 20"));
        Assert.That(segment.WithReach(30).Reach, Is.Null, "a reach of the whole sequence is no reach");
        var weights = new float[30];
        RegionRasterizer.WriteOwnWeights(stopped, sequence, stopped.Mean, weights);
        Assert.That(weights.AsSpan(20).ToArray(), Is.All.EqualTo(1f), "the sample's own from the reach on");
        Assert.That(weights[19], Is.LessThan(1f), "the fall-off runs up to the reach");
        Assert.That(stopped.Mean, Is.EqualTo(weights.Sum(w => (double)w) / 30), "the mean of the rasterised weights");

        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => segment.WithReach(13))!.Message, Does.Contain("13").And.Contain("[14, 30]"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => segment.WithReach(31))!.ParamName, Is.EqualTo("reach"));
        Assert.That(Assert.Throws<ArgumentException>(() => new SoftBoxRegion(new SpatialShape(4, 4), 0, 0, 2, 2, 1).WithReach(3))!.ParamName, Is.EqualTo("reach"));

        // A segment whose fall-off reaches a shorter source's padding is refused by name; stopped within it, taken.
        var plan = new MixPlan(sequence, [1, 0], [segment.Mean, 1.0], [segment, MixRegion.Keep]);
        var refused = Assert.Throws<ArgumentException>(() => plan.WithValidLengths([30, 20]));
        Assert.That(refused!.ParamName, Is.EqualTo("validLengths"));
        MixPlan taken = new MixPlan(sequence, [1, 0], [stopped.Mean, 1.0], [stopped, MixRegion.Keep]).WithValidLengths([30, 20]);
        Assert.That(taken.MeasureOwnShare(0), Is.EqualTo(stopped.Mean));
        MixPlan shorter = new MixPlan(sequence, [1, 0], [stopped.Mean, 1.0], [stopped, MixRegion.Keep]).WithValidLengths([25, 20]);
        Assert.That(shorter.MeasureOwnShare(0), Is.EqualTo(weights.Take(25).Sum(w => (double)w) / 25), "the share of the first 25");
    }

    [Test]
    public void ASequenceGetsASoftSegmentFollowingTheDocumentedDraws()
    {
        var shape = BatchShape.Sequence(2, 3, 200);
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = new SmoothMix(alpha: 0.7, softness: 0.05).CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            double lambda = BetaSampler.Sample(replay, 0.7, 0.7);
            int cut = Math.Max(1, (int)(200 * (1 - lambda)));
            _ = replay.NextInt(1); // the row: 0
            int cx = replay.NextInt(200);
            var segment = (SoftBoxRegion)plan.Regions[0];
            Assert.That(
                (segment.Top, segment.Left, segment.Bottom, segment.Right),
                Is.EqualTo((0, Math.Max(0, cx - (cut / 2)), 1, Math.Min(200, cx - (cut / 2) + cut))),
                $"seed {seed}");
            Assert.That(segment.Sigma, Is.EqualTo(0.05 * 200), "σ is a share of the length");
            Assert.That(plan.Lambdas[0], Is.EqualTo(segment.Mean));
            MixAssert.LambdasMatchRegions(plan);
        }
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void SequencesMixLikeTheReferenceInPlaceAndOutOfPlaceForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        var shape = BatchShape.Sequence(9, 3, 301);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            MixPlan plan = new SmoothMix(mode: mode, pairing: pairing).CreatePlan(shape, new MixRandom(seed));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [Test]
    public void BatchModeBoxFollowsTheDocumentedDraws()
    {
        var shape = new BatchShape(2, 1, 30, 20);
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = new SmoothMix(alpha: 0.7, softness: 0.2).CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            double lambda = BetaSampler.Sample(replay, 0.7, 0.7);
            int cutH = Math.Max(1, (int)(30 * Math.Sqrt(1 - lambda)));
            int cutW = Math.Max(1, (int)(20 * Math.Sqrt(1 - lambda)));
            int cy = replay.NextInt(30), cx = replay.NextInt(20);
            var box = (SoftBoxRegion)plan.Regions[0];
            Assert.That(
                (box.Top, box.Left, box.Bottom, box.Right),
                Is.EqualTo((Math.Max(0, cy - (cutH / 2)), Math.Max(0, cx - (cutW / 2)), Math.Min(30, cy - (cutH / 2) + cutH), Math.Min(20, cx - (cutW / 2) + cutW))),
                $"seed {seed}");
            Assert.That(box.Sigma, Is.EqualTo(0.2 * 20));
            Assert.That(plan.Regions[1], Is.SameAs(box));
        }
    }

    [Test]
    public void RasterisedWeightsFollowTheDefinitionBitForBit()
    {
        // Written here from the documented formula, not through the region: 1f − gy·gx with g = (float)exp(−d²/(2σ²)).
        var spatial = new SpatialShape(13, 17);
        var region = new SoftBoxRegion(spatial, 3, 5, 7, 6, 2.5);
        var weights = new float[spatial.Size];
        RegionRasterizer.WriteOwnWeights(region, spatial, 1.0, weights);
        for (int y = 0; y < 13; y++)
        {
            for (int x = 0; x < 17; x++)
            {
                double dy = y < 3 ? 3 - y : y > 6 ? y - 6 : 0;
                double dx = x < 5 ? 5 - x : x > 5 ? x - 5 : 0;
                float gy = (float)Math.Exp(-(dy * dy) / (2 * 2.5 * 2.5));
                float gx = (float)Math.Exp(-(dx * dx) / (2 * 2.5 * 2.5));
                float expected = 1f - (gy * gx);
                Assert.That(BitConverter.SingleToInt32Bits(weights[(y * 17) + x]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"({y}, {x})");
                Assert.That(expected, dy == 0 && dx == 0 ? Is.EqualTo(0f) : Is.GreaterThan(0f).And.LessThanOrEqualTo(1f));
            }
        }
    }

    [Test]
    public void LambdaIsTheExactMeanOfTheRasterisedWeights()
    {
        var random = new MixRandom(12);
        BatchShape[] shapes = [new(4, 1, 1, 1), new(5, 1, 2, 3), new(4, 2, 1, 40), new(4, 1, 40, 1), new(6, 3, 32, 32), new(3, 1, 224, 224), new(2, 1, 17, 61), BatchShape.Volume(3, 1, 5, 17, 13), BatchShape.Volume(2, 2, 1, 9, 9)];
        int mixed = 0;
        foreach (BatchShape shape in shapes)
        {
            foreach (SmoothMix t in new[] { new SmoothMix(mode: LambdaMode.Element), new SmoothMix(alpha: 0.2, softness: 1, mode: LambdaMode.Pair, pairing: PairingStrategy.Permutation), new SmoothMix(softness: 0.01, mode: LambdaMode.Element, pairing: PairingStrategy.Roll) })
            {
                for (int trial = 0; trial < 10; trial++)
                {
                    MixPlan plan = t.CreatePlan(shape, random);
                    MixAssert.LambdasMatchRegions(plan);
                    var weights = new float[shape.PlaneSize];
                    for (int i = 0; i < plan.BatchSize; i++)
                    {
                        if (plan.Regions[i] is not SoftBoxRegion region)
                        {
                            continue;
                        }

                        mixed++;
                        RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[i], weights);

                        // Every weight is a whole number of 2^-24 (the premise of the exact mean), so their sum is exact
                        // in integers, whatever the order.
                        long sum = 0;
                        double naive = 0;
                        foreach (float v in weights)
                        {
                            double scaled = v * 16777216.0;
                            Assert.That(scaled, Is.EqualTo(Math.Floor(scaled)), $"weight {v:R} is not a multiple of 2^-24");
                            sum += (long)scaled;
                            naive += v;
                        }

                        Assert.That(plan.Lambdas[i], Is.EqualTo(sum / (16777216.0 * shape.PlaneSize)), $"{shape} sample {i}");
                        Assert.That(plan.Lambdas[i], Is.EqualTo(naive / shape.PlaneSize).Within(1e-12));
                        Assert.That(plan.Lambdas[i], Is.LessThan(1.0), "the box's own pixels always go to the partner");
                    }
                }
            }
        }

        Assert.That(mixed, Is.GreaterThan(300));
    }

    [Test]
    public void TheDrawnLambdaIsNotTheLabel()
    {
        // A plan that kept the drawn λ (as OpenMixup's inverted λ) is caught by MixAssert: the soft edges take more.
        var shape = new BatchShape(2, 1, 32, 32);
        MixPlan plan = new SmoothMix(alpha: 1.0).CreatePlan(shape, new MixRandom(3));
        double drawn = BetaSampler.Sample(new MixRandom(3), 1, 1);
        Assert.That(plan.Lambdas[0], Is.LessThan(drawn));
        var wrong = new MixPlan(shape.Spatial, [1, 0], [drawn, drawn], [plan.Regions[0], plan.Regions[1]]);
        Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(wrong));
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void MixesLikeTheReferenceInPlaceAndOutOfPlaceForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        var shape = new BatchShape(9, 3, 21, 18);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            MixPlan plan = new SmoothMix(mode: mode, pairing: pairing, softness: 0.15).CreatePlan(shape, new MixRandom(seed));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [Test]
    public void PlansRoundTripThroughJson()
    {
        MixPlan plan = new SmoothMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, probability: 0.8, softness: 0.37).CreatePlan(new BatchShape(9, 3, 31, 29), new MixRandom(3));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"region\":\"softbox\""));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
        MixAssert.LambdasMatchRegions(back);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (plan.Regions[i] is SoftBoxRegion soft)
            {
                var read = (SoftBoxRegion)back.Regions[i];
                Assert.That((read.Top, read.Left, read.Bottom, read.Right, read.Sigma, read.Spatial), Is.EqualTo((soft.Top, soft.Left, soft.Bottom, soft.Right, soft.Sigma, soft.Spatial)));
            }
        }
    }

    [Test]
    public void PlansWithLengthsRoundTripThroughJson()
    {
        var shape = BatchShape.Sequence(8, 2, 50);
        MixPlan plan = new SmoothMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(shape, new MixRandom(5), [50, 31, 12, 50, 44, 7, 50, 29]));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"reach\":"));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        Assert.That(back.Regions.Select(r => r.ToString()), Is.EqualTo(plan.Regions.Select(r => r.ToString())));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
        var pastTheEnd = Assert.Catch<ArgumentException>(() => MixPlanJson.Parse(json.Replace("\"reach\":", "\"reach\":9")));
        Assert.That(pastTheEnd!.ParamName, Is.EqualTo("json"), "a reach past the sequence, refused by name");
        Assert.That(pastTheEnd.Message, Does.Contain("reach"));
    }
}
