using MixAug.TorchSharp.Testing;
using MixAug.Training.Optimizers;
using TorchSharp.Modules;

namespace MixAug.Training.Tests.Optimizers;

/// <summary>
/// <see cref="KeptScalarAdam"/> is TorchSharp's Adam bit for bit, option by option, with no Scalar left to the finalizer.
/// </summary>
public sealed class KeptScalarAdamTests
{
    [TestCase(1e-2, 0.0, false, false)]
    [TestCase(1e-2, 0.05, false, false)]
    [TestCase(3e-3, 0.0, true, false)]
    [TestCase(1e-2, 0.01, true, true)]
    public void EveryStepGivesTorchSharpsAdamsParametersBitForBit(double lr, double weightDecay, bool amsgrad, bool maximize) =>
        OptimizerTwins.AssertSameSteps(
            parameters => new Adam(parameters, lr, 0.85, 0.995, 1e-7, weightDecay, amsgrad, maximize),
            parameters => new KeptScalarAdam(parameters, lr, 0.85, 0.995, 1e-7, weightDecay, amsgrad, maximize));

    [Test]
    public void AScheduledLearningRateIsReadAtEveryStep() =>
        OptimizerTwins.AssertSameSteps(parameters => new Adam(parameters, 0.05), parameters => new KeptScalarAdam(parameters, 0.05), scheduled: true);

    [Test]
    public void AParameterWithoutAGradientIsLeftAsItIs() =>
        OptimizerTwins.AssertSkipsParametersWithoutGradients(parameters => new KeptScalarAdam(parameters, 0.1));

    [Test]
    public void ItsStepLeavesNoScalarToTheFinalizer() =>
        Assert.That(ScalarLifetimeScan.Findings(typeof(KeptScalarAdam).Assembly).Where(f => f.Contains(nameof(KeptScalarAdam))), Is.Empty);

    [Test]
    public void TorchSharpsOwnAdamWouldBeAFinding() =>
        Assert.That(ScalarLifetimeScan.IsRacy(typeof(Adam).GetMethod(nameof(Adam.step))!), Is.True);

    [TestCase("lr", -1e-3)]
    [TestCase("lr", double.NaN)]
    [TestCase("lr", double.PositiveInfinity)]
    [TestCase("beta1", 1.0)]
    [TestCase("beta1", -0.1)]
    [TestCase("beta2", double.NaN)]
    [TestCase("eps", -1e-8)]
    [TestCase("weightDecay", double.NaN)]
    public void ABadOptionIsRefusedByName(string name, double value) =>
        OptimizerTwins.AssertRefused<ArgumentOutOfRangeException>(
            parameters => new KeptScalarAdam(
                parameters,
                lr: name == "lr" ? value : 1e-3,
                beta1: name == "beta1" ? value : 0.9,
                beta2: name == "beta2" ? value : 0.999,
                eps: name == "eps" ? value : 1e-8,
                weightDecay: name == "weightDecay" ? value : 0),
            name,
            value);

    [Test]
    public void NullParametersAreRefusedByName() =>
        Assert.That(() => new KeptScalarAdam(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("parameters"));
}
