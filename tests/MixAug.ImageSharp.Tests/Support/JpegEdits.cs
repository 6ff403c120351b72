using System.Buffers.Binary;

namespace MixAug.ImageSharp.Tests.Support;

/// <summary>Finds and edits the marker segments of a baseline JPEG made by a test.</summary>
internal static class JpegEdits
{
    /// <summary>Offsets of every marker before the first SOS, and of the SOS itself (marker byte 0xDA).</summary>
    public static List<(int Offset, byte Marker, int Length)> Segments(byte[] jpeg)
    {
        var segments = new List<(int, byte, int)>();
        int offset = 2;
        while (offset + 4 <= jpeg.Length && jpeg[offset] == 0xFF)
        {
            byte marker = jpeg[offset + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(offset + 2));
            segments.Add((offset, marker, length));
            if (marker == 0xDA)
            {
                break;
            }

            offset += 2 + length;
        }

        return segments;
    }

    public static int OffsetOf(byte[] jpeg, byte marker) => Segments(jpeg).First(s => s.Marker == marker).Offset;

    /// <summary>The file cut just before its SOS marker, as a download that stopped there.</summary>
    public static byte[] CutBeforeSos(byte[] jpeg) => jpeg[..OffsetOf(jpeg, 0xDA)];

    /// <summary>The file without its SOF0 segment (an SOS with no frame header).</summary>
    public static byte[] WithoutSof(byte[] jpeg)
    {
        (int offset, _, int length) = Segments(jpeg).First(s => s.Marker is 0xC0 or 0xC1 or 0xC2);
        return [.. jpeg[..offset], .. jpeg[(offset + 2 + length)..]];
    }

    /// <summary>The file with the frame header declaring other dimensions.</summary>
    public static byte[] WithSofSize(byte[] jpeg, int width, int height)
    {
        byte[] copy = (byte[])jpeg.Clone();
        int sof = Segments(jpeg).First(s => s.Marker is 0xC0 or 0xC1 or 0xC2).Offset;
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 7), (ushort)width);
        return copy;
    }
}
