using System.Runtime.InteropServices;

namespace MixAug.TorchSharp.Native;

/// <summary>
/// Makes TorchSharp's native library loadable on Linux distributions whose libstdc++ predates GCC 13 (Debian 12,
/// Ubuntu 22.04), where TorchSharp 0.107's <c>libLibTorchSharp.so</c> fails with
/// <c>version 'GLIBCXX_3.4.32' not found</c>. It runs once per process before the first torch call: the
/// MixAug.TorchSharp package compiles a module initializer into the application that references it
/// (<c>build/MixAug.TorchSharp.targets</c>, opt out with the MSBuild property <c>MixAugTorchSharpInitializer=false</c>),
/// this library has one of its own, and every MixAug.TorchSharp entry point calls <see cref="EnsureLoadable"/> again,
/// which then returns at once.
/// </summary>
/// <remarks>
/// <para><b>Why the fix is safe.</b> The only symbol the library takes from GLIBCXX_3.4.32 is
/// <c>std::ios_base_library_init()</c>, which GCC 13's &lt;iostream&gt; references only to force a new-enough
/// libstdc++; no relocation uses it, so it is never bound. Only the loader's version check fails. Marking that one
/// version need weak (the <c>VER_FLG_WEAK</c> bit of its <c>Vernaux</c> entry) turns the missing version into a
/// non-error, which is exactly what the loader does with weak needs.</para>
/// <para><b>What is edited.</b> Only the copy of <c>libLibTorchSharp.so</c> that the process will load (the one in the
/// application's output, found through the host's native search directories), written to a temporary file and renamed
/// over the old one, so a hard link into the NuGet cache is replaced, never written through. When that copy lies in a
/// NuGet package folder or cannot be written, a patched private copy is made under the temporary directory and loaded
/// first, after its libtorch dependencies. Nothing happens on Windows or macOS, nor where the library loads as it is
/// (a libstdc++ from GCC 13 or later).</para>
/// <para><b>Another libLibTorchSharp.</b> Set the environment variable <c>MIXAUG_LIBTORCHSHARP</c> to a full path
/// (for example the copy published next to an application that runs on a PyTorch installation's CUDA libtorch) and
/// that file is the one checked, patched if needed, and loaded.</para>
/// </remarks>
/// <threadsafety>Safe to call from several threads; the work happens once per process.</threadsafety>
public static class TorchSharpRuntime
{
    /// <summary>The environment variable naming the <c>libLibTorchSharp.so</c> to load instead of the packaged one.</summary>
    public const string LibraryPathVariable = "MIXAUG_LIBTORCHSHARP";

    /// <summary>The libstdc++ version that TorchSharp 0.107's native library needs but never binds.</summary>
    public const string UnboundVersion = "GLIBCXX_3.4.32";

    internal const string LibraryFileName = "libLibTorchSharp.so";
    private const string StdCppFileName = "libstdc++.so.6";

    private static readonly Lock Gate = new();
    private static TorchSharpLoadReport? s_report;

    /// <summary>
    /// Checks, once per process, that TorchSharp's native library can load, and on Linux with an older libstdc++
    /// patches the copy that will be loaded (see the remarks on <see cref="TorchSharpRuntime"/>), then loads it.
    /// Later calls return the first call's report at once.
    /// </summary>
    /// <returns>What was found and done.</returns>
    /// <exception cref="InvalidOperationException">The library exists but cannot be loaded for a reason the patch does
    /// not address (the message carries the loader's error).</exception>
    /// <exception cref="InvalidDataException">The library is not a well-formed 64-bit ELF file.</exception>
    public static TorchSharpLoadReport EnsureLoadable()
    {
        lock (Gate)
        {
            return s_report ??= Prepare();
        }
    }

