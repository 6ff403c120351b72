using System.Buffers.Binary;

namespace MixAug.ImageSharp.Loading;

/// <summary>The fields of a PNG IHDR chunk, validated against the PNG specification.</summary>
/// <param name="Width">Width in pixels, 1 or more.</param>
/// <param name="Height">Height in pixels, 1 or more.</param>
/// <param name="BitDepth">Bits per sample: 1, 2, 4, 8 or 16, as the colour type allows.</param>
/// <param name="ColorType">0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA.</param>
/// <param name="Interlaced">True for Adam7 interlacing.</param>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    /// <summary>Bits of one pixel: samples per pixel times the bit depth.</summary>
    public int BitsPerPixel => BitDepth * ColorType switch { 0 or 3 => 1, 4 => 2, 2 => 3, _ => 4 };

    /// <summary>Bytes of one row of <paramref name="pixels"/> pixels, without the filter byte.</summary>
    public long RowBytes(long pixels) => ((pixels * BitsPerPixel) + 7) / 8;
}

/// <summary>
/// Walks the chunks of a PNG strictly by the specification before ImageSharp sees it: the IHDR first and only once,
/// every chunk inside the content, the IDAT chunks consecutive, the critical chunks' CRCs correct when asked. It
/// refuses what ImageSharp 2.1.13 would otherwise read leniently (skipping bad lengths, a second IHDR), so that the
/// header checked here is the header ImageSharp decodes with.
/// </summary>
internal sealed class PngStructure
{
    private const int SignatureLength = 8;

    private PngStructure(PngHeader header, IReadOnlyList<Range> imageData, Range? palette, Range? transparency)
    {
        Header = header;
        ImageData = imageData;
        Palette = palette;
        Transparency = transparency;
    }

    /// <summary>The validated IHDR.</summary>
    public PngHeader Header { get; }

    /// <summary>The data of every IDAT chunk, in order.</summary>
    public IReadOnlyList<Range> ImageData { get; }

    /// <summary>The PLTE chunk's data, if any.</summary>
    public Range? Palette { get; }

    /// <summary>The tRNS chunk's data if it comes before the image data, as the specification requires.</summary>
    public Range? Transparency { get; }

