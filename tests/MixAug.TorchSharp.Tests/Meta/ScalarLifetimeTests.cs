using System.Reflection;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Testing;

namespace MixAug.TorchSharp.Tests.Meta;

/// <summary>
/// No Scalar that MixAug.TorchSharp, MixAug.TorchSharp.Testing or the DataLoader sample (whose code docs/torchsharp.md
/// shows) hands to libtorch can be freed by the finalizer during the call that reads it (<see cref="ScalarLifetimeScan"/>,
/// whose own tests are in Testing/ScalarLifetimeScanTests).
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Test]
    public void MixAugTorchSharpAndTheDataLoaderSampleKeepEveryScalarAliveUntilLibtorchHasReadIt()
    {
        foreach (Assembly assembly in new[] { typeof(TorchMixer).Assembly, typeof(TensorMixAssert).Assembly, typeof(DataLoading.FashionMnistMixing).Assembly })
        {
            IReadOnlyList<string> findings = ScalarLifetimeScan.Findings(assembly);
            Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
        }
    }
}