    /// <summary>
    /// <see cref="EnsureLoadable"/> for module initializers: it never throws, so an application that does not use torch
    /// still starts. A failure is not remembered, so the next <see cref="EnsureLoadable"/> reports it with its reason.
    /// </summary>
    /// <returns>The report, or null when the library could not be prepared.</returns>
    public static TorchSharpLoadReport? TryEnsureLoadable()
    {
        try
        {
            return EnsureLoadable();
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Marks the <see cref="UnboundVersion"/> need of <paramref name="library"/> weak, in place, if it has one that is
    /// not weak yet. Idempotent.
    /// </summary>
    /// <param name="library">Path of a copy of <c>libLibTorchSharp.so</c> (never a file inside the NuGet cache).</param>
    /// <returns>True when the file was changed; false when it had no such need or it was weak already.</returns>
    /// <exception cref="ArgumentException"><paramref name="library"/> is null or empty.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed 64-bit little-endian ELF file.</exception>
    /// <exception cref="IOException">The file cannot be read or replaced (it does not exist, say).</exception>
    /// <exception cref="UnauthorizedAccessException">The path is a directory, or the file may not be read or replaced.</exception>
    public static bool PatchFile(string library)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        byte[] bytes = File.ReadAllBytes(library);
        if (ElfVersionNeeds.MarkWeak(bytes, StdCppFileName, UnboundVersion) == 0)
        {
            return false;
        }

        // Write beside the file and rename over it: the rename replaces a hard link or symbolic link to the NuGet
        // cache instead of writing through it, and a reader never sees a half-written library.
        string temporary = library + ".mixaug-" + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, library, overwrite: true);
        return true;
    }

    /// <summary>True when <paramref name="library"/> needs <see cref="UnboundVersion"/> from libstdc++ and the need is not weak.</summary>
    /// <param name="library">Path of an ELF shared object.</param>
    /// <returns>Whether <see cref="PatchFile"/> would change the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="library"/> is null or empty.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed 64-bit little-endian ELF file.</exception>
    /// <exception cref="IOException">The file cannot be read (it does not exist, say).</exception>
    /// <exception cref="UnauthorizedAccessException">The path is a directory, or the file may not be read.</exception>
    public static bool NeedsPatch(string library)
    {
        ArgumentException.ThrowIfNullOrEmpty(library);
        return ElfVersionNeeds.ReadNeeds(File.ReadAllBytes(library))
            .Any(n => n.File == StdCppFileName && n.Name == UnboundVersion && (n.Flags & ElfVersionNeeds.WeakFlag) == 0);
    }

    private static TorchSharpLoadReport Prepare()
    {
        if (!OperatingSystem.IsLinux())
        {
            return new TorchSharpLoadReport(TorchSharpLoadAction.NotLinux, null, "Not Linux: nothing to do.");
        }

        string? explicitPath = Environment.GetEnvironmentVariable(LibraryPathVariable);
        string? library = string.IsNullOrEmpty(explicitPath) ? FindPackagedLibrary() : Path.GetFullPath(explicitPath);
        if (library is null || !File.Exists(library))
        {
            return new TorchSharpLoadReport(
                TorchSharpLoadAction.NotFound,
                library,
                $"{LibraryFileName} was not found{(library is null ? " in the native search directories" : $" at {library}")}; TorchSharp will report its own loading error.");
        }

        PreloadDependencies(library);
        if (NativeLibrary.TryLoad(library, out _))
        {
            return new TorchSharpLoadReport(TorchSharpLoadAction.LoadedAsIs, library, $"{library} loads as it is.");
        }

        if (!NeedsPatch(library))
        {
            throw new InvalidOperationException($"{library} cannot be loaded, and not because of {UnboundVersion}: {LoadError(library)}");
        }

        string? stdCpp = FindLoadedStdCpp();
        if (stdCpp is not null && ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(stdCpp)).Contains(UnboundVersion))
        {
            throw new InvalidOperationException($"{library} cannot be loaded although {stdCpp} defines {UnboundVersion}: {LoadError(library)}");
        }

        string target = CanPatchInPlace(library) ? library : PrivateCopy(library);
        PatchFile(target);
        if (!NativeLibrary.TryLoad(target, out _))
        {
            throw new InvalidOperationException($"{target} was patched ({UnboundVersion} marked weak) but still cannot be loaded: {LoadError(target)}");
        }

