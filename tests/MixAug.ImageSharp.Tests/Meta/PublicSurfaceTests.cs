using MixAug.ImageSharp.Drawing;

namespace MixAug.ImageSharp.Tests.Meta;

/// <summary>Reflection checks over MixAug.ImageSharp's public surface, as for the core.</summary>
public class PublicSurfaceTests
{
    private static readonly Type[] PublicTypes = typeof(SafeImageLoader).Assembly.GetExportedTypes();

    [Test]
    public void EveryPublicClassIsSealedOrStatic()
    {
        var open = PublicTypes.Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract).Select(t => t.FullName).ToArray();
        Assert.That(open, Is.Empty);
    }

    [Test]
    public void PublicTypesAreTheDocumentedOnes()
    {
        string[] names = PublicTypes.Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();
        Assert.That(names, Is.EqualTo(new[]
        {
            "MixAug.ImageSharp.BatchColor",
            "MixAug.ImageSharp.BatchFormat",
            "MixAug.ImageSharp.Drawing.ContactSheet",
            "MixAug.ImageSharp.Drawing.ContactSheetLayout",
            "MixAug.ImageSharp.Drawing.ContactSheetLegend",
            "MixAug.ImageSharp.Drawing.DenseTargetPanel",
            "MixAug.ImageSharp.Drawing.LegendEntry",
            "MixAug.ImageSharp.Drawing.LegendMark",
            "MixAug.ImageSharp.FolderLoadResult",
            "MixAug.ImageSharp.FolderSample",
            "MixAug.ImageSharp.FolderSampleProgress",
            "MixAug.ImageSharp.FolderSampleRequest",
            "MixAug.ImageSharp.ImageBatch",
            "MixAug.ImageSharp.ImageLoadFailure",
            "MixAug.ImageSharp.LoadedImage",
            "MixAug.ImageSharp.MixAugImageException",
            "MixAug.ImageSharp.SafeImageLoader",
            "MixAug.ImageSharp.SafeImageLoaderOptions",
            "MixAug.ImageSharp.SampledImage",
        }));
        Assert.That(typeof(ContactSheet).Namespace, Is.EqualTo("MixAug.ImageSharp.Drawing"));
    }

    [Test]
    public void NoDecoderBeyondPngAndJpegIsReachable()
    {
        // The loader's own configuration: only the PNG and JPEG formats are registered.
        var loader = new SafeImageLoader();
        var field = typeof(SafeImageLoader).GetField("_configuration", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var configuration = (SixLabors.ImageSharp.Configuration)field.GetValue(loader)!;
        string[] formats = configuration.ImageFormats.Select(f => f.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.That(formats, Is.EqualTo(new[] { "JPEG", "PNG" }));
    }
}
