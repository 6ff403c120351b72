using MixAug.TorchSharp.Native;

namespace MixAug.Training.Tests;

/// <summary>Makes TorchSharp loadable before the tests build tensors of their own.</summary>
[SetUpFixture]
public sealed class TorchSetUp
{
    [OneTimeSetUp]
    public void LoadTorch() => TorchSharpRuntime.EnsureLoadable();
}
