using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis.Emit;
using MixAug.Docs.Tests.Markdown;

namespace MixAug.Docs.Tests.Compiling;

/// <summary>
/// Runs a compiled program block in this process: loaded into its own collectible load context, with an empty
/// temporary folder as the working directory (so whatever it writes goes there, never into the repository), and a
/// time limit.
/// </summary>
internal static class SnippetRunner
{
    /// <summary>How long a runnable block may take; documented blocks are meant to be quick.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the block's program; returns why it failed, or null when it returned normally (exit code 0).</summary>
    /// <param name="block">The block (its marker names what to copy into the working directory).</param>
    /// <param name="compiled">Its compilation, without problems.</param>
    /// <param name="timeLimit">How long it may run; <see cref="TimeLimit"/> when null.</param>
    public static string? Run(DocBlock block, SnippetCompilation compiled, TimeSpan? timeLimit = null)
    {
        TimeSpan limit = timeLimit ?? TimeLimit;
        if (!compiled.IsProgram)
        {
            return $"{block}: a runnable block needs top-level statements; this one only declares types";
        }

        using var pe = new MemoryStream();
        using var pdb = new MemoryStream();
        EmitResult emitted = compiled.Compilation.Emit(pe, pdb);
        if (!emitted.Success)
        {
            return string.Join('\n', emitted.Diagnostics.Select(SnippetCompiler.Describe));
        }

        pe.Position = 0;
        pdb.Position = 0;
        var context = new AssemblyLoadContext(block.ToString(), isCollectible: true);
        string previous = Environment.CurrentDirectory;
        DirectoryInfo work = Directory.CreateTempSubdirectory("mixaug-docs-");
        try
        {
            foreach (string copy in block.Marker.Copies)
            {
                CopyInto(Repository.Full(copy), work.FullName);
            }

            MethodInfo entry = context.LoadFromStream(pe, pdb).EntryPoint!;
            object?[] arguments = entry.GetParameters().Length == 0 ? [] : [Array.Empty<string>()];

            // The working directory is the process's; the fixture is not parallel, so nothing else sees the change.
            Environment.CurrentDirectory = work.FullName;
            var run = Task.Factory.StartNew(() => entry.Invoke(null, arguments), TaskCreationOptions.LongRunning);
            if (!run.Wait(limit))
            {
                return $"{block}: still running after {limit.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s";
            }

            return run.Result is int code && code != 0 ? $"{block}: exited with code {code}" : null;
        }
        catch (AggregateException e) when (e.InnerException is TargetInvocationException { InnerException: Exception thrown })
        {
            // The snippet's frames carry the page's lines (the #line directives reach the PDB).
            return $"{block}: threw {thrown}";
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            context.Unload();
            TryDelete(work);
        }
    }

    private static void CopyInto(string source, string folder)
    {
        if (File.Exists(source))
        {
            File.Copy(source, Path.Combine(folder, Path.GetFileName(source)));
            return;
        }

        if (!Directory.Exists(source))
        {
            throw new FileNotFoundException($"copy={Repository.Relative(source)} does not exist in the repository");
        }

        string target = Path.Combine(folder, Path.GetFileName(Path.TrimEndingDirectorySeparator(source)));
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    // A run that timed out may still hold files open; the folder is in the temporary directory either way.
    private static void TryDelete(DirectoryInfo work)
    {
        try
        {
            work.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
