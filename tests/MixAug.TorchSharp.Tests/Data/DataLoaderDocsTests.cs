namespace MixAug.TorchSharp.Tests.Data;

/// <summary>docs/torchsharp.md must show the sample files the build compiles and the tests run, not copies that can drift.</summary>
public sealed class DataLoaderDocsTests
{
    [TestCase("FashionMnistMixing.cs")]
    [TestCase("MixAfterTheLoader.cs")]
    public void The_DataLoader_section_shows_the_compiled_sample(string file)
    {
        string root = RepositoryRoot();
        string page = File.ReadAllText(Path.Combine(root, "docs", "torchsharp.md")).ReplaceLineEndings("\n");
        string code = File.ReadAllText(Path.Combine(root, "samples", "MixAug.DataLoading", file)).ReplaceLineEndings("\n").TrimEnd();
        int section = page.IndexOf("\n## Mixing in a DataLoader\n", StringComparison.Ordinal);
        Assert.That(section, Is.GreaterThan(0), "the section exists");
        Assert.That(page[section..], Does.Contain("```csharp\n" + code + "\n```"), $"{file} is shown verbatim");
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
