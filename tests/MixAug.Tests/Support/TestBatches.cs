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

    /// <summary>
    /// A padded batch of sequences or clips: valid positions (time steps before the sample's length) hold distinct finite
    /// values, exact in float32, and padding holds NaN, so a test sees any padding read into valid output.
    /// </summary>
    public static float[] PaddedWithNaN(MixAug.Planning.BatchShape shape, int[] lengths)
    {
        int step = shape.SpatialRank == 3 ? shape.Height * shape.Width : 1;
        var batch = new float[shape.ElementCount];
        for (int k = 0; k < batch.Length; k++)
        {
            batch[k] = k % shape.PlaneSize / step < lengths[k / shape.SampleSize] ? k + 1 : float.NaN;
        }

        return batch;
    }

    /// <summary>
    /// A padded uint8 batch of sequences or clips: each valid element (time step before its sample's length) holds
    /// <c>random.NextInt(validBound)</c>, drawn in element order, and padding holds 255, which the valid values never
    /// reach, so a test sees any padding in valid output.
    /// </summary>
    public static byte[] PaddedBytes(MixAug.Planning.BatchShape shape, IReadOnlyList<int> lengths, MixAug.Randomness.MixRandom random, int validBound)
    {
        int step = shape.SpatialRank == 3 ? shape.Height * shape.Width : 1;
        var bytes = new byte[shape.ElementCount];
        for (int k = 0; k < bytes.Length; k++)
        {
            bytes[k] = k % shape.PlaneSize / step < lengths[k / shape.SampleSize] ? (byte)random.NextInt(validBound) : (byte)255;
        }

        return bytes;
    }
}
