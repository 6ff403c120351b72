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
/// CutMix with asymmetric patches (SnapMix): the partner's patch is a box of the same drawn size
/// (<see cref="PartnerPatch.SameSize"/>) or of its own size (<see cref="PartnerPatch.OwnSize"/>) at a centre of its own,
/// resized into the sample's box (<see cref="ResizeRegion.WithPartnerBox"/>). The draws are replayed from a recording
/// generator or a second generator of the same seed, the pixels checked against the resampling written from its formula
/// in double over the partner's box, and labels, label maps, uint8, in place and JSON follow the same plan.
/// </summary>
public class CutMixAsymmetricTests
{
    /// <summary>
    /// With <c>correctLambda: false</c> the plan keeps the sampled λ, so the cut ⌊H·√(1 − λ)⌋ × ⌊W·√(1 − λ)⌋ is known;
    /// the four NextInt draws of each group (the sample's centre row and column, then the partner's) give both boxes,
    /// clipped, by hand: every region must be exactly those boxes.
    /// </summary>
    [Test]
    public void BothBoxesComeFromTheSameCutSizeAndTheirOwnCentres()
    {
        int checkedBoxes = 0, moved = 0;
        for (ulong seed = 1; seed <= 60; seed++)
        {
            int h = 2 + (int)(seed % 23), w = 2 + (int)(seed * 7 % 19), b = 1 + (int)(seed % 8);
            var shape = new BatchShape(b, 1, h, w);
            var mode = seed % 2 == 0 ? LambdaMode.Element : LambdaMode.Batch;
            var random = new RecordingRandom(seed);
            MixPlan plan = new CutMix(mode: mode, correctLambda: false, partnerPatch: PartnerPatch.SameSize).CreatePlan(shape, random);
            // A sample paired with itself draws nothing in element mode (flip pairs the middle of an odd batch so).
            int[] group = [.. Enumerable.Range(0, b).Select(i => mode == LambdaMode.Batch ? 0 : Enumerable.Range(0, i).Count(k => plan.Partners[k] != k))];
            int groups = mode == LambdaMode.Batch ? 1 : Enumerable.Range(0, b).Count(k => plan.Partners[k] != k);
            Assert.That(random.Ints.Count, Is.EqualTo(4 * groups), $"seed {seed}: four centre draws per group; drawn [{string.Join(", ", random.Ints)}]");
            for (int i = 0; i < b; i++)
            {
                if (plan.Partners[i] == i)
                {
                    Assert.That(plan.Regions[i], Is.InstanceOf<KeepRegion>(), $"seed {seed}, sample {i} paired with itself");
                    continue;
                }

                int g = group[i];
                double lambda = plan.Lambdas[i];
                int cutH = (int)(h * Math.Sqrt(1 - lambda)), cutW = (int)(w * Math.Sqrt(1 - lambda));
                (int Bound, int Value)[] draws = [.. random.Ints.Skip(4 * g).Take(4)];
                Assert.That(draws.Select(d => d.Bound), Is.EqualTo(new[] { h, w, h, w }), $"seed {seed}: the bounds of the draws");
                (int t, int l, int bo, int r) own = Clipped(draws[0].Value, draws[1].Value, cutH, cutW, h, w);
                (int t, int l, int bo, int r) from = Clipped(draws[2].Value, draws[3].Value, cutH, cutW, h, w);
                string where = $"seed {seed}, {mode}, sample {i}, λ {lambda}: {plan.Regions[i]}";
                if (own.bo <= own.t || own.r <= own.l)
                {
                    Assert.That(plan.Regions[i], Is.InstanceOf<KeepRegion>(), where);
                    continue;
                }

                var region = (ResizeRegion)plan.Regions[i];
                Assert.That((region.Top, region.Left, region.Bottom, region.Right), Is.EqualTo(own), where);
                Assert.That((region.PartnerTop, region.PartnerLeft, region.PartnerBottom, region.PartnerRight), Is.EqualTo(from), where);
                checkedBoxes++;
                moved += own != from ? 1 : 0;
            }
        }

        Assert.That(checkedBoxes, Is.GreaterThan(150), "the sweep must draw boxes");
        Assert.That(moved, Is.GreaterThan(100), "the sweep must draw partner boxes elsewhere");
    }

