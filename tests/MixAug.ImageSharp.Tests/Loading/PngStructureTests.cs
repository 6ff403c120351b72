using System.Buffers.Binary;
using MixAug.ImageSharp.Tests.Support;

namespace MixAug.ImageSharp.Tests.Loading;

/// <summary>
/// The strict PNG walk that runs before ImageSharp: each rule refuses its file as InvalidContent with a message that
/// names the chunk and the numbers, and a file that keeps every rule loads.
/// </summary>
public class PngStructureTests
{
    private static readonly SafeImageLoader Loader = new();

    private static readonly byte[] Rgb8x8 = PngBuilder.RandomRows(8, 8, 2, 8, seed: 1);

    private static byte[] Data => PngBuilder.Zlib(PngBuilder.Scanlines(8, 8, 2, 8, Rgb8x8, adam7: false, _ => 0));

    public static IEnumerable<TestCaseData> Malformed()
    {
        byte[] ihdr = PngBuilder.Ihdr(8, 8, 8, 2, 0);
        yield return Case("truncated chunk", Cut(PngBuilder.Build([("IHDR", ihdr), ("IDAT", Data), ("IEND", [])]), 20), "chunk 'IDAT' at offset 33 declares");
        yield return Case("partial chunk header", [.. PngBuilder.Build([("IHDR", ihdr), ("IDAT", Data)]), 0, 0, 0], "3 bytes at offset");
        yield return Case("chunk type not letters", Retype(PngBuilder.Build([("IHDR", ihdr), ("IDAT", Data), ("IEND", [])]), 33, "ID4T"), "not a PNG chunk type ('ID4T')");
        yield return Case("IHDR not first", PngBuilder.Build([("tEXt", "a\0b"u8.ToArray()), ("IHDR", ihdr), ("IDAT", Data), ("IEND", [])]), "first PNG chunk must be a 13-byte IHDR; it is 'tEXt'");
        yield return Case("IHDR too long", PngBuilder.Build([("IHDR", [.. ihdr, 0]), ("IDAT", Data), ("IEND", [])]), "it is 'IHDR' with 14 bytes");
        yield return Case("second IHDR", PngBuilder.Build([("IHDR", ihdr), ("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 1)), ("IDAT", Data), ("IEND", [])]), "a second IHDR chunk at offset 33");
        yield return Case("unknown critical chunk", PngBuilder.Build([("IHDR", ihdr), ("ABCD", [1]), ("IDAT", Data), ("IEND", [])]), "unknown critical chunk 'ABCD' at offset 33");
        yield return Case("Apple CgBI", PngBuilder.Build([("IHDR", ihdr), ("CgBI", [0, 0, 0, 0]), ("IDAT", Data), ("IEND", [])]), "unknown critical chunk 'CgBI'");
        yield return Case("IDAT runs split", PngBuilder.Build([("IHDR", ihdr), ("IDAT", Data[..10]), ("tIME", new byte[7]), ("IDAT", Data[10..]), ("IEND", [])]), "must be consecutive");
        yield return Case("PLTE after IDAT", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 3, 0)), ("IDAT", Data), ("PLTE", new byte[768]), ("IEND", [])]), "PLTE chunk at offset");
        yield return Case("palette without PLTE", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 3, 0)), ("IDAT", Data), ("IEND", [])]), "colour type 3 (palette) but no PLTE");
        yield return Case("no IDAT", PngBuilder.Build([("IHDR", ihdr), ("IEND", [])]), "no IDAT");
        yield return Case("zero width", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(0, 8, 8, 2, 0)), ("IDAT", Data), ("IEND", [])]), "declares 0x8 pixels");
        yield return Case("width over 2^31 - 1", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(0x80000000, 8, 8, 2, 0)), ("IDAT", Data), ("IEND", [])]), "declares 2147483648x8");
        yield return Case("RGB at 4 bits", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 4, 2, 0)), ("IDAT", Data), ("IEND", [])]), "colour type 2 with bit depth 4");
        yield return Case("palette at 16 bits", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 16, 3, 0)), ("IDAT", Data), ("IEND", [])]), "colour type 3 with bit depth 16");
        yield return Case("colour type 5", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 5, 0)), ("IDAT", Data), ("IEND", [])]), "colour type 5 with bit depth 8");
        yield return Case("compression method 1", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 0, compression: 1)), ("IDAT", Data), ("IEND", [])]), "compression method 1, filter method 0 and interlace method 0");
        yield return Case("interlace method 2", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 2)), ("IDAT", Data), ("IEND", [])]), "interlace method 2");
        yield return Case("interlaced, bad IDAT CRC", Flip(PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 1)), ("IDAT", Data), ("IEND", [])]), 45), "CRC error in chunk 'IDAT' at offset 33");
        yield return Case("interlaced, zlib method 7", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 1)), ("IDAT", [0x77, .. Data[1..]]), ("IEND", [])]), "compression method 7");
        yield return Case("interlaced, unknown filter 5", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 1)), ("IDAT", PngBuilder.Zlib([5, .. new byte[400]])), ("IEND", [])]), "unknown PNG filter type 5 in pass 1, row 0");
    }

    [TestCaseSource(nameof(Malformed))]
    public void MalformedStructureIsInvalidContentNamingTheProblem(string name, byte[] png, string detail)
    {
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(png), name))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.Detail, Does.StartWith("the PNG file is malformed: ").And.Contain(detail));
    }

    [Test]
    public void WellFormedExtrasLoad()
    {
        // Ancillary chunks anywhere (even with a bad CRC), IDAT split into many chunks, bytes after IEND, no IEND at all.
        byte[] data = Data;
        byte[] expected = PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 0)), ("IDAT", data), ("IEND", [])]);
        byte[] badAncillaryCrc = Flip(PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 0)), ("tEXt", "a\0b"u8.ToArray()), ("IDAT", data), ("IEND", [])]), 33 + 9);
        byte[][] variants =
        [
            PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 0)), ("gAMA", new byte[4]), ("IDAT", data[..5]), ("IDAT", data[5..9]), ("IDAT", data[9..]), ("tEXt", "k\0v"u8.ToArray()), ("IEND", [])]),
            [.. expected, .. "trailing garbage"u8.ToArray()],
            expected[..^12],
            badAncillaryCrc,
        ];
        using var reference = Loader.Load(new MemoryStream(expected), "reference");
        foreach (byte[] variant in variants)
        {
            using var image = Loader.Load(new MemoryStream(variant), "variant");
            Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(ImageBatchTests.Pixels(reference)));
        }
    }

    private static TestCaseData Case(string name, byte[] png, string detail) => new TestCaseData(name, png, detail).SetName($"Malformed({name})");

    private static byte[] Cut(byte[] png, int bytes) => png[..^bytes];

    private static byte[] Flip(byte[] png, int offset)
    {
        byte[] copy = (byte[])png.Clone();
        copy[offset] ^= 0x10;
        return copy;
    }

    private static byte[] Retype(byte[] png, int chunkOffset, string type)
    {
        byte[] copy = (byte[])png.Clone();
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(copy, chunkOffset + 4);
        return copy;
    }
}
