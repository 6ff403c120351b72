using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Tests;

/// <summary>
/// Makes TorchSharp loadable before any test of the assembly touches a tensor: the tests below call TorchSharp
/// directly (to build inputs), not only through MixAug's entry points, which do the same on their own.
/// </summary>
[SetUpFixture]
public sealed class TorchSetUp
{
    /// <summary>The report of the one real loading attempt, for the tests of the loader.</summary>
    public static TorchSharpLoadReport? Report { get; private set; }

    [OneTimeSetUp]
    public void LoadTorch()
    {
        Report = TorchSharpRuntime.EnsureLoadable();
        TestContext.Progress.WriteLine($"TorchSharp native library: {Report.Action}: {Report.Message}");
    }
}
