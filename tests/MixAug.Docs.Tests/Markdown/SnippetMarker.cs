namespace MixAug.Docs.Tests.Markdown;

/// <summary>
/// How a C# block is checked, read from an HTML comment on the line right before its fence (invisible when the page is
/// rendered): <c>&lt;!-- snippet: context=cpu-batch run --&gt;</c>. No marker means a standalone program (or a file of
/// types) that must compile with the default usings.
/// </summary>
/// <remarks>
/// <para>Keys: <c>context=NAME</c> compiles the block inside <c>Contexts/NAME.cs</c>; <c>run</c> also runs it;
/// <c>copy=PATH</c> (with <c>run</c>) copies a repository folder or file into the run's working directory;
/// <c>excerpt=PATH</c> says the block is quoted from a repository file that the build compiles, and checks that the
/// file still contains it; <c>skip reason=TEXT</c> (rest of the line) leaves the block unchecked, and the test says so.</para>
/// <para>An unknown key or a contradictory set is an <see cref="Error"/>, reported by the block's test rather than
/// silently changing how the block is checked.</para>
/// </remarks>
internal sealed class SnippetMarker
{
    private const string Prefix = "<!-- snippet:";
    private const string Suffix = "-->";

    /// <summary>The marker of an unmarked block: standalone, compiled, not run.</summary>
    public static SnippetMarker None { get; } = new();

    /// <summary>The context the block is compiled in, or null for a standalone block.</summary>
    public string? Context { get; private init; }

    /// <summary>Whether the block is run after it compiles.</summary>
    public bool Run { get; private init; }

    /// <summary>Repository paths copied into the working directory of a run.</summary>
    public IReadOnlyList<string> Copies { get; private init; } = [];

    /// <summary>The repository file the block is quoted from, or null.</summary>
    public string? ExcerptOf { get; private init; }

    /// <summary>Why the block is not checked, or null when it is.</summary>
    public string? SkipReason { get; private init; }

    /// <summary>What is wrong with the marker, or null when it is well formed.</summary>
    public string? Error { get; private init; }

    /// <summary>Whether a line is a snippet marker (well formed or not).</summary>
    public static bool IsMarker(string line) => line.TrimStart().StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Reads a marker line; problems go to <see cref="Error"/>, never to an exception.</summary>
    public static SnippetMarker Parse(string line)
    {
        string text = line.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !text.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return new SnippetMarker { Error = $"a marker is one line, '{Prefix} ... {Suffix}'; it was '{text}'" };
        }

        string body = text[Prefix.Length..^Suffix.Length].Trim();
        string? context = null, excerpt = null, skip = null;
        bool run = false;
        var copies = new List<string>();
        var problems = new List<string>();

        // "reason=" takes the rest of the line, so a reason can say anything.
        int reasonAt = body.IndexOf("reason=", StringComparison.Ordinal);
        if (reasonAt >= 0)
        {
            skip = body[(reasonAt + "reason=".Length)..].Trim();
            body = body[..reasonAt];
        }

        bool skipKey = false;
        foreach (string token in body.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=');
            string key = eq < 0 ? token : token[..eq];
            string? value = eq < 0 ? null : token[(eq + 1)..];
            switch (key)
            {
                case "context" when IsContextName(value): context = value; break;
                case "context": problems.Add($"context names are lower-case letters, digits and '-'; '{value}' is not"); break;
                case "run" when value is null: run = true; break;
                case "copy" when !string.IsNullOrEmpty(value): copies.Add(value); break;
                case "excerpt" when !string.IsNullOrEmpty(value): excerpt = value; break;
                case "skip" when value is null: skipKey = true; break;
                default: problems.Add($"unknown key '{token}' (known: context=NAME, run, copy=PATH, excerpt=PATH, skip reason=TEXT)"); break;
            }
        }

        if (skipKey != (skip is not null))
        {
            problems.Add("'skip' needs 'reason=TEXT', and 'reason=' belongs to 'skip'");
        }
        else if (skip is not null && skip.Length == 0)
        {
            problems.Add("a skip needs a reason");
        }

        if (copies.Count > 0 && !run)
        {
            problems.Add("'copy' only makes sense with 'run'");
        }

        int modes = (excerpt is not null ? 1 : 0) + (skipKey ? 1 : 0) + (context is not null || run ? 1 : 0);
        if (modes > 1)
        {
            problems.Add("'excerpt', 'skip' and 'context'/'run' exclude each other");
        }

        return problems.Count > 0
            ? new SnippetMarker { Error = $"bad snippet marker '{text}': {string.Join("; ", problems)}" }
            : new SnippetMarker { Context = context, Run = run, Copies = copies, ExcerptOf = excerpt, SkipReason = skip };
    }

    private static bool IsContextName(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
