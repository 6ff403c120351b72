using System.Diagnostics;
using System.Runtime.InteropServices;
using MixAug.ImageSharp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests;

/// <summary>
/// Folder loads under hostile content (issue 11, item 4): byte and pixel budgets across the folder, files that are not
/// regular files, and runaway decodes that end once cancelled.
/// </summary>
[CancelAfter(120_000)]
public partial class SafeImageLoaderFolderTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mixaug-folder-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void PixelBudgetRefusesTheImageThatWouldPassItAndStillLoadsSmallerOnesAfter()
    {
        using Image<Rgb24> big = TestFiles.Noise(100, 100, seed: 1);
        using Image<Rgb24> small = TestFiles.Noise(10, 10, seed: 2);
        Write("a.png", TestFiles.Png(big));
        Write("b.jpg", TestFiles.Jpeg(big));
        Write("c.png", TestFiles.Png(big));
        Write("d.png", TestFiles.Png(small));

        // a + b + d = 20100 pixels exactly: the budget is inclusive; c would take it to 30000.
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFolderPixels = 20_100 });
        using FolderLoadResult result = loader.LoadFolder(_folder);
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a.png", "b.jpg", "d.png" }));
        MixAugImageException refused = result.Failures.Single();
        Assert.That((Path.GetFileName(refused.SourceName), refused.Reason), Is.EqualTo(("c.png", ImageLoadFailure.FolderBudgetExceeded)));
        Assert.That(refused.Detail, Does.Contain("100x100 pixels (10000)").And.Contain("only 100 of the folder's 20100-pixel budget"));

        // One pixel less and d no longer fits either.
        var tighter = new SafeImageLoader(new SafeImageLoaderOptions { MaxFolderPixels = 20_099 });
        using FolderLoadResult second = tighter.LoadFolder(_folder);
        Assert.That(second.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a.png", "b.jpg" }));
    }

    [Test]
    public void ByteBudgetRefusesTheFileThatWouldPassItUnreadAndStillTriesTheRest()
    {
        using Image<Rgb24> noise = TestFiles.Noise(64, 64, seed: 3);
        using Image<Rgb24> small = TestFiles.Noise(4, 4, seed: 4);
        byte[] png = TestFiles.Png(noise);
        byte[] tiny = TestFiles.Png(small);
        Write("a.png", png);
        Write("b.png", png);
        Write("c.png", tiny);
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFolderBytes = png.Length + tiny.Length });
        using FolderLoadResult result = loader.LoadFolder(_folder);
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a.png", "c.png" }));
        MixAugImageException refused = result.Failures.Single();
        Assert.That((Path.GetFileName(refused.SourceName), refused.Reason), Is.EqualTo(("b.png", ImageLoadFailure.FolderBudgetExceeded)));
        Assert.That(refused.Detail, Does.Contain($"the file has {png.Length} bytes and only {tiny.Length} of the folder's {png.Length + tiny.Length}-byte budget"));

        // The budget is checked before a file is opened: a 100 MB (sparse) file is a budget refusal, not a read that
        // stops at MaxFileBytes.
        using (var sparse = new FileStream(Path.Combine(_folder, "d.png"), FileMode.Create))
        {
            sparse.SetLength(100_000_000);
        }

        using (FolderLoadResult withSparse = loader.LoadFolder(_folder))
        {
            MixAugImageException last = withSparse.Failures[^1];
            Assert.That((Path.GetFileName(last.SourceName), last.Reason), Is.EqualTo(("d.png", ImageLoadFailure.FolderBudgetExceeded)));
            Assert.That(last.Detail, Does.Contain("the file has 100000000 bytes").And.EndWith("it was not read."));
        }

        File.Delete(Path.Combine(_folder, "d.png"));

        // Files that fail count too (what was read was read): a truncated a.png still leaves no room for b.png.
        File.WriteAllBytes(Path.Combine(_folder, "a.png"), TestFiles.Truncate(png, 0.9));
        using FolderLoadResult second = loader.LoadFolder(_folder);
        Assert.That(second.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "c.png" }));
        Assert.That(second.Failures.Select(f => (Path.GetFileName(f.SourceName), f.Reason)), Is.EqualTo(new[]
        {
            ("a.png", ImageLoadFailure.InvalidContent), ("b.png", ImageLoadFailure.FolderBudgetExceeded),
        }));
    }

    [Test]
    public void FolderOfBombsStaysWithinItsPixelBudgetInMemory()
    {
        // Thirty 16-megapixel PNGs of zeros (about 50 KB each, 48 MB each as RGB): without a budget the folder kept all
        // of them, 1.4 GB. With 40 M pixels two load and the rest are refused at their header.
        byte[] bomb = Bombs.ZeroPng(4000, 4000, 2, 8, filter: 0);
        for (int i = 0; i < 30; i++)
        {
            Write($"bomb{i:D2}.png", bomb);
        }

        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFolderPixels = 40_000_000 });
        PeakMemory.Reset();
        long before = PeakMemory.CurrentBytes;
        using FolderLoadResult result = loader.LoadFolder(_folder);
        long peak = PeakMemory.PeakBytes - before;
        Assert.That(result.Images, Has.Count.EqualTo(2));
        Assert.That(result.Failures, Has.Count.EqualTo(28));
        Assert.That(result.Failures.Select(f => f.Reason).Distinct(), Is.EqualTo(new[] { ImageLoadFailure.FolderBudgetExceeded }));
        Assert.That(peak, Is.LessThan(400L << 20), $"peak resident growth {peak >> 20} MiB; two images are 96 MB, thirty were 1.4 GB");
    }

    [Test]
    [Platform("Linux")]
    public void NamedPipeIsReportedNotOpenedAndTheFolderReturns()
    {
        using Image<Rgb24> noise = TestFiles.Noise(8, 8, seed: 5);
        Write("a.png", TestFiles.Png(noise));
        string pipe = Path.Combine(_folder, "x.png");
        Assert.That(MakeFifo(pipe, 0x1B6), Is.Zero, "mkfifo");
        Write("z.jpg", TestFiles.Jpeg(noise));
        var loader = new SafeImageLoader();
        using FolderLoadResult result = Hang.Within(TimeSpan.FromSeconds(10), () => loader.LoadFolder(_folder), "folder with a named pipe");
        Assert.That(result.Images.Select(i => Path.GetFileName(i.Path)), Is.EqualTo(new[] { "a.png", "z.jpg" }));
        MixAugImageException failure = result.Failures.Single();
        Assert.That((failure.SourceName, failure.Reason), Is.EqualTo((pipe, ImageLoadFailure.NotARegularFile)));
        Assert.That(failure.Detail, Does.Contain("named pipe"));
        var direct = Hang.Within(TimeSpan.FromSeconds(10), () => Assert.Throws<MixAugImageException>(() => loader.Load(pipe))!, "Load of a named pipe");
        Assert.That(direct.Reason, Is.EqualTo(ImageLoadFailure.NotARegularFile));
    }

    [Test]
    [Platform("Linux")]
    public void CharacterDeviceIsNotRead()
    {
        var e = Assert.Throws<MixAugImageException>(() => new SafeImageLoader().Load("/dev/zero"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.NotARegularFile));
        Assert.That(e.Detail, Does.Contain("character device"));
    }

    [Test]
    public void TimedOutPngDecodeStopsSoonAfterItsDeadline()
    {
        // ImageSharp's PNG decoder ignores its token; the loader's input stream throws on the next read instead, so the
        // abandoned decode ends instead of burning a core until its natural end.
        byte[] bomb = Bombs.ZeroPng(7000, 7000, 6, 16);
        var unlimited = new SafeImageLoader(new SafeImageLoaderOptions { AllocationLimitMegabytes = 1024 });
        var natural = Stopwatch.StartNew();
        using (unlimited.Load(new MemoryStream(bomb), "bomb.png"))
        {
            natural.Stop();
        }

        var loader = new SafeImageLoader(new SafeImageLoaderOptions { DecodeTimeout = TimeSpan.FromSeconds(0.2), AllocationLimitMegabytes = 1024 });
        var e = Assert.Throws<MixAugImageException>(() => loader.Load(new MemoryStream(bomb), "bomb.png"))!;
        Assert.That(e.Reason, Is.EqualTo(ImageLoadFailure.Timeout));
        var stopwatch = Stopwatch.StartNew();
        while (loader.RunawayDecodes > 0 && stopwatch.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(5);
        }

        Assert.That(loader.RunawayDecodes, Is.Zero);
        Assert.That(natural.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(0.6)), "the bomb must be slow enough for the check to mean something");
        Assert.That(stopwatch.Elapsed, Is.LessThan((natural.Elapsed - TimeSpan.FromSeconds(0.2)) / 2),
            $"the abandoned decode ends at its next read, not at its natural end ({natural.Elapsed.TotalSeconds:F2} s)");
    }

    [LibraryImport("libc.so.6", EntryPoint = "mkfifo", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, int mode);

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
