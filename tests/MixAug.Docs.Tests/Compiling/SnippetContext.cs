namespace MixAug.Docs.Tests.Compiling;

/// <summary>
/// A named wrapper that a fragment is compiled inside: a file <c>Contexts/NAME.cs</c> of this project, split at its
/// line <c>// &lt;snippet&gt;</c>. Above that line go using directives and the statements that declare what the fragment
/// may use; below it, only type declarations (a top-level program's types come after its statements).
/// </summary>
internal sealed class SnippetContext
{
    /// <summary>The line a context is split at.</summary>
    public const string SnippetLine = "// <snippet>";

    /// <summary>Where contexts live, relative to the repository root.</summary>
    public const string Folder = "tests/MixAug.Docs.Tests/Contexts";

    private SnippetContext(string name, string path, IReadOnlyList<string> header, IReadOnlyList<string> footer)
    {
        Name = name;
        Path = path;
        Header = header;
        Footer = footer;
    }

    /// <summary>The context's name, as markers write it.</summary>
    public string Name { get; }

    /// <summary>The context file, relative to the repository root.</summary>
    public string Path { get; }

    /// <summary>The lines before the snippet line (lines 1..n of the file).</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The lines after the snippet line.</summary>
    public IReadOnlyList<string> Footer { get; }

    /// <summary>The 1-based line of the file where <see cref="Footer"/> starts.</summary>
    public int FooterLine => Header.Count + 2;

    /// <summary>Every context of the project, by name.</summary>
    public static IReadOnlyList<string> Names() =>
        Directory.EnumerateFiles(Repository.Full(Folder), "*.cs")
            .Select(f => System.IO.Path.GetFileNameWithoutExtension(f))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Loads a context.</summary>
    /// <exception cref="InvalidOperationException">No such context, or it does not have exactly one snippet line.</exception>
    public static SnippetContext Load(string name)
    {
        string path = $"{Folder}/{name}.cs";
        string full = Repository.Full(path);
        if (!File.Exists(full))
        {
            throw new InvalidOperationException($"unknown context '{name}': there is no {path} (contexts: {string.Join(", ", Names())})");
        }

        string[] lines = File.ReadAllText(full).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        int[] at = lines.Select((l, i) => (l, i)).Where(x => x.l.Trim() == SnippetLine).Select(x => x.i).ToArray();
        if (at.Length != 1)
        {
            throw new InvalidOperationException($"{path} must have exactly one line '{SnippetLine}'; it has {at.Length}");
        }

        return new SnippetContext(name, path, lines[..at[0]], lines[(at[0] + 1)..]);
    }
}