    /// <summary>
    /// <see cref="PartnerPatch.OwnSize"/> (SnapMix's <c>snapmix</c>): each group draws λ, the sample's centre, then a λ of
    /// its own and the partner's centre; in min/max mode two sides and a corner, then two more sides and a corner. A second
    /// generator of the same seed replays those draws in that order, and every region must be the two boxes they give
    /// (clipped), or nothing where either is empty (the reference pastes only when both areas are positive).
    /// </summary>
    [Test]
    public void OwnSizeBoxesReplayASecondDrawOfTheirOwn()
    {
        int checkedBoxes = 0, otherSize = 0, partnerEmpty = 0;
        for (ulong seed = 1; seed <= 120; seed++)
        {
            int h = 2 + (int)(seed % 23), w = 2 + (int)(seed * 7 % 19), b = 1 + (int)(seed % 8);
            var shape = new BatchShape(b, 1, h, w);
            var mode = seed % 2 == 0 ? LambdaMode.Element : LambdaMode.Batch;
            bool minMax = seed % 3 == 0;
            double alpha = seed % 4 == 1 ? 0.2 : 1.0; // small α: λ near 1 often, so cuts of 0 rows happen
            CutMix cutMix = minMax
                ? new CutMix(minRatio: 0.05, maxRatio: 0.8, mode: mode, partnerPatch: PartnerPatch.OwnSize)
                : new CutMix(alpha: alpha, mode: mode, correctLambda: false, partnerPatch: PartnerPatch.OwnSize);
            MixPlan plan = cutMix.CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            int groups = mode == LambdaMode.Batch ? 1 : Enumerable.Range(0, b).Count(k => plan.Partners[k] != k);
            var expected = new List<((int, int, int, int) Own, (int, int, int, int) From, double Lambda)>();
            for (int g = 0; g < groups; g++)
            {
                (var own, double lambda) = minMax ? MinMaxBox(replay, h, w, 0.05, 0.8) : RatioBox(replay, h, w, alpha);
                (var from, _) = minMax ? MinMaxBox(replay, h, w, 0.05, 0.8) : RatioBox(replay, h, w, alpha);
                expected.Add((own, from, lambda));
            }

            int group = 0;
            for (int i = 0; i < b; i++)
            {
                string where = $"seed {seed}, {cutMix}, {shape}, sample {i}: {plan.Regions[i]}";
                if (plan.Partners[i] == i)
                {
                    Assert.That(plan.Regions[i], Is.InstanceOf<KeepRegion>(), where);
                    continue;
                }

                var (own, from, lambda) = expected[mode == LambdaMode.Batch ? 0 : group++];
                if (Empty(own) || Empty(from))
                {
                    Assert.That(plan.Regions[i], Is.InstanceOf<KeepRegion>(), where);
                    Assert.That(plan.Lambdas[i], Is.EqualTo(1.0), where);
                    partnerEmpty += Empty(own) ? 0 : 1;
                    continue;
                }

                var region = (ResizeRegion)plan.Regions[i];
                Assert.That((region.Top, region.Left, region.Bottom, region.Right), Is.EqualTo(own), where);
                Assert.That((region.PartnerTop, region.PartnerLeft, region.PartnerBottom, region.PartnerRight), Is.EqualTo(from), where);
                Assert.That(plan.Lambdas[i], Is.EqualTo(minMax ? (double)((h * w) - region.Area) / (h * w) : lambda), where);
                checkedBoxes++;
                otherSize += (own.Item3 - own.Item1, own.Item4 - own.Item2) != (from.Item3 - from.Item1, from.Item4 - from.Item2) ? 1 : 0;
            }
        }

        Assert.That(checkedBoxes, Is.GreaterThan(200), "the sweep must draw boxes");
        Assert.That(otherSize, Is.GreaterThan(150), "the sweep must draw partner boxes of other sizes");
        Assert.That(partnerEmpty, Is.GreaterThan(3), "the sweep must draw empty partner boxes beside non-empty own ones");
    }

