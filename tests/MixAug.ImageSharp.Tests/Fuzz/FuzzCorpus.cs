using MixAug.ImageSharp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MixAug.ImageSharp.Tests.Fuzz;

/// <summary>
/// The seed files the fuzz cases mutate, all made at test time from the sample images the repository ships
/// (samples/MixAug.Preview/images, copied next to the tests): the JPEGs as shipped, smaller re-encodings, and PNGs of
/// every colour type and bit depth, plain and Adam7-interlaced.
/// </summary>
internal static class FuzzCorpus
{
    private static readonly Lazy<byte[][]> LazyJpegs = new(BuildJpegs);
    private static readonly Lazy<byte[][]> LazyPngs = new(BuildPngs);
    private static readonly Lazy<Image<Rgb24>[]> LazySmall = new(BuildSmall);

    /// <summary>The six shipped JPEGs (320 pixels a side, two of them grayscale) and six 48-pixel re-encodings.</summary>
    public static byte[][] Jpegs => LazyJpegs.Value;

    /// <summary>PNGs from the sample images: ImageSharp's encoder in 11 colour type and depth combinations, plain and Adam7.</summary>
    public static byte[][] Pngs => LazyPngs.Value;

    /// <summary>The sample images scaled down to 48 pixels wide (RGB).</summary>
    public static Image<Rgb24>[] Small => LazySmall.Value;

    private static string[] SampleFiles() => Directory.GetFiles(TestFiles.SampleImages, "*.jpg").Order(StringComparer.Ordinal).ToArray();

    private static Image<Rgb24>[] BuildSmall() =>
        SampleFiles().Select(f =>
        {
            var image = Image.Load<Rgb24>(f);
            image.Mutate(c => c.Resize(48, 0));
            return image;
        }).ToArray();

    private static byte[][] BuildJpegs()
    {
        var jpegs = SampleFiles().Select(File.ReadAllBytes).ToList();
        foreach (Image<Rgb24> image in Small)
        {
            using var stream = new MemoryStream();
            image.SaveAsJpeg(stream, new JpegEncoder { Quality = 75 });
            jpegs.Add(stream.ToArray());
        }

        return [.. jpegs];
    }

    private static byte[][] BuildPngs()
    {
        (PngColorType Type, PngBitDepth Depth)[] formats =
        [
            (PngColorType.Rgb, PngBitDepth.Bit8), (PngColorType.Rgb, PngBitDepth.Bit16), (PngColorType.RgbWithAlpha, PngBitDepth.Bit8),
            (PngColorType.RgbWithAlpha, PngBitDepth.Bit16), (PngColorType.Grayscale, PngBitDepth.Bit1), (PngColorType.Grayscale, PngBitDepth.Bit4),
            (PngColorType.Grayscale, PngBitDepth.Bit8), (PngColorType.Grayscale, PngBitDepth.Bit16), (PngColorType.GrayscaleWithAlpha, PngBitDepth.Bit8),
            (PngColorType.Palette, PngBitDepth.Bit2), (PngColorType.Palette, PngBitDepth.Bit8),
        ];
        var pngs = new List<byte[]>();
        for (int i = 0; i < formats.Length; i++)
        {
            Image<Rgb24> image = Small[i % Small.Length];
            foreach (PngInterlaceMode interlace in new[] { PngInterlaceMode.None, PngInterlaceMode.Adam7 })
            {
                pngs.Add(TestFiles.Png(image, new PngEncoder { ColorType = formats[i].Type, BitDepth = formats[i].Depth, InterlaceMethod = interlace }));
            }
        }

        return [.. pngs];
    }
}
