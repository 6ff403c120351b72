using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Tests.Regions;

public class SoftBoxRegionTests
{
    /// <summary>
    /// The mean sums each pair of row and column distances once, in vectors, and stops where the weights become 1:
    /// checked against the integer sum of every weight written from the formula here, for every width from 1 to 40
    /// (each remainder of the vector widths), boxes at the edges and inside, and fall-offs from nearly hard to nearly flat.
    /// </summary>
    [Test]
    public void MeanIsTheExactMeanOfTheWeightsForEveryWidth()
    {
        var random = new MixRandom(5);
        foreach (double sigma in new[] { 0.3, 2.0, 9.0, 1e4 })
        {
            for (int width = 1; width <= 40; width++)
            {
                int height = 1 + random.NextInt(12);
                var spatial = new SpatialShape(height, width);
                int top = random.NextInt(height), left = random.NextInt(width);
                int bottom = top + 1 + random.NextInt(height - top), right = left + 1 + random.NextInt(width - left);
                var box = new SoftBoxRegion(spatial, top, left, bottom, right, sigma);
                long sum = 0;
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        double dy = y < top ? top - y : y >= bottom ? y - (bottom - 1) : 0;
                        double dx = x < left ? left - x : x >= right ? x - (right - 1) : 0;
                        float gy = (float)Math.Exp(-(dy * dy) / (2 * sigma * sigma));
                        float gx = (float)Math.Exp(-(dx * dx) / (2 * sigma * sigma));
                        sum += (long)((1f - (gy * gx)) * 16777216.0);
                    }
                }

                Assert.That(box.Mean, Is.EqualTo(sum / (16777216.0 * spatial.Size)), $"{box} over {spatial}");
            }
        }
    }
}
