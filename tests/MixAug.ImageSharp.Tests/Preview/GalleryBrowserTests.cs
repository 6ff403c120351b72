using MixAug.ImageSharp.Tests.Support;
using MixAug.Preview;

namespace MixAug.ImageSharp.Tests.Preview;

/// <summary>
/// The preview's HTML gallery opened in a real browser (Debian's chromium, headless): every image loads and the legend
/// is there. Without a browser these tests are Inconclusive with the reason, never passed.
/// </summary>
[CancelAfter(180_000)]
[NonParallelizable]
public class GalleryBrowserTests
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(120);
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("mixaug-gallery-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void EveryImageOfTheGalleryLoadsAndTheLegendIsThere()
    {
        string browser = HeadlessChromium.Require();
        string gallery = WriteGallery(count: 4);

        PageCheck check = HeadlessChromium.Check(browser, Path.Combine(gallery, "index.html"), BrowserTimeout);

        // Every method photographs can show (not Transplantation, which needs label maps) x four tiles x four pictures
        // (mixed, own source, partner, region).
        Assert.That(check.Images, Is.EqualTo(MethodRegistry.All.Count(m => !m.NeedsLabelMaps) * 4 * 4));
        Assert.That(check.Broken, Is.Empty);
        Assert.That(check.Legend, Is.True);
        Assert.That(check.LegendEntries, Is.EqualTo(PreviewApp.Legend.Count));
    }

    [Test]
    public void TheDenseGallerysPanelsLoadToo()
    {
        string browser = HeadlessChromium.Require();
        string gallery = WriteGallery(count: 3, "--dense");

        PageCheck check = HeadlessChromium.Check(browser, Path.Combine(gallery, "index.html"), BrowserTimeout);

        // Four pictures per tile, and a fifth, the dense panel, for every method (Transplantation too, drawn from the
        // scenes' maps): every method's targets follow its plan (ResizeMix's and Mosaic's since label maps and boxes
        // follow resized sources).
        Assert.That(check.Images, Is.EqualTo(MethodRegistry.All.Count * 3 * 5));
        Assert.That(check.Broken, Is.Empty);
        Assert.That(check.LegendEntries, Is.EqualTo(PreviewApp.Legend.Count + PreviewApp.DenseLegend.Count));
    }

    [Test]
    public void ABrokenImageReferencePlantedInTheGalleryIsCaught()
    {
        string browser = HeadlessChromium.Require();
        string gallery = WriteGallery(count: 2);
        string index = Path.Combine(gallery, "index.html");
        string html = File.ReadAllText(index);
        Assert.That(html, Does.Contain("\"cutmix/tile01-region.png\""));
        File.WriteAllText(index, html.Replace("\"cutmix/tile01-region.png\"", "\"cutmix/tile01-missing.png\"", StringComparison.Ordinal));
        File.Move(Path.Combine(gallery, "fmix", "tile00-self.png"), Path.Combine(gallery, "fmix", "moved.png"));

        PageCheck check = HeadlessChromium.Check(browser, index, BrowserTimeout);

        Assert.That(check.Broken, Is.EquivalentTo(new[] { "cutmix/tile01-missing.png", "fmix/tile00-self.png" }));
        Assert.That(check.Images, Is.EqualTo(MethodRegistry.All.Count(m => !m.NeedsLabelMaps) * 2 * 4));
    }

    [Test]
    public void APageWithoutALegendIsReportedSo()
    {
        string browser = HeadlessChromium.Require();
        string page = Path.Combine(_folder, "plain.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><body><p>no images, no legend</p></body></html>");

        PageCheck check = HeadlessChromium.Check(browser, page, BrowserTimeout);

        Assert.That(check, Is.EqualTo(new PageCheck(0, [], false, 0)).Using<PageCheck>((a, b) => a.Images == b.Images && a.Legend == b.Legend && a.LegendEntries == b.LegendEntries && a.Broken.Count == b.Broken.Count));
    }

    [Test]
    public void TheCheckersResultIsReadFromTheDumpedDom()
    {
        // No browser needed: the parsing of what --dump-dom prints.
        string dom = "<html><body><iframe></iframe><pre id=\"result\">{\"images\":3,\"broken\":[\"a &amp; b.png\"],\"legend\":true,\"legendEntries\":2}</pre></body></html>";
        PageCheck? check = HeadlessChromium.Parse(dom);
        Assert.That(check, Is.Not.Null);
        Assert.That((check!.Images, check.Broken.Single(), check.Legend, check.LegendEntries), Is.EqualTo((3, "a & b.png", true, 2)));
        Assert.That(HeadlessChromium.Parse("<pre id=\"result\">pending</pre>"), Is.Null, "the load handler never ran");
        Assert.That(HeadlessChromium.Parse("<html></html>"), Is.Null);
    }

    private string WriteGallery(int count, params string[] more)
    {
        string gallery = Path.Combine(_folder, "gallery");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = PreviewApp.Run(["--size", "32", "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.Combine(_folder, "p.png"), "--html", gallery, .. more], stdout, stderr);
        Assert.That(code, Is.Zero, stderr.ToString());
        return gallery;
    }
}
