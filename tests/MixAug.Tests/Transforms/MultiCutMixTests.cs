using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class MultiCutMixTests
{
    [Test]
    public void RejectsBadParametersByNameWithTheNumbers()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MultiCutMix(partners: 0))!.ParamName, Is.EqualTo("partners"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MultiCutMix(partners: 17))!.Message, Does.Contain("17").And.Contain("16"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MultiCutMix(alpha: 0))!.ParamName, Is.EqualTo("alpha"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MultiCutMix(probability: 1.5))!.ParamName, Is.EqualTo("probability"));
        // Lengths need a time axis: an image request with them is refused by name before MultiCutMix draws anything.
        var e = Assert.Throws<ArgumentException>(() => new MultiCutMix().CreatePlan(new MixRequest(new BatchShape(2, 1, 4, 5), new MixRandom(1), [3, 2])));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.Throws<ArgumentNullException>(() => new MultiCutMix().CreatePlan(null!));
    }

    [Test]
    public void DrawsFollowTheDocumentedOrder()
    {
        var shape = new BatchShape(5, 1, 12, 9);
        for (ulong seed = 0; seed < 30; seed++)
        {
            MixPlan plan = new MultiCutMix(partners: 3, alpha: 0.8).CreatePlan(shape, new MixRandom(seed));
            var replay = new MixRandom(seed);
            int[][] permutations = [.. Enumerable.Range(0, 3).Select(_ => Pairings.Create(PairingStrategy.Permutation, 5, replay, mutual: false))];
            for (int i = 0; i < 5; i++)
            {
                var expected = new List<(int Partner, int Top, int Left, int Bottom, int Right)>();
                for (int j = 0; j < 3; j++)
                {
                    double lambda = BetaSampler.Sample(replay, 0.8, 0.8);
                    int cutH = (int)(12 * Math.Sqrt(1 - lambda)), cutW = (int)(9 * Math.Sqrt(1 - lambda));
                    int cy = replay.NextInt(12), cx = replay.NextInt(9);
                    int top = Math.Clamp(cy - (cutH / 2), 0, 12), bottom = Math.Clamp(cy - (cutH / 2) + cutH, 0, 12);
                    int left = Math.Clamp(cx - (cutW / 2), 0, 9), right = Math.Clamp(cx - (cutW / 2) + cutW, 0, 9);
                    if (permutations[j][i] != i && bottom > top && right > left)
                    {
                        expected.Add((permutations[j][i], top, left, bottom, right));
                    }
                }

                if (expected.Count == 0)
                {
                    Assert.That(plan.Regions[i], Is.SameAs(MixRegion.Keep));
                    continue;
                }

                int[] sources = plan.Sources(i).ToArray();
                var tiles = ((TileRegion)plan.Regions[i]).Tiles;
                Assert.That(tiles.Select(t => (sources[t.Slot], t.Top, t.Left, t.Bottom, t.Right)), Is.EqualTo(expected), $"seed {seed}, sample {i}");
                Assert.That(sources, Is.Unique);
                Assert.That(sources[0], Is.EqualTo(i));
                Assert.That(sources.Skip(1), Has.None.EqualTo(i));
            }
        }
    }

    [Test]
    public void WeightsAreTheVisibleSharesCountedFromThePaintedTiles()
    {
        var random = new MixRandom(8);
        BatchShape[] shapes = [new(6, 1, 5, 9), new(7, 2, 1, 64), new(5, 1, 33, 17), BatchShape.Sequence(6, 1, 40), new(2, 1, 1, 1)];
        int multi = 0;
        foreach (BatchShape shape in shapes)
        {
            foreach (MultiCutMix t in new[] { new MultiCutMix(), new MultiCutMix(partners: 5, alpha: 0.3, probability: 0.8), new MultiCutMix(partners: 16) })
            {
                for (int trial = 0; trial < 30; trial++)
                {
                    MixPlan plan = t.CreatePlan(shape, random);
                    MixAssert.LambdasMatchRegions(plan);
                    for (int i = 0; i < plan.BatchSize; i++)
                    {
                        if (plan.Regions[i] is not TileRegion tiles)
                        {
                            Assert.That(plan.Sources(i).ToArray(), Is.EqualTo(new[] { i }));
                            continue;
                        }

                        int[] painted = new int[shape.PlaneSize];
                        foreach (Tile tile in tiles.Tiles)
                        {
                            for (int y = tile.Top; y < tile.Bottom; y++)
                            {
                                for (int x = tile.Left; x < tile.Right; x++)
                                {
                                    painted[(y * shape.Width) + x] = tile.Slot;
                                }
                            }
                        }

                        double[] weights = plan.Weights(i).ToArray();
                        multi += weights.Length > 2 ? 1 : 0;
                        for (int slot = 0; slot < weights.Length; slot++)
                        {
                            double counted = (double)painted.Count(s => s == slot) / shape.PlaneSize;
                            Assert.That(weights[slot], Is.EqualTo(counted).Within(1e-15), $"{shape} sample {i} slot {slot}");
                        }

                        Assert.That(weights.Sum(), Is.EqualTo(1.0).Within(1e-12));
                    }
                }
            }
        }

        Assert.That(multi, Is.GreaterThan(500), "most samples take more than one partner");
    }

    [Test]
    public void MixesLikeTheReferenceInPlaceAndOutOfPlaceForAnyPartCount()
    {
        var shape = new BatchShape(9, 3, 17, 14);
        for (ulong seed = 1; seed <= 4; seed++)
        {
            MixPlan plan = new MultiCutMix(partners: 1 + (int)seed).CreatePlan(shape, new MixRandom(seed));
            PartCounts.AssertMixesLikeTheReference(plan, shape, seed);
        }
    }

    [Test]
    public void ClipsTakeTheImageBoxesOnEveryFrameForAnyPartCount()
    {
        // The boxes are drawn over H×W from the same stream as an image's, so a clip plan's tiles and weights are the
        // image plan's; the clip is mixed like the reference, which also checks the weights against the tiles over the
        // volume, and every frame of a sample·channel shows, pixel by pixel, the source frame 0 shows.
        var clip = BatchShape.Volume(7, 2, 4, 19, 23);
        int frame = 19 * 23;
        for (ulong seed = 1; seed <= 4; seed++)
        {
            (MixPlan plan, _) = ClipPlans.AssertLikeTheImagePlan(new MultiCutMix(partners: 1 + (int)seed, probability: 0.9), clip, seed);

            // Source addresses: element e of sample s holds s·N + e, so the output says which sample and element it shows.
            int n = clip.SampleSize;
            float[] addresses = [.. Enumerable.Range(0, clip.BatchSize * n).Select(a => (float)a)];
            var output = new float[addresses.Length];
            CpuMixer.Apply(plan, addresses, output);
            for (int i = 0; i < clip.BatchSize; i++)
            {
                for (int at = i * n; at < (i + 1) * n; at++)
                {
                    int from = (int)output[at], within = at - (i * n), t = within / frame % 4;
                    int firstFrame = (int)output[at - (t * frame)];
                    Assert.That(from % n, Is.EqualTo(within), $"seed {seed}, sample {i}: tiles do not move elements");
                    Assert.That(from / n, Is.EqualTo(firstFrame / n), $"seed {seed}, sample {i}, element {within}: frame {t} shows frame 0's source");
                }
            }
        }
    }

    [Test]
    public void PlansRoundTripThroughJson()
    {
        MixPlan plan = new MultiCutMix(partners: 4, probability: 0.9).CreatePlan(new BatchShape(9, 3, 31, 29), new MixRandom(3));
        string json = MixPlanJson.Serialize(plan);
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        for (int i = 0; i < plan.BatchSize; i++)
        {
            Assert.That(back.Sources(i).ToArray(), Is.EqualTo(plan.Sources(i).ToArray()));
            Assert.That(back.Weights(i).ToArray(), Is.EqualTo(plan.Weights(i).ToArray()));
        }

        MixAssert.LambdasMatchRegions(back);
    }
}
