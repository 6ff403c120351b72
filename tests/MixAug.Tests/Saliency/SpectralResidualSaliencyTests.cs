using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;
using NUnit.Framework;

namespace MixAug.Tests.Saliency;

public class SpectralResidualSaliencyTests
{
    /// <summary>Three channels of faint noise around 0.5 with a bright Gaussian blob (σ = 4 px) at (cy, cx).</summary>
    internal static float[] BlobImage(BatchShape shape, int cy, int cx, ulong seed)
    {
        var random = new MixRandom(seed);
        int plane = shape.PlaneSize;
        var image = new float[shape.SampleSize];
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int y = 0; y < shape.Height; y++)
            {
                for (int x = 0; x < shape.Width; x++)
                {
                    double d2 = ((y - cy) * (y - cy)) + ((x - cx) * (x - cx));
                    image[(c * plane) + (y * shape.Width) + x] = (float)(0.45 + (0.1 * random.NextDouble()) + (0.5 * Math.Exp(-d2 / 32.0)));
                }
            }
        }

        return image;
    }

    [TestCase(224, 224, 60, 170)]
    [TestCase(224, 224, 150, 40)]
    [TestCase(96, 128, 30, 90)]
    [TestCase(40, 16, 25, 8)]
    public void PeakIsOnTheBrightBlob(int h, int w, int cy, int cx)
    {
        var shape = new BatchShape(1, 3, h, w);
        float[] image = BlobImage(shape, cy, cx, 5);
        var map = new float[shape.PlaneSize];
        SpectralResidualSaliency.Default.ComputeMap(shape, image, map);
        int peak = SpectralResidualSaliency.ArgMax(map);
        // One cell of the 64 grid spans up to 3.5 px at 224 and the blob is 4 px wide: allow 8 px.
        Assert.That(Math.Abs((peak / w) - cy), Is.LessThanOrEqualTo(8), $"peak row {peak / w}");
        Assert.That(Math.Abs((peak % w) - cx), Is.LessThanOrEqualTo(8), $"peak column {peak % w}");
        Assert.That(map.All(v => v >= 0f && v <= 1f), Is.True);
        // The grid map is normalised to [0, 1]; bilinear samples between grid nodes may stay a little below 1.
        Assert.That(map.Max(), Is.GreaterThan(0.9f));
    }

    [TestCase(0.37f)]
    [TestCase(2f)]
    [TestCase(5f)]
    [TestCase(1000f)]
    public void PeakIsInvariantToBrightnessScaling(float factor)
    {
        var shape = new BatchShape(1, 3, 224, 224);
        float[] image = BlobImage(shape, 100, 31, 9);
        var map = new float[shape.PlaneSize];
        SpectralResidualSaliency.Default.ComputeMap(shape, image, map);
        int peak = SpectralResidualSaliency.ArgMax(map);
        float[] scaled = [.. image.Select(v => v * factor)];
        var scaledMap = new float[shape.PlaneSize];
        SpectralResidualSaliency.Default.ComputeMap(shape, scaled, scaledMap);
        Assert.That(SpectralResidualSaliency.ArgMax(scaledMap), Is.EqualTo(peak));
        for (int i = 0; i < map.Length; i++)
        {
            Assert.That(scaledMap[i], Is.EqualTo(map[i]).Within(1e-4));
        }
    }

    [Test]
    public void ConstantImageGivesAFiniteAllZeroMap()
    {
        var shape = new BatchShape(1, 2, 30, 50);
        var image = Enumerable.Repeat(0.7f, shape.SampleSize).ToArray();
        var map = new float[shape.PlaneSize];
        map.AsSpan().Fill(float.NaN);
        SpectralResidualSaliency.Default.ComputeMap(shape, image, map);
        Assert.That(map, Is.All.EqualTo(0f));
        Assert.That(SpectralResidualSaliency.ArgMax(map), Is.Zero);
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var shape = new BatchShape(2, 3, 8, 8);
        var wrong = Assert.Throws<ArgumentException>(() => SpectralResidualSaliency.Default.ComputeMap(shape, new float[100], new float[64]));
        Assert.That(wrong!.ParamName, Is.EqualTo("sample"));
        Assert.That(wrong.Message, Does.Contain("100").And.Contain("192"));
        var volume = Assert.Throws<ArgumentException>(() => SpectralResidualSaliency.Default.ComputeMap(BatchShape.Volume(1, 1, 2, 8, 8), new float[128], new float[128]));
        Assert.That(volume!.ParamName, Is.EqualTo("shape"));
        Assert.That(volume.Message, Does.Contain("spatial rank 3"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralResidualSaliency(resolution: 3))!.ParamName, Is.EqualTo("resolution"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralResidualSaliency(blurSigma: 0))!.ParamName, Is.EqualTo("blurSigma"));
    }
}
