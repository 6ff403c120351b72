using MixAug.ImageSharp.Tests.Support;
using MixAug.Preview;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Preview;

[CancelAfter(120_000)]
public class PreviewAppTests
{
    /// <summary>The fixed command whose output is checked in as ReferenceOutput/preview-seed7.png.</summary>
    // The reference image was made when "all" meant Mixup and CutMix; naming them keeps it valid as methods are added.
    private static readonly string[] ReferenceArgs = ["--method", "mixup,cutmix", "--seed", "7", "--size", "64", "--count", "6"];

    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "mixaug-preview-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void HelpPrintsUsageAndSucceeds()
    {
        (int code, string stdout, _) = Run("--help");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("--method").And.Contain("--html").And.Contain("mixup|cutmix|fmix|saliencymix"));
    }

    [TestCase("--method", "nope", "Unknown method 'nope'")]
    [TestCase("--method", "mixup,swirl", "Unknown method 'swirl'")]
    [TestCase("--alpha", "abc", "--alpha must be a finite number")]
    [TestCase("--alpha", "-1", "alpha must be a finite number greater than 0")]
    [TestCase("--probability", "1.5", "probability must lie in [0, 1]")]
    [TestCase("--size", "5", "--size must be an integer in [16, 1024]")]
    [TestCase("--count", "0", "--count must be an integer in [1, 64]")]
    [TestCase("--mode", "weird", "--mode must be batch, pair or elem")]
    [TestCase("--pairing", "zip", "--pairing must be flip, roll or perm")]
    [TestCase("--seed", "-3", "--seed must be an unsigned 64-bit integer")]
    [TestCase("--out", "x.jpg", "--out must name a .png file")]
    [TestCase("--frobnicate", "1", "Unrecognized command or argument '--frobnicate'")]
    [TestCase("--images", "/no/such/folder", "does not exist")]
    public void BadArgumentGivesAMessageAndExitCode2(string option, string value, string message)
    {
        // --out given twice would be its own error, so the --out case names only the bad one.
        string[] args = option == "--out" ? [option, value] : [option, value, "--out", Path.Combine(_folder, "p.png")];
        (int code, _, string stderr) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain(message));
        Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void MethodSpecificOptionForAnotherMethodIsRejected()
    {
        (int code, _, string stderr) = Run("--method", "mixup", "--min-ratio", "0.2", "--max-ratio", "0.5");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--min-ratio applies to cutmix only"));
        (code, _, stderr) = Run("--method", "cutmix", "--decay-power", "3");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--decay-power applies to fmix only"));
    }

    [Test]
    public void MissingValueIsAUsageError()
    {
        (int code, _, string stderr) = Run("--seed");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Required argument missing for option: '--seed'"));
    }

    [Test]
    public void FolderWithoutUsableImagesFailsWithExitCode1()
    {
        File.WriteAllBytes(Path.Combine(_folder, "bad.png"), [1, 2, 3]);
        (int code, _, string stderr) = Run("--images", _folder, "--out", Path.Combine(_folder, "p.png"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("warning: skipped").And.Contain("bad.png").And.Contain("no PNG or JPEG image"));
    }

    [Test]
    public void HostileFilesAreEachReportedAndTheSheetIsStillWritten()
    {
        // Issue 11: files that crashed the JPEG decoder or the inflater, or hung the PNG decoder, next to good images.
        string images = Path.Combine(_folder, "images");
        Directory.CreateDirectory(images);
        byte[] horse = File.ReadAllBytes(Path.Combine(PreviewApp.DefaultImages, "horse.jpg"));
        File.Copy(Path.Combine(PreviewApp.DefaultImages, "camera.jpg"), Path.Combine(images, "a-camera.jpg"));
        File.WriteAllBytes(Path.Combine(images, "b-cut.jpg"), horse[..212]);
        File.WriteAllBytes(Path.Combine(images, "c-no-sof.jpg"), JpegEdits.WithoutSof(horse));
        File.WriteAllBytes(Path.Combine(images, "d-reserved.png"), PngBuilder.Build(
            [("IHDR", PngBuilder.Ihdr(8, 8, 8, 2, 0)), ("IDAT", [0x78, 0x01, 0x07, 0, 0]), ("IEND", [])]));
        File.WriteAllBytes(Path.Combine(images, "e-short-adam7.png"), PngBuilder.Build(
            [("IHDR", PngBuilder.Ihdr(64, 64, 8, 2, 1)), ("IDAT", PngBuilder.Zlib(new byte[100])), ("IEND", [])]));
        File.Copy(Path.Combine(PreviewApp.DefaultImages, "horse.jpg"), Path.Combine(images, "f-horse.jpg"));
        string output = Path.Combine(_folder, "p.png");

        (int code, string stdout, string stderr) = Hang.Within(TimeSpan.FromSeconds(60), () => Run("--images", images, "--size", "32", "--out", output), "preview");

        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("2 tiles"));
        Assert.That(File.Exists(output), Is.True);
        string[] warnings = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(warnings, Has.Length.EqualTo(4));
        foreach ((string file, int i) in new[] { "b-cut.jpg", "c-no-sof.jpg", "d-reserved.png", "e-short-adam7.png" }.Select((f, i) => (f, i)))
        {
            Assert.That(warnings[i], Does.StartWith("warning: skipped Cannot load image").And.Contain(file).And.Contain("(InvalidContent)"));
        }
    }

    [Test]
    public void SameSeedGivesByteIdenticalPng()
    {
        string a = Path.Combine(_folder, "a.png");
        string b = Path.Combine(_folder, "b.png");
        Assert.That(Run([.. ReferenceArgs, "--out", a]).Code, Is.Zero);
        Assert.That(Run([.. ReferenceArgs, "--out", b]).Code, Is.Zero);
        Assert.That(File.ReadAllBytes(b), Is.EqualTo(File.ReadAllBytes(a)));
        string c = Path.Combine(_folder, "c.png");
        Assert.That(Run("--method", "all", "--seed", "8", "--size", "64", "--count", "6", "--out", c).Code, Is.Zero);
        Assert.That(File.ReadAllBytes(c), Is.Not.EqualTo(File.ReadAllBytes(a)));
    }

    [Test]
    public void OutputMatchesTheReferenceImage()
    {
        string actual = Path.Combine(_folder, "preview-seed7.png");
        Assert.That(Run([.. ReferenceArgs, "--out", actual]).Code, Is.Zero);
        string reference = Path.Combine(AppContext.BaseDirectory, "ReferenceOutput", "preview-seed7.png");
        ReferenceImages.AssertSimilar(actual, reference);
    }

    [Test]
    public void HtmlGalleryHasASectionPerMethodAndTileImages()
    {
        string html = Path.Combine(_folder, "gallery");
        (int code, string stdout, _) = Run("--size", "32", "--count", "4", "--seed", "3", "--out", Path.Combine(_folder, "p.png"), "--html", html);
        Assert.That(code, Is.Zero, stdout);
        string index = File.ReadAllText(Path.Combine(html, "index.html"));
        Assert.That(index, Does.Contain("<section id=\"mixup\">").And.Contain("<section id=\"cutmix\">")
            .And.Contain("<section id=\"fmix\">").And.Contain("<section id=\"saliencymix\">"));
        Assert.That(index, Does.Contain("λ = ").And.Contain("alpha 1"));
        foreach (string method in new[] { "mixup", "cutmix", "fmix", "saliencymix" })
        {
            for (int i = 0; i < 4; i++)
            {
                foreach (string part in new[] { "mixed", "self", "partner", "region" })
                {
                    string file = Path.Combine(html, method, $"tile{i:D2}-{part}.png");
                    Assert.That(File.Exists(file), Is.True, file);
                    Assert.That(index, Does.Contain($"{method}/tile{i:D2}-{part}.png"));
                }
            }

            using Image<Rgb24> mixed = Image.Load<Rgb24>(Path.Combine(html, method, "tile00-mixed.png"));
            Assert.That((mixed.Width, mixed.Height), Is.EqualTo((32, 32)));
        }
    }

    [Test]
    public void DefaultImagesShipNextToTheApp()
    {
        Assert.That(Directory.GetFiles(PreviewApp.DefaultImages, "*.jpg"), Has.Length.EqualTo(6));
        Assert.That(File.Exists(Path.Combine(PreviewApp.DefaultImages, "LICENSES.md")), Is.True);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = PreviewApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
