using Microsoft.CodeAnalysis.CSharp;

namespace MixAug.Docs.Tests.Compiling;

/// <summary>A compiled block: the compilation, whether it is a program, and its errors and warnings, described.</summary>
internal sealed class SnippetCompilation
{
    /// <summary>Creates the result.</summary>
    public SnippetCompilation(CSharpCompilation compilation, bool isProgram, IReadOnlyList<string> problems)
    {
        Compilation = compilation;
        IsProgram = isProgram;
        Problems = problems;
    }

    /// <summary>The compilation, ready to emit when <see cref="Problems"/> is empty.</summary>
    public CSharpCompilation Compilation { get; }

    /// <summary>Whether the block compiles to a program (it has top-level statements) rather than a library.</summary>
    public bool IsProgram { get; }

    /// <summary>Errors and warnings, each mapped to the page (or context) line it is on.</summary>
    public IReadOnlyList<string> Problems { get; }
}
