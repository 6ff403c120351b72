using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;

namespace MixAug.Tests.Cpu;

/// <summary>
/// The CPU mixer's soft boxes (weights from the shared fall-off table) against the element-by-element reference written
/// from the formula's raster, on wide planes and sequences, with fall-offs so narrow that most rows and columns are the
/// sample's own and so wide that none is, in place and not, around cycles of two and of the whole batch, for any
/// number of parts, float32 and uint8.
/// </summary>
public class SoftBoxMixingTests
{
    [TestCase(7, 1100, 0.7)]   // narrow: far rows and columns keep their own elements
    [TestCase(7, 1100, 300.0)] // wide: every element blends
    [TestCase(1, 1500, 40.0)]  // a sequence
    [TestCase(5, 513, 3.0)]
    [TestCase(9, 17, 1.5)]
    public void MixesLikeTheReference(int height, int width, double sigma)
    {
        var random = new MixAug.Randomness.MixRandom((ulong)(height * width));
        var shape = new BatchShape(5, 2, height, width);
        foreach (int[] partners in new[] { new[] { 4, 3, 2, 1, 0 }, new[] { 1, 2, 3, 4, 0 } })
        {
            var regions = new MixRegion[5];
            var lambdas = new double[5];
            for (int i = 0; i < 5; i++)
            {
                if (partners[i] == i)
                {
                    regions[i] = MixRegion.Keep;
                    lambdas[i] = 1;
                    continue;
                }

                int top = random.NextInt(height), left = random.NextInt(width);
                int bottom = top + 1 + random.NextInt(height - top), right = left + 1 + random.NextInt(Math.Min(width - left, 40));
                var box = new SoftBoxRegion(shape.Spatial, top, left, bottom, right, sigma);
                regions[i] = box;
                lambdas[i] = box.Mean;
            }

            var plan = new MixPlan(shape.Spatial, partners, lambdas, regions);
            float[] input = TestBatches.RandomBatch(shape, 3);
            float[] expected = GeneralPlanTests.Reference(plan, input);
            PartCounts.AssertMixes(plan, input, expected, [1, 2, 5], TestBatches.RandomBytes(shape, 3));
            MixAssert.PixelsFollowPlan(plan, input, expected);
        }
    }

    [Test]
    public void ElementsAwayFromTheBoxAreTheSamplesOwnBitForBit()
    {
        // −0 and NaN survive only where the weight is exactly 1 and the element is copied, not multiplied.
        var shape = new BatchShape(2, 1, 40, 40);
        var box = new SoftBoxRegion(shape.Spatial, 0, 0, 2, 2, 1.0);
        var plan = new MixPlan(shape.Spatial, [1, 0], [box.Mean, box.Mean], [box, box]);
        float[] input = TestBatches.RandomBatch(shape, 9);
        input[39 * 40] = -0f;
        input[(39 * 40) + 39] = float.NaN;
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        Assert.That(BitConverter.SingleToInt32Bits(output[39 * 40]), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)));
        Assert.That(output[(39 * 40) + 39], Is.NaN);
        Assert.That(output[1600 + 0], Is.EqualTo(input[0]), "inside the box the partner's element");
    }
}
