using System.Buffers.Binary;
using System.IO.Compression;
using MixAug.ImageSharp.Tests.Support;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Fuzz;

/// <summary>
/// The mutation families of the fuzz suite. Each turns a seeded <see cref="Random"/> into one file, so case
/// <c>(family, n)</c> is the same bytes on every run and machine.
/// </summary>
internal static class Mutations
{
    /// <summary>Every family with the number of cases it contributes (2150 in all).</summary>
    public static readonly (string Name, int Cases, Func<Random, byte[]> Make)[] Families =
    [
        ("png-bitflip-crc-fixed", 300, PngBitFlipCrcFixed),
        ("png-bitflip", 120, r => BitFlip(r, Pick(r, FuzzCorpus.Pngs))),
        ("png-truncate", 150, r => Truncate(r, Pick(r, FuzzCorpus.Pngs))),
        ("png-header", 250, PngHeaderEdit),
        ("png-interlace", 300, PngInterlace),
        ("png-chunks", 200, PngChunkBomb),
        ("png-bomb", 130, PngDecompressionBomb),
        ("jpeg-bitflip", 250, r => BitFlip(r, Pick(r, FuzzCorpus.Jpegs))),
        ("jpeg-truncate", 150, r => Truncate(r, Pick(r, FuzzCorpus.Jpegs))),
        ("jpeg-header", 200, JpegHeaderEdit),
        ("jpeg-structure", 100, JpegStructure),
    ];

