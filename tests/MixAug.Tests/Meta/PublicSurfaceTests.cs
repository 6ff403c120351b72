using System.Reflection;
using MixAug.Planning;

namespace MixAug.Tests.Meta;

/// <summary>Reflection checks over the public surface (NodaTime style): cheap, and they catch API drift.</summary>
public class PublicSurfaceTests
{
    private static readonly Type[] PublicTypes = typeof(MixPlan).Assembly.GetExportedTypes();

    [Test]
    public void EveryPublicClassIsSealedStaticOrAbstract()
    {
        var open = PublicTypes.Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract).Select(t => t.FullName).ToArray();
        Assert.That(open, Is.Empty, "unsealed public classes invite inheritance nobody designed for");
    }

    [Test]
    public void CoreDependsOnNoImagingOrNativeLibrary()
    {
        string[] references = typeof(MixPlan).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.That(references, Has.None.StartsWith("SixLabors").And.None.StartsWith("TorchSharp"));
    }

    [Test]
    public void EveryPublicTypeLivesInAnArchitectureNamespace()
    {
        string[] allowed = ["MixAug", "MixAug.Randomness", "MixAug.Planning", "MixAug.Regions", "MixAug.Transforms", "MixAug.Masks", "MixAug.Labels", "MixAug.Cpu", "MixAug.Saliency"];
        var stray = PublicTypes.Where(t => !allowed.Contains(t.Namespace)).Select(t => t.FullName).ToArray();
        Assert.That(stray, Is.Empty);
    }
}
