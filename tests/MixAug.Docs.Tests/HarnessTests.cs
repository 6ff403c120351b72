using MixAug.Docs.Tests.Compiling;
using MixAug.Docs.Tests.Markdown;

namespace MixAug.Docs.Tests;

/// <summary>
/// The harness itself: planted broken pages (strings, never files of the repository) must fail with the page's line,
/// and the repository's pages must be found at all, so that a passing <see cref="DocBlockTests"/> means something.
/// </summary>
[NonParallelizable] // runs planted blocks, which change the working directory of the process
public class HarnessTests
{
    [Test]
    public void ACompileErrorIsReportedAtItsPageLine()
    {
        IReadOnlyList<string> problems = Check("""
            # A page

            ```csharp
            Console.WriteLine("fine");
            int x = images.Length;
            ```
            """);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("planted.md:5:9: error CS0103: The name 'images' does not exist"));
        Assert.That(problems[0], Does.Contain("int x = images.Length;"), "the line itself is shown");
    }

    [Test]
    public void AnErrorInAFragmentIsReportedAtItsPageLineDespiteTheContext()
    {
        // The fragment's using goes above the context's lines, its statements below them: both keep their page lines.
        IReadOnlyList<string> problems = Check("""
            text
            <!-- snippet: context=cpu-batch -->
            ```csharp
            using System.Text;

            var text = new StringBuilder();
            MixPlan plan = new MixUp(alpha: 0.8).CreatePlan(shape, random);
            string wrong = plan.Lambdas;
            ```
            """);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("planted.md:8:").And.Contain("error CS0029"));
    }

    [Test]
    public void AFragmentWithoutItsContextDoesNotCompile()
    {
        // No marker: the block must compile as a program of its own, so an undeclared batch cannot slip through.
        IReadOnlyList<string> problems = Check("""
            ```csharp
            MixPlan plan = new MixUp(alpha: 0.8).CreatePlan(shape, random);
            ```
            """);

        Assert.That(problems, Has.Some.StartsWith("planted.md:2:").And.Contain("CS0246"));
        Assert.That(problems, Has.Some.Contain("'shape' does not exist"));
    }

    [Test]
    public void WarningsFailToo()
    {
        IReadOnlyList<string> problems = Check("""
            ```csharp
            string? name = args.Length > 0 ? args[0] : null;
            Console.WriteLine(name.Length);
            ```
            """);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("planted.md:3:").And.Contain("warning CS8602"));
    }

    [Test]
    public void AnExceptionInARunnableBlockFailsWithItsPageLine()
    {
        IReadOnlyList<string> problems = Check("""
            <!-- snippet: run -->
            ```csharp
            Console.WriteLine("before");
            throw new InvalidOperationException("planted");
            ```
            """);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Contain("InvalidOperationException: planted").And.Contain("planted.md:line 4"));
    }

    [Test]
    public void ANonZeroExitCodeFails()
    {
        Assert.That(Check("<!-- snippet: run -->\n```csharp\nreturn 3;\n```"), Is.EqualTo(new[] { "planted.md:2: exited with code 3" }));
    }

    [Test]
    public void RunnableBlocksRunInATemporaryFolderWithTheirCopies()
    {
        IReadOnlyList<string> problems = Check("""
            <!-- snippet: run copy=samples/MixAug.Preview/images copy=LICENSE -->
            ```csharp
            if (File.Exists("MixAug.sln")) throw new InvalidOperationException("ran in the repository");
            if (!File.Exists("LICENSE") || !Directory.EnumerateFiles("images", "*.jpg").Any()) throw new InvalidOperationException("copies missing");
            File.WriteAllText("planted-output.txt", "written by a planted block");
            ```
            """);

        Assert.That(problems, Is.Empty);
        Assert.That(File.Exists(Path.Combine(Repository.Root, "planted-output.txt")), Is.False);
        Assert.That(Environment.CurrentDirectory, Does.Not.Contain("mixaug-docs-"), "the working directory is restored");
    }

    [Test]
    public void ABlockThatRunsTooLongFails()
    {
        DocBlock block = Planted("<!-- snippet: run -->\n```csharp\nThread.Sleep(5000);\n```").Single();
        SnippetCompilation compiled = SnippetCompiler.Compile(block);

        Assert.That(SnippetRunner.Run(block, compiled, TimeSpan.FromMilliseconds(200)), Is.EqualTo("planted.md:2: still running after 0.2 s"));
    }

    [Test]
    public void ALibraryBlockCompilesButCannotRun()
    {
        Assert.That(Check("```csharp\nnamespace Planted;\n\npublic static class Ok { }\n```"), Is.Empty);
        Assert.That(Check("<!-- snippet: run -->\n```csharp\npublic static class Ok { }\n```"), Has.Some.Contain("needs top-level statements"));
    }

    [Test]
    public void AnExcerptMustStillBeInItsFile()
    {
        Assert.That(Check("<!-- snippet: excerpt=LICENSE -->\n```csharp\nMIT License\n```"), Is.Empty);
        Assert.That(
            Check("<!-- snippet: excerpt=LICENSE -->\n```csharp\nMIT License\nnot in the licence\n```"),
            Is.EqualTo(new[] { "planted.md:2: LICENSE no longer contains this line of the block: not in the licence" }));
        Assert.That(Check("<!-- snippet: excerpt=no/such/file.cs -->\n```csharp\nx\n```"), Has.Some.Contain("does not exist"));
    }

    [TestCase("<!-- snippet: contxt=cpu-batch -->", "unknown key 'contxt=cpu-batch'")]
    [TestCase("<!-- snippet: skip -->", "'skip' needs 'reason=TEXT'")]
    [TestCase("<!-- snippet: copy=LICENSE -->", "'copy' only makes sense with 'run'")]
    [TestCase("<!-- snippet: excerpt=LICENSE run -->", "exclude each other")]
    [TestCase("<!-- snippet: context=../secrets -->", "context names are")]
    [TestCase("<!-- snippet: context=no-such-context -->", "unknown context 'no-such-context'")]
    public void AMalformedMarkerFailsTheBlock(string marker, string expected)
    {
        IReadOnlyList<string> problems = Check($"{marker}\n```csharp\nConsole.WriteLine();\n```");

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("planted.md:2: ").And.Contain(expected));
    }

    [Test]
    public void ASkippedBlockNamesItsReason()
    {
        DocBlock block = Planted("<!-- snippet: skip reason=needs a CUDA device, see issue 99 -->\n```csharp\nnot C#\n```").Single();

        Assert.That(block.Marker.SkipReason, Is.EqualTo("needs a CUDA device, see issue 99"));
    }

    [Test]
    public void AMarkerAwayFromACSharpFenceIsReported()
    {
        (IReadOnlyList<DocBlock> blocks, IReadOnlyList<string> stray) = MarkdownBlocks.Read("planted.md", """
            <!-- snippet: run -->

            ```csharp
            Console.WriteLine();
            ```
            <!-- snippet: run -->
            ```bash
            ls
            ```
            """);

        Assert.That(blocks.Single().Marker, Is.SameAs(SnippetMarker.None));
        Assert.That(stray, Has.Count.EqualTo(2));
        Assert.That(stray[0], Does.StartWith("planted.md:1: "));
        Assert.That(stray[1], Does.StartWith("planted.md:6: "));
    }

    [Test]
    public void BlocksAreFoundInEveryFenceStyleAndOnlyThere()
    {
        IReadOnlyList<DocBlock> blocks = Planted("""
            ~~~cs
            int a = 1;
            ~~~
            1. A list item:

               ```c#
               int b = 2;
               ```
            ````markdown
            ```csharp
            shown, not compiled
            ```
            ````
            ```CSharp title="x"
            int c = 3;
            ```
            ```text
            int d = 4;
            ```
            """);

        Assert.That(blocks.Select(b => b.ToString()), Is.EqualTo(new[] { "planted.md:1", "planted.md:6", "planted.md:14" }));
        Assert.That(blocks.Select(b => b.Code.Single()), Is.EqualTo(new[] { "int a = 1;", "int b = 2;", "int c = 3;" }));
    }

    [Test]
    public void TheRepositoryPagesHaveBlocks()
    {
        // A harness that finds nothing passes everything: the README's example and the method pages must be found.
        string[] names = DocPages.Blocks.Select(b => b.ToString()).ToArray();

        Assert.That(names, Has.Some.StartsWith("README.md:"));
        Assert.That(names, Has.Some.StartsWith("docs/methods/fmix.md:"));
        Assert.That(names, Has.Length.GreaterThanOrEqualTo(11));
        TestContext.Out.WriteLine($"{names.Length} blocks: {DocPages.Blocks.Count(b => b.Marker.Run)} run, "
            + $"{DocPages.Blocks.Count(b => b.Marker.ExcerptOf is not null)} excerpts, {DocPages.Blocks.Count(b => b.Marker.SkipReason is not null)} skipped");
        foreach (DocBlock skipped in DocPages.Blocks.Where(b => b.Marker.SkipReason is not null))
        {
            TestContext.Out.WriteLine($"skipped {skipped}: {skipped.Marker.SkipReason}");
        }
    }

    [Test]
    public void NoMarkerIsAwayFromItsBlock()
    {
        Assert.That(DocPages.StrayMarkers, Is.Empty);
    }

    [Test]
    public void EveryContextIsUsed()
    {
        // Contexts are kept small and few: one that no block names is dead weight.
        string[] used = DocPages.Blocks.Select(b => b.Marker.Context).OfType<string>().Distinct().ToArray();

        Assert.That(SnippetContext.Names(), Is.SubsetOf(used));
    }

    private static List<DocBlock> Planted(string page) => [.. MarkdownBlocks.Read("planted.md", page).Blocks];

    private static IReadOnlyList<string> Check(string page) => DocBlockChecker.Problems(Planted(page).Single());
}
