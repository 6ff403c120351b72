using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;

namespace MixAug.Benchmarks;

/// <summary>The buffers and plans every benchmark uses: one 128x3x224x224 batch in float32 and uint8.</summary>
internal sealed class BatchFixture
{
    public BatchFixture(BatchShape shape)
    {
        Shape = shape;
        Source = new float[shape.ElementCount];
        Destination = new float[shape.ElementCount];
        Bytes = new byte[shape.ElementCount];
        ByteDestination = new byte[shape.ElementCount];
        var random = new MixRandom(7);
        for (int i = 0; i < Source.Length; i++)
        {
            Bytes[i] = (byte)random.NextInt(256);
            Source[i] = Bytes[i] / 255f;
        }
    }

    public BatchShape Shape { get; }

    public float[] Source { get; }

    public float[] Destination { get; }

    public byte[] Bytes { get; }

    public byte[] ByteDestination { get; }

    /// <summary>
    /// One box per sample covering exactly half of the image (full height, half width) at a random column: the
    /// "mean box area 1/2" case of the CutMix target, with nothing clipped.
    /// </summary>
    public MixPlan HalfAreaBoxes(IMixRandom random)
    {
        int b = Shape.BatchSize;
        var partners = Pairings.Create(PairingStrategy.Flip, b, random, mutual: true);
        var lambdas = new double[b];
        var regions = new MixRegion[b];
        int half = Shape.Width / 2;
        for (int i = 0; i < b; i++)
        {
            if (partners[i] == i)
            {
                lambdas[i] = 1;
                regions[i] = MixRegion.Keep;
                continue;
            }

            int left = random.NextInt(Shape.Width - half + 1);
            var box = new BoxRegion(0, left, Shape.Height, left + half);
            regions[i] = box;
            lambdas[i] = box.OwnShare(Shape.Spatial, 0);
        }

        return new MixPlan(Shape.Spatial, partners, lambdas, regions, "CutMix");
    }
}