    private static readonly long[] InterestingSizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 4096, 4097, 65535, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];

    private static T Pick<T>(Random r, IReadOnlyList<T> items) => items[r.Next(items.Count)];

    private static byte[] BitFlip(Random r, byte[] seed)
    {
        byte[] copy = (byte[])seed.Clone();
        int flips = 1 + r.Next(16);
        for (int i = 0; i < flips; i++)
        {
            copy[r.Next(copy.Length)] ^= (byte)(1 << r.Next(8));
        }

        return copy;
    }

    private static byte[] Truncate(Random r, byte[] seed) => seed[..r.Next(seed.Length)];

    /// <summary>Bit flips inside chunk data with the CRCs recomputed, so the damage reaches the decoder itself.</summary>
    private static byte[] PngBitFlipCrcFixed(Random r)
    {
        var chunks = PngBuilder.Chunks(Pick(r, FuzzCorpus.Pngs));
        int flips = 1 + r.Next(12);
        for (int i = 0; i < flips; i++)
        {
            var candidates = chunks.Select((c, k) => (c, k)).Where(x => x.c.Data.Length > 0).ToArray();
            (var chunk, int index) = Pick(r, candidates);
            byte[] data = (byte[])chunk.Data.Clone();
            data[r.Next(data.Length)] ^= (byte)(1 << r.Next(8));
            chunks[index] = (chunk.Type, data);
        }

        return PngBuilder.Build(chunks);
    }

    /// <summary>IHDR fields set to edge values (sizes, bit depths, colour types, methods), CRC fixed.</summary>
    private static byte[] PngHeaderEdit(Random r)
    {
        var chunks = PngBuilder.Chunks(Pick(r, FuzzCorpus.Pngs));
        byte[] ihdr = (byte[])chunks[0].Data.Clone();
        int edits = 1 + r.Next(3);
        for (int i = 0; i < edits; i++)
        {
            switch (r.Next(6))
            {
                case 0:
                case 1:
                    BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4 * r.Next(2)), (uint)(r.Next(3) == 0 ? r.Next(1, 5000) : Pick(r, InterestingSizes)));
                    break;
                case 2:
                    ihdr[8] = (byte)Pick(r, new[] { 0, 1, 2, 3, 4, 5, 8, 15, 16, 32, 255 });
                    break;
                case 3:
                    ihdr[9] = (byte)Pick(r, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 255 });
                    break;
                case 4:
                    ihdr[12] = (byte)r.Next(3);
                    break;
                default:
                    ihdr[10 + r.Next(2)] = (byte)r.Next(1, 256);
                    break;
            }
        }

        chunks[0] = ("IHDR", ihdr);
        return PngBuilder.Build(chunks);
    }

    /// <summary>Adam7 files of every small size and format, valid or with their data cut, shortened, flipped or split.</summary>
    private static byte[] PngInterlace(Random r)
    {
        (int colorType, int depth) = Pick(r, PngBuilder.AllFormats);
        int width = r.Next(3) == 0 ? r.Next(1, 5) : r.Next(1, 41);
        int height = r.Next(1, 41);
        byte[] rows = SampleRows(r, width, height, colorType, depth);
        byte[]? palette = colorType == 3 ? PngBuilder.Palette(depth, r.Next()) : null;
        byte[] scanlines = PngBuilder.Scanlines(width, height, colorType, depth, rows, adam7: true, _ => r.Next(5));
        switch (r.Next(6))
        {
            case 0:
                break;
            case 1:
                scanlines = scanlines[..r.Next(scanlines.Length + 1)];
                break;
            case 2:
                scanlines = [.. scanlines, .. new byte[r.Next(1, 5000)]];
                break;
            case 3:
                scanlines[r.Next(scanlines.Length)] = (byte)r.Next(256);
                break;
            case 4:
                // A filter byte outside 0..4.
                scanlines[0] = (byte)r.Next(5, 256);
                break;
            default:
                Array.Fill(scanlines, (byte)r.Next(256));
                break;
        }

        byte[] zlib = PngBuilder.Zlib(scanlines);
        if (r.Next(4) == 0)
        {
            zlib = zlib[..r.Next(zlib.Length)];
        }

        var chunks = new List<(string, byte[])> { ("IHDR", PngBuilder.Ihdr(width, height, depth, colorType, 1)) };
        if (palette is not null)
        {
            chunks.Add(("PLTE", palette));
        }

        int split = 1 + r.Next(Math.Max(1, zlib.Length));
        for (int offset = 0; offset < zlib.Length; offset += split)
        {
            chunks.Add(("IDAT", zlib[offset..Math.Min(zlib.Length, offset + split)]));
        }

        if (r.Next(5) == 0)
        {
            // A second run of image data after another chunk: ImageSharp 2.1.13 decodes it again, from pass 2.
            chunks.Add(("tEXt", "k\0v"u8.ToArray()));
            chunks.Add(("IDAT", PngBuilder.Zlib(new byte[r.Next(0, 100)])));
        }

        chunks.Add(("IEND", []));
        return PngBuilder.Build(chunks);
    }

    /// <summary>Chunk-level abuse: thousands of chunks, one-byte IDATs, huge declared lengths, repeats, reorders, unknown critical chunks.</summary>
    private static byte[] PngChunkBomb(Random r)
    {
        var chunks = PngBuilder.Chunks(Pick(r, FuzzCorpus.Pngs));
        switch (r.Next(8))
        {
            case 0:
                int count = r.Next(1000, 20000);
                var filler = Enumerable.Range(0, count).Select(i => ("tEXt", new byte[] { (byte)'k', 0, (byte)i }));
                chunks.InsertRange(1, filler);
                break;
            case 1:
                byte[] data = chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
                chunks.RemoveAll(c => c.Type == "IDAT");
                chunks.InsertRange(chunks.Count - 1, data.Select(b => ("IDAT", new[] { b })));
                break;
            case 2:
                byte[] built = PngBuilder.Build(chunks);
                int at = 8 + 25;
                BinaryPrimitives.WriteUInt32BigEndian(built.AsSpan(at), (uint)Pick(r, InterestingSizes));
                return built;
            case 3:
                chunks.Insert(1 + r.Next(chunks.Count - 1), chunks[r.Next(chunks.Count)]);
                break;
            case 4:
                int i1 = r.Next(chunks.Count);
                int i2 = r.Next(chunks.Count);
                (chunks[i1], chunks[i2]) = (chunks[i2], chunks[i1]);
                break;
            case 5:
                chunks.Insert(1 + r.Next(chunks.Count - 1), (Pick(r, new[] { "ABCD", "CgBI", "IHDR", "PLTE", "IEND", "zTXt", "iCCP", "eXIf" }), new byte[r.Next(0, 64)]));
                break;
            case 6:
                // A zTXt bomb: megabytes of text in a few kilobytes (metadata is ignored, so it must cost nothing).
                byte[] text = [.. "Comment\0\0"u8.ToArray(), .. PngBuilder.Zlib(new byte[r.Next(1, 16) << 20])];
                chunks.Insert(1, ("zTXt", text));
                break;
            default:
                chunks.RemoveAt(r.Next(chunks.Count));
                break;
        }

        return PngBuilder.Build(chunks);
    }

    /// <summary>Small files that declare or hold many pixels, and deflate streams that are hostile in themselves.</summary>
    private static byte[] PngDecompressionBomb(Random r)
    {
        int colorType = Pick(r, new[] { 0, 2, 6 });
        int depth = r.Next(2) == 0 ? 8 : 16;
        switch (r.Next(5))
        {
            case 0:
            {
                // Real data, many pixels, tiny file: within the fuzz caps (4 M pixels) or a little over them.
                int width = r.Next(1, 2600);
                int height = r.Next(1, 2600);
                return Bombs.ZeroPng(width, height, colorType, depth, filter: r.Next(5));
            }

            case 1:
                // Declares huge dimensions, holds almost nothing.
                return PngBuilder.Build([("IHDR", PngBuilder.Ihdr(r.Next(1, 100_000), r.Next(1, 100_000), depth, colorType, r.Next(2))), ("IDAT", PngBuilder.Zlib(new byte[100])), ("IEND", [])]);
            case 2:
                // Small image, megabytes of extra inflated data after the last row.
                return PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, depth, colorType, r.Next(2))), ("IDAT", PngBuilder.Zlib(new byte[r.Next(1, 8) << 20])), ("IEND", [])]);
            case 3:
            {
                // Deflate blocks of every type, including the reserved one, and garbage after a valid zlib header.
                byte[] body = new byte[r.Next(1, 200)];
                r.NextBytes(body);
                body[0] = (byte)((body[0] & ~0x06) | (r.Next(4) << 1));
                return PngBuilder.Build([("IHDR", PngBuilder.Ihdr(16, 16, depth, colorType, r.Next(2))), ("IDAT", [0x78, 0x9C, .. body]), ("IEND", [])]);
            }

            default:
            {
                // A zlib header with a preset dictionary, a bad method or a bad window, then real data.
                byte[] zlib = PngBuilder.Zlib(new byte[17 * 16 * 8]);
                zlib[0] = Pick(r, new byte[] { 0x78, 0x08, 0x88, 0x79, 0x7F });
                zlib[1] = Pick(r, new byte[] { 0x9C, 0xBB, 0x01, 0x20 });
                return PngBuilder.Build([("IHDR", PngBuilder.Ihdr(16, 16, depth, colorType, r.Next(2))), ("IDAT", zlib), ("IEND", [])]);
            }
        }
    }

    /// <summary>Frame header, table and restart edits on the sample JPEGs.</summary>
    private static byte[] JpegHeaderEdit(Random r)
    {
        byte[] jpeg = (byte[])Pick(r, FuzzCorpus.Jpegs).Clone();
        var segments = JpegEdits.Segments(jpeg);
        (int offset, byte marker, int length) = Pick(r, segments);
        switch (r.Next(5))
        {
            case 0:
                // Dimensions: the "edited JPEG headers" (the decoder pads the missing scans).
                return JpegEdits.WithSofSize(jpeg, (int)Math.Min(65535, r.Next(3) == 0 ? Pick(r, InterestingSizes) : r.Next(1, 2400)), r.Next(1, 2400));
            case 1:
                // Any byte of any segment.
                jpeg[offset + 4 + r.Next(Math.Max(1, length - 2))] = (byte)r.Next(256);
                return jpeg;
            case 2:
                // A segment length.
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(offset + 2), (ushort)Pick(r, new[] { 0, 1, 2, 3, length - 1, length + 1, 65535 }));
                return jpeg;
            case 3:
            {
                // Component count, sampling factors or table selectors of the frame header.
                int sof = segments.First(s => s.Marker is 0xC0 or 0xC1 or 0xC2).Offset;
                jpeg[sof + 9 + r.Next(Math.Min(10, jpeg.Length - sof - 10))] = (byte)Pick(r, new[] { 0, 1, 2, 3, 4, 0x11, 0x22, 0x44, 0x41, 0xFF });
                return jpeg;
            }

            default:
                // The marker itself becomes another one (progressive, lossless, arithmetic, restart interval, EOI...).
                jpeg[offset + 1] = Pick(r, new byte[] { 0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xDD, 0xD9, 0xD8, 0xDB, 0xC4, 0xFE });
                return jpeg;
        }
    }

    /// <summary>Structural damage: cut before SOS, SOS without SOF, repeated or missing segments, markers inside the scan.</summary>
    private static byte[] JpegStructure(Random r)
    {
        byte[] jpeg = Pick(r, FuzzCorpus.Jpegs);
        var segments = JpegEdits.Segments(jpeg);
        int sos = segments[^1].Offset;
        switch (r.Next(6))
        {
            case 0:
                return jpeg[..(sos + r.Next(0, 30))];
            case 1:
                return JpegEdits.WithoutSof(jpeg);
            case 2:
            {
                (int offset, _, int length) = Pick(r, segments.Take(segments.Count - 1).ToArray());
                return [.. jpeg[..offset], .. jpeg[(offset + 2 + length)..]];
            }

            case 3:
            {
                (int offset, _, int length) = Pick(r, segments.Take(segments.Count - 1).ToArray());
                byte[] segment = jpeg[offset..(offset + 2 + length)];
                int times = r.Next(2, 50);
                return [.. jpeg[..offset], .. Enumerable.Repeat(segment, times).SelectMany(s => s), .. jpeg[offset..]];
            }

            case 4:
            {
                byte[] copy = (byte[])jpeg.Clone();
                int markers = r.Next(1, 20);
                for (int i = 0; i < markers; i++)
                {
                    int at = r.Next(sos + 2, copy.Length - 2);
                    copy[at] = 0xFF;
                    copy[at + 1] = Pick(r, new byte[] { 0xD0, 0xD7, 0xD9, 0xDA, 0xC4, 0xDB, 0xDD, 0x00, 0xFF });
                }

                return copy;
            }

            default:
                // No EOI, then the file again after it (a concatenation).
                return [.. jpeg[..^2], .. jpeg];
        }
    }

    /// <summary>Packed rows taken from a sample image's pixel bytes (so the content is a real picture, not noise).</summary>
    private static byte[] SampleRows(Random r, int width, int height, int colorType, int depth)
    {
        var image = Pick(r, FuzzCorpus.Small);
        byte[] pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        byte[] rows = new byte[height * PngBuilder.RowBytes(width, colorType, depth)];
        int start = r.Next(pixels.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = pixels[(start + i) % pixels.Length];
        }

        return rows;
    }
}
