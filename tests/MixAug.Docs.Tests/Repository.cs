namespace MixAug.Docs.Tests;

/// <summary>Where the repository is, and which of its markdown pages are documentation.</summary>
internal static class Repository
{
    // Folders of pages: every *.md under them counts (docs/packages holds the packages' READMEs, samples their own).
    private static readonly string[] PageFolders = ["docs", "samples", "src"];

    // Never documentation: build output, test output, version control.
    private static readonly HashSet<string> IgnoredFolders = ["bin", "obj", "TestResults", "ActualOutput", "node_modules"];

    /// <summary>The repository root: the nearest folder above the test assembly that holds MixAug.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The documentation pages, relative to the root with '/' separators, sorted: the root's *.md and every *.md
    /// under docs/, samples/ and src/.</summary>
    public static IReadOnlyList<string> Pages()
    {
        IEnumerable<string> rootPages = Directory.EnumerateFiles(Root, "*.md");
        IEnumerable<string> nested = PageFolders
            .Select(f => Path.Combine(Root, f))
            .Where(Directory.Exists)
            .SelectMany(MarkdownUnder);
        return rootPages.Concat(nested).Select(Relative).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A repository path ('/' separators) as a full path.</summary>
    public static string Full(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>A full path as a repository path with '/' separators.</summary>
    public static string Relative(string full) => Path.GetRelativePath(Root, full).Replace(Path.DirectorySeparatorChar, '/');

    private static IEnumerable<string> MarkdownUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*.md").Concat(
            Directory.EnumerateDirectories(folder)
                .Where(d => !IgnoredFolders.Contains(Path.GetFileName(d)) && !Path.GetFileName(d).StartsWith('.'))
                .SelectMany(MarkdownUnder));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MixAug.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"MixAug.sln not found above {AppContext.BaseDirectory}.");
    }
}
