using MixAug.Train.Data;
using MixAug.Train.Segmentation;
using static TorchSharp.torch;

namespace MixAug.Train.Tests.Segmentation;

public class ClassMapsTests
{
    [Test]
    public void EveryRawValueAtOrAboveTheThresholdIsTheGarmentsClassPlusOne()
    {
        // All 256 raw values, in two images of labels 0 and 9; the expected map is worked out on the raw bytes.
        byte[] raw = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        long[] labels = [0, 9];
        float[] normalised = [.. raw.Select(BatchSource.Normalise), .. raw.Select(BatchSource.Normalise)];
        using Tensor images = tensor(normalised, [2, 1, 16, 16]);
        using Tensor labelTensor = tensor(labels);
        using Tensor maps = GarmentMaps.Of(images, labelTensor);
        long[] got = maps.data<long>().ToArray();
        Assert.That(maps.shape, Is.EqualTo(new long[] { 2, 16, 16 }));
        for (int i = 0; i < got.Length; i++)
        {
            long expected = raw[i % 256] >= 32 ? labels[i / 256] + 1 : 0;
            Assert.That(got[i], Is.EqualTo(expected), $"image {i / 256}, raw value {raw[i % 256]}");
        }
    }
}
