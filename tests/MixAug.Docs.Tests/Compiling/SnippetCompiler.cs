using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using MixAug.Docs.Tests.Markdown;

namespace MixAug.Docs.Tests.Compiling;

/// <summary>
/// Compiles blocks in memory as a user's project would: latest C#, nullable enabled, the SDK's implicit usings, the
/// module initializer the MixAug.TorchSharp package adds, and every warning treated as an error (as this repository
/// builds).
/// </summary>
internal static class SnippetCompiler
{
    /// <summary>The SDK's implicit usings of a console or library project (&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;).</summary>
    public static readonly string[] DefaultUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    // Warnings a context may cause without the fragment being at fault: a context declares what its fragments may
    // use, and one fragment need not use all of it.
    private static readonly HashSet<string> UnusedInContext = ["CS0168", "CS0219", "CS8321"];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.None);

    // One compilation holds the references; each block's compilation derives from it and shares the metadata Roslyn
    // has already read (the first block pays for loading it, the others reuse it).
    private static readonly CSharpCompilation Base = CSharpCompilation.Create(
        "DocSnippet",
        syntaxTrees: [ImplicitUsings(), PackageInitializer()],
        references: SnippetReferences.All,
        options: new CSharpCompilationOptions(
            OutputKind.ConsoleApplication,
            nullableContextOptions: NullableContextOptions.Enable,
            // The runtime's implementation assemblies carry other versions than the reference assemblies the
            // libraries were built against; unifying them is what the SDK does silently.
            specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            }));

    /// <summary>Compiles a block; the compilation is a program when the block (or its context) has top-level statements,
    /// and a library otherwise (a page of types, such as an NUnit test class).</summary>
    /// <exception cref="InvalidOperationException">The block names a context that does not exist or is malformed.</exception>
    public static SnippetCompilation Compile(DocBlock block)
    {
        SnippetContext? context = block.Marker.Context is null ? null : SnippetContext.Load(block.Marker.Context);
        SyntaxTree tree = context is null ? SnippetSource.Standalone(block, ParseOptions) : SnippetSource.InContext(block, context, ParseOptions);
        bool isProgram = ((CompilationUnitSyntax)tree.GetRoot()).Members.OfType<GlobalStatementSyntax>().Any();
        CSharpCompilation compilation = Base
            .WithOptions(Base.Options.WithOutputKind(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary))
            .AddSyntaxTrees(tree);
        Diagnostic[] problems = compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && !d.IsSuppressed)
            .Where(d => !(context is not null && UnusedInContext.Contains(d.Id) && d.Location.GetMappedLineSpan().Path == context.Path))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToArray();
        return new SnippetCompilation(compilation, isProgram, problems.Select(Describe).ToArray());
    }

    /// <summary>A diagnostic as <c>page:line:column: error CS0103: message</c>, then the line it is on.</summary>
    public static string Describe(Diagnostic diagnostic)
    {
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        string severity = diagnostic.Severity.ToString().ToLowerInvariant();
        if (!diagnostic.Location.IsInSource)
        {
            return $"{severity} {diagnostic.Id}: {message}";
        }

        FileLinePositionSpan mapped = diagnostic.Location.GetMappedLineSpan();
        int actualLine = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        string code = diagnostic.Location.SourceTree!.GetText().Lines[actualLine].ToString().Trim();
        return $"{mapped.Path}:{mapped.StartLinePosition.Line + 1}:{mapped.StartLinePosition.Character + 1}: {severity} {diagnostic.Id}: {message}\n        {code}";
    }

    private static SyntaxTree ImplicitUsings() =>
        CSharpSyntaxTree.ParseText(
            SourceText.From(string.Concat(DefaultUsings.Select(u => $"global using global::{u};\n")), Encoding.UTF8),
            ParseOptions,
            path: "ImplicitUsings.g.cs");

    // What the MixAug.TorchSharp package compiles into every application that references it.
    private static SyntaxTree PackageInitializer()
    {
        string path = Repository.Full("src/MixAug.TorchSharp/build/MixAugTorchSharpInitializer.cs");
        return CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(path), Encoding.UTF8), ParseOptions, path: path);
    }
}
