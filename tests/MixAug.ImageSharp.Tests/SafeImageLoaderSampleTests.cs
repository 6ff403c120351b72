using MixAug.ImageSharp.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests;

/// <summary>
/// <see cref="SafeImageLoader.SampleFolder"/>: a seeded sample of a folder of any size, chosen from the names alone,
/// loaded one image at a time and reduced at once, with failures replaced and the folder budgets still applied. The
/// expected samples come from <see cref="ExpectedKey"/>, a second implementation of the documented key in this file.
/// </summary>
[CancelAfter(120_000)]
public class SafeImageLoaderSampleTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mixaug-sample-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void TheSampleIsTheFilesOfSmallestKeyAndNoOtherFileIsOpened()
    {
        // 120 files in 4 class folders and the root; every file outside the expected sample is garbage, so opening any
        // of them would show up as a failure.
        string[] names = Enumerable.Range(0, 120).Select(i => i % 5 == 4 ? $"root-{i:D3}.png" : $"class-{i % 5}/img-{i:D3}.png").ToArray();
        string[] expected = SmallestKeys(names, seed: 7, count: 8);
        byte[] good = TestFiles.Png(TestFiles.Noise(12, 10, seed: 1));
        foreach (string name in names)
        {
            Write(name, expected.Contains(name) ? good : [1, 2, 3, 4]);
        }

        using FolderSample sample = new SafeImageLoader().SampleFolder(_folder, new FolderSampleRequest(8, seed: 7, width: 6, height: 6));

        Assert.That(sample.Failures, Is.Empty, "a file outside the sample was opened");
        Assert.That(sample.Images.Select(i => i.RelativePath), Is.EqualTo(expected.Order(StringComparer.Ordinal)));
        Assert.That(sample.FilesFound, Is.EqualTo(120));
        Assert.That(sample.Images.Select(i => i.ClassName), Is.EqualTo(expected.Order(StringComparer.Ordinal).Select(n => n.StartsWith("class-", StringComparison.Ordinal) ? n[..7] : null)));
        Assert.That(sample.Images.All(i => i.Image.Width == 6 && i.Image.Height == 6), Is.True);
    }

    [Test]
    public void AnotherSeedGivesAnotherSampleAndTheSameSeedTheSameOne()
    {
        string[] names = Enumerable.Range(0, 60).Select(i => $"c{i % 3}/{i:D2}.png").ToArray();
        byte[] good = TestFiles.Png(TestFiles.Noise(8, 8, seed: 2));
        Array.ForEach(names, n => Write(n, good));
        var loader = new SafeImageLoader();
        string[] Sample(ulong seed)
        {
            using FolderSample s = loader.SampleFolder(_folder, new FolderSampleRequest(5, seed, 8, 8));
            return s.Images.Select(i => i.RelativePath).ToArray();
        }

        Assert.That(Sample(1), Is.EqualTo(SmallestKeys(names, 1, 5).Order(StringComparer.Ordinal)));
        Assert.That(Sample(2), Is.EqualTo(SmallestKeys(names, 2, 5).Order(StringComparer.Ordinal)));
        Assert.That(Sample(1), Is.Not.EqualTo(Sample(2)));
        string[] again = Sample(1);
        Assert.That(again, Is.EqualTo(SmallestKeys(names, 1, 5).Order(StringComparer.Ordinal)));
    }

    [Test]
    public void FailedFilesAreReportedAndReplacedByTheNextOfTheSample()
    {
        string[] names = Enumerable.Range(0, 40).Select(i => $"x{i:D2}.png").ToArray();
        string[] order = SmallestKeys(names, seed: 3, count: 40);
        byte[] good = TestFiles.Png(TestFiles.Noise(8, 8, seed: 3));

        // The first, third and fourth of the sample's order are corrupt: the next three good ones take their places.
        string[] bad = [order[0], order[2], order[3]];
        foreach (string name in names)
        {
            Write(name, bad.Contains(name) ? [0x89, (byte)'P', (byte)'N', (byte)'G'] : good);
        }

        var reports = new List<FolderSampleProgress>();
        using FolderSample sample = new SafeImageLoader().SampleFolder(_folder, new FolderSampleRequest(6, 3, 8, 8), new Recorder(reports));

        string[] expectedImages = order.Except(bad).Take(6).Order(StringComparer.Ordinal).ToArray();
        Assert.That(sample.Images.Select(i => i.RelativePath), Is.EqualTo(expectedImages));
        Assert.That(sample.Failures.Select(f => Path.GetFileName(f.SourceName)), Is.EqualTo(bad.Order(StringComparer.Ordinal)));
        Assert.That(sample.StoppedByFailures, Is.False);
        FolderSampleProgress[] loading = reports.Where(r => !r.Listing).ToArray();
        Assert.That(loading, Has.Length.EqualTo(9), "one report per file tried: 6 loaded, 3 failed");
        Assert.That(loading[^1], Is.EqualTo(new FolderSampleProgress(false, 40, 6, 3, 6)));
        Assert.That(reports[0].Listing, Is.True);
    }

    [Test]
    public void AFolderOfBadFilesCostsCountPlusMaxFailuresAttemptsAtMost()
    {
        for (int i = 0; i < 200; i++)
        {
            Write($"bad{i:D3}.jpg", [0xFF, 0xD8, 0xFF]);
        }

        var request = new FolderSampleRequest(4, 1, 8, 8) { MaxFailures = 5 };
        using FolderSample sample = new SafeImageLoader().SampleFolder(_folder, request);
        Assert.That(sample.Images, Is.Empty);
        Assert.That(sample.Failures, Has.Count.EqualTo(6), "five failures replaced, the sixth ends the sample");
        Assert.That(sample.StoppedByFailures, Is.True);
        Assert.That(sample.FilesFound, Is.EqualTo(200));
    }

    [Test]
    public void OnlyTheRootAndOneLevelOfClassFoldersAreListedAndOnlyImageExtensions()
    {
        byte[] good = TestFiles.Png(TestFiles.Noise(8, 8, seed: 4));
        Write("a.png", good);
        Write("cat/b.PNG", good);
        Write("cat/deeper/c.png", good);
        Write("dog/d.jpg", TestFiles.Jpeg(TestFiles.Noise(8, 8, seed: 4)));
        Write("dog/notes.txt", [1, 2, 3]);
        Write("LICENSES.md", [1, 2, 3]);

        using FolderSample sample = new SafeImageLoader().SampleFolder(_folder, new FolderSampleRequest(10, 1, 8, 8));
        Assert.That(sample.Images.Select(i => i.RelativePath), Is.EqualTo(new[] { "a.png", "cat/b.PNG", "dog/d.jpg" }));
        Assert.That(sample.Images.Select(i => i.ClassName), Is.EqualTo(new[] { null, "cat", "dog" }));
        Assert.That(sample.FilesFound, Is.EqualTo(3));
        Assert.That(sample.Failures, Is.Empty);
    }

    [Test]
    public void SampledImagesAreTheLoadersImagesReducedAsImageBatchReducesThem()
    {
        using Image<Rgb24> photo = TestFiles.Noise(90, 60, seed: 9);
        Write("p.png", TestFiles.Png(photo));
        using Image<Rgb24> exact = TestFiles.Noise(16, 16, seed: 10);
        Write("q.png", TestFiles.Png(exact));
        var loader = new SafeImageLoader();

        using FolderSample sample = loader.SampleFolder(_folder, new FolderSampleRequest(2, 1, 16, 16));
        using Image<Rgb24> loaded = loader.Load(Path.Combine(_folder, "p.png"));
        using Image<Rgb24> fitted = ImageBatch.Fit(loaded, 16, 16);
        Assert.That(ImageBatchTests.Pixels(sample.Images[0].Image), Is.EqualTo(ImageBatchTests.Pixels(fitted)));
        Assert.That(ImageBatchTests.Pixels(sample.Images[1].Image), Is.EqualTo(ImageBatchTests.Pixels(exact)), "an image of the size is kept as it is");
    }

    [Test]
    public void ThePixelBudgetIsChargedTheReducedImageAndStillRefusesAHeaderThatWouldPassIt()
    {
        // Ten 500x500 images (250,000 pixels each) under a 1,000,000-pixel budget: a LoadFolder keeps four; a sample
        // keeps 10 x 8 x 8 pixels, so all ten load. A 1200x1000 image still cannot be decoded: its header alone passes
        // what remains of the budget.
        byte[] mid = TestFiles.Png(TestFiles.Noise(500, 500, seed: 5));
        for (int i = 0; i < 10; i++)
        {
            Write($"m{i}.png", mid);
        }

        Write("huge.png", Bombs.ZeroPng(1200, 1000, 2, 8, filter: 0));
        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFolderPixels = 1_000_000 });
        using (FolderLoadResult all = loader.LoadFolder(_folder))
        {
            Assert.That(all.Images, Has.Count.EqualTo(4), "what LoadFolder keeps under the same budget");
        }

        using FolderSample sample = loader.SampleFolder(_folder, new FolderSampleRequest(11, 1, 8, 8));
        Assert.That(sample.Images, Has.Count.EqualTo(10));
        Assert.That(sample.Failures, Has.Count.EqualTo(1));
        Assert.That(sample.Failures[0].Reason, Is.EqualTo(ImageLoadFailure.FolderBudgetExceeded));
        Assert.That(sample.Failures[0].Message, Does.Contain("huge.png").And.Contain("1200x1000"));
    }

    [Test]
    public void TheByteBudgetRefusesAFileUnreadAndTheNextOfTheSampleIsTried()
    {
        byte[] small = TestFiles.Png(TestFiles.Noise(8, 8, seed: 6));
        string[] names = Enumerable.Range(0, 12).Select(i => $"s{i:D2}.png").ToArray();
        string[] order = SmallestKeys(names, seed: 5, count: 12);
        foreach (string name in names)
        {
            Write(name, name == order[1] ? new byte[100_000] : small);
        }

        var loader = new SafeImageLoader(new SafeImageLoaderOptions { MaxFolderBytes = 50_000 });
        using FolderSample sample = loader.SampleFolder(_folder, new FolderSampleRequest(4, 5, 8, 8));
        Assert.That(sample.Images.Select(i => i.RelativePath), Is.EqualTo(new[] { order[0], order[2], order[3], order[4] }.Order(StringComparer.Ordinal)));
        Assert.That(sample.Failures.Single().Reason, Is.EqualTo(ImageLoadFailure.FolderBudgetExceeded));
        Assert.That(sample.Failures.Single().Message, Does.Contain("it was not read"));
    }

    [Test]
    public void AFolderOfLargeImagesCostsOneImageAtATimeInMemory()
    {
        // Twenty 12-megapixel PNGs (36 MB each as RGB): a LoadFolder under the default budget keeps sixteen of them,
        // 576 MB. A sample of eight reduced to 64x64 holds one full image at a time.
        byte[] photo = Bombs.ZeroPng(4000, 3000, 2, 8, filter: 0);
        for (int i = 0; i < 20; i++)
        {
            Write($"c{i % 2}/p{i:D2}.png", photo);
        }

        var loader = new SafeImageLoader();
        PeakMemory.Reset();
        long before = PeakMemory.CurrentBytes;
        using FolderSample sample = loader.SampleFolder(_folder, new FolderSampleRequest(8, 1, 64, 64));
        long peak = PeakMemory.PeakBytes - before;
        Assert.That(sample.Images, Has.Count.EqualTo(8));
        Assert.That(peak, Is.LessThan(200L << 20), $"peak resident growth {peak >> 20} MiB; one decoded image is 36 MB, eight 288 MB");
    }

    [Test]
    public void BadArgumentsAreRefused()
    {
        var loader = new SafeImageLoader();
        Assert.Throws<DirectoryNotFoundException>(() => loader.SampleFolder(Path.Combine(_folder, "missing"), new FolderSampleRequest(1, 1, 8, 8)));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FolderSampleRequest(0, 1, 8, 8))!.ParamName, Is.EqualTo("count"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FolderSampleRequest(1, 1, 8, 8) { MaxFailures = -1 })!.Message, Does.Contain("MaxFailures must be at least 0; it was -1."));
    }

    /// <summary>The documented key, written again: FNV-1a 64 over the relative path's UTF-16 units, XOR the SplitMix64
    /// finaliser of the seed, finalised again; ties by ordinal path.</summary>
    private static ulong ExpectedKey(ulong seed, string relativePath)
    {
        static ulong Mix(ulong z)
        {
            z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
            z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
            return z ^ (z >> 31);
        }

        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in relativePath)
        {
            h = unchecked((h ^ c) * 0x100000001B3UL);
        }

        return Mix(h ^ Mix(seed));
    }

    private static string[] SmallestKeys(string[] names, ulong seed, int count) =>
        names.OrderBy(n => ExpectedKey(seed, n)).ThenBy(n => n, StringComparer.Ordinal).Take(count).ToArray();

    private void Write(string relative, byte[] content)
    {
        string path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private sealed class Recorder(List<FolderSampleProgress> reports) : IProgress<FolderSampleProgress>
    {
        public void Report(FolderSampleProgress value) => reports.Add(value);
    }
}
