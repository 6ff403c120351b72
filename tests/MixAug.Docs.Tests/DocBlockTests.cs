using MixAug.Docs.Tests.Markdown;

namespace MixAug.Docs.Tests;

/// <summary>
/// Every C# block of README.md and the docs, one test case each, named by page and fence line
/// (<c>docs/methods/fmix.md:112</c>): compiled as its marker says, and run when marked runnable.
/// </summary>
[NonParallelizable] // runnable blocks change the working directory of the process
public class DocBlockTests
{
    /// <summary>The test cases: one per block.</summary>
    public static IEnumerable<TestCaseData> Blocks() =>
        DocPages.Blocks.Select(b => new TestCaseData(b.ToString()).SetName(b.ToString()));

    /// <summary>Compiles (and runs, if marked) one block; the failure message lists the compiler's diagnostics at the
    /// page's lines.</summary>
    [TestCaseSource(nameof(Blocks))]
    public void BlockCompiles(string name)
    {
        DocBlock block = DocPages.Find(name);
        if (block.Marker.SkipReason is string reason)
        {
            Assert.Ignore($"not checked (snippet: skip): {reason}");
        }

        IReadOnlyList<string> problems = DocBlockChecker.Problems(block);
        if (problems.Count > 0)
        {
            Assert.Fail(string.Join('\n', problems));
        }
    }
}