    /// <summary>
    /// Over 6000 groups on 64x64 images (α 1, element mode), the two boxes' areas are uncorrelated with
    /// <see cref="PartnerPatch.OwnSize"/> (|r| &lt; 0.05, where the same λ would give r near 1) and follow the same
    /// distribution (means within 3 %); with <see cref="PartnerPatch.SameSize"/> every unclipped pair of boxes has the
    /// same size.
    /// </summary>
    [Test]
    public void OwnSizeDrawsThePartnersSizeIndependently()
    {
        var shape = new BatchShape(60, 1, 64, 64);
        var own = new List<double>();
        var from = new List<double>();
        for (ulong seed = 0; seed < 100; seed++)
        {
            MixPlan plan = new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, partnerPatch: PartnerPatch.OwnSize).CreatePlan(shape, new MixRandom(seed));
            foreach (ResizeRegion region in plan.Regions.OfType<ResizeRegion>())
            {
                own.Add(region.Area);
                from.Add(PartnerArea(region));
            }
        }

        Assert.That(own.Count, Is.GreaterThan(5500), "the sweep must draw boxes");
        double r = TestHelpers.Pearson(own, from);
        Assert.That(Math.Abs(r), Is.LessThan(0.05), $"correlation of the two areas: {r}");
        Assert.That(from.Average() / own.Average(), Is.EqualTo(1.0).Within(0.03), $"mean areas {own.Average()} and {from.Average()}");

