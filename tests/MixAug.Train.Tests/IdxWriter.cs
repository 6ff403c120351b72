using System.Buffers.Binary;
using System.IO.Compression;

namespace MixAug.Train.Tests;

/// <summary>Writes IDX files for tests, so the suite needs no data set on disk.</summary>
internal static class IdxWriter
{
    public static byte[] Encode(int[] dims, byte[] data)
    {
        var bytes = new byte[4 + (4 * dims.Length) + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), dims[d]);
        }

        data.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    /// <summary>Writes <paramref name="content"/>, gzip-compressed if <paramref name="compress"/> (default: if the name ends in .gz).</summary>
    public static void Write(string path, byte[] content, bool? compress = null)
    {
        if (compress ?? path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using FileStream file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(content);
        }
        else
        {
            File.WriteAllBytes(path, content);
        }
    }

    /// <summary>A small synthetic Fashion-MNIST folder: class k images are bright in row band k, so a model can learn them.</summary>
    public static string SyntheticFashionMnist(int train, int test, ulong seed)
    {
        string dir = Directory.CreateTempSubdirectory("mixaug-fmnist-").FullName;
        var random = new MixAug.Randomness.MixRandom(seed);
        foreach ((string prefix, int n) in new[] { ("train", train), ("t10k", test) })
        {
            var labels = new byte[n];
            var pixels = new byte[n * 28 * 28];
            for (int i = 0; i < n; i++)
            {
                int label = random.NextInt(10);
                labels[i] = (byte)label;
                for (int p = 0; p < 28 * 28; p++)
                {
                    int row = p / 28;
                    bool band = row >= (label * 2) + 4 && row < (label * 2) + 7;
                    pixels[(i * 784) + p] = (byte)((band ? 180 : 20) + random.NextInt(60));
                }
            }

            Write(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), Encode([n, 28, 28], pixels));
            Write(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), Encode([n], labels));
        }

        return dir;
    }
}
