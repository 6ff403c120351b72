using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using MixAug.Docs.Tests.Markdown;

namespace MixAug.Docs.Tests.Compiling;

/// <summary>
/// The source file a block is compiled as. <c>#line</c> directives map every line back to where it is written (the
/// markdown page, or the context file), so compiler errors and the stack traces of a run name the page and its line.
/// </summary>
internal static class SnippetSource
{
    /// <summary>A standalone block: the block as it is.</summary>
    public static SyntaxTree Standalone(DocBlock block, CSharpParseOptions options)
    {
        var text = new StringBuilder();
        AppendMapped(text, block.Path, block.FirstLine, block.Code);
        return Parse(text, block, options);
    }

    /// <summary>
    /// A fragment inside a context: the fragment's using directives, then the context's header (its usings, less those
    /// the fragment already has, and its declarations), the rest of the fragment, and the context's footer.
    /// </summary>
    public static SyntaxTree InContext(DocBlock block, SnippetContext context, CSharpParseOptions options)
    {
        int usingLines = LeadingUsingLines(block.Code, options);
        var fragmentUsings = block.Code.Take(usingLines).Select(l => l.Trim()).Where(IsUsing).ToHashSet(StringComparer.Ordinal);

        // A using the fragment repeats would be warning CS0105; blanking it keeps the context's line numbers.
        string[] header = context.Header.Select(l => IsUsing(l.Trim()) && fragmentUsings.Contains(l.Trim()) ? string.Empty : l).ToArray();

        var text = new StringBuilder();
        AppendMapped(text, block.Path, block.FirstLine, block.Code.Take(usingLines).ToArray());
        AppendMapped(text, context.Path, 1, header);
        AppendMapped(text, block.Path, block.FirstLine + usingLines, block.Code.Skip(usingLines).ToArray());
        AppendMapped(text, context.Path, context.FooterLine, context.Footer);
        return Parse(text, block, options);
    }

    // How many leading lines of the block hold its using directives (with the comments and blank lines among them).
    private static int LeadingUsingLines(IReadOnlyList<string> code, CSharpParseOptions options)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(string.Join('\n', code), options);
        var root = (CompilationUnitSyntax)tree.GetRoot();
        UsingDirectiveSyntax? last = root.Usings.LastOrDefault();
        return last is null ? 0 : tree.GetLineSpan(last.Span).EndLinePosition.Line + 1;
    }

    private static bool IsUsing(string line) => line.StartsWith("using ", StringComparison.Ordinal) && line.EndsWith(';');

    private static void AppendMapped(StringBuilder text, string path, int firstLine, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        text.Append("#line ").Append(firstLine).Append(" \"").Append(path).Append("\"\n");
        foreach (string line in lines)
        {
            text.Append(line).Append('\n');
        }
    }

    // UTF-8 so the compilation can emit a PDB (a run's stack traces then carry the page's lines).
    private static SyntaxTree Parse(StringBuilder text, DocBlock block, CSharpParseOptions options) =>
        CSharpSyntaxTree.ParseText(SourceText.From(text.ToString(), Encoding.UTF8), options, path: block.ToString());
}
