using System.Diagnostics;
using System.IO.Compression;
using MixAug.ImageSharp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests;

/// <summary>
/// The failures of issue 11 (a hostile user's mutated PNG and JPEG files), one test each, plus the exact edges of
/// every cap. Each of these failed on the loader before the fix (hangs are caught by <see cref="Hang.Within"/>).
/// </summary>
[CancelAfter(120_000)]
public class SafeImageLoaderHostileTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static readonly SafeImageLoader Loader = new();

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mixaug-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    // ---- 1. Hang: Adam7 narrower than 5 pixels, and interlaced data that ends early ----

    [Test]
    public void OneByOneInterlacedPngLoadsInsteadOfHanging()
    {
        byte[] png = PngBuilder.Encode(1, 1, 2, 8, [10, 20, 30], adam7: true, filter: _ => 0);
        Assert.That(png, Has.Length.LessThan(80), "a valid file of a few dozen bytes, as in the issue");
        using Image<Rgb24> image = Hang.Within(HangLimit, () => Loader.Load(new MemoryStream(png), "1x1-adam7.png"), "1x1 Adam7 PNG");
        Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(new[] { new Rgb24(10, 20, 30) }));
    }

    /// <summary>
    /// Every colour type and bit depth, every size from 1x1 to 9x9 plus 16 and 17 a side, Adam7: the pixels equal the
    /// same rows stored without interlacing (which ImageSharp decodes correctly). ImageSharp 2.1.13 hung on the
    /// narrow ones or swapped their rows.
    /// </summary>
    [Test]
    public void InterlacedPngsOfEverySmallSizeAndFormatLoadLikeTheirPlainTwins()
    {
        int[] sides = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17];
        var mismatches = new List<string>();
        Hang.Within(TimeSpan.FromSeconds(60), () =>
        {
            foreach ((int colorType, int depth) in PngBuilder.AllFormats)
            {
                foreach (int width in sides)
                {
                    foreach (int height in sides)
                    {
                        int seed = (width * 1000) + (height * 10) + colorType;
                        byte[] rows = PngBuilder.RandomRows(width, height, colorType, depth, seed);
                        byte[]? palette = colorType == 3 ? PngBuilder.Palette(depth, seed) : null;
                        byte[] plain = PngBuilder.Encode(width, height, colorType, depth, rows, adam7: false, palette);
                        byte[] interlaced = PngBuilder.Encode(width, height, colorType, depth, rows, adam7: true, palette);
                        using Image<Rgb24> expected = Loader.Load(new MemoryStream(plain), "plain.png");
                        using Image<Rgb24> actual = Loader.Load(new MemoryStream(interlaced), "adam7.png");
                        if (!ImageBatchTests.Pixels(actual).SequenceEqual(ImageBatchTests.Pixels(expected)))
                        {
                            mismatches.Add($"{width}x{height} type {colorType} depth {depth}");
                        }
                    }
                }
            }

            return 0;
        }, "interlaced PNG sweep");
        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void WideInterlacedPngFromImageSharpsEncoderLoadsLikeImageSharpDecodesIt()
    {
        // Wider than 4 pixels ImageSharp's interlaced decoder is right; the loader's rewrite must agree with it exactly.
        using Image<Rgb24> noise = TestFiles.Noise(37, 23, seed: 5);
        byte[] png = TestFiles.Png(noise, new PngEncoder { InterlaceMethod = PngInterlaceMode.Adam7 });
        using Image<Rgb24> image = Loader.Load(new MemoryStream(png), "adam7.png");
        Assert.That(ImageBatchTests.Pixels(image), Is.EqualTo(ImageBatchTests.Pixels(noise)));
    }

    [TestCase(64, 64, 0.5)]
    [TestCase(64, 64, 0.98)]
    [TestCase(3, 9, 0.5)]
    public void InterlacedPngWhoseDataEndsEarlyIsInvalidContentNotAHang(int width, int height, double share)
    {
        // A valid zlib stream that simply holds too few scanlines: ImageSharp 2.1.13 spun forever on it.
        byte[] rows = PngBuilder.RandomRows(width, height, 2, 8, seed: 3);
        byte[] scanlines = PngBuilder.Scanlines(width, height, 2, 8, rows, adam7: true, _ => 0);
        byte[] shortData = PngBuilder.Zlib(scanlines[..(int)(scanlines.Length * share)]);
        byte[] png = PngBuilder.Build([("IHDR", PngBuilder.Ihdr(width, height, 8, 2, 1)), ("IDAT", shortData), ("IEND", [])]);
        var e = Hang.Within(HangLimit, () => Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(png), "short.png"))!, "short interlaced PNG");
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.Detail, Does.Contain($"of the {scanlines.Length} bytes"));
    }

    [Test]
    public void InterlacedPngWithASecondRunOfIdatChunksIsInvalidContentNotAHang()
    {
        byte[] rows = PngBuilder.RandomRows(16, 16, 2, 8, seed: 4);
        byte[] scanlines = PngBuilder.Scanlines(16, 16, 2, 8, rows, adam7: true, _ => 0);
        byte[] png = PngBuilder.Build(
        [
            ("IHDR", PngBuilder.Ihdr(16, 16, 8, 2, 1)), ("IDAT", PngBuilder.Zlib(scanlines)), ("tEXt", "a\0b"u8.ToArray()),
            ("IDAT", PngBuilder.Zlib([0, 1, 2])), ("IEND", []),
        ]);
        var e = Hang.Within(HangLimit, () => Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(png), "two-runs.png"))!, "two IDAT runs");
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.Detail, Does.Contain("consecutive"));
    }

    [Test]
    public void FolderWithANarrowInterlacedPngReturnsAndLoadsTheOthers()
    {
        using Image<Rgb24> noise = TestFiles.Noise(8, 8, seed: 1);
        Write("a.png", TestFiles.Png(noise));
        Write("b-adam7-2x2.png", PngBuilder.Encode(2, 2, 0, 8, [1, 2, 3, 4], adam7: true));
        Write("c.jpg", TestFiles.Jpeg(noise));
        using FolderLoadResult result = Hang.Within(HangLimit, () => Loader.LoadFolder(_folder), "folder with an Adam7 2x2 PNG");
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a.png", "b-adam7-2x2.png", "c.jpg" }));
        Assert.That(ImageBatchTests.Pixels(result.Images[1].Image), Is.EqualTo(new[] { new Rgb24(1, 1, 1), new Rgb24(2, 2, 2), new Rgb24(3, 3, 3), new Rgb24(4, 4, 4) }));
    }

    // ---- 2. Every decoder exception becomes MixAugImageException; one bad file never costs the others ----

    public static IEnumerable<TestCaseData> SampleJpegs() =>
        Directory.GetFiles(TestFiles.SampleImages, "*.jpg").Order(StringComparer.Ordinal).Select(f => new TestCaseData(Path.GetFileName(f)));

    [TestCaseSource(nameof(SampleJpegs))]
    public void JpegCutJustBeforeItsScanIsInvalidContent(string name)
    {
        byte[] cut = JpegEdits.CutBeforeSos(File.ReadAllBytes(Path.Combine(TestFiles.SampleImages, name)));
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(cut), name))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.SourceName, Is.EqualTo(name));
    }

    [Test]
    public void TheIssuesTwoHundredTwelveByteJpegIsInvalidContent()
    {
        // The issue's file: the first 212 bytes of the shipped horse.jpg, whose SOS marker starts at byte 212.
        // ImageSharp threw NullReferenceException from the decoder, and LoadFolder let it through.
        byte[] horse = File.ReadAllBytes(Path.Combine(TestFiles.SampleImages, "horse.jpg"));
        Assert.That(JpegEdits.OffsetOf(horse, 0xDA), Is.EqualTo(212));
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(horse[..212]), "horse-212.jpg"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.InnerException, Is.InstanceOf<NullReferenceException>(), "the decoder's own exception is kept inside");
    }

    [Test]
    public void JpegWithAScanButNoFrameHeaderIsInvalidContent()
    {
        // Identify threw NullReferenceException on this one.
        using Image<Rgb24> noise = TestFiles.Noise(40, 30, seed: 3);
        byte[] noSof = JpegEdits.WithoutSof(TestFiles.Jpeg(noise));
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(noSof), "no-sof.jpg"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.Message, Does.Contain("no-sof.jpg").And.Contain("JPEG"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void PngWhoseDeflateUsesTheReservedBlockTypeIsInvalidContent(bool interlaced)
    {
        // zlib header 78 01, then a final block of type 3 (reserved): .NET's inflater throws InvalidDataException.
        byte[] png = PngBuilder.Build(
            [("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, interlaced ? 1 : 0)), ("IDAT", [0x78, 0x01, 0x07, 0, 0, 0, 0, 0]), ("IEND", [])]);
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(new MemoryStream(png), "reserved.png"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.InvalidContent));
        Assert.That(e.InnerException, Is.InstanceOf<InvalidDataException>());
    }

    [Test]
    public void FolderOfDecoderCrashersStillLoadsItsGoodImages()
    {
        using Image<Rgb24> noise = TestFiles.Noise(40, 30, seed: 4);
        byte[] jpeg = TestFiles.Jpeg(noise);
        Write("a-good.jpg", jpeg);
        Write("b-cut.jpg", JpegEdits.CutBeforeSos(jpeg));
        Write("c-no-sof.jpg", JpegEdits.WithoutSof(jpeg));
        Write("d-reserved.png", PngBuilder.Build([("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 0)), ("IDAT", [0x78, 0x01, 0x07, 0, 0]), ("IEND", [])]));
        Write("e-good.png", TestFiles.Png(noise));
        using FolderLoadResult result = Loader.LoadFolder(_folder);
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a-good.jpg", "e-good.png" }));
        Assert.That(result.Failures.Select(f => (Path.GetFileName(f.SourceName), f.Reason)), Is.EqualTo(new[]
        {
            ("b-cut.jpg", ImageLoadFailure.InvalidContent),
            ("c-no-sof.jpg", ImageLoadFailure.InvalidContent),
            ("d-reserved.png", ImageLoadFailure.InvalidContent),
        }));
    }

    [Test]
    public void IntactImagesDecodeToTheSamePixelsOnEveryThreadAndAfterAnyOtherImage()
    {
        // Determinism of the guarded path: loads from several threads at once, interleaved with damaged files, give
        // byte-identical pixels for every intact sample (PNG and JPEG).
        byte[][] intact = Directory.GetFiles(TestFiles.SampleImages, "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)
            .Concat(Fuzz.FuzzCorpus.Pngs).ToArray();
        byte[][] damaged = Enumerable.Range(0, 20).Select(n => Fuzz.LoaderFuzzTests.Make("jpeg-header", n)).ToArray();
        var loader = new SafeImageLoader(Fuzz.LoaderFuzzTests.Options);
        string Hash(byte[] file)
        {
            using Image<Rgb24> image = loader.Load(new MemoryStream(file), "intact");
            byte[] pixels = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(pixels);
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(pixels));
        }

        string[] expected = intact.Select(Hash).ToArray();
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 4, worker =>
        {
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < intact.Length; i++)
                {
                    try
                    {
                        using (loader.Load(new MemoryStream(damaged[(i + worker) % damaged.Length]), "damaged"))
                        {
                        }
                    }
                    catch (MixAugImageException)
                    {
                    }

                    if (Hash(intact[i]) != expected[i])
                    {
                        mismatches.Add(i);
                    }
                }
            }
        });
        Assert.That(mismatches, Is.Empty);
    }

    // ---- 3. PNG timeouts hold within twice the limit ----

    [TestCase(6, 16, 7000, 7000)]
    [TestCase(2, 16, 7000, 7000)]
    public void SlowPngDecodeTimesOutWithinTwiceTheLimit(int colorType, int depth, int width, int height)
    {
        // 49 megapixels of Paeth-filtered zeros: a bomb of a few hundred KB that takes ImageSharp about a second to decode.
        var limit = TimeSpan.FromSeconds(0.25);
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { DecodeTimeout = limit, AllocationLimitMegabytes = 1024 });
        byte[] bomb = Bombs.ZeroPng(width, height, colorType, depth);
        var stopwatch = Stopwatch.StartNew();
        var e = Hang.Within(HangLimit, () => Assert.Throws<MixAugImageException>(() => loader.Load(new MemoryStream(bomb), "bomb.png"))!, "bomb");
        stopwatch.Stop();
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.Timeout));
        Assert.That(stopwatch.Elapsed, Is.LessThan(limit * 2), "the documented bound is twice DecodeTimeout");
    }

    // ---- 5. Whatever the caller's stream throws is a ReadError ----

    [TestCase(typeof(InvalidOperationException))]
    [TestCase(typeof(UnauthorizedAccessException))]
    [TestCase(typeof(IOException))]
    [TestCase(typeof(NotSupportedException))]
    [TestCase(typeof(ObjectDisposedException))]
    public void ExceptionFromTheCallersStreamIsAReadError(Type thrown)
    {
        var stream = new ThrowingStream(() => (Exception)Activator.CreateInstance(thrown, "stream broke")!);
        var e = Assert.Throws<MixAugImageException>(() => Loader.Load(stream, "caller-stream"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.ReadError));
        Assert.That(e.InnerException, Is.InstanceOf(thrown));
        Assert.That(e.Message, Does.Contain("caller-stream").And.Contain("stream broke"));
    }

    // ---- The caps' exact edges ----

    [Test]
    public void SquareImageWithinTheSideLimitsButOverThePixelCapIsRefused()
    {
        // The decompression-bomb shape the pixel cap exists for: each side is fine, the area is not.
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxWidth = 100, MaxHeight = 100, MaxPixels = 4899 });
        using var square = new Image<Rgb24>(70, 70);
        foreach (byte[] file in new[] { TestFiles.Png(square), TestFiles.Jpeg(square) })
        {
            var e = Assert.Throws<MixAugImageException>(() => loader.Load(new MemoryStream(file), "square"))!;
            Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.DimensionsTooLarge));
            Assert.That(e.Detail, Does.Contain("70x70 pixels (4900)").And.Contain("4899 pixels"));
        }
    }

    [TestCase(70, 70, 4900, true)]
    [TestCase(70, 70, 4899, false)]
    [TestCase(69, 71, 4899, true)]
    [TestCase(1, 100, 100, true)]
    [TestCase(100, 1, 99, false)]
    public void PixelCapIsInclusive(int width, int height, long maxPixels, bool loads)
    {
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxWidth = 100, MaxHeight = 100, MaxPixels = maxPixels });
        AssertLoads(loader, width, height, loads);
    }

    [TestCase(100, 5, true)]
    [TestCase(101, 5, false)]
    [TestCase(5, 100, true)]
    [TestCase(5, 101, false)]
    public void SideLimitsAreInclusive(int width, int height, bool loads)
    {
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxWidth = 100, MaxHeight = 100, MaxPixels = 1_000_000 });
        AssertLoads(loader, width, height, loads);
    }

    [Test]
    public void ByteCapIsInclusiveForFilesAndStreams()
    {
        using Image<Rgb24> noise = TestFiles.Noise(16, 16, seed: 8);
        byte[] png = TestFiles.Png(noise);
        var exact = new SafeImageLoader(new SafeImageLoaderOptions { MaxFileBytes = png.Length });
        var under = new SafeImageLoader(new SafeImageLoaderOptions { MaxFileBytes = png.Length - 1 });
        string path = Write("exact.png", png);
        using (exact.Load(path))
        using (exact.Load(new NonSeekableStream(png), "stream"))
        using (exact.Load(new MemoryStream(png), "seekable"))
        {
        }

        foreach (Func<Image<Rgb24>> load in new Func<Image<Rgb24>>[]
        {
            () => under.Load(path), () => under.Load(new NonSeekableStream(png), "stream"), () => under.Load(new MemoryStream(png), "seekable"),
        })
        {
            var e = Assert.Throws<MixAugImageException>(() => load())!;
            Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.FileTooLarge));
            Assert.That(e.Detail, Does.Contain($"the limit is {png.Length - 1} bytes"));
        }
    }

    [Test]
    public void EndlessStreamCostsTheCapNotTwiceIt()
    {
        // The old reader grew a MemoryStream by doubling: about twice the cap for an endless stream.
        const int cap = 8 << 20;
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFileBytes = cap });
        var stream = new EndlessStream();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MixAugImageException>(() => loader.Load(stream, "endless"))!;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.FileTooLarge));
        Assert.That(stream.BytesRead, Is.EqualTo(cap + 1));
        Assert.That(allocated, Is.InRange(cap + 1, cap + (64 << 10)), "bytes buffered for an endless stream: the cap plus one, plus bookkeeping");
    }

    private static void AssertLoads(SafeImageLoader loader, int width, int height, bool loads)
    {
        using var image = new Image<Rgb24>(width, height);
        foreach (byte[] file in new[] { TestFiles.Png(image), TestFiles.Jpeg(image) })
        {
            if (loads)
            {
                using Image<Rgb24> loaded = loader.Load(new MemoryStream(file), "edge");
                Assert.That(loaded.Size(), Is.EqualTo(new Size(width, height)));
            }
            else
            {
                var e = Assert.Throws<MixAugImageException>(() => loader.Load(new MemoryStream(file), "edge"))!;
                Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.DimensionsTooLarge));
            }
        }
    }

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
