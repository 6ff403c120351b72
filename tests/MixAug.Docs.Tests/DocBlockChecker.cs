using MixAug.Docs.Tests.Compiling;
using MixAug.Docs.Tests.Markdown;

namespace MixAug.Docs.Tests;

/// <summary>Checks one block as its marker says: quoted text still in its file, or compiled (and, if marked, run).</summary>
internal static class DocBlockChecker
{
    /// <summary>What is wrong with the block, or an empty list when it passes. Skipped blocks are not checked here: the
    /// caller reports them as skipped.</summary>
    public static IReadOnlyList<string> Problems(DocBlock block)
    {
        if (block.Marker.Error is string error)
        {
            return [$"{block}: {error}"];
        }

        if (block.Marker.ExcerptOf is string file)
        {
            return ExcerptProblems(block, file);
        }

        SnippetCompilation compiled;
        try
        {
            compiled = SnippetCompiler.Compile(block);
        }
        catch (InvalidOperationException e)
        {
            return [$"{block}: {e.Message}"];
        }

        if (compiled.Problems.Count > 0 || !block.Marker.Run)
        {
            return compiled.Problems;
        }

        return SnippetRunner.Run(block, compiled) is string failure ? [failure] : [];
    }

    // A quoted block must still be in its source file, line for line (indentation and blank lines aside), so the build
    // that compiles the file vouches for the quote.
    private static IReadOnlyList<string> ExcerptProblems(DocBlock block, string file)
    {
        string full = Repository.Full(file);
        if (!File.Exists(full))
        {
            return [$"{block}: excerpt={file} does not exist in the repository"];
        }

        string[] quoted = Normalize(block.Code);
        string[] source = Normalize(File.ReadAllLines(full));
        if (quoted.Length == 0)
        {
            return [$"{block}: an excerpt block is empty"];
        }

        for (int start = 0; start + quoted.Length <= source.Length; start++)
        {
            if (source.AsSpan(start, quoted.Length).SequenceEqual(quoted))
            {
                return [];
            }
        }

        string? missing = quoted.FirstOrDefault(q => !source.Contains(q));
        return [missing is null
            ? $"{block}: the lines of the block are all in {file}, but not together in this order"
            : $"{block}: {file} no longer contains this line of the block: {missing}"];
    }

    private static string[] Normalize(IEnumerable<string> lines) => lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
}
