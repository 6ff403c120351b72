namespace MixAug.Testing.Tests.Docs;

/// <summary>docs/testing.md must show the example that CI compiles and runs, not a copy that can drift.</summary>
public class DocsExampleTests
{
    [Test]
    public void TestingPageShowsTheCompiledExample()
    {
        string root = RepositoryRoot();
        string page = File.ReadAllText(Path.Combine(root, "docs", "testing.md")).ReplaceLineEndings("\n");
        string example = File.ReadAllText(Path.Combine(root, "tests", "MixAug.Testing.Tests", "Docs", "PipelineExampleTests.cs")).ReplaceLineEndings("\n");
        string shown = example[(example.IndexOf('\n') + 1)..].TrimEnd(); // the first line is a note for maintainers
        Assert.That(page, Does.Contain("```csharp\n" + shown + "\n```"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MixAug.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("MixAug.sln not found above the test directory.");
    }
}
