using MixAug.ImageSharp.Tests.Support;
using MixAug.ImageSharp.Drawing;
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
        Assert.That(stdout, Does.Contain("--method").And.Contain("--html").And.Contain("mixup|cutmix|snapmix|fmix|saliencymix"));
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
        Assert.That(stderr, Does.Contain("--min-ratio applies to cutmix and snapmix only"));
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

    /// <summary>
    /// The pictures of every tile (mixed sample, both sources, region panel, label bar) match the checked-in reference,
    /// which was drawn before tiles had names and the sheet a legend (issue 15): the text moved the pictures, so each is
    /// compared where it now is with where it was. The reference's places are written out here from the layout it was
    /// drawn with: 64-pixel samples, 3 columns, margin 6, one 7-pixel title line plus 6, tiles 64 + 3 + 32 + 3 + 32 + 3 + 8
    /// = 145 high, so each method's band is 6 + 13 + 2 × (145 + 6) = 321 high.
    /// </summary>
    [Test]
    public void OutputMatchesTheReferenceImage()
    {
        string actual = Path.Combine(_folder, "preview-seed7.png");
        Assert.That(Run([.. ReferenceArgs, "--out", actual]).Code, Is.Zero);
        string reference = Path.Combine(AppContext.BaseDirectory, "ReferenceOutput", "preview-seed7.png");

        var parts = new List<(string, Rectangle, Rectangle)>();
        int band = 0, offset = 0;
        foreach (string title in new[] { "mixup  alpha 1  p 1  elem  flip  seed 7", "cutmix  alpha 1  p 1  elem  flip  seed 7" })
        {
            var now = new ContactSheetLayout(64, 64, 6, 3, title, sourceNames: true);
            for (int tile = 0; tile < 6; tile++)
            {
                int x = 6 + ((tile % 3) * 70);
                int y = (band * 321) + 6 + 13 + ((tile / 3) * 151);
                Rectangle Shift(Rectangle r) => r with { Y = r.Y + offset };
                parts.Add(($"{title} tile {tile} mixed", Shift(now.MixedBounds(tile)), new Rectangle(x, y, 64, 64)));
                parts.Add(($"{title} tile {tile} self", Shift(now.SelfBounds(tile)), new Rectangle(x, y + 67, 32, 32)));
                parts.Add(($"{title} tile {tile} partner", Shift(now.PartnerBounds(tile)), new Rectangle(x + 32, y + 67, 32, 32)));
                parts.Add(($"{title} tile {tile} region", Shift(now.RegionBounds(tile)), new Rectangle(x, y + 102, 32, 32)));
                parts.Add(($"{title} tile {tile} label bar", Shift(now.LabelBarBounds(tile)), new Rectangle(x, y + 137, 64, 8)));
            }

            offset += now.Height;
            band++;
        }

        ReferenceImages.AssertPartsSimilar(actual, reference, parts);
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
    public void TheSheetIsTheMethodsBandsAndTheLegendUnderThem()
    {
        string output = Path.Combine(_folder, "p.png");
        Assert.That(Run("--method", "mixup", "--size", "64", "--count", "4", "--out", output).Code, Is.Zero);
        using Image<Rgb24> sheet = Image.Load<Rgb24>(output);
        var band = new ContactSheetLayout(64, 64, 4, 4, "mixup  alpha 1  p 1  elem  flip  seed 42", sourceNames: true);
        using Image<Rgb24> legend = ContactSheetLegend.Draw(PreviewApp.Legend, band.Width, band.TextScale);
        Assert.That((sheet.Width, sheet.Height), Is.EqualTo((band.Width, band.Height + legend.Height)));

        // The legend's swatches are drawn in the tiles' colours, in the first column under the band: at scale 1 the own
        // colour's swatch is 7 rows, the label bar's orange part 3 more (7 / 2, inset by 7 / 4); the partner's 7, and the
        // first strip of the several-partners swatch is underlined in it, 2 more.
        int ownRows = Enumerable.Range(band.Height, legend.Height).Count(y => sheet[8, y] == ContactSheet.SelfColor);
        int partnerRows = Enumerable.Range(band.Height, legend.Height).Count(y => sheet[8, y] == ContactSheet.PartnerColor);
        Assert.That(ownRows, Is.EqualTo(7 + 3));
        Assert.That(partnerRows, Is.EqualTo(7 + 2));
    }

    [Test]
    public void ImageFolderSubfoldersAreClassesAndTilesNameTheirFiles()
    {
        string images = Path.Combine(_folder, "images");
        foreach ((string cls, string file) in new[] { ("cat", "a.jpg"), ("cat", "b.jpg"), ("dog", "c.jpg") })
        {
            Directory.CreateDirectory(Path.Combine(images, cls));
            File.Copy(Path.Combine(PreviewApp.DefaultImages, "horse.jpg"), Path.Combine(images, cls, file));
        }

        string html = Path.Combine(_folder, "gallery");
        (int code, string stdout, string stderr) = Run("--images", images, "--method", "cutmix", "--size", "32", "--out", Path.Combine(_folder, "p.png"), "--html", html);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("sampled 3 of 3 image files").And.Contain("3 tiles"));
        string index = File.ReadAllText(Path.Combine(html, "index.html"));
        Assert.That(index, Does.Contain("<span class=\"own\">cat/a.jpg</span> + <span class=\"other\">dog/c.jpg</span>"), "flip pairs sample 0 with sample 2");
        Assert.That(index, Does.Contain("<section id=\"legend\">"));
        foreach (LegendEntry entry in PreviewApp.Legend)
        {
            Assert.That(index, Does.Contain(System.Net.WebUtility.HtmlEncode(entry.Text)));
        }
    }

    [Test]
    public void CountIsAtMostSixtyFourAndSamplesTheFolder()
    {
        string images = Path.Combine(_folder, "many");
        Directory.CreateDirectory(images);
        byte[] jpeg = File.ReadAllBytes(Path.Combine(PreviewApp.DefaultImages, "camera.jpg"));
        for (int i = 0; i < 100; i++)
        {
            File.WriteAllBytes(Path.Combine(images, $"{i:D3}.jpg"), jpeg);
        }

        (int code, string stdout, _) = Run("--images", images, "--method", "mixup", "--size", "16", "--out", Path.Combine(_folder, "p.png"));
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("sampled 8 of 100 image files").And.Contain("8 tiles"), "the default is a sample of 8, not one tile per image");
        (code, stdout, _) = Run("--images", images, "--method", "mixup", "--size", "16", "--count", "64", "--out", Path.Combine(_folder, "p.png"));
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("sampled 64 of 100 image files").And.Contain("64 tiles"));
        Assert.That(Run("--images", images, "--count", "65").Code, Is.EqualTo(2));
    }

    [Test]
    public void OnATerminalAProgressLineIsDrawnAndClearedBeforeTheWarnings()
    {
        string images = Path.Combine(_folder, "images");
        Directory.CreateDirectory(images);
        File.Copy(Path.Combine(PreviewApp.DefaultImages, "camera.jpg"), Path.Combine(images, "a.jpg"));
        File.WriteAllBytes(Path.Combine(images, "b.png"), [1, 2, 3]);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = PreviewApp.Run(["--images", images, "--method", "mixup", "--size", "16", "--out", Path.Combine(_folder, "p.png")], stdout, stderr, showProgress: true);
        Assert.That(code, Is.Zero);
        string err = stderr.ToString();

        // The listing's line first, then the loading line (its first report always shows; which file came first
        // depends on the seed), then the line is blanked and the cursor put back, so the warning starts at the margin.
        Assert.That(err, Does.StartWith($"\rlisting {images}: 2 image files"));
        int last = err.LastIndexOf("\rloading ", StringComparison.Ordinal);
        Assert.That(last, Is.GreaterThan(0));
        Assert.That(err[last..], Does.Match(@"^\rloading [01] of 8 images from 2 image files(, 1 failed)? *\r +\rwarning: skipped "));
        Assert.That(Run("--images", images, "--method", "mixup", "--size", "16", "--out", Path.Combine(_folder, "p.png")).Stderr, Does.StartWith("warning: skipped"), "no progress when not a terminal");
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
