using MixAug.Labels;
using MixAug.Preview;

namespace MixAug.ImageSharp.Tests.Preview;

public class SyntheticScenesTests
{
    [TestCase(8, 128, 42UL)]
    [TestCase(6, 64, 7UL)]
    [TestCase(3, 16, 1UL)]
    public void EveryObjectPixelLiesInOneBoxOfItsClassAndEveryBoxIsTight(int count, int size, ulong seed)
    {
        (PreviewBatch batch, byte[] maps, DetectionBoxes[] boxes) = SyntheticScenes.Generate(count, size, seed);
        Assert.That(batch.Pixels, Has.Length.EqualTo(count * 3 * size * size));
        Assert.That(maps, Has.Length.EqualTo(count * size * size));
        for (int i = 0; i < count; i++)
        {
            DetectionBoxes scene = boxes[i];
            Assert.That(scene.Count, Is.InRange(1, 4), $"scene {i}");
            byte[] map = maps.AsSpan(i * size * size, size * size).ToArray();
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    byte cls = map[(y * size) + x];
                    Assert.That(cls, Is.InRange(0, 3));
                    int containing = Enumerable.Range(0, scene.Count).Count(b =>
                        scene.Corners[4 * b] <= x && x + 1 <= scene.Corners[(4 * b) + 2] && scene.Corners[(4 * b) + 1] <= y && y + 1 <= scene.Corners[(4 * b) + 3]);
                    Assert.That(containing, Is.LessThanOrEqualTo(1), "boxes do not overlap");
                    if (cls != 0)
                    {
                        int b = Enumerable.Range(0, scene.Count).Single(b =>
                            scene.Corners[4 * b] <= x && x + 1 <= scene.Corners[(4 * b) + 2] && scene.Corners[(4 * b) + 1] <= y && y + 1 <= scene.Corners[(4 * b) + 3]);
                        Assert.That(scene.Classes[b], Is.EqualTo(cls), $"scene {i} pixel ({x}, {y})");
                    }
                }
            }

            for (int b = 0; b < scene.Count; b++)
            {
                // Tight: each side of the box touches a pixel of its class.
                int x0 = (int)scene.Corners[4 * b], y0 = (int)scene.Corners[(4 * b) + 1], x1 = (int)scene.Corners[(4 * b) + 2], y1 = (int)scene.Corners[(4 * b) + 3];
                int cls = scene.Classes[b];
                bool Row(int y) => Enumerable.Range(x0, x1 - x0).Any(x => map[(y * size) + x] == cls);
                bool Column(int x) => Enumerable.Range(y0, y1 - y0).Any(y => map[(y * size) + x] == cls);
                Assert.That(Row(y0) && Row(y1 - 1) && Column(x0) && Column(x1 - 1), Is.True, $"scene {i} box {b} ({x0}, {y0}, {x1}, {y1})");
            }
        }
    }

    [Test]
    public void TheSameSeedDrawsTheSameScenesAndAnotherSeedOthers()
    {
        var a = SyntheticScenes.Generate(4, 32, 5);
        var b = SyntheticScenes.Generate(4, 32, 5);
        var c = SyntheticScenes.Generate(4, 32, 6);
        Assert.That(b.Batch.Pixels, Is.EqualTo(a.Batch.Pixels));
        Assert.That(b.LabelMaps, Is.EqualTo(a.LabelMaps));
        Assert.That(c.LabelMaps, Is.Not.EqualTo(a.LabelMaps));
        Assert.That(a.Batch.Names, Is.EqualTo(new[] { "scene-00", "scene-01", "scene-02", "scene-03" }));
    }
}
