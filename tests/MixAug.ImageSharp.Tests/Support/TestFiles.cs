using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Support;

/// <summary>Builds the good and bad files the tests need, in memory, so no binary test input is committed.</summary>
internal static class TestFiles
{
    /// <summary>The sample images shipped with the preview app, copied next to the test assembly on build.</summary>
    public static string SampleImages => Path.Combine(AppContext.BaseDirectory, "images");

    /// <summary>An image of seeded noise (every pixel value distinct enough to catch channel or row mix-ups).</summary>
    public static Image<Rgb24> Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new Rgb24[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        }

        return Image.LoadPixelData<Rgb24>(pixels, width, height);
    }

    public static byte[] Png<TPixel>(Image<TPixel> image, PngEncoder? encoder = null)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, encoder ?? new PngEncoder());
        return stream.ToArray();
    }

    public static byte[] Jpeg(Image<Rgb24> image)
    {
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = 90 });
        return stream.ToArray();
    }

    /// <summary>A PNG that is only a signature and a valid IHDR chunk declaring <paramref name="width"/> × <paramref name="height"/>, plus IEND.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        data[8] = 8;  // bit depth
        data[9] = 2;  // colour type: RGB
        return PngBuilder.Build([("IHDR", data), ("IEND", [])]);
    }

    /// <summary>The 35-byte BMP of ImageSharp issue #3074: pixel-data offset 0x7FFFFFFF makes 2.1.13 allocate about 2 GB.</summary>
    public static byte[] Bmp3074()
    {
        var bmp = new byte[35];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), 35);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 0x7FFFFFFF);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 12); // OS/2 v1 header
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(18), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(22), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(24), 24);
        return bmp;
    }

    /// <summary>A minimal little-endian TIFF header (8 bytes) with an IFD offset pointing past the end.</summary>
    public static byte[] Tiff() => [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0];

    /// <summary>A BigTIFF header, the family of GHSA-wmxv-xphr-5c9g.</summary>
    public static byte[] BigTiff() => [(byte)'I', (byte)'I', 43, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] Gif() => Encoding.ASCII.GetBytes("GIF89a\u0001\0\u0001\0\0\0\0;");

    public static byte[] WebP() => Encoding.ASCII.GetBytes("RIFF\u0010\0\0\0WEBPVP8 ");

    public static byte[] Truncate(byte[] content, double share) => content[..(int)(content.Length * share)];

    /// <summary>Flips one byte of the first IDAT chunk's data, which breaks its CRC.</summary>
    public static byte[] CorruptIdatCrc(byte[] png)
    {
        byte[] copy = (byte[])png.Clone();
        int idat = copy.AsSpan().IndexOf("IDAT"u8);
        copy[idat + 6] ^= 0x5A;
        return copy;
    }

    /// <summary>Overwrites the entropy-coded data after the first SOS marker with seeded garbage.</summary>
    public static byte[] GarbageAfterSos(byte[] jpeg)
    {
        byte[] copy = (byte[])jpeg.Clone();
        int sos = copy.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
        var random = new Random(3);
        for (int i = sos + 20; i < copy.Length - 2; i++)
        {
            copy[i] = (byte)random.Next(256);
        }

        return copy;
    }
}

/// <summary>A read-only stream that never ends, to check the loader stops at the byte cap.</summary>
internal sealed class EndlessStream : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        buffer.AsSpan(offset, count).Fill(0xFF);
        BytesRead += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
