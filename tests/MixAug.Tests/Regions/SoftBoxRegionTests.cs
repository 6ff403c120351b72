using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Tests.Regions;

public class SoftBoxRegionTests
{
    /// <summary>
    /// The mean sums each pair of row and column distances once, in vectors, and stops where the weights become 1:
    /// checked against the integer sum of every weight written from the formula here, for every width from 1 to 40
    /// (each remainder of the vector widths) and wide planes, boxes at the edges and inside, and fall-offs from nearly
    /// hard to nearly flat.
    /// </summary>
    [Test]
    public void MeanIsTheExactMeanOfTheWeightsForEveryWidth()
    {
        var random = new MixRandom(5);
        // Widths 1-40 give every remainder of the vector widths; the wide planes with σ = 5 reach rows and columns where
        // whole vectors of weights are exactly 1 (g(25)·g(16) < 2^-25), where the sum stops early.
        (double Sigma, int Width, int MaxHeight)[] cases = [
            .. new[] { 0.3, 2.0, 9.0, 1e4 }.SelectMany(s => Enumerable.Range(1, 40).Select(w => (s, w, 12))),
            .. Enumerable.Range(0, 12).Select(k => (5.0, 180 + (7 * k), 70))];
        foreach ((double sigma, int width, int maxHeight) in cases)
        {
            int height = 1 + random.NextInt(maxHeight);
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
