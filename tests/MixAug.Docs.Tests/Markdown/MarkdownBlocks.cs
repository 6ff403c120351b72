using System.Text.RegularExpressions;

namespace MixAug.Docs.Tests.Markdown;

/// <summary>Finds the C# blocks of a markdown page: fences whose info string is <c>csharp</c>, <c>cs</c> or <c>c#</c>.</summary>
/// <remarks>
/// Follows CommonMark fences closely enough for documentation: backticks or tildes, three or more, any indentation
/// (fences inside list items are indented); a fence closes on the same character, at least as long, with nothing after
/// it. Markers are recognised only outside fences, so a page may show a marker inside a code block.
/// </remarks>
internal static partial class MarkdownBlocks
{
    /// <summary>The C# blocks of a page, and the markers that are not right before a C# fence.</summary>
    /// <param name="path">The page, relative to the repository root (it names the blocks).</param>
    /// <param name="text">The page.</param>
    public static (IReadOnlyList<DocBlock> Blocks, IReadOnlyList<string> StrayMarkers) Read(string path, string text)
    {
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<DocBlock>();
        var stray = new List<string>();
        for (int i = 0; i < lines.Length; i++)
        {
            Match open = OpeningFence().Match(lines[i]);
            if (open.Success)
            {
                int close = ClosingLine(lines, i, open);
                string language = open.Groups["info"].Value.ToLowerInvariant();
                if (language is "csharp" or "cs" or "c#")
                {
                    SnippetMarker marker = i > 0 && SnippetMarker.IsMarker(lines[i - 1]) ? SnippetMarker.Parse(lines[i - 1]) : SnippetMarker.None;
                    int indent = open.Groups["indent"].Length;
                    string[] code = lines[(i + 1)..close].Select(l => Unindent(l, indent)).ToArray();
                    blocks.Add(new DocBlock(path, i + 1, code, marker));
                }

                i = close;
            }
            else if (SnippetMarker.IsMarker(lines[i]) && (i + 1 >= lines.Length || !IsCSharpFence(lines[i + 1])))
            {
                stray.Add($"{path}:{i + 1}: a snippet marker must be on the line right before a ```csharp fence: {lines[i].Trim()}");
            }
        }

        return (blocks, stray);
    }

    private static bool IsCSharpFence(string line)
    {
        Match open = OpeningFence().Match(line);
        return open.Success && open.Groups["info"].Value.ToLowerInvariant() is "csharp" or "cs" or "c#";
    }

    // The line of the closing fence, or the end of the page for a fence left open (CommonMark closes it there).
    private static int ClosingLine(string[] lines, int opening, Match open)
    {
        string fence = open.Groups["fence"].Value;
        for (int j = opening + 1; j < lines.Length; j++)
        {
            string trimmed = lines[j].Trim();
            if (trimmed.Length >= fence.Length && trimmed.All(c => c == fence[0]))
            {
                return j;
            }
        }

        return lines.Length;
    }

    // Removes up to the fence's own indentation, as CommonMark does for the content of an indented fence.
    private static string Unindent(string line, int indent)
    {
        int spaces = 0;
        while (spaces < indent && spaces < line.Length && line[spaces] == ' ')
        {
            spaces++;
        }

        return line[spaces..];
    }

    [GeneratedRegex(@"^(?<indent> *)(?<fence>`{3,}|~{3,})\s*(?<info>[^\s`]*)")]
    private static partial Regex OpeningFence();
}
