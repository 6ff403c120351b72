using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class GridMixTests
{
    [Test]
    public void RejectsBadParametersByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(alpha: 0))!.ParamName, Is.EqualTo("alpha"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(minHoles: 0))!.ParamName, Is.EqualTo("minHoles"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(maxHoles: 65))!.Message, Does.Contain("65").And.Contain("64"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new GridMix(minHoles: 5, maxHoles: 3))!.Message, Does.Contain("5").And.Contain("3"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(minCutArea: 0))!.ParamName, Is.EqualTo("minCutArea"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(maxCutArea: double.NaN))!.ParamName, Is.EqualTo("maxCutArea"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new GridMix(minCutArea: 0.8, maxCutArea: 0.6))!.ParamName, Is.EqualTo("minCutArea"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(minCutAspect: 0.2))!.Message, Does.Contain("0.2"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(maxCutAspect: 5))!.ParamName, Is.EqualTo("maxCutAspect"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new GridMix(minCutAspect: 2, maxCutAspect: 1))!.ParamName, Is.EqualTo("minCutAspect"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GridMix(holeAspect: double.PositiveInfinity))!.ParamName, Is.EqualTo("holeAspect"));
    }

    [Test]
    public void RejectsSequencesBelowTwoAndPlanesOrFramesBelowTwoByTwo()
    {
        foreach (BatchShape shape in new[] { BatchShape.Sequence(2, 1, 1), BatchShape.Volume(2, 1, 3, 1, 5), BatchShape.Volume(2, 1, 3, 4, 1), new BatchShape(2, 1, 1, 9), new BatchShape(2, 1, 9, 1) })
        {
            var e = Assert.Throws<ArgumentException>(() => new GridMix().CreatePlan(shape, new MixRandom(1)));
            Assert.That(e!.ParamName, Is.EqualTo("shape"));
            Assert.That(e.Message, Does.Contain(shape.ToString()));
        }
    }

    [Test]
    public void BatchModeGridFollowsTheDocumentedDraws()
    {
        // Flip pairing, probability 1: lambda, holes, area, aspect, top share, left share; then the geometry of the remarks.
        var shape = new BatchShape(2, 1, 40, 30);
        var t = new GridMix(alpha: 1.0, minHoles: 2, maxHoles: 5, minCutArea: 0.3, maxCutArea: 0.9, minCutAspect: 0.5, maxCutAspect: 2, holeAspect: 1.5);
        for (ulong seed = 0; seed < 50; seed++)
        {
            MixPlan plan = t.CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            double lambda = BetaSampler.Sample(replay, 1, 1);
            int holes = 2 + replay.NextInt(4);
            double area = 0.3 + (0.6 * replay.NextDouble());
            double aspect = 0.5 + (1.5 * replay.NextDouble());
            int cutW = Math.Clamp((int)Math.Sqrt((int)(1200 * area) / aspect), 2, 30);
            int cutH = Math.Clamp((int)(cutW * aspect), 2, 40);
            int top = (int)((40 - cutH) * replay.NextDouble());
            int left = (int)((30 - cutW) * replay.NextDouble());
            holes = Math.Min(holes, cutW / 2);
            int patchW = (int)Math.Ceiling((double)cutW / holes);
            int patchH = Math.Max(2, (int)(patchW * 1.5));
            int holeW = Math.Clamp((int)(patchW * Math.Sqrt(1 - lambda)), 1, patchW - 1);
            int holeH = Math.Clamp((int)(patchH * Math.Sqrt(1 - lambda)), 1, patchH - 1);
            var expected = new List<Tile>();
            for (int j = 0; patchH * j < cutH; j++)
            {
                for (int i = 0; patchW * i < cutW; i++)
                {
                    expected.Add(new Tile(1, top + (patchH * j), left + (patchW * i), top + Math.Min((patchH * j) + holeH, cutH), left + Math.Min((patchW * i) + holeW, cutW)));
                }
            }

            var region = (TileRegion)plan.Regions[0];
            Assert.That(region.Tiles, Is.EqualTo(expected), $"seed {seed}");
            Assert.That(plan.Regions[1], Is.SameAs(region));
        }
    }

    [Test]
    public void LambdaIsTheExactShareOfOwnPixelsCountedFromThePaintedTiles()
    {
        var random = new MixRandom(77);
        BatchShape[] shapes = [new(5, 1, 2, 2), new(4, 1, 2, 50), new(4, 2, 50, 2), new(3, 1, 7, 5), new(6, 3, 32, 32), new(3, 1, 224, 224), new(2, 1, 17, 61)];
        GridMix[] transforms =
        [
            new(mode: LambdaMode.Element), new(alpha: 0.3, minHoles: 1, maxHoles: 64, minCutArea: 0.01, maxCutArea: 1, minCutAspect: 0.25, maxCutAspect: 4, holeAspect: 0.25, mode: LambdaMode.Element, pairing: PairingStrategy.Roll),
            new(holeAspect: 4, mode: LambdaMode.Pair, pairing: PairingStrategy.Permutation, probability: 0.7),
        ];
        int mixed = 0;
        foreach (BatchShape shape in shapes)
        {
            foreach (GridMix t in transforms)
            {
                for (int trial = 0; trial < 40; trial++)
                {
                    MixPlan plan = t.CreatePlan(shape, random);
                    for (int i = 0; i < plan.BatchSize; i++)
                    {
                        if (plan.Regions[i] is not TileRegion tiles)
                        {
                            Assert.That(plan.Lambdas[i], Is.EqualTo(1.0));
                            continue;
                        }

                        mixed++;
                        bool[] partner = Paint(tiles, shape.Height, shape.Width);
                        int own = partner.Count(p => !p);
                        Assert.That(plan.Lambdas[i], Is.EqualTo((double)own / shape.PlaneSize), $"{shape} sample {i}");
                        Assert.That(own, Is.LessThan(shape.PlaneSize), "every grid shows at least one partner pixel");
                        Assert.That(tiles.Tiles.Sum(x => x.Area), Is.EqualTo(shape.PlaneSize - own), "the holes are disjoint");
                        Assert.That(tiles.Tiles.All(x => x.Slot == 1), Is.True);
                    }

                    MixAssert.LambdasMatchRegions(plan);
                }
            }
        }

        Assert.That(mixed, Is.GreaterThan(1000));
    }

    [Test]
    public void HolesShrinkWithLambdaAndNeverFillAPatch()
    {
        // λ near 1 leaves one-pixel holes, λ near 0 holes one pixel short of the patch: the mean own share over many
        // draws follows E[λ] of the Beta and stays inside the range the clamps allow.
        var shape = new BatchShape(64, 1, 64, 64);
        var random = new MixRandom(5);
        double sum = 0;
        int n = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            MixPlan plan = new GridMix(alpha: 1.0, minCutArea: 1, maxCutArea: 1, minCutAspect: 1, maxCutAspect: 1, mode: LambdaMode.Element).CreatePlan(shape, random);
            foreach (double l in plan.Lambdas)
            {
                sum += l;
                n++;
            }
        }

        // A whole-image cut with square patches of side s: own share = 1 − (k/s)² where k = clamp(⌊s√(1−λ)⌋, 1, s − 1);
        // E over λ ~ U(0, 1) is a little above 1/2 (floors round the holes down).
        Assert.That(sum / n, Is.InRange(0.5, 0.7));
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void MixesLikeTheReferenceInPlaceAndOutOfPlaceForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        var shape = new BatchShape(7, 3, 23, 19);
        for (ulong seed = 1; seed <= 4; seed++)
        {
            MixPlan plan = new GridMix(mode: mode, pairing: pairing, minHoles: 1, maxHoles: 8).CreatePlan(shape, new MixRandom(seed));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [TestCase(PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(PairingStrategy.Roll, LambdaMode.Element)]
    [TestCase(PairingStrategy.Flip, LambdaMode.Batch)]
    public void ClipsTakeTheImageGridOnEveryFrameForAnyPartCount(PairingStrategy pairing, LambdaMode mode)
    {
        // The grid is drawn over H×W from the same stream as an image's, so its tiles and λ are the image plan's; the
        // clip is mixed frame by frame like the reference, which also checks λ against the tiles over the volume.
        var clip = BatchShape.Volume(7, 2, 5, 23, 19);
        for (ulong seed = 1; seed <= 4; seed++)
        {
            (MixPlan plan, _) = ClipPlans.AssertLikeTheImagePlan(new GridMix(mode: mode, pairing: pairing, minHoles: 1, maxHoles: 8), clip, seed);
            float[] input = TestBatches.RandomBatch(clip, seed), output = new float[input.Length];
            CpuMixer.Apply(plan, input, output);
            int frame = 23 * 19;
            for (int n = 0; n < 7 * 2; n++)
            {
                for (int t = 1; t < 5; t++)
                {
                    for (int e = 0; e < frame; e++)
                    {
                        // Every frame shows the same sources at the same pixels: the element's source is the one frame 0 shows.
                        int at = (((n * 5) + t) * frame) + e, first = n * 5 * frame + e;
                        bool own0 = output[first] == input[first], ownT = output[at] == input[at];
                        Assert.That(ownT, Is.EqualTo(own0), $"seed {seed}, sample·channel {n}, frame {t}, pixel {e}");
                    }
                }
            }
        }
    }

    [Test]
    public void ClipsWithFrameCountsTakeTheImageGridOnTheFramesBothHold()
    {
        // Clips of 4 and 2 frames, flipped: both get the image plan's grid (the same draws) on frames [0, 2), and each λ
        // is the own share of its valid elements, 1 − 2·holes/(T_i·H·W), worked out from the image plan's λ.
        var clip = BatchShape.Volume(2, 1, 4, 6, 6);
        for (ulong seed = 0; seed < 20; seed++)
        {
            var transform = new GridMix(mode: LambdaMode.Element, minHoles: 1, maxHoles: 3);
            MixPlan plan = transform.CreatePlan(new MixRequest(clip, new MixRandom(seed), [4, 2]));
            MixPlan flat = transform.CreatePlan(new BatchShape(2, 1, 6, 6), new MixRandom(seed));
            int[] frames = [4, 2];
            for (int i = 0; i < 2; i++)
            {
                var tiles = (TileRegion)plan.Regions[i];
                Assert.That((tiles.FirstFrame, tiles.EndFrame), Is.EqualTo((0, (int?)2)), $"seed {seed}, sample {i}");
                Assert.That(tiles.Tiles, Is.EqualTo(((TileRegion)flat.Regions[i]).Tiles), $"seed {seed}, sample {i}");
                double holes = Math.Round((1 - flat.Lambdas[i]) * 36);
                Assert.That(plan.Lambdas[i], Is.EqualTo(1 - (2 * holes / (frames[i] * 36))).Within(1e-15), $"seed {seed}, sample {i}");
            }
        }
    }

    [Test]
    public void PlansRoundTripThroughJson()
    {
        MixPlan plan = new GridMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, probability: 0.8).CreatePlan(new BatchShape(9, 3, 31, 29), new MixRandom(3));
        string json = MixPlanJson.Serialize(plan);
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
        for (int i = 0; i < plan.BatchSize; i++)
        {
            Assert.That(back.Regions[i].Kind, Is.EqualTo(plan.Regions[i].Kind));
            if (plan.Regions[i] is TileRegion tiles)
            {
                Assert.That(((TileRegion)back.Regions[i]).Tiles, Is.EqualTo(tiles.Tiles));
            }
        }
    }

    /// <summary>Which pixels the tiles give the partner, painted pixel by pixel (partner tiles only).</summary>
    private static bool[] Paint(TileRegion tiles, int height, int width)
    {
        var partner = new bool[height * width];
        foreach (Tile tile in tiles.Tiles)
        {
            for (int y = tile.Top; y < tile.Bottom; y++)
            {
                for (int x = tile.Left; x < tile.Right; x++)
                {
                    partner[(y * width) + x] = true;
                }
            }
        }

        return partner;
    }

    [Test]
    public void ASequenceGetsOneRowOfHolesFollowingTheDocumentedDraws()
    {
        // Batch mode, L = 50: the draws in the documented order, the row rebuilt here from them.
        var shape = BatchShape.Sequence(4, 2, 50);
        MixPlan plan = new GridMix(mode: LambdaMode.Batch).CreatePlan(shape, new MixRandom(9));
        var random = new MixRandom(9);
        _ = Pairings.Create(PairingStrategy.Flip, 4, random, mutual: false);
        double lambda = BetaSampler.Sample(random, 1.0, 1.0);
        int holes = 2 + random.NextInt(5);
        double area = 0.5 + (0.5 * random.NextDouble());
        int cut = (int)Math.Clamp(Math.Floor(50 * area), 2, 50);
        int left = (int)((50 - cut) * random.NextDouble());
        holes = Math.Min(holes, cut / 2);
        int patch = (cut + holes - 1) / holes;
        int hole = Math.Clamp((int)(patch * Math.Sqrt(1 - lambda)), 1, patch - 1);
        var expected = new List<Tile>();
        for (int x1 = 0; x1 < cut; x1 += patch)
        {
            expected.Add(new Tile(1, 0, left + x1, 1, left + Math.Min(x1 + hole, cut)));
        }

        var region = (TileRegion)plan.Regions[0];
        Assert.That(region.Tiles.ToArray(), Is.EqualTo(expected.ToArray()));
        Assert.That(plan.Lambdas[0], Is.EqualTo((50.0 - expected.Sum(e => e.Right - e.Left)) / 50));
        MixAssert.LambdasMatchRegions(plan);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void WithLengthsEachRowLiesWhereBothAreValidWithTheCountedShareAndNoPadding(bool clips)
    {
        // Sequences get a row of holes where both samples are valid; clips the grid on the frames both hold.
        var random = new MixRandom(41);
        int mixed = 0;
        for (int seed = 0; seed < 300; seed++)
        {
            int b = 1 + random.NextInt(9), c = 1 + random.NextInt(2), l = (clips ? 1 : 2) + random.NextInt(clips ? 6 : 60);
            BatchShape shape = clips ? BatchShape.Volume(b, c, l, 2 + random.NextInt(9), 2 + random.NextInt(9)) : BatchShape.Sequence(b, c, l);
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(l))];
            LambdaMode mode = (LambdaMode)(seed % 3);
            var transform = new GridMix(alpha: 0.5 + (seed % 4), mode: mode, pairing: mode == LambdaMode.Pair ? PairingStrategy.Permutation : PairingStrategy.Flip);
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            float[] batch = CodedSequences.Batch(shape, lengths);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);
            Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(lengths), $"seed {seed}: holes keep the sample's length");
            CodedSequences.AssertWeightsAreCountedAndPaddingIsNeverShown(plan, shape, lengths, output, $"seed {seed}, {mode}");
            CodedSequences.AssertInPlaceAndLabelMapsAgree(plan, shape, lengths, batch, output, $"seed {seed}, {mode}");
            mixed += Enumerable.Range(0, b).Count(i => plan.Sources(i).Length > 1);
        }

        Assert.That(mixed, Is.GreaterThan(300), "the sweep must mix");
    }

    [Test]
    public void AllEqualFullLengthsChangeNothing() => FullLengths.AssertChangeNothing(mode => new GridMix(mode: mode));

    [Test]
    public void AllEqualFullFrameCountsChangeNothing() => FullLengths.AssertChangeNothing(mode => new GridMix(mode: mode), BatchShape.Volume(9, 2, 40, 7, 6));
}
