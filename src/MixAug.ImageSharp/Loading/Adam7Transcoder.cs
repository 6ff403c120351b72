using System.Buffers.Binary;
using System.IO.Compression;

namespace MixAug.ImageSharp.Loading;

/// <summary>
/// Rewrites an Adam7-interlaced PNG as the same image, non-interlaced, so that ImageSharp 2.1.13's interlaced decoder
/// never runs. That decoder loops forever without reading input or checking its token when the image data ends
/// before the last pass (its end-of-data jump lands inside its pass loop), and it never resets the row after a pass
/// with no columns, so every interlaced image narrower than 5 pixels either hangs or has rows swapped.
/// </summary>
/// <remarks>The output holds only IHDR (interlace method 0), PLTE and tRNS as found, one stored (uncompressed) zlib
/// stream in IDAT chunks, and IEND: the pixels are what a conforming decoder makes of the input; metadata, which the
/// loader ignores anyway, is dropped. Working memory is the unpacked image twice (rows, then the output), checked
/// against the allocation limit before anything is allocated.</remarks>
internal static class Adam7Transcoder
{
    private static readonly int[] FirstColumn = [0, 4, 0, 2, 0, 1, 0];
    private static readonly int[] ColumnStep = [8, 8, 4, 4, 2, 2, 1];
    private static readonly int[] FirstRow = [0, 0, 4, 0, 2, 0, 1];
    private static readonly int[] RowStep = [8, 8, 8, 4, 4, 2, 2];

    private const int IdatChunkBytes = 1 << 20;

    /// <summary>The non-interlaced PNG.</summary>
    /// <param name="content">The interlaced PNG file.</param>
    /// <param name="png">Its walked structure (CRCs verified: the output gets new ones).</param>
    /// <param name="maxWorkingBytes">Most bytes the transcode may hold at once (rows plus output).</param>
    /// <param name="cancellationToken">Checked after every row.</param>
    /// <returns>The new file; its length is the segment's count.</returns>
    /// <exception cref="ImageStructureException">The image data is malformed or ends early, or the image is too large to transcode.</exception>
    public static ArraySegment<byte> ToNonInterlaced(byte[] content, PngStructure png, long maxWorkingBytes, CancellationToken cancellationToken)
    {
        PngHeader header = png.Header;
        long stride = header.RowBytes(header.Width);
        long rawLength = header.Height * (stride + 1);
        long needed = 0;
        for (int pass = 0; pass < 7; pass++)
        {
            long columns = PassSize(header.Width, FirstColumn[pass], ColumnStep[pass]);
            long rows = PassSize(header.Height, FirstRow[pass], RowStep[pass]);
            needed += columns == 0 ? 0 : rows * (header.RowBytes(columns) + 1);
        }

        if (2 * rawLength > maxWorkingBytes || rawLength > Array.MaxLength - 4096)
        {
            throw new ImageStructureException(
                $"the interlaced PNG ({header.Width}x{header.Height}, {header.BitsPerPixel} bits per pixel) needs {2 * rawLength} bytes to de-interlace; the limit is {maxWorkingBytes}.");
        }

        byte[] raw = new byte[rawLength];
        using (Stream inflated = OpenZlib(content, png.ImageData))
        {
            Deinterlace(inflated, header, raw, stride, needed, cancellationToken);
        }

        return Encode(content, png, raw);
    }

    /// <summary>Pixels (or rows) in a pass that starts at <paramref name="first"/> and steps by <paramref name="step"/>.</summary>
    internal static long PassSize(long size, int first, int step) => size > first ? (size - first + step - 1) / step : 0;

    private static Stream OpenZlib(byte[] content, IReadOnlyList<Range> imageData)
    {
        var data = new SegmentStream(content, imageData);
        int cmf = data.ReadByte();
        int flags = data.ReadByte();
        if (cmf < 0 || flags < 0)
        {
            throw new ImageStructureException("the IDAT data is too short to hold a zlib header.");
        }

        // As ImageSharp reads it: method 8 (deflate) with a window of at most 32 KiB; FCHECK is not checked.
        if ((cmf & 0x0F) != 8 || (cmf >> 4) > 7)
        {
            throw new ImageStructureException($"the IDAT zlib header 0x{cmf:X2}{flags:X2} names compression method {cmf & 0x0F} with window code {cmf >> 4}; only 8 with at most 7 exists.");
        }

        if ((flags & 0x20) != 0)
        {
            Span<byte> dictionary = stackalloc byte[4];
            if (data.Read(dictionary) < 4)
            {
                throw new ImageStructureException("the IDAT zlib header announces a preset dictionary but the data ends.");
            }
        }

        return new DeflateStream(data, CompressionMode.Decompress);
    }

