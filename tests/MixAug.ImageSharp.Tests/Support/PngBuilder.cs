using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace MixAug.ImageSharp.Tests.Support;

/// <summary>
/// Writes PNG files byte by byte, independently of ImageSharp's encoder and of the loader's own PNG code, so tests can
/// build exactly the file they need: any colour type and bit depth, Adam7 or not, each filter type, chunks split,
/// reordered, repeated or cut.
/// </summary>
internal static class PngBuilder
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly int[] FirstColumn = [0, 4, 0, 2, 0, 1, 0];
    private static readonly int[] ColumnStep = [8, 8, 4, 4, 2, 2, 1];
    private static readonly int[] FirstRow = [0, 0, 4, 0, 2, 0, 1];
    private static readonly int[] RowStep = [8, 8, 8, 4, 4, 2, 2];

    /// <summary>Every colour type and bit depth PNG allows.</summary>
    public static readonly (int ColorType, int BitDepth)[] AllFormats =
    [
        (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16),
    ];

    public static int BitsPerPixel(int colorType, int bitDepth) => bitDepth * colorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    public static int RowBytes(int pixels, int colorType, int bitDepth) => ((pixels * BitsPerPixel(colorType, bitDepth)) + 7) / 8;

    /// <summary>Random packed rows (no filter bytes) for an image; palette indices stay inside a full palette.</summary>
    public static byte[] RandomRows(int width, int height, int colorType, int bitDepth, int seed)
    {
        var random = new Random(seed);
        byte[] rows = new byte[height * RowBytes(width, colorType, bitDepth)];
        random.NextBytes(rows);
        return rows;
    }

    /// <summary>A palette of 2^depth entries, so every index of that depth is valid.</summary>
    public static byte[] Palette(int bitDepth, int seed)
    {
        var palette = new byte[3 * (1 << bitDepth)];
        new Random(seed).NextBytes(palette);
        return palette;
    }

    public static byte[] Ihdr(long width, long height, int bitDepth, int colorType, int interlace, int compression = 0, int filter = 0)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(4), (uint)height);
        data[8] = (byte)bitDepth;
        data[9] = (byte)colorType;
        data[10] = (byte)compression;
        data[11] = (byte)filter;
        data[12] = (byte)interlace;
        return data;
    }

    /// <summary>The scanlines (filter byte + row) the file stores: one run for a plain image, seven passes for Adam7.</summary>
    /// <param name="rows">Packed rows of the whole image.</param>
    /// <param name="filter">Filter type for the n-th stored scanline (0 to 4).</param>
    public static byte[] Scanlines(int width, int height, int colorType, int bitDepth, byte[] rows, bool adam7, Func<int, int> filter)
    {
        int bpp = BitsPerPixel(colorType, bitDepth);
        int stride = RowBytes(width, colorType, bitDepth);
        using var output = new MemoryStream();
        int scanline = 0;
        if (!adam7)
        {
            byte[] previous = new byte[stride];
            for (int y = 0; y < height; y++)
            {
                byte[] row = rows.AsSpan(y * stride, stride).ToArray();
                WriteFiltered(output, row, previous, bpp, filter(scanline++));
                previous = row;
            }

            return output.ToArray();
        }

        for (int pass = 0; pass < 7; pass++)
        {
            int columns = width > FirstColumn[pass] ? (width - FirstColumn[pass] + ColumnStep[pass] - 1) / ColumnStep[pass] : 0;
            int passRows = height > FirstRow[pass] ? (height - FirstRow[pass] + RowStep[pass] - 1) / RowStep[pass] : 0;
            if (columns == 0 || passRows == 0)
            {
                continue;
            }

            int passStride = ((columns * bpp) + 7) / 8;
            byte[] previous = new byte[passStride];
            for (int r = 0; r < passRows; r++)
            {
                int y = FirstRow[pass] + (r * RowStep[pass]);
                byte[] row = new byte[passStride];
                for (int c = 0; c < columns; c++)
                {
                    int x = FirstColumn[pass] + (c * ColumnStep[pass]);
                    CopyPixel(rows.AsSpan(y * stride, stride), x, row, c, bpp);
                }

                WriteFiltered(output, row, previous, bpp, filter(scanline++));
                previous = row;
            }
        }

        return output.ToArray();
    }

    /// <summary>A complete PNG from packed rows.</summary>
    public static byte[] Encode(
        int width, int height, int colorType, int bitDepth, byte[] rows, bool adam7,
        byte[]? palette = null, byte[]? transparency = null, Func<int, int>? filter = null, int idatChunkBytes = 1 << 16)
    {
        byte[] scanlines = Scanlines(width, height, colorType, bitDepth, rows, adam7, filter ?? (n => n % 5));
        var chunks = new List<(string, byte[])> { ("IHDR", Ihdr(width, height, bitDepth, colorType, adam7 ? 1 : 0)) };
        if (palette is not null)
        {
            chunks.Add(("PLTE", palette));
        }

        if (transparency is not null)
        {
            chunks.Add(("tRNS", transparency));
        }

        byte[] zlib = Zlib(scanlines);
        for (int offset = 0; offset < zlib.Length; offset += idatChunkBytes)
        {
            chunks.Add(("IDAT", zlib[offset..Math.Min(zlib.Length, offset + idatChunkBytes)]));
        }

        chunks.Add(("IEND", []));
        return Build(chunks);
    }

    /// <summary>A zlib stream (RFC 1950) of <paramref name="data"/>.</summary>
    public static byte[] Zlib(byte[] data, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, level, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Signature plus the chunks, each with a correct length and CRC.</summary>
    public static byte[] Build(IEnumerable<(string Type, byte[] Data)> chunks)
    {
        using var stream = new MemoryStream();
        stream.Write(Signature);
        foreach ((string type, byte[] data) in chunks)
        {
            WriteChunk(stream, type, data);
        }

        return stream.ToArray();
    }

    /// <summary>The chunks of a PNG (lengths trusted; for files the test made).</summary>
    public static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        int offset = 8;
        while (offset + 12 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            chunks.Add((Encoding.ASCII.GetString(png, offset + 4, 4), png.AsSpan(offset + 8, length).ToArray()));
            offset += 12 + length;
        }

        return chunks;
    }

    public static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void CopyPixel(ReadOnlySpan<byte> sourceRow, int x, byte[] target, int c, int bpp)
    {
        if (bpp >= 8)
        {
            int bytes = bpp / 8;
            sourceRow.Slice(x * bytes, bytes).CopyTo(target.AsSpan(c * bytes));
            return;
        }

        int bit = x * bpp;
        int value = (sourceRow[bit / 8] >> (8 - bpp - (bit % 8))) & ((1 << bpp) - 1);
        int targetBit = c * bpp;
        target[targetBit / 8] |= (byte)(value << (8 - bpp - (targetBit % 8)));
    }

    private static void WriteFiltered(Stream output, byte[] row, byte[] previous, int bpp, int filter)
    {
        int step = Math.Max(1, bpp / 8);
        output.WriteByte((byte)filter);
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= step ? row[i - step] : 0;
            int b = previous[i];
            int c = i >= step ? previous[i - step] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => Paeth(a, b, c),
            };
            output.WriteByte((byte)(row[i] - predictor));
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