        return new TorchSharpLoadReport(
            target == library ? TorchSharpLoadAction.PatchedInPlace : TorchSharpLoadAction.PatchedPrivateCopy,
            target,
            $"{stdCpp ?? StdCppFileName} lacks {UnboundVersion}; marked that need weak in {target} and loaded it.");
    }

    /// <summary>
    /// The first <c>libLibTorchSharp.so</c> in the directories the host searches for native libraries (the output's
    /// <c>runtimes/linux-x64/native</c> folder, or package folders when running from a deps.json), then beside TorchSharp.dll.
    /// </summary>
    private static string? FindPackagedLibrary() => SearchDirectories()
        .Select(d => Path.Combine(d, LibraryFileName))
        .FirstOrDefault(File.Exists);

    private static IEnumerable<string> SearchDirectories()
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string list)
        {
            foreach (string directory in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return directory;
            }
        }

        string? torchSharp = Path.GetDirectoryName(typeof(global::TorchSharp.torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharp))
        {
            yield return torchSharp;
            yield return Path.Combine(torchSharp, "runtimes", "linux-x64", "native");
        }

        yield return AppContext.BaseDirectory;
    }

    /// <summary>
    /// Loads libtorch's libraries that <paramref name="library"/> needs, from its own folder or the search directories, so
    /// that a copy of it in another folder (or a first load attempt) finds them by name.
    /// </summary>
    private static void PreloadDependencies(string library)
    {
        string own = Path.GetDirectoryName(library)!;
        foreach (string name in (ReadOnlySpan<string>)["libc10.so", "libtorch_cpu.so", "libtorch.so"])
        {
            string? path = SearchDirectories().Prepend(own).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
            if (path is not null)
            {
                NativeLibrary.TryLoad(path, out _);
            }
        }
    }

    /// <summary>The path of the libstdc++ this process uses, read from /proc/self/maps after loading it by name.</summary>
    private static string? FindLoadedStdCpp()
    {
        if (!NativeLibrary.TryLoad(StdCppFileName, out _))
        {
            return null;
        }

        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && line.Contains("libstdc++.so", StringComparison.Ordinal))
            {
                return line[slash..].Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// False for a file inside a NuGet package folder (one holding <c>.nupkg.metadata</c> a few levels up: editing it
    /// would change every project on the machine) or in a folder this process cannot write.
    /// </summary>
    private static bool CanPatchInPlace(string library)
    {
        DirectoryInfo? directory = new FileInfo(library).Directory;
        for (int up = 0; up < 4 && directory is not null; up++, directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, ".nupkg.metadata")))
            {
                return false;
            }
        }

        try
        {
            string probe = Path.Combine(Path.GetDirectoryName(library)!, $".mixaug-write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Copies the library into a folder of its own under the temporary directory, keyed by its identity.</summary>
    private static string PrivateCopy(string library)
    {
        var info = new FileInfo(library);
        string key = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}".GetHashCode(StringComparison.Ordinal).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
        string directory = Path.Combine(Path.GetTempPath(), "mixaug-torchsharp", key);
        Directory.CreateDirectory(directory);
        string copy = Path.Combine(directory, LibraryFileName);
        if (!File.Exists(copy))
        {
            string temporary = copy + $".{Environment.ProcessId}.tmp";
            File.Copy(library, temporary, overwrite: true);
            File.Move(temporary, copy, overwrite: true);
        }

        return copy;
    }

    private static string LoadError(string library)
    {
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return "(it loads now)";
        }
        catch (DllNotFoundException e)
        {
            return e.Message;
        }
    }
}

/// <summary>What <see cref="TorchSharpRuntime.EnsureLoadable"/> found and did.</summary>
/// <param name="Action">The outcome.</param>
/// <param name="LibraryPath">The <c>libLibTorchSharp.so</c> that was checked or loaded, if one was found.</param>
/// <param name="Message">A sentence for logs.</param>
public sealed record TorchSharpLoadReport(TorchSharpLoadAction Action, string? LibraryPath, string Message);

/// <summary>Outcomes of <see cref="TorchSharpRuntime.EnsureLoadable"/>.</summary>
public enum TorchSharpLoadAction
{
    /// <summary>Not Linux: nothing was checked or changed.</summary>
    NotLinux,

    /// <summary>No <c>libLibTorchSharp.so</c> was found; TorchSharp's own loader runs and reports.</summary>
    NotFound,

    /// <summary>The library loaded unchanged (the system libstdc++ is new enough, or the copy was patched before).</summary>
    LoadedAsIs,

    /// <summary>The copy in the application's output was patched and loaded.</summary>
    PatchedInPlace,

    /// <summary>The library lay in a package folder or a read-only folder; a patched private copy was loaded.</summary>
    PatchedPrivateCopy,
}