        int unclipped = 0;
        for (ulong seed = 0; seed < 60; seed++)
        {
            MixPlan plan = new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, partnerPatch: PartnerPatch.SameSize).CreatePlan(shape, new MixRandom(seed));
            foreach (ResizeRegion region in plan.Regions.OfType<ResizeRegion>().Where(z => Inside(z.Top, z.Bottom, 64) && Inside(z.Left, z.Right, 64) && Inside(z.PartnerTop, z.PartnerBottom, 64) && Inside(z.PartnerLeft, z.PartnerRight, 64)))
            {
                Assert.That((region.PartnerBottom - region.PartnerTop, region.PartnerRight - region.PartnerLeft), Is.EqualTo((region.Bottom - region.Top, region.Right - region.Left)), $"seed {seed}: {region}");
                unclipped++;
            }
        }

        Assert.That(unclipped, Is.GreaterThan(200), "the sweep must draw unclipped same-size pairs");
    }

    /// <summary>Min/max mode: both boxes of the same drawn size, each with a corner of its own, never clipped.</summary>
    [Test]
    public void MinMaxBoxesHaveTheSameSize()
    {
        var shape = new BatchShape(9, 2, 17, 13);
        for (ulong seed = 1; seed <= 20; seed++)
        {
            MixPlan plan = new CutMix(minRatio: 0.2, maxRatio: 0.7, mode: LambdaMode.Element, partnerPatch: PartnerPatch.SameSize).CreatePlan(shape, new MixRandom(seed));
            foreach (ResizeRegion region in plan.Regions.OfType<ResizeRegion>())
            {
                Assert.That((region.PartnerBottom - region.PartnerTop, region.PartnerRight - region.PartnerLeft), Is.EqualTo((region.Bottom - region.Top, region.Right - region.Left)), $"seed {seed}: {region}");
            }

            MixAssert.LambdasMatchRegions(plan);
        }
    }

    /// <summary>
    /// 150 seeded batches (images up to 24x24, every mode and pairing, ratio and min/max, some unmixed groups): inside
    /// the sample's box every element is the partner's box resized by the formula in double, outside it the sample's own
    /// bits; lambda is the own share of pixels; MixAssert passes; in place gives the same bits; uint8 is the float path
    /// rounded; the label map of element addresses names the partner element nearest each output centre within the
    /// partner's box; JSON replays the same bits.
    /// </summary>
    [Test]
    public void ThePartnersBoxIsResizedIntoTheSamplesBox()
    {
        var random = new MixRandom(2021);
        int resized = 0, shrunk = 0, grown = 0, fractional = 0;
        for (int seed = 0; seed < 150; seed++)
        {
            int b = 1 + random.NextInt(8), c = 1 + random.NextInt(3), h = 2 + random.NextInt(23), w = 2 + random.NextInt(23);
            var shape = new BatchShape(b, c, h, w);
            var mode = (LambdaMode)(seed % 3);
            var pairing = mode == LambdaMode.Pair ? PairingStrategy.Flip : seed % 4 == 3 ? PairingStrategy.Roll : PairingStrategy.Permutation;
            PartnerPatch patch = seed % 2 == 0 ? PartnerPatch.SameSize : PartnerPatch.OwnSize;
            CutMix cutMix = seed % 5 == 4
                ? new CutMix(minRatio: 0.3, maxRatio: 0.9, mode: mode, pairing: pairing, probability: 0.8, partnerPatch: patch)
                : new CutMix(alpha: 0.5 + (seed % 3), mode: mode, pairing: pairing, probability: seed % 6 == 5 ? 0.5 : 1.0, partnerPatch: patch);
            MixPlan plan = cutMix.CreatePlan(shape, new MixRandom((ulong)seed));
            float[] batch = TestBatches.RandomBatch(shape, (ulong)seed);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);
            string context = $"seed {seed}, {cutMix}, {shape}";
            for (int i = 0; i < b; i++)
            {
                string? wrong = Check(plan, shape, batch, output, i);
                Assert.That(wrong, Is.Null, $"{context}, sample {i}: {plan.Regions[i]}");
                if (plan.Regions[i] is ResizeRegion region)
                {
                    Assert.That(plan.Lambdas[i], Is.EqualTo((double)((h * w) - region.Area) / (h * w)), $"{context}, sample {i}: λ");
                    resized++;
                    long from = PartnerArea(region);
                    shrunk += from > region.Area ? 1 : 0;
                    grown += from < region.Area ? 1 : 0;
                }
            }

            LengthSweeps.AssertFollowsPlanInAndOutOfPlace(plan, batch, output, context);
            fractional += ResampledBytes.FloatPathRounded(plan, shape, (ulong)seed);
            AssertLabelMapFollows(plan, shape, context);
            MixPlan back = MixPlanJson.Parse(MixPlanJson.Serialize(plan));
            var replayed = new float[batch.Length];
            CpuMixer.Apply(back, batch, replayed);
            Assert.That(replayed.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(output.Select(BitConverter.SingleToInt32Bits)), $"{context}: JSON replay");
        }

        Assert.That(resized, Is.GreaterThan(300), "the sweep must resize partner boxes");
        Assert.That(shrunk, Is.GreaterThan(50), "the sweep must shrink partner boxes");
        Assert.That(grown, Is.GreaterThan(50), "the sweep must enlarge partner boxes");
        Assert.That(fractional, Is.GreaterThan(1000), "the sweep must resize bytes to fractional values, so the rounding is tested");
    }

    /// <summary>Worked by hand: a 4x6 partner's box rows [0, 2) × columns [4, 6) pasted unscaled into the sample's rows
    /// [2, 4) × columns [0, 2) is a copy; shrunk 2x2 → 1x1 it is the mean of the four.</summary>
    [Test]
    public void HandWorkedPartnerBoxes()
    {
        var spatial = new SpatialShape(4, 6);
        float[] partner = [.. Enumerable.Range(0, 24).Select(v => (float)v)];
        ResizeRegion copy = new ResizeRegion(spatial, 2, 0, 4, 2).WithPartnerBox(0, 4, 2, 6);
        var patch = new float[4];
        copy.ResizePartner(partner, patch);
        Assert.That(patch, Is.EqualTo(new float[] { 4, 5, 10, 11 }));
        ResizeRegion shrunk = new ResizeRegion(spatial, 0, 0, 1, 1).WithPartnerBox(2, 4, 4, 6);
        var mean = new float[1];
        shrunk.ResizePartner(partner, mean);
        Assert.That(mean[0], Is.EqualTo((16 + 17 + 22 + 23) / 4f));
        Assert.That(copy.ToString(), Is.EqualTo("partner rows [0, 2) cols [4, 6) resized in rows [2, 4) cols [0, 2)"));

        // The label map: the sample's box shows the partner's elements of its box.
        var plan = new MixPlan(spatial, [1, 0], [20.0 / 24, 1.0], [copy, MixRegion.Keep]);
        int[] addresses = [.. Enumerable.Range(0, 48)];
        var map = new int[48];
        LabelMapMixer.Mix(plan, addresses, map);
        Assert.That(new[] { map[12], map[13], map[18], map[19] }, Is.EqualTo(new[] { 24 + 4, 24 + 5, 24 + 10, 24 + 11 }));
    }

    /// <summary>Detection boxes under 40 drawn plans: the partner's boxes scaled from its box onto the sample's and
    /// clipped, the sample's own cut as by CutMix, as MixAssert works them out from the geometry.</summary>
    [Test]
    public void DetectionBoxesFollowThePartnersBox()
    {
        var shape = new BatchShape(6, 1, 20, 24);
        var random = new MixRandom(77);
        int kept = 0;
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, partnerPatch: seed % 2 == 0 ? PartnerPatch.SameSize : PartnerPatch.OwnSize).CreatePlan(shape, new MixRandom(seed));
            DetectionBoxes[] boxes = [.. Enumerable.Range(0, 6).Select(_ => RandomBoxes(random, 20, 24))];
            DetectionBoxes[] mixed = BoxMixer.Mix(plan, boxes);
            MixAssert.BoxesFollowPlan(plan, boxes, mixed);
            kept += mixed.Sum(m => m.Count);
        }

        Assert.That(kept, Is.GreaterThan(400), "the sweep must keep boxes");
    }

    private static DetectionBoxes RandomBoxes(MixRandom random, int h, int w)
    {
        var corners = new List<float>();
        var classes = new List<int>();
        for (int b = 0; b < 4; b++)
        {
            float x0 = random.NextInt(w - 1), y0 = random.NextInt(h - 1);
            corners.AddRange([x0, y0, x0 + 1 + random.NextInt(w - (int)x0), y0 + 1 + random.NextInt(h - (int)y0)]);
            classes.Add(b);
        }

        return new DetectionBoxes([.. corners], [.. classes]);
    }

    [Test]
    public void APartnerBoxIsCheckedByName()
    {
        var image = new ResizeRegion(new SpatialShape(4, 5), 1, 1, 3, 3);
        Assert.That(image.WithPartnerBox(0, 0, 4, 5).HasPartnerBox, Is.False, "the whole plane is the partner read whole");
        Assert.That(image.HasPartnerBox, Is.False);
        Assert.That((image.PartnerTop, image.PartnerLeft, image.PartnerBottom, image.PartnerRight), Is.EqualTo((0, 0, 4, 5)));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => image.WithPartnerBox(0, 0, 5, 5))!.Message, Does.Contain("bottom 5").And.Contain("<= 4"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => image.WithPartnerBox(-1, 0, 2, 2))!.ParamName, Is.EqualTo("top"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => image.WithPartnerBox(0, 3, 2, 3))!.ParamName, Is.EqualTo("right"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ResizeRegion(SpatialShape.Sequence(9), 0, 1, 1, 3).WithPartnerBox(0, 0, 1, 2))!.ParamName, Is.EqualTo("top"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ResizeRegion(SpatialShape.Volume(2, 4, 5), 1, 1, 3, 3).WithPartnerBox(0, 0, 1, 2))!.ParamName, Is.EqualTo("top"));
        Assert.That(Assert.Throws<ArgumentException>(() => new CutMix(partnerPatch: PartnerPatch.SameSize).CreatePlan(BatchShape.Sequence(2, 1, 9), new MixRandom(1)))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentException>(() => new CutMix(partnerPatch: PartnerPatch.SameSize).CreatePlan(BatchShape.Volume(2, 1, 3, 4, 4), new MixRandom(1)))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentException>(() => new CutMix(partnerPatch: PartnerPatch.OwnSize).CreatePlan(BatchShape.Sequence(2, 1, 9), new MixRandom(1)))!.Message, Does.Contain("OwnSize"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new CutMix(partnerPatch: (PartnerPatch)3))!.ParamName, Is.EqualTo("partnerPatch"));
        Assert.That(new CutMix(partnerPatch: PartnerPatch.SameSize).ToString(), Does.EndWith(", partner patch SameSize)"));
        Assert.That(new CutMix(minRatio: 0.2, maxRatio: 0.5, partnerPatch: PartnerPatch.OwnSize).ToString(), Does.EndWith(", partner patch OwnSize)"));
        Assert.That(new CutMix().ToString(), Does.Not.Contain("partner patch"));
        Assert.That(() => MixPlanJson.Parse(MixPlanJson.Serialize(new MixPlan(image.Spatial, [1, 0], [0.8, 1.0], [image.WithPartnerBox(0, 0, 2, 2), MixRegion.Keep])).Replace("\"partnerBox\":[0,0,2,2]", "\"partnerBox\":[0,0,2,9]")), Throws.InstanceOf<ArgumentException>());
    }

    /// <summary>Checks sample <paramref name="i"/>'s output; returns what is wrong, or null.</summary>
    private static string? Check(MixPlan plan, BatchShape shape, float[] batch, float[] output, int i)
    {
        int h = shape.Height, w = shape.Width, plane = h * w, p = plan.Partners[i];
        var region = plan.Regions[i] as ResizeRegion;
        double[][]? rows = null, columns = null;
        if (region is not null)
        {
            rows = ResampleReference.Weights(region.PartnerBottom - region.PartnerTop, region.Bottom - region.Top);
            columns = ResampleReference.Weights(region.PartnerRight - region.PartnerLeft, region.Right - region.Left);
        }

        for (int c = 0; c < shape.Channels; c++)
        {
            int at = ((i * shape.Channels) + c) * plane;
            float[]? crop = region is null ? null : Crop(batch.AsSpan(((p * shape.Channels) + c) * plane, plane), w, region);
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    float got = output[at + (y * w) + x];
                    if (region is not null && y >= region.Top && y < region.Bottom && x >= region.Left && x < region.Right)
                    {
                        double expected = ResampleReference.At(crop, region.PartnerRight - region.PartnerLeft, rows!, columns!, y - region.Top, x - region.Left);
                        if (!(Math.Abs(got - expected) <= 1e-5))
                        {
                            return $"channel {c}, ({y}, {x}) holds {got}, the partner's box resized gives {expected}";
                        }
                    }
                    else if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(batch[at + (y * w) + x]))
                    {
                        return $"channel {c}, ({y}, {x}) holds {got}, not the sample's own {batch[at + (y * w) + x]}";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The partner's box, cut out of its plane.</summary>
    private static float[] Crop(ReadOnlySpan<float> plane, int w, ResizeRegion region)
    {
        int cropWidth = region.PartnerRight - region.PartnerLeft;
        var crop = new float[(region.PartnerBottom - region.PartnerTop) * cropWidth];
        for (int y = region.PartnerTop; y < region.PartnerBottom; y++)
        {
            plane.Slice((y * w) + region.PartnerLeft, cropWidth).CopyTo(crop.AsSpan((y - region.PartnerTop) * cropWidth));
        }

        return crop;
    }

    /// <summary>The label map of element addresses names the partner element ⌊(i + ½)·n/m⌋ into its box along each axis
    /// inside the sample's box, itself elsewhere.</summary>
    private static void AssertLabelMapFollows(MixPlan plan, BatchShape shape, string context)
    {
        int h = shape.Height, w = shape.Width, n = h * w;
        int[] map = AddressMaps.Mixed(plan, shape, context);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            var region = plan.Regions[i] as ResizeRegion;
            for (int e = 0; e < n; e++)
            {
                int y = e / w, x = e % w, expected = (i * n) + e;
                if (region is not null && y >= region.Top && y < region.Bottom && x >= region.Left && x < region.Right)
                {
                    int sy = region.PartnerTop + (int)Math.Floor((y - region.Top + 0.5) * (region.PartnerBottom - region.PartnerTop) / (region.Bottom - region.Top));
                    int sx = region.PartnerLeft + (int)Math.Floor((x - region.Left + 0.5) * (region.PartnerRight - region.PartnerLeft) / (region.Right - region.Left));
                    expected = (plan.Partners[i] * n) + (sy * w) + sx;
                }

                Assert.That(map[(i * n) + e], Is.EqualTo(expected), $"{context}, sample {i}, ({y}, {x}): label map");
            }
        }
    }

    /// <summary>Replays a ratio-mode box: λ ~ Beta(α, α), its cut, then its centre row and column.</summary>
    private static ((int, int, int, int) Box, double Lambda) RatioBox(MixRandom random, int h, int w, double alpha)
    {
        double lambda = BetaSampler.Sample(random, alpha, alpha);
        int cutH = (int)(h * Math.Sqrt(1 - lambda)), cutW = (int)(w * Math.Sqrt(1 - lambda));
        int cy = random.NextInt(h), cx = random.NextInt(w);
        return (Clipped(cy, cx, cutH, cutW, h, w), lambda);
    }

    /// <summary>Replays a min/max box: its height and width uniform over [⌊side·min⌋, ⌊side·max⌋], then its corner.</summary>
    private static ((int, int, int, int) Box, double Lambda) MinMaxBox(MixRandom random, int h, int w, double min, double max)
    {
        int cutH = (int)(h * min) + random.NextInt((int)(h * max) - (int)(h * min) + 1);
        int cutW = (int)(w * min) + random.NextInt((int)(w * max) - (int)(w * min) + 1);
        int top = random.NextInt(h - cutH + 1), left = random.NextInt(w - cutW + 1);
        return ((top, left, top + cutH, left + cutW), double.NaN);
    }

    private static long PartnerArea(ResizeRegion region) => (long)(region.PartnerBottom - region.PartnerTop) * (region.PartnerRight - region.PartnerLeft);

    private static bool Empty((int Top, int Left, int Bottom, int Right) box) => box.Bottom <= box.Top || box.Right <= box.Left;

    private static bool Inside(int start, int end, int extent) => start > 0 && end < extent;

    /// <summary>The box of <paramref name="cutH"/> × <paramref name="cutW"/> centred at (cy, cx), top = cy − ⌊cutH/2⌋, clipped.</summary>
    private static (int, int, int, int) Clipped(int cy, int cx, int cutH, int cutW, int h, int w)
    {
        int top = cy - (cutH / 2), left = cx - (cutW / 2);
        return (Math.Max(top, 0), Math.Max(left, 0), Math.Min(top + cutH, h), Math.Min(left + cutW, w));
    }

    /// <summary>A generator that records every NextInt draw (bound and value) on the way through.</summary>
    private sealed class RecordingRandom(ulong seed) : IMixRandom
    {
        private readonly MixRandom _inner = new(seed);

        public List<(int Bound, int Value)> Ints { get; } = [];

        public ulong NextUInt64() => _inner.NextUInt64();

        public double NextDouble() => _inner.NextDouble();

        public int NextInt(int maxExclusive)
        {
            int value = _inner.NextInt(maxExclusive);
            Ints.Add((maxExclusive, value));
            return value;
        }
    }
}
