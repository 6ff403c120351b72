using MixAug.ImageSharp.Tests.Support;
using MixAug.Planning;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests;

public class ImageBatchTests
{
    [Test]
    public void Uint8RoundTripIsLossless()
    {
        using Image<Rgb24> a = TestFiles.Noise(17, 11, seed: 1);
        using Image<Rgb24> b = TestFiles.Noise(17, 11, seed: 2);
        var format = new BatchFormat(17, 11);
        byte[] batch = ImageBatch.ToBytes([a, b], format);
        BatchShape shape = format.ShapeFor(2);

        Assert.That(batch, Has.Length.EqualTo(2 * 3 * 11 * 17));
        using Image<Rgb24> a2 = ImageBatch.ToImage(batch, shape, 0);
        using Image<Rgb24> b2 = ImageBatch.ToImage(batch, shape, 1);
        Assert.That(Pixels(a2), Is.EqualTo(Pixels(a)));
        Assert.That(Pixels(b2), Is.EqualTo(Pixels(b)));
    }

    [Test]
    public void Uint8BatchIsPlanarRgb()
    {
        using Image<Rgb24> image = TestFiles.Noise(3, 2, seed: 5);
        byte[] batch = ImageBatch.ToBytes([image], new BatchFormat(3, 2));
        Rgb24 p = image[2, 1]; // x 2, y 1 -> plane index 1 * 3 + 2 = 5
        Assert.That(new[] { batch[5], batch[6 + 5], batch[12 + 5] }, Is.EqualTo(new[] { p.R, p.G, p.B }));
    }

    [Test]
    public void FloatRoundTripIsLosslessAndInUnitRange()
    {
        using Image<Rgb24> image = TestFiles.Noise(9, 7, seed: 3);
        var format = new BatchFormat(9, 7);
        float[] batch = ImageBatch.ToFloats([image], format);
        Assert.That(batch, Has.All.InRange(0f, 1f));
        using Image<Rgb24> back = ImageBatch.ToImage(batch, format.ShapeFor(1), 0);
        Assert.That(Pixels(back), Is.EqualTo(Pixels(image)));
    }

    [Test]
    public void EveryByteSurvivesFloatConversion()
    {
        for (int v = 0; v < 256; v++)
        {
            Assert.That(ImageBatch.ToByte(v / 255f), Is.EqualTo(v));
        }
    }

    [Test]
    public void FloatValuesOutsideTheUnitRangeAreClamped()
    {
        Assert.That(new[] { ImageBatch.ToByte(-0.5f), ImageBatch.ToByte(1.5f), ImageBatch.ToByte(float.NaN) }, Is.EqualTo(new byte[] { 0, 255, 0 }));
    }

    [Test]
    public void GrayOfEqualChannelsIsExactAndRoundTrips()
    {
        var pixels = Enumerable.Range(0, 256).Select(v => new Rgb24((byte)v, (byte)v, (byte)v)).ToArray();
        using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(pixels, 16, 16);
        var format = new BatchFormat(16, 16, BatchColor.Gray);
        byte[] batch = ImageBatch.ToBytes([image], format);
        Assert.That(batch, Is.EqualTo(Enumerable.Range(0, 256).Select(v => (byte)v).ToArray()));
        using Image<Rgb24> back = ImageBatch.ToImage(batch, format.ShapeFor(1), 0);
        Assert.That(Pixels(back), Is.EqualTo(pixels));
    }

    [Test]
    public void GrayUsesBt709Weights()
    {
        Assert.That(ImageBatch.Luma(new Rgb24(255, 0, 0)), Is.EqualTo(54));   // 0.2126 * 255 = 54.2
        Assert.That(ImageBatch.Luma(new Rgb24(0, 255, 0)), Is.EqualTo(182));  // 0.7152 * 255 = 182.4
        Assert.That(ImageBatch.Luma(new Rgb24(0, 0, 255)), Is.EqualTo(18));   // 0.0722 * 255 = 18.4
    }

    [Test]
    public void ImagesOfOtherSizesAreScaledToCoverAndCentreCropped()
    {
        // A 40x20 image: left half black, right half white. Cropped to 10x10 it keeps the centre, half black, half white.
        var pixels = new Rgb24[40 * 20];
        for (int y = 0; y < 20; y++)
        {
            for (int x = 20; x < 40; x++)
            {
                pixels[(y * 40) + x] = new Rgb24(255, 255, 255);
            }
        }

        using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(pixels, 40, 20);
        byte[] batch = ImageBatch.ToBytes([image], new BatchFormat(10, 10, BatchColor.Gray));
        Assert.That(batch[(5 * 10) + 1], Is.LessThan(20));
        Assert.That(batch[(5 * 10) + 8], Is.GreaterThan(235));
    }

    [Test]
    public void WrongArgumentsAreRejectedWithTheNumbers()
    {
        using Image<Rgb24> image = TestFiles.Noise(4, 4, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => ImageBatch.WriteSample(image, new BatchFormat(4, 4), new byte[47]));
        Assert.That(ex!.Message, Does.Contain("47").And.Contain("48"));
        Assert.Throws<ArgumentException>(() => ImageBatch.ToBytes([], new BatchFormat(4, 4)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageBatch.ToImage(new byte[48], new BatchShape(1, 3, 4, 4), 1));
        Assert.Throws<ArgumentException>(() => ImageBatch.ToImage(new byte[32], new BatchShape(1, 2, 4, 4), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BatchFormat(0, 4));
    }

    internal static Rgb24[] Pixels(Image<Rgb24> image)
    {
        var pixels = new Rgb24[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
