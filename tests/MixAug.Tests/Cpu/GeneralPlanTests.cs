using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Cpu;

/// <summary>
/// Plans beyond pairwise permutations (several sources per sample, repeated partners, tiles) and plans applied to
/// tensors other than images (uint8 label maps, [B, D] feature vectors), each against an element-by-element
/// reference written here.
/// </summary>
public class GeneralPlanTests
{
    /// <summary>A random plan mixing keeps, K-source blends, tiles of several sources, and pairwise boxes and masks.</summary>
    internal static MixPlan RandomGeneralPlan(BatchShape shape, ulong seed)
    {
        var random = new MixRandom(seed);
        int b = shape.BatchSize;
        SpatialShape spatial = shape.Spatial;
        var samples = new SampleRecipe[b];
        for (int i = 0; i < b; i++)
        {
            int k = 2 + random.NextInt(3);
            int[] sources = [i, .. Enumerable.Range(0, k - 1).Select(_ => random.NextInt(b))];
            if (sources.Skip(1).Contains(i))
            {
                samples[i] = SampleRecipe.Unmixed(i);
                continue;
            }

            switch (random.NextInt(4))
            {
                case 0:
                    double[] raw = [.. Enumerable.Range(0, k).Select(_ => 0.1 + random.NextDouble())];
                    double total = raw.Sum();
                    double[] weights = [.. raw.Select(w => w / total)];
                    weights[^1] = 1 - weights.Take(k - 1).Sum();
                    samples[i] = new SampleRecipe(sources, weights, MixRegion.Blend);
                    break;
                case 1:
                    var tiles = new TileRegion([.. Enumerable.Range(1, k - 1).Select(slot =>
                    {
                        int top = random.NextInt(spatial.Height), left = random.NextInt(spatial.Width);
                        return new Tile(slot, top, left, top + 1 + random.NextInt(spatial.Height - top), left + 1 + random.NextInt(spatial.Width - left));
                    })]);
                    var shares = new double[k];
                    tiles.MeasureShares(spatial, new double[k], shares);
                    samples[i] = new SampleRecipe(sources, shares, tiles);
                    break;
                case 2:
                    var box = new BoxRegion(0, 0, 1 + random.NextInt(spatial.Height), 1 + random.NextInt(spatial.Width));
                    double own = box.OwnShare(spatial, 0);
                    samples[i] = new SampleRecipe(sources.Take(2).ToArray(), [own, 1 - own], box);
                    break;
                default:
                    var noise = new FourierNoise(spatial, 3, random.NextUInt64());
                    var mask = new FourierMaskRegion(noise, random.NextInt(spatial.Size + 1), 0.2);
                    samples[i] = new SampleRecipe(sources.Take(2).ToArray(), [mask.Mean, 1 - mask.Mean], mask);
                    break;
            }
        }

        return new MixPlan(spatial, samples, "General");
    }

    /// <summary>The expected output element by element, from the recipe's definition (float32 arithmetic as documented).</summary>
    internal static float[] Reference(MixPlan plan, float[] input)
    {
        int b = plan.BatchSize, sampleSize = input.Length / b, plane = plan.IsUniform && sampleSize % plan.Spatial.Size != 0 ? sampleSize : plan.Spatial.Size;
        var output = new float[input.Length];
        for (int i = 0; i < b; i++)
        {
            int[] sources = plan.Sources(i).ToArray();
            float[] w = [.. plan.Weights(i).ToArray().Select(v => (float)v)];
            MixRegion region = plan.Regions[i];
            byte[]? slots = region is TileRegion or BoxRegion or KeepRegion ? new byte[plan.Spatial.Size] : null;
            float[]? own = region is FourierMaskRegion or MaskRegion or SaliencyMaskRegion or SoftBoxRegion ? new float[plan.Spatial.Size] : null;
            if (slots is not null)
            {
                RegionRasterizer.WriteSlots(region, plan.Spatial, slots);
            }

            if (own is not null)
            {
                RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[i], own);
            }

            for (int offset = 0; offset < sampleSize; offset++)
            {
                int e = offset % plane;
                float At(int slot) => input[(sources[slot] * sampleSize) + offset];
                output[(i * sampleSize) + offset] = region switch
                {
                    BlendRegion => sources.Skip(2).Select((_, k) => k + 2).Aggregate((At(0) * w[0]) + (At(1) * w[1]), (sum, k) => sum + (At(k) * w[k])),
                    _ when own is not null => (At(0) * own[e]) + (At(1) * (1f - own[e])),
                    _ => At(slots![e]),
                };
            }
        }

