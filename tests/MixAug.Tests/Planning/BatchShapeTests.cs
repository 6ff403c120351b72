using MixAug.Planning;

namespace MixAug.Tests.Planning;

public class BatchShapeTests
{
    [Test]
    public void ImageShapeComputesSizes()
    {
        var shape = new BatchShape(128, 3, 224, 200);
        Assert.That(shape.PlaneSize, Is.EqualTo(224 * 200));
        Assert.That(shape.SampleSize, Is.EqualTo(3 * 224 * 200));
        Assert.That(shape.ElementCount, Is.EqualTo(128 * 3 * 224 * 200));
        Assert.That(shape.SpatialRank, Is.EqualTo(2));
        Assert.That(shape.ToString(), Is.EqualTo("128x3x224x200"));
        Assert.That(shape.ToDimensions(), Is.EqualTo(new[] { 128, 3, 224, 200 }));
    }

    [Test]
    public void SequenceAndVolumeShapes()
    {
        BatchShape seq = BatchShape.Sequence(4, 2, 100);
        Assert.That((seq.SpatialRank, seq.Height, seq.Width, seq.PlaneSize), Is.EqualTo((1, 1, 100, 100)));
        Assert.That(seq.ToString(), Is.EqualTo("4x2x100"));
        BatchShape vol = BatchShape.Volume(2, 1, 4, 6, 10);
        Assert.That((vol.SpatialRank, vol.PlaneSize), Is.EqualTo((3, 240)));
        Assert.That(BatchShape.FromDimensions(vol.ToDimensions()), Is.EqualTo(vol));
        Assert.That(BatchShape.FromDimensions(seq.ToDimensions()), Is.EqualTo(seq));
        Assert.That(vol, Is.Not.EqualTo(BatchShape.Volume(2, 1, 6, 4, 10)));
    }

    [TestCase(0, 3, 8, 8, "batchSize")]
    [TestCase(2, 0, 8, 8, "channels")]
    [TestCase(2, 3, -1, 8, "height")]
    [TestCase(2, 3, 8, 0, "width")]
    public void RejectsExtentsBelowOne(int b, int c, int h, int w, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BatchShape(b, c, h, w));
        Assert.That(e!.ParamName, Is.EqualTo(name));
    }

    [Test]
    public void RejectsElementCountsBeyondASpan()
    {
        // 1024 x 3 x 1024 x 1024 = 3.2e9 elements; each extent alone is fine.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BatchShape(1024, 3, 1024, 1024));
        Assert.That(e!.Message, Does.Contain("1024x3x1024x1024").And.Contain(int.MaxValue.ToString()));
        // Extents whose product overflows a long must be caught too.
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = BatchShape.Volume(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue));
    }

    [Test]
    public void FromDimensionsRejectsOtherRanks()
    {
        var e = Assert.Throws<ArgumentException>(() => BatchShape.FromDimensions([1, 2]));
        Assert.That(e!.Message, Does.Contain("2 were given"));
    }
}
