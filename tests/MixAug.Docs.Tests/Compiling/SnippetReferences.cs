using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace MixAug.Docs.Tests.Compiling;

/// <summary>
/// The assemblies a documented block is compiled against, created once for all blocks: the .NET runtime's assemblies
/// and what a user who adds every MixAug package gets (the MixAug libraries and everything they reference, ImageSharp
/// and TorchSharp included), plus NUnit for the test examples of docs/testing.md.
/// </summary>
/// <remarks>
/// Reusing the same <see cref="MetadataReference"/> objects lets Roslyn read each assembly's metadata once, which is
/// most of the cost of a compilation after the first. Test-only packages of this project (Roslyn itself, the test SDK)
/// are deliberately not offered, so a block cannot lean on something a user would not have.
/// </remarks>
internal static class SnippetReferences
{
    // One type from each assembly a block may use directly; their references are followed from there.
    private static readonly Assembly[] Roots =
    [
        typeof(global::MixAug.Planning.MixPlan).Assembly,
        typeof(global::MixAug.ImageSharp.ImageBatch).Assembly,
        typeof(global::MixAug.TorchSharp.Mixing.TorchMixer).Assembly,
        typeof(global::MixAug.Training.TrainingLoop).Assembly,
        typeof(global::MixAug.Testing.MixAssert).Assembly,
        typeof(global::MixAug.TorchSharp.Testing.TensorMixAssert).Assembly,
        typeof(NUnit.Framework.Assert).Assembly,
    ];

    /// <summary>The references, in a stable order. (Declared after <see cref="Roots"/>: static fields initialise in order.)</summary>
    public static IReadOnlyList<MetadataReference> All { get; } = Create();

    private static IReadOnlyList<MetadataReference> Create()
    {
        string runtime = Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory());
        string[] trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);

        // The runtime's own assemblies (implementation assemblies: they compile user code as the reference pack does).
        var paths = new SortedSet<string>(trusted.Where(p => Path.GetDirectoryName(p) == runtime), StringComparer.Ordinal);

        // The libraries and their dependency closure, as NuGet would make them visible to a user's project.
        var pending = new Stack<Assembly>(Roots);
        while (pending.TryPop(out Assembly? assembly))
        {
            if (!paths.Add(assembly.Location))
            {
                continue;
            }

            foreach (AssemblyName reference in assembly.GetReferencedAssemblies())
            {
                Assembly dependency = Assembly.Load(reference);
                if (Path.GetDirectoryName(dependency.Location) != runtime)
                {
                    pending.Push(dependency);
                }
            }
        }

        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }
}
