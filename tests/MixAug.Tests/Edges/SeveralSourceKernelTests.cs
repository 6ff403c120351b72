using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Tests.Edges;

/// <summary>
/// The CPU mixer's general path (samples with more than two sources) against the scalar definition, element by
/// element. The planted-defect campaign of issue 11 paired the third and later sources with the previous slot's weight
/// and no kernel test noticed (only a MixAssert test that used the mixer as its reference did): the kernel tests held
/// pairwise plans only.
/// </summary>
public class SeveralSourceKernelTests
{
    [TestCase(3, false)]
    [TestCase(4, true)]
    [TestCase(5, false)]
    [TestCase(5, true)]
    public void BlendsOfSeveralSourcesAreTheRunningSumInSlotOrder(int sourceCount, bool inPlace)
    {
        var shape = new BatchShape(6, 2, 3, 7);
        var random = new MixRandom((ulong)(sourceCount * 10) + (inPlace ? 1UL : 0));
        var recipes = new SampleRecipe[shape.BatchSize];
        for (int i = 0; i < shape.BatchSize; i++)
        {
            int[] sources = [i, .. Enumerable.Range(1, sourceCount - 1).Select(k => (i + k + random.NextInt(2)) % shape.BatchSize)];
            double[] raw = [.. Enumerable.Range(0, sourceCount).Select(_ => 0.05 + random.NextDouble())];
            double[] weights = [.. raw.Select(w => w / raw.Sum())];
            weights[0] = 1.0 - weights.Skip(1).Sum(); // exactly 1 in double, as a plan demands
            recipes[i] = new SampleRecipe(sources, weights, MixRegion.Blend);
        }

        var plan = new MixPlan(shape.Spatial, recipes);
        float[] input = Support.TestBatches.RandomBatch(shape, 99);
        float[] output = Apply(plan, input, inPlace);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            for (int e = 0; e < shape.SampleSize; e++)
            {
                float expected = (input[(sources[0] * shape.SampleSize) + e] * (float)weights[0]) + (input[(sources[1] * shape.SampleSize) + e] * (float)weights[1]);
                for (int k = 2; k < sources.Length; k++)
                {
                    expected += input[(sources[k] * shape.SampleSize) + e] * (float)weights[k];
                }

                Assert.That(output[(i * shape.SampleSize) + e], Is.EqualTo(expected), $"sample {i}, element {e}");
            }
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TilesOfSeveralSourcesCopyTheLastCoveringTilesSource(bool inPlace)
    {
        var shape = new BatchShape(4, 3, 6, 8);
        var recipes = new SampleRecipe[4];
        for (int i = 0; i < 4; i++)
        {
            var tiles = new TileRegion([new Tile(1, 0, 0, 4, 5), new Tile(3, 2, 3, 6, 8), new Tile(2, 1, i, 3, i + 2), new Tile(0, 5, 0, 6, 1)]);
            var shares = new double[4];
            tiles.MeasureShares(shape.Spatial, [1, 0, 0, 0], shares);
            recipes[i] = new SampleRecipe([i, (i + 1) % 4, (i + 2) % 4, (i + 3) % 4], shares, tiles);
        }

        var plan = new MixPlan(shape.Spatial, recipes);
        float[] input = Support.TestBatches.RandomBatch(shape, 7);
        float[] output = Apply(plan, input, inPlace);
        for (int i = 0; i < 4; i++)
        {
            var tiles = (TileRegion)plan.Regions[i];
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int e = 0; e < shape.PlaneSize; e++)
                {
                    int source = plan.Sources(i)[tiles.SlotAt(shape.Spatial, e)];
                    int offset = (c * shape.PlaneSize) + e;
                    Assert.That(output[(i * shape.SampleSize) + offset], Is.EqualTo(input[(source * shape.SampleSize) + offset]), $"sample {i}, channel {c}, element {e}");
                }
            }
        }
    }

    [Test]
    public void Uint8RefusesBlendsOfMoreThanTwoSourcesBeforeWriting()
    {
        var plan = new MixPlan(new SpatialShape(2, 2), [new SampleRecipe([0, 1, 2], [0.5, 0.25, 0.25], MixRegion.Blend), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]);
        byte[] batch = [.. Enumerable.Range(0, 12).Select(v => (byte)v)];
        var e = Assert.Throws<ArgumentException>(() => CpuMixer.ApplyInPlace(plan, batch));
        Assert.That(e!.ParamName, Is.EqualTo("plan"));
        Assert.That(e.Message, Does.Contain("Sample 0 blends 3 sources"));
        Assert.That(batch, Is.EqualTo(Enumerable.Range(0, 12).Select(v => (byte)v).ToArray()));
    }

    private static float[] Apply(MixPlan plan, float[] input, bool inPlace)
    {
        if (inPlace)
        {
            float[] batch = [.. input];
            CpuMixer.ApplyInPlace(plan, batch);
            return batch;
        }

        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        return output;
    }
}
