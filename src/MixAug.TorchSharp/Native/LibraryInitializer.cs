using System.Runtime.CompilerServices;

namespace MixAug.TorchSharp.Native;

/// <summary>Prepares TorchSharp's native library as soon as this assembly is loaded (see <see cref="TorchSharpRuntime"/>).</summary>
internal static class LibraryInitializer
{
#pragma warning disable CA2255 // The point is to run before any torch call made through this library.
    [ModuleInitializer]
    internal static void Initialize() => TorchSharpRuntime.TryEnsureLoadable();
#pragma warning restore CA2255
}
