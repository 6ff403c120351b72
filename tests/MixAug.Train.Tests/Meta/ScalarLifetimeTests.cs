using MixAug.TorchSharp.Testing;

namespace MixAug.Train.Tests.Meta;

/// <summary>
/// No Scalar that the training sample's models and steps hand to libtorch can be freed by the finalizer during the call
/// that reads it (<see cref="ScalarLifetimeScan"/>): two 30-epoch ViT runs crashed that way before its scalars were kept.
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Test]
    public void TheTrainingSampleKeepsEveryScalarAliveUntilLibtorchHasReadIt()
    {
        IReadOnlyList<string> findings = ScalarLifetimeScan.Findings(typeof(TinyVit).Assembly);
        Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
    }
}
