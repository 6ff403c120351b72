namespace MixAug.ImageSharp.Loading;

/// <summary>The CRC-32 of PNG chunks (ISO 3309 / ITU-T V.42, the zlib polynomial), table driven.</summary>
internal static class PngCrc
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues <paramref name="crc"/> (start with <c>0xFFFFFFFF</c>) over <paramref name="bytes"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    /// <summary>The CRC of a chunk's type and data, as stored after the data.</summary>
    public static uint Compute(ReadOnlySpan<byte> typeAndData) => ~Update(0xFFFFFFFF, typeAndData);

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
