namespace MixAug.Tests.Support;

/// <summary>Seeded test data.</summary>
internal static class TestBatches
{
    /// <summary>Random pixel data: uniform floats in [0, 1) from a seeded generator.</summary>
    public static float[] RandomBatch(MixAug.Planning.BatchShape shape, ulong seed)
    {
        var random = new MixAug.Randomness.MixRandom(seed);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        return data;
    }

    public static byte[] RandomBytes(MixAug.Planning.BatchShape shape, ulong seed)
    {
        var random = new MixAug.Randomness.MixRandom(seed);
        var data = new byte[shape.ElementCount];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)random.NextInt(256);
        }

        return data;
    }
}
