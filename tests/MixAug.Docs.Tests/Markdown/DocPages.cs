namespace MixAug.Docs.Tests.Markdown;

/// <summary>The C# blocks of every documentation page of the repository, read once per test run.</summary>
internal static class DocPages
{
    private static readonly Lazy<(IReadOnlyList<DocBlock> Blocks, IReadOnlyList<string> Stray)> All = new(ReadAll);

    /// <summary>Every C# block, page by page in path order, then by line.</summary>
    public static IReadOnlyList<DocBlock> Blocks => All.Value.Blocks;

    /// <summary>Markers that are not right before a C# fence, as <c>page:line: ...</c>.</summary>
    public static IReadOnlyList<string> StrayMarkers => All.Value.Stray;

    /// <summary>The block a test case names (<c>docs/methods/fmix.md:112</c>).</summary>
    public static DocBlock Find(string name) => Blocks.Single(b => b.ToString() == name);

    private static (IReadOnlyList<DocBlock>, IReadOnlyList<string>) ReadAll()
    {
        var blocks = new List<DocBlock>();
        var stray = new List<string>();
        foreach (string page in Repository.Pages())
        {
            (IReadOnlyList<DocBlock> found, IReadOnlyList<string> markers) = MarkdownBlocks.Read(page, File.ReadAllText(Repository.Full(page)));
            blocks.AddRange(found);
            stray.AddRange(markers);
        }

        return (blocks, stray);
    }
}
