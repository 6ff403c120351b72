using MixAug.ImageSharp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests;

/// <summary>Bad and unusual files (anchors part D5): each gives a clear <see cref="MixAugImageException"/> or loads correctly; never a crash or a hang.</summary>
[CancelAfter(60_000)]
public class SafeImageLoaderTests
{
    private static readonly SafeImageLoader Loader = new();

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mixaug-loader-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    public static IEnumerable<TestCaseData> BadFiles()
    {
        using Image<Rgb24> noise = TestFiles.Noise(32, 24, seed: 7);
        byte[] png = TestFiles.Png(noise);
        byte[] jpeg = TestFiles.Jpeg(noise);
        yield return Case("empty.png", [], ImageLoadFailure.UnsupportedFormat, "empty content");
        yield return Case("random.jpg", Enumerable.Range(0, 500).Select(i => (byte)((i * 73) + 11)).ToArray(), ImageLoadFailure.UnsupportedFormat, "unrecognised");
        yield return Case("text.png", "this is not an image\n"u8.ToArray(), ImageLoadFailure.UnsupportedFormat, "unrecognised");
        yield return Case("signature-only.png", png[..8], ImageLoadFailure.InvalidContent, "PNG");
        yield return Case("header-only.png", TestFiles.PngHeaderOnly(32, 24), ImageLoadFailure.InvalidContent, "PNG");
        yield return Case("truncated-half.png", TestFiles.Truncate(png, 0.5), ImageLoadFailure.InvalidContent, "PNG");
        yield return Case("bad-crc.png", TestFiles.CorruptIdatCrc(png), ImageLoadFailure.InvalidContent, "PNG");
        yield return Case("huge.png", TestFiles.PngHeaderOnly(100_000, 100_000), ImageLoadFailure.DimensionsTooLarge, "100000x100000");
        yield return Case("wide.png", TestFiles.PngHeaderOnly(20_000, 1), ImageLoadFailure.DimensionsTooLarge, "20000x1");
        yield return Case("jpeg-soi-only.jpg", jpeg[..3], ImageLoadFailure.InvalidContent, "JPEG signature");
        yield return Case("truncated-half.jpg", TestFiles.Truncate(jpeg, 0.5), null, "JPEG");
        yield return Case("garbage-sos.jpg", TestFiles.GarbageAfterSos(jpeg), null, "JPEG");
        yield return Case("issue3074.bmp", TestFiles.Bmp3074(), ImageLoadFailure.UnsupportedFormat, "BMP");
        yield return Case("tiny.tiff", TestFiles.Tiff(), ImageLoadFailure.UnsupportedFormat, "TIFF");
        yield return Case("big.tif", TestFiles.BigTiff(), ImageLoadFailure.UnsupportedFormat, "TIFF");
        yield return Case("tiff-named.png", TestFiles.Tiff(), ImageLoadFailure.UnsupportedFormat, "TIFF");
        yield return Case("anim.gif", TestFiles.Gif(), ImageLoadFailure.UnsupportedFormat, "GIF");
        yield return Case("image.webp", TestFiles.WebP(), ImageLoadFailure.UnsupportedFormat, "WebP");
    }

    /// <summary>
    /// Every bad file gives one MixAugImageException naming the file and the reason. A JPEG cut in half or with garbage
    /// scans may still decode (JPEG decoders pad missing data); that is a load, not a crash, and is accepted.
    /// </summary>
    [TestCaseSource(nameof(BadFiles))]
    public void BadFileGivesOneClearErrorOrALoad(string name, byte[] content, ImageLoadFailure? expected, string detail)
    {
        string path = Write(name, content);
        try
        {
            using Image<Rgb24> image = Loader.Load(path);
            Assert.That(expected, Is.Null, $"{name} loaded as {image.Width}x{image.Height} but should have failed with {expected}");
        }
        catch (MixAugImageException e)
        {
            Assert.That(e.SourceName, Is.EqualTo(path));
            Assert.That(e.Message, Does.Contain(name).And.Contain(detail));
            if (expected is not null)
            {
                Assert.That(e.Reason, Is.EqualTo(expected));
            }
        }
    }

