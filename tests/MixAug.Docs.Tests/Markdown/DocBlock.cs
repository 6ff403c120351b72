namespace MixAug.Docs.Tests.Markdown;

/// <summary>One fenced C# block of a markdown page, with where it is and how it is to be checked.</summary>
internal sealed class DocBlock
{
    /// <summary>Creates a block.</summary>
    /// <param name="path">The page, relative to the repository root, with '/' separators.</param>
    /// <param name="fenceLine">The 1-based line of the opening fence.</param>
    /// <param name="code">The lines between the fences, the fence's indentation removed.</param>
    /// <param name="marker">The marker on the line before the fence, or <see cref="SnippetMarker.None"/>.</param>
    public DocBlock(string path, int fenceLine, IReadOnlyList<string> code, SnippetMarker marker)
    {
        Path = path;
        FenceLine = fenceLine;
        Code = code;
        Marker = marker;
    }

    /// <summary>The page, relative to the repository root, with '/' separators.</summary>
    public string Path { get; }

    /// <summary>The 1-based line of the opening fence.</summary>
    public int FenceLine { get; }

    /// <summary>The 1-based line of the block's first line of code.</summary>
    public int FirstLine => FenceLine + 1;

    /// <summary>The lines of code.</summary>
    public IReadOnlyList<string> Code { get; }

    /// <summary>How the block is checked.</summary>
    public SnippetMarker Marker { get; }

    /// <summary>The name of the block's test: <c>docs/methods/fmix.md:112</c>, the page and its fence line.</summary>
    public override string ToString() => $"{Path}:{FenceLine}";
}
