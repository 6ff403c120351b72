using System.Collections.Concurrent;
using System.IO.Compression;

namespace MixAug.ImageSharp.Tests.Support;

/// <summary>Decompression bombs: small files that declare (and really hold) many pixels. Built once per run.</summary>
internal static class Bombs
{
    private static readonly ConcurrentDictionary<(int, int, int, int), byte[]> Cache = new();

    /// <summary>
    /// A valid non-interlaced PNG of zeros, compressed about 1000:1, every row marked with <paramref name="filter"/>. With
    /// the Paeth filter (4) ImageSharp undoes the filter byte by byte: 49 megapixels of 16-bit RGBA take it about a
    /// second, the slow bomb the timeout tests need; with no filter (0) it is fast.
    /// </summary>
    public static byte[] ZeroPng(int width, int height, int colorType, int depth, int filter = 4) =>
        Cache.GetOrAdd((width, height, colorType, depth * 10 + filter), _ =>
        {
            int rowBytes = PngBuilder.RowBytes(width, colorType, depth) + 1;
            byte[] row = new byte[rowBytes];
            row[0] = (byte)filter;
            using var zlib = new MemoryStream();
            using (var deflate = new ZLibStream(zlib, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    deflate.Write(row);
                }
            }

            return PngBuilder.Build([("IHDR", PngBuilder.Ihdr(width, height, depth, colorType, 0)), ("IDAT", zlib.ToArray()), ("IEND", [])]);
        });
}