    [Test]
    public void HugeDeclaredDimensionsAreRejectedBeforeAnyPixelIsAllocated()
    {
        string path = Write("huge.png", TestFiles.PngHeaderOnly(100_000, 100_000));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(path))!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.DimensionsTooLarge));
        Assert.That(e.Detail, Does.Contain("10000000000").And.Contain("50000000"));
        Assert.That(allocated, Is.LessThan(4 << 20), "rejecting a header must not allocate pixel memory");
    }

    [Test]
    public void WrongExtensionLoadsByContent()
    {
        using Image<Rgb24> noise = TestFiles.Noise(8, 5, seed: 2);
        string path = Write("really-a-png.jpg", TestFiles.Png(noise));
        using Image<Rgb24> image = Loader.Load(path);
        Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(ImageBatchTests.Pixels(noise)));
    }

    [Test]
    public void GrayscalePngLoadsWithEqualChannels()
    {
        var values = Enumerable.Range(0, 64).Select(v => new L8((byte)(v * 4))).ToArray();
        using Image<L8> gray = Image.LoadPixelData<L8>(values, 8, 8);
        string path = Write("gray.png", TestFiles.Png(gray, new PngEncoder { ColorType = PngColorType.Grayscale }));
        using Image<Rgb24> image = Loader.Load(path);
        Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(values.Select(v => new Rgb24(v.PackedValue, v.PackedValue, v.PackedValue)).ToArray()));
    }

    [Test]
    public void AlphaIsDroppedAndColourKeptAsStored()
    {
        var values = new[] { new Rgba32(10, 20, 30, 0), new Rgba32(200, 100, 50, 128), new Rgba32(1, 2, 3, 255), new Rgba32(255, 255, 255, 7) };
        using Image<Rgba32> rgba = Image.LoadPixelData<Rgba32>(values, 2, 2);
        string path = Write("alpha.png", TestFiles.Png(rgba, new PngEncoder { ColorType = PngColorType.RgbWithAlpha }));
        using Image<Rgb24> image = Loader.Load(path);
        Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(values.Select(v => new Rgb24(v.R, v.G, v.B)).ToArray()));
    }

    [Test]
    public void SixteenBitPngIsScaledToEightBits()
    {
        var values = new[] { new Rgb48(0, 65535, 257 * 100), new Rgb48(257 * 7, 257 * 200, 257 * 255) };
        using Image<Rgb48> deep = Image.LoadPixelData<Rgb48>(values, 2, 1);
        string path = Write("deep.png", TestFiles.Png(deep, new PngEncoder { BitDepth = PngBitDepth.Bit16, ColorType = PngColorType.Rgb }));
        using Image<Rgb24> image = Loader.Load(path);
        Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(new[] { new Rgb24(0, 255, 100), new Rgb24(7, 200, 255) }));
    }

    [Test]
    public void PalettePngLoads()
    {
        using Image<Rgb24> noise = TestFiles.Noise(16, 16, seed: 4);
        string path = Write("palette.png", TestFiles.Png(noise, new PngEncoder { ColorType = PngColorType.Palette }));
        using Image<Rgb24> image = Loader.Load(path);
        Assert.That(image.Size(), Is.EqualTo(new Size(16, 16)));
    }

    [Test]
    public void ShippedSampleImagesLoadIncludingTheGrayscaleJpeg()
    {
        using FolderLoadResult result = Loader.LoadFolder(TestFiles.SampleImages);
        Assert.That(result.Failures, Is.Empty);
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "astronaut.jpg", "camera.jpg", "chelsea.jpg", "coffee.jpg", "horse.jpg", "rocket.jpg" }));
        Image<Rgb24> camera = result.Images[1].Image;
        Rgb24 p = camera[camera.Width / 2, camera.Height / 2];
        Assert.That((p.G, p.B), Is.EqualTo((p.R, p.R)), "a grayscale JPEG loads as R = G = B");
    }

    [Test]
    public void FolderWithBadFilesLoadsTheGoodOnesAndReportsEachBadOne()
    {
        using Image<Rgb24> noise = TestFiles.Noise(12, 12, seed: 9);
        Write("a-good.png", TestFiles.Png(noise));
        Write("b-empty.png", []);
        Write("c-good.jpg", TestFiles.Jpeg(noise));
        Write("d-huge.png", TestFiles.PngHeaderOnly(100_000, 100_000));
        Write("e-bmp.bmp", TestFiles.Bmp3074());
        Write("f-truncated.png", TestFiles.Truncate(TestFiles.Png(noise), 0.4));
        Write("notes.md", "not an image, and not an image extension: skipped"u8.ToArray());

        using FolderLoadResult result = Loader.LoadFolder(_folder);
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a-good.png", "c-good.jpg" }));
        Assert.That(
            result.Failures.Select(f => (Path.GetFileName(f.SourceName), f.Reason)),
            Is.EqualTo(new[]
            {
                ("b-empty.png", ImageLoadFailure.UnsupportedFormat),
                ("d-huge.png", ImageLoadFailure.DimensionsTooLarge),
                ("e-bmp.bmp", ImageLoadFailure.UnsupportedFormat),
                ("f-truncated.png", ImageLoadFailure.InvalidContent),
            }));
    }

    [Test]
    public void FileOverTheByteCapIsRejected()
    {
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFileBytes = 100 });
        using Image<Rgb24> noise = TestFiles.Noise(32, 32, seed: 1);
        string path = Write("big.png", TestFiles.Png(noise));
        var e = Assert.Throws<MixAugImageException>(() => loader.Load(path))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.FileTooLarge));
        Assert.That(e.Detail, Does.Contain("100 bytes"));
    }

    [Test]
    public void EndlessStreamIsReadOnlyUpToTheCap()
    {
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFileBytes = 1 << 20 });
        var stream = new EndlessStream();
        var e = Assert.Throws<MixAugImageException>(() => loader.Load(stream, "endless"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.FileTooLarge));
        Assert.That(stream.BytesRead, Is.EqualTo((1 << 20) + 1));
    }

    [Test]
    public void MissingFileIsAReadError()
    {
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(Path.Combine(_folder, "missing.png")))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.ReadError));
        Assert.That(e.Message, Does.Contain("missing.png"));
    }

    [Test]
    public void AllocationOverTheLimitIsInvalidContentWithTheAllocatorsException()
    {
        // 2000x2000 RGB needs 12 MB of pixels, over a 1 MB allocation limit, while passing every dimension cap.
        using var solid = new Image<Rgb24>(2000, 2000);
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { AllocationLimitMegabytes = 1 });
        string path = Write("solid.png", TestFiles.Png(solid));
        var e = Assert.Throws<MixAugImageException>(() => loader.Load(path))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.InnerException, Is.InstanceOf<InvalidImageContentException>().Or.InstanceOf<InvalidMemoryOperationException>());
    }

    [Test]
    public void DecodeTimeoutIsReportedAsTimeout()
    {
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { DecodeTimeout = TimeSpan.FromTicks(1) });
        using Image<Rgb24> noise = TestFiles.Noise(64, 64, seed: 1);
        string path = Write("slow.png", TestFiles.Png(noise));
        var e = Assert.Throws<MixAugImageException>(() => loader.Load(path))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.Timeout));
    }

    [Test]
    public void CallerCancellationIsAnOperationCanceledException()
    {
        using Image<Rgb24> noise = TestFiles.Noise(8, 8, seed: 1);
        string path = Write("ok.png", TestFiles.Png(noise));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => Loader.Load(path, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SafeImageLoader(new SafeImageLoaderOptions { MaxFileBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SafeImageLoader(new SafeImageLoaderOptions { MaxPixels = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SafeImageLoader(new SafeImageLoaderOptions { DecodeTimeout = TimeSpan.Zero }));
    }

    private static TestCaseData Case(string name, byte[] content, ImageLoadFailure? expected, string detail) =>
        new TestCaseData(name, content, expected, detail).SetName($"BadFile({name})");

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