    private static void Deinterlace(Stream inflated, PngHeader header, byte[] raw, long stride, long needed, CancellationToken cancellationToken)
    {
        int bitsPerPixel = header.BitsPerPixel;
        int filterStep = Math.Max(1, bitsPerPixel / 8);
        long consumed = 0;
        for (int pass = 0; pass < 7; pass++)
        {
            long columns = PassSize(header.Width, FirstColumn[pass], ColumnStep[pass]);
            long rows = PassSize(header.Height, FirstRow[pass], RowStep[pass]);
            if (columns == 0 || rows == 0)
            {
                continue;
            }

            int rowBytes = (int)header.RowBytes(columns);
            byte[] current = new byte[rowBytes + 1];
            byte[] previous = new byte[rowBytes + 1];
            for (long r = 0; r < rows; r++)
            {
                int read = inflated.ReadAtLeast(current, current.Length, throwOnEndOfStream: false);
                if (read < current.Length)
                {
                    throw new ImageStructureException(
                        $"the interlaced image data ends after {consumed + read} of the {needed} bytes its {header.Width}x{header.Height} header needs (pass {pass + 1} of 7, row {r}).");
                }

                consumed += read;
                Unfilter(current, previous, filterStep, pass, r);
                long y = FirstRow[pass] + (r * RowStep[pass]);
                Scatter(current, raw.AsSpan((int)(y * (stride + 1)) + 1, (int)stride), columns, FirstColumn[pass], ColumnStep[pass], bitsPerPixel);
                (current, previous) = (previous, current);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Undoes the row's filter in place (PNG specification, 9.2); <paramref name="previous"/> is the pass's previous row, zeros first.</summary>
    private static void Unfilter(byte[] row, byte[] previous, int step, int pass, long rowIndex)
    {
        Span<byte> cur = row.AsSpan(1);
        ReadOnlySpan<byte> up = previous.AsSpan(1);
        switch (row[0])
        {
            case 0:
                break;
            case 1:
                for (int i = step; i < cur.Length; i++)
                {
                    cur[i] += cur[i - step];
                }

                break;
            case 2:
                for (int i = 0; i < cur.Length; i++)
                {
                    cur[i] += up[i];
                }

                break;
            case 3:
                for (int i = 0; i < cur.Length; i++)
                {
                    int left = i >= step ? cur[i - step] : 0;
                    cur[i] += (byte)((left + up[i]) >> 1);
                }

                break;
            case 4:
                for (int i = 0; i < cur.Length; i++)
                {
                    int a = i >= step ? cur[i - step] : 0;
                    int b = up[i];
                    int c = i >= step ? up[i - step] : 0;
                    int p = a + b - c;
                    int pa = Math.Abs(p - a);
                    int pb = Math.Abs(p - b);
                    int pc = Math.Abs(p - c);
                    cur[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }

                break;
            default:
                throw new ImageStructureException($"unknown PNG filter type {row[0]} in pass {pass + 1}, row {rowIndex}; only 0 to 4 exist.");
        }
    }

    /// <summary>Writes the pass row's pixels into their places in the full row.</summary>
    private static void Scatter(byte[] passRow, Span<byte> target, long columns, int firstColumn, int columnStep, int bitsPerPixel)
    {
        ReadOnlySpan<byte> source = passRow.AsSpan(1);
        if (bitsPerPixel >= 8)
        {
            int bytes = bitsPerPixel / 8;
            for (int c = 0; c < columns; c++)
            {
                int x = firstColumn + (c * columnStep);
                source.Slice(c * bytes, bytes).CopyTo(target[(x * bytes)..]);
            }

            return;
        }

        int mask = (1 << bitsPerPixel) - 1;
        for (int c = 0; c < columns; c++)
        {
            int bit = c * bitsPerPixel;
            int value = (source[bit >> 3] >> (8 - bitsPerPixel - (bit & 7))) & mask;
            int x = firstColumn + (c * columnStep);
            int targetBit = x * bitsPerPixel;
            target[targetBit >> 3] |= (byte)(value << (8 - bitsPerPixel - (targetBit & 7)));
        }
    }

    private static ArraySegment<byte> Encode(byte[] content, PngStructure png, byte[] raw)
    {
        // Stored deflate blocks: 5 bytes per 65535; IDAT framing: 12 bytes per chunk; plus signature, IHDR, PLTE, tRNS, IEND.
        long capacity = raw.Length + ((raw.Length / 65535) + 1) * 5 + ((raw.Length / IdatChunkBytes) + 2) * 12 + 64
            + Length(png.Palette) + Length(png.Transparency) + 64;
        var output = new MemoryStream((int)Math.Min(capacity, Array.MaxLength));
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        PngHeader h = png.Header;
        BinaryPrimitives.WriteInt32BigEndian(ihdr, h.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], h.Height);
        ihdr[8] = (byte)h.BitDepth;
        ihdr[9] = (byte)h.ColorType;
        WriteChunk(output, "IHDR"u8, ihdr);
        if (png.Palette is { } palette)
        {
            WriteChunk(output, "PLTE"u8, content.AsSpan(palette));
        }

        if (png.Transparency is { } transparency)
        {
            WriteChunk(output, "tRNS"u8, content.AsSpan(transparency));
        }

        using (var idat = new IdatWriter(output, IdatChunkBytes))
        {
            using var zlib = new ZLibStream(idat, CompressionLevel.NoCompression, leaveOpen: true);
            zlib.Write(raw);
        }

        WriteChunk(output, "IEND"u8, []);
        return new ArraySegment<byte>(output.GetBuffer(), 0, (int)output.Length);
    }

    private static long Length(Range? range) => range is { } r ? r.End.Value - r.Start.Value : 0;

    /// <summary>Writes one chunk with its length and CRC.</summary>
    internal static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        uint crc = ~PngCrc.Update(PngCrc.Update(0xFFFFFFFF, type), data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    /// <summary>Cuts what is written to it into IDAT chunks of at most the given size.</summary>
    private sealed class IdatWriter(Stream output, int chunkBytes) : Stream
    {
        private readonly byte[] _buffer = new byte[chunkBytes];
        private int _filled;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int n = Math.Min(buffer.Length, _buffer.Length - _filled);
                buffer[..n].CopyTo(_buffer.AsSpan(_filled));
                _filled += n;
                buffer = buffer[n..];
                if (_filled == _buffer.Length)
                {
                    Flush();
                }
            }
        }

        public override void Flush()
        {
            if (_filled > 0)
            {
                WriteChunk(output, "IDAT"u8, _buffer.AsSpan(0, _filled));
                _filled = 0;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Flush();
            }

            base.Dispose(disposing);
        }
    }
}
