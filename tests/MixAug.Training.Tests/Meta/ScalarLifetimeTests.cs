using MixAug.TorchSharp.Testing;

namespace MixAug.Training.Tests.Meta;

/// <summary>
/// No Scalar that MixAug.Training hands to libtorch can be freed by the finalizer during the call that reads it
/// (<see cref="ScalarLifetimeScan"/>; the scan's own tests are in MixAug.TorchSharp.Tests).
/// </summary>
public sealed class ScalarLifetimeTests
{
    [Test]
    public void MixAugTrainingKeepsEveryScalarAliveUntilLibtorchHasReadIt()
    {
        IReadOnlyList<string> findings = ScalarLifetimeScan.Findings(typeof(TrainingLoop).Assembly);
        Assert.That(findings, Is.Empty, string.Join(Environment.NewLine, findings));
    }
}