    /// <summary>Reads only the IHDR, which the specification puts first, so dimensions can be checked before any walk.</summary>
    /// <exception cref="ImageStructureException">There is no valid IHDR right after the signature.</exception>
    public static PngHeader ReadHeader(ReadOnlySpan<byte> content)
    {
        if (content.Length < SignatureLength + 8 + 13 + 4)
        {
            throw new ImageStructureException($"the PNG is too short to hold its IHDR chunk ({content.Length} bytes; 33 are needed).");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(content[SignatureLength..]);
        ReadOnlySpan<byte> type = content.Slice(SignatureLength + 4, 4);
        if (!type.SequenceEqual("IHDR"u8) || length != 13)
        {
            throw new ImageStructureException(
                $"the first PNG chunk must be a 13-byte IHDR; it is '{ChunkName(type)}' with {length} bytes.");
        }

        return ParseHeader(content.Slice(SignatureLength + 8, 13));
    }

    /// <summary>Walks every chunk up to IEND (or the end of the content).</summary>
    /// <param name="content">The whole file, starting with the PNG signature.</param>
    /// <param name="verifyCrc">Check the CRC of every critical chunk (IHDR, PLTE, IDAT, IEND).</param>
    /// <exception cref="ImageStructureException">The structure breaks a rule; the message names the chunk and offset.</exception>
    public static PngStructure Read(ReadOnlySpan<byte> content, bool verifyCrc)
    {
        PngHeader header = ReadHeader(content);
        var imageData = new List<Range>();
        Range? palette = null;
        Range? transparency = null;
        bool imageDataEnded = false;
        int offset = SignatureLength;
        while (offset < content.Length)
        {
            if (content.Length - offset < 12)
            {
                throw new ImageStructureException(
                    $"the PNG is truncated: {content.Length - offset} bytes at offset {offset} cannot hold a chunk (12 bytes at least).");
            }

            uint declared = BinaryPrimitives.ReadUInt32BigEndian(content[offset..]);
            ReadOnlySpan<byte> type = content.Slice(offset + 4, 4);
            string name = ChunkName(type);
            if (!IsChunkType(type))
            {
                throw new ImageStructureException($"the bytes at offset {offset + 4} are not a PNG chunk type ('{name}').");
            }

            long available = content.Length - offset - 12L;
            if (declared > int.MaxValue || declared > available)
            {
                throw new ImageStructureException(
                    $"the PNG is truncated or corrupt: chunk '{name}' at offset {offset} declares {declared} bytes of data; {Math.Max(0, available)} remain.");
            }

            int length = (int)declared;
            var data = new Range(offset + 8, offset + 8 + length);
            bool critical = (type[0] & 0x20) == 0;
            if (verifyCrc && critical)
            {
                uint stored = BinaryPrimitives.ReadUInt32BigEndian(content[(offset + 8 + length)..]);
                uint actual = PngCrc.Compute(content.Slice(offset + 4, length + 4));
                if (stored != actual)
                {
                    throw new ImageStructureException($"CRC error in chunk '{name}' at offset {offset}: stored 0x{stored:X8}, computed 0x{actual:X8}.");
                }
            }

            bool isImageData = type.SequenceEqual("IDAT"u8);
            if (isImageData)
            {
                if (imageDataEnded)
                {
                    throw new ImageStructureException($"the IDAT chunk at offset {offset} follows other chunks after the image data; IDAT chunks must be consecutive.");
                }

                imageData.Add(data);
            }
            else if (imageData.Count > 0)
            {
                imageDataEnded = true;
            }

            if (offset > SignatureLength && type.SequenceEqual("IHDR"u8))
            {
                throw new ImageStructureException($"a second IHDR chunk at offset {offset}.");
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                if (palette is not null || imageData.Count > 0)
                {
                    throw new ImageStructureException($"the PLTE chunk at offset {offset} is repeated or comes after the image data.");
                }

                palette = data;
            }
            else if (type.SequenceEqual("tRNS"u8) && imageData.Count == 0 && transparency is null)
            {
                transparency = data;
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            else if (critical && !isImageData && !type.SequenceEqual("IHDR"u8))
            {
                // A decoder must not guess at an unknown critical chunk (the PNG specification, 5.4), and ImageSharp
                // refuses some (Apple's CgBI) but skips others.
                throw new ImageStructureException($"unknown critical chunk '{name}' at offset {offset}.");
            }

            offset += 12 + length;
        }

        if (imageData.Count == 0)
        {
            throw new ImageStructureException("the PNG has no IDAT (image data) chunk.");
        }

        if (header.ColorType == 3 && palette is null)
        {
            throw new ImageStructureException("the PNG has colour type 3 (palette) but no PLTE chunk.");
        }

        return new PngStructure(header, imageData, palette, transparency);
    }

    private static PngHeader ParseHeader(ReadOnlySpan<byte> data)
    {
        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int depth = data[8];
        int colorType = data[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new ImageStructureException($"the IHDR declares {width}x{height} pixels; each side must lie in [1, 2^31 - 1].");
        }

        bool validDepth = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!validDepth)
        {
            throw new ImageStructureException($"the IHDR combines colour type {colorType} with bit depth {depth}, which PNG does not allow.");
        }

        if (data[10] != 0 || data[11] != 0 || data[12] > 1)
        {
            throw new ImageStructureException(
                $"the IHDR has compression method {data[10]}, filter method {data[11]} and interlace method {data[12]}; only 0, 0 and 0 or 1 exist.");
        }

        return new PngHeader((int)width, (int)height, depth, colorType, data[12] == 1);
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (b is not ((>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z')))
            {
                return false;
            }
        }

        return true;
    }

    private static string ChunkName(ReadOnlySpan<byte> type)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            chars[i] = type[i] is >= 0x20 and < 0x7F ? (char)type[i] : '?';
        }

        return new string(chars);
    }
}
