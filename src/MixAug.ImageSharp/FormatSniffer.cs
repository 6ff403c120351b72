namespace MixAug.ImageSharp;

/// <summary>
/// Recognises image formats by their first bytes, so that anything other than PNG or JPEG is refused before
/// ImageSharp sees it, with a message that says what the file looks like (a TIFF named .png is reported as TIFF).
/// </summary>
internal static class FormatSniffer
{
    /// <summary>Bytes needed to recognise every format below.</summary>
    public const int HeaderLength = 12;

    /// <summary>Names the format of <paramref name="header"/>.</summary>
    /// <param name="header">The first bytes of the content (fewer than <see cref="HeaderLength"/> if the content is shorter).</param>
    /// <param name="supported">True for PNG and JPEG, the only formats the loader decodes.</param>
    /// <returns>A short format name, or a description of unrecognised content.</returns>
    public static string Sniff(ReadOnlySpan<byte> header, out bool supported)
    {
        supported = false;
        if (header.IsEmpty)
        {
            return "empty content";
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            supported = true;
            return "PNG";
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            supported = true;
            return "JPEG";
        }

        if (header.StartsWith("II*\0"u8) || header.StartsWith("MM\0*"u8) || header.StartsWith("II+\0"u8) || header.StartsWith("MM\0+"u8))
        {
            return "TIFF";
        }

        if (header.StartsWith("GIF8"u8))
        {
            return "GIF";
        }

        if (header.StartsWith("BM"u8))
        {
            return "BMP";
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return "WebP";
        }

        if (header.Length >= 2 && header[0] == (byte)'P' && header[1] is >= (byte)'1' and <= (byte)'7')
        {
            return "PBM/PGM/PPM";
        }

        return "unrecognised content";
    }
}