        return output;
    }

    [TestCase(6, 2, 9, 7, 1ul)]
    [TestCase(11, 3, 16, 16, 2ul)]
    [TestCase(5, 1, 1, 40, 3ul)]
    [TestCase(2, 4, 3, 3, 4ul)]
    public void GeneralPlansMatchTheReferenceInPlaceAndOutOfPlaceForAnyPartCount(int b, int c, int h, int w, ulong seed)
    {
        var shape = new BatchShape(b, c, h, w);
        MixPlan plan = RandomGeneralPlan(shape, seed);
        float[] input = TestBatches.RandomBatch(shape, seed + 100);
        float[] expected = Reference(plan, input);
        PartCounts.AssertMixes(plan, input, expected, [1, 2, 3, 7]);

        MixAssert.PixelsFollowPlan(plan, input, expected);
    }

    /// <summary>
    /// Past 4 MB the in-place snapshot is copied in as many slices as parts. Two different batches one after the
    /// other, each mixed in place on 1 to 3 threads, give the out-of-place bits: a slice left uncopied would hold the
    /// previous batch's elements (the snapshot is a pooled array), which the second batch would show.
    /// </summary>
    [TestCase(2)]
    [TestCase(3)]
    public void InPlaceSnapshotsCopiedInSlicesHoldEachBatchsOwnElements(int threads)
    {
        var shape = new BatchShape(12, 3, 180, 181); // 4.7 MB
        var configuration = new MixConfiguration(maxDegreeOfParallelism: threads);
        MixPlan plan = new MultiCutMix(partners: 2).CreatePlan(shape, new MixRandom(5));
        foreach (ulong seed in new ulong[] { 6, 7, 8 })
        {
            float[] input = TestBatches.RandomBatch(shape, seed), expected = new float[input.Length];
            CpuMixer.Apply(plan, input, expected, configuration);
            CpuMixer.ApplyInPlace(plan, input, configuration);
            Assert.That(input, Is.EqualTo(expected), $"batch of seed {seed}, {threads} threads");
        }
    }

    /// <summary>
    /// Pairwise plans with tiles: partner-only grids are walked around the permutation's cycles like boxes (the last
    /// sample of a roll reads the first one's saved tile rows), and a tile that repaints the sample's own elements over
    /// the partner's sends the plan through the snapshot, where own tiles are painted in their turn (they were skipped
    /// before, which no test noticed: the random general plans had partner tiles only); all agree with the reference.
    /// </summary>
    [TestCase(PairingStrategy.Roll, false)]
    [TestCase(PairingStrategy.Flip, false)]
    [TestCase(PairingStrategy.Roll, true)]
    public void PairwiseTilePlansMatchTheReferenceInPlace(PairingStrategy pairing, bool ownRepaint)
    {
        var shape = new BatchShape(5, 2, 11, 13);
        var random = new MixRandom(9);
        int[] partners = Pairings.Create(pairing, shape.BatchSize, random, mutual: false);
        var regions = new MixRegion[shape.BatchSize];
        var lambdas = new double[shape.BatchSize];
        for (int i = 0; i < shape.BatchSize; i++)
        {
            if (partners[i] == i)
            {
                (regions[i], lambdas[i]) = (MixRegion.Keep, 1.0); // the middle sample of an odd flip
                continue;
            }

            var tiles = new List<Tile>();
            for (int k = 0; k < 1 + random.NextInt(6); k++)
            {
                int top = random.NextInt(11), left = random.NextInt(13);
                tiles.Add(new Tile(1, top, left, top + 1 + random.NextInt(11 - top), left + 1 + random.NextInt(13 - left)));
            }

            if (ownRepaint && i == 2)
            {
                tiles.Add(new Tile(0, 0, 0, 11, 6));
            }

            regions[i] = new TileRegion(tiles);
            lambdas[i] = regions[i].OwnShare(shape.Spatial, 0);
        }

        var plan = new MixPlan(shape.Spatial, partners, lambdas, regions);
        float[] input = TestBatches.RandomBatch(shape, 4);
        float[] expected = Reference(plan, input);
        PartCounts.AssertMixes(plan, input, expected, [1, 3]);
    }

    [Test]
    public void RepeatedPartnersAreMixedFromTheOriginalPixelsInPlace()
    {
        // Every sample takes from sample 0: in place, sample 0 must be read before it is overwritten.
        var shape = new BatchShape(4, 2, 3, 3);
        var plan = new MixPlan(shape.Spatial, [1, 0, 0, 0], [0.25, 0.5, 0.5, 0.5], [MixRegion.Blend, MixRegion.Blend, MixRegion.Blend, MixRegion.Blend]);
        float[] input = TestBatches.RandomBatch(shape, 5);
        float[] expected = Reference(plan, input);
        float[] batch = (float[])input.Clone();
        CpuMixer.ApplyInPlace(plan, batch);
        Assert.That(batch, Is.EqualTo(expected));
    }

    [Test]
    public void UInt8BatchesRefuseBlendsOfManySourcesBeforeWriting()
    {
        var shape = new BatchShape(3, 1, 2, 2);
        var plan = new MixPlan(shape.Spatial, [new SampleRecipe([0, 1, 2], [0.5, 0.25, 0.25], MixRegion.Blend), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]);
        byte[] batch = [.. Enumerable.Range(0, 12).Select(i => (byte)i)];
        var e = Assert.Throws<ArgumentException>(() => CpuMixer.ApplyInPlace(plan, batch));
        Assert.That(e!.ParamName, Is.EqualTo("plan"));
        Assert.That(e.Message, Does.Contain("Sample 0 blends 3 sources"));
        Assert.That(batch, Is.EqualTo(Enumerable.Range(0, 12).Select(i => (byte)i).ToArray()));
    }

    [Test]
    public void LabelsOfSeveralSourcesUseThePlansWeights()
    {
        var shape = new BatchShape(4, 1, 4, 4);
        var tiles = new TileRegion([new Tile(1, 0, 0, 2, 4), new Tile(2, 2, 0, 3, 4)]);
        var shares = new double[3];
        tiles.MeasureShares(shape.Spatial, new double[3], shares);
        Assert.That(shares, Is.EqualTo(new[] { 0.25, 0.5, 0.25 }));
        var plan = new MixPlan(shape.Spatial, [new SampleRecipe([0, 1, 2], shares, tiles), new SampleRecipe([1, 3, 3], [0.5, 0.3, 0.2], MixRegion.Blend), SampleRecipe.Unmixed(2), SampleRecipe.Unmixed(3)]);
        MixAssert.LambdasMatchRegions(plan);
        int[] labels = [0, 1, 2, 1];
        float[] targets = LabelMixer.ToSoftTargets(plan, labels, classCount: 3, smoothing: 0.1);
        // Sample 0: classes 0, 1, 2 with 0.25, 0.5, 0.25, smoothed: (1 - 0.1)·w + 0.1/3 in slot order of the sources.
        double on = 0.9 + (0.1 / 3), off = 0.1 / 3;
        Assert.That(targets[0], Is.EqualTo((float)((0.25 * on) + (0.5 * off) + (0.25 * off))));
        Assert.That(targets[1], Is.EqualTo((float)((0.25 * off) + (0.5 * on) + (0.25 * off))));
        // Sample 1: its own class 1 and two sources of class 1: every source has class 1, so exactly `on`.
        Assert.That(targets[3 + 1], Is.EqualTo((float)on));
        Assert.That(targets[3 + 0], Is.EqualTo((float)off));
        MixAssert.TargetsFollowPlan(plan, labels, 3, targets, smoothing: 0.1);
        for (int i = 0; i < 4; i++)
        {
            Assert.That(targets.Skip(3 * i).Take(3).Sum(v => (double)v), Is.EqualTo(1).Within(1e-6));
        }

        Assert.That(Assert.Throws<ArgumentException>(() => LabelMixer.ToCompact(plan, labels, 3))!.Message, Does.Contain("up to 3 sources"));

        var wrong = new MixPlan(shape.Spatial, [new SampleRecipe([0, 1, 2], [0.5, 0.25, 0.25], tiles), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2), SampleRecipe.Unmixed(3)]);
        Assert.Throws<MixInvariantException>(() => MixAssert.LambdasMatchRegions(wrong));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AUInt8LabelMapFollowsTheSourceOfEveryPixel(bool fmix)
    {
        // Images and their label maps mixed by one plan: each output pixel's label is the label of the pixel it shows.
        var images = new BatchShape(6, 3, 12, 10);
        IMixTransform transform = fmix
            ? new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, pairing: PairingStrategy.Permutation)
            : new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation);
        MixPlan plan = transform.CreatePlan(images, new MixRandom(9));
        int plane = images.PlaneSize;
        // Pixel values identify (sample, element) exactly; labels are a class per pixel.
        float[] pixels = [.. Enumerable.Range(0, images.ElementCount).Select(k => (float)((k / images.SampleSize * plane) + (k % plane)))];
        byte[] labels = [.. Enumerable.Range(0, 6 * plane).Select(k => (byte)((k * 7) % 19))];
        float[] mixedPixels = (float[])pixels.Clone();
        byte[] mixedLabels = (byte[])labels.Clone();
        CpuMixer.ApplyInPlace(plan, mixedPixels);
        CpuMixer.ApplyInPlace(plan, mixedLabels); // [B, H, W]: one "channel"
        for (int i = 0; i < 6; i++)
        {
            for (int e = 0; e < plane; e++)
            {
                int shown = (int)mixedPixels[(i * images.SampleSize) + e]; // channel 0
                Assert.That(mixedLabels[(i * plane) + e], Is.EqualTo(labels[shown]), $"sample {i} element {e}");
            }
        }
    }

    [Test]
    public void ABlendPlanMixesFeatureVectorsOfAnyLength()
    {
        var images = new BatchShape(5, 3, 8, 8);
        MixPlan plan = new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Roll).CreatePlan(images, new MixRandom(4));
        const int d = 37; // [B, D]: not a multiple of the 8x8 plane
        float[] features = TestBatches.RandomBatch(new BatchShape(5, 1, 1, d), 3);
        var mixed = new float[features.Length];
        CpuMixer.Apply(plan, features, mixed);
        for (int i = 0; i < 5; i++)
        {
            int p = plan.Partners[i];
            for (int k = 0; k < d; k++)
            {
                float expected = (features[(i * d) + k] * (float)plan.Lambdas[i]) + (features[(p * d) + k] * (float)(1.0 - plan.Lambdas[i]));
                Assert.That(mixed[(i * d) + k], Is.EqualTo(expected));
            }
        }

        MixAssert.PixelsFollowPlan(plan, features, mixed);
        MixPlan boxes = new CutMix(mode: LambdaMode.Element).CreatePlan(images, new MixRandom(4));
        Assert.That(Assert.Throws<ArgumentException>(() => CpuMixer.Apply(boxes, features, mixed))!.Message, Does.Contain("8x8"));
    }

    [Test]
    public void ResultsDoNotDependOnTheConfiguration()
    {
        var shape = new BatchShape(16, 3, 24, 24);
        MixPlan plan = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, maxSoft: 0.1).CreatePlan(shape, new MixRandom(8));
        float[] input = TestBatches.RandomBatch(shape, 1);
        var a = new float[input.Length];
        var b = new float[input.Length];
        CpuMixer.Apply(plan, input, a);
        CpuMixer.Apply(plan, input, b, new MixConfiguration(maxDegreeOfParallelism: 1, cacheCapacity: 1));
        Assert.That(b, Is.EqualTo(a));
        MixAssert.PixelsFollowPlan(plan, input, a);
    }

    /// <summary>
    /// Ranked masks take three routes: rasterised cycle by cycle inside each part (a noise per sample, short cycles),
    /// all at once before the walk (a noise shared by the batch, or long cycles), or from the general path (repeated
    /// partners). Each must give the reference's bits for any number of parts, in place and out of place.
    /// </summary>
    [TestCase(MaskGranularity.PerGroup, PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(MaskGranularity.PerGroup, PairingStrategy.Permutation, LambdaMode.Pair)]
    [TestCase(MaskGranularity.PerBatch, PairingStrategy.Flip, LambdaMode.Element)]
    [TestCase(MaskGranularity.PerGroup, PairingStrategy.Permutation, LambdaMode.Element)]
    [TestCase(MaskGranularity.PerGroup, PairingStrategy.Roll, LambdaMode.Element)]
    public void RankedMasksGiveTheSameBitsOnEveryRoute(MaskGranularity granularity, PairingStrategy pairing, LambdaMode mode)
    {
        var shape = new BatchShape(13, 2, 20, 18);
        MixPlan plan = new FMix(mode: mode, pairing: pairing, granularity: granularity, maxSoft: 0.15).CreatePlan(shape, new MixRandom(21));
        float[] input = TestBatches.RandomBatch(shape, 22);
        float[] expected = Reference(plan, input);
        PartCounts.AssertMixes(plan, input, expected, [1, 2, 3, 8], bytes: [.. input.Select(v => (byte)(v * 255))]);
    }
}
