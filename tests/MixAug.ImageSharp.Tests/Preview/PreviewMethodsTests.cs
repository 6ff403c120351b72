using System.Globalization;
using MixAug.Cpu;
using MixAug.ImageSharp.Drawing;
using MixAug.Planning;
using MixAug.Preview;
using MixAug.Randomness;
using MixAug.Transforms;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Tests.Preview;

/// <summary>ResizeMix and MultiCutMix in the preview: drawn from uint8 batches, their options, and the gallery's
/// account of several partners.</summary>
[CancelAfter(120_000)]
public class PreviewMethodsTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("mixaug-preview-methods-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void EveryMethodIsDrawnAndNamedInTheHelp()
    {
        (int code, string stdout, _) = Run("--help");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("mixup|cutmix|snapmix|fmix|saliencymix|gridmix|smoothmix|resizemix|guidedmix|mosaic|multicutmix|transplantation|all"));
        string html = Path.Combine(_folder, "g");
        (code, stdout, string stderr) = Run("--method", "all", "--size", "32", "--count", "3", "--alpha", "2", "--out", Path.Combine(_folder, "p.png"), "--html", html);
        Assert.That(code, Is.Zero, stderr);
        string index = File.ReadAllText(Path.Combine(html, "index.html"));
        foreach (PreviewMethod method in MethodRegistry.All)
        {
            // Photographs have no label maps, so "all" leaves out the methods drawn from them.
            Assert.That(index.Contains($"<section id=\"{method.Name}\">", StringComparison.Ordinal), Is.EqualTo(!method.NeedsLabelMaps), method.Name);
        }

        // --alpha sets every method that has it; ResizeMix has none and its title says what it drew with.
        Assert.That(index, Does.Contain("resizemix  scale [0.1, 0.8]  p 1  elem  flip").And.Contain("multicutmix  partners 3  alpha 2  p 1"));
        Assert.That(index, Does.Contain("cutmix  alpha 2  asymmetric  p 1  elem  flip"), "snapmix's sheet says its boxes are asymmetric");
    }

    [Test]
    public void ResizeMixTilesShowTheUInt8MixOfTheBatch()
    {
        string output = Path.Combine(_folder, "p.png");
        Assert.That(Run("--method", "resizemix", "--size", "64", "--count", "4", "--seed", "5", "--out", output).Code, Is.Zero);

        // The same four images and plan, mixed here in float32 and rounded half to even: the tiles show exactly that.
        var loader = new SafeImageLoader();
        using FolderSample sample = loader.SampleFolder(PreviewApp.DefaultImages, new FolderSampleRequest(4, 5, 64, 64));
        var format = new BatchFormat(64, 64);
        byte[] pixels = ImageBatch.ToBytes([.. sample.Images.Select(i => i.Image)], format);
        MixPlan plan = new ResizeMix(mode: LambdaMode.Element).CreatePlan(format.ShapeFor(4), new MixRandom(5));
        var floats = new float[pixels.Length];
        CpuMixer.Apply(plan, [.. pixels.Select(b => (float)b)], floats);
        using Image<Rgb24> sheet = Image.Load<Rgb24>(output);
        var layout = new ContactSheetLayout(64, 64, 4, 4, "resizemix  scale [0.1, 0.8]  p 1  elem  flip  seed 5", sourceNames: true);
        for (int tile = 0; tile < 4; tile++)
        {
            Rectangle m = layout.MixedBounds(tile);
            for (int e = 0; e < 64 * 64; e += 7)
            {
                int k = (tile * 3 * 4096) + e;
                var expected = new Rgb24(Round(floats[k]), Round(floats[k + 4096]), Round(floats[k + 8192]));
                Assert.That(sheet[m.X + (e % 64), m.Y + (e / 64)], Is.EqualTo(expected), $"tile {tile} element {e}");
            }
        }
    }

    [Test]
    public void TheGalleryListsEverySourceOfAMultiCutMixTileWithItsWeight()
    {
        string html = Path.Combine(_folder, "g");
        (int code, _, string stderr) = Run("--method", "multicutmix", "--partners", "3", "--size", "32", "--count", "6", "--seed", "9", "--out", Path.Combine(_folder, "p.png"), "--html", html);
        Assert.That(code, Is.Zero, stderr);
        string index = File.ReadAllText(Path.Combine(html, "index.html"));

        // The plan depends on the shape and the seed only, so it is drawn again here.
        MixPlan plan = new MultiCutMix(partners: 3).CreatePlan(new BatchShape(6, 3, 32, 32), new MixRandom(9));
        int several = 0;
        for (int i = 0; i < 6; i++)
        {
            int[] sources = plan.Sources(i).ToArray();
            double[] weights = plan.Weights(i).ToArray();
            if (sources.Length < 3)
            {
                continue;
            }

            several++;
            string target = string.Join(" + ", sources.Select((s, k) => weights[k].ToString("0.000", CultureInfo.InvariantCulture) + "&middot;y" + s));
            Assert.That(index, Does.Contain($"target = {target}<br>"), $"tile {i}");
            Assert.That(index, Does.Contain($"alt=\"partner {string.Join(", ", sources[1..])}\""));
        }

        Assert.That(several, Is.GreaterThan(1));
    }

    private static byte Round(float value) => (byte)Math.Round(value, MidpointRounding.ToEven);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = PreviewApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
