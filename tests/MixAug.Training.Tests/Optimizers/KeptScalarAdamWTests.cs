using MixAug.TorchSharp.Testing;
using MixAug.Training.Optimizers;
using TorchSharp.Modules;

namespace MixAug.Training.Tests.Optimizers;

/// <summary>
/// <see cref="KeptScalarAdamW"/> is TorchSharp's AdamW bit for bit, option by option, with no Scalar left to the finalizer.
/// </summary>
public sealed class KeptScalarAdamWTests
{
    [TestCase(1e-2, 0.0, false, false)]
    [TestCase(1e-2, 0.05, false, false)]
    [TestCase(3e-3, 0.1, true, false)]
    [TestCase(1e-2, 0.01, true, true)]
    public void EveryStepGivesTorchSharpsAdamWsParametersBitForBit(double lr, double weightDecay, bool amsgrad, bool maximize) =>
        OptimizerTwins.AssertSameSteps(
            parameters => new AdamW(parameters, lr, 0.85, 0.995, 1e-7, weightDecay, amsgrad, maximize),
            parameters => new KeptScalarAdamW(parameters, lr, 0.85, 0.995, 1e-7, weightDecay, amsgrad, maximize));

    [Test]
    public void AScheduledLearningRateScalesTheDecayAtEveryStep() =>
        OptimizerTwins.AssertSameSteps(
            parameters => new AdamW(parameters, 0.05, weight_decay: 0.2), parameters => new KeptScalarAdamW(parameters, 0.05, weightDecay: 0.2), scheduled: true);

    [Test]
    public void AParameterWithoutAGradientIsLeftAsItIsEvenWithWeightDecay() =>
        OptimizerTwins.AssertSkipsParametersWithoutGradients(parameters => new KeptScalarAdamW(parameters, 0.1, weightDecay: 0.5));

    [Test]
    public void ItsStepLeavesNoScalarToTheFinalizer() =>
        Assert.That(ScalarLifetimeScan.Findings(typeof(KeptScalarAdamW).Assembly).Where(f => f.Contains(nameof(KeptScalarAdamW))), Is.Empty);

    [TestCase("lr", double.NaN)]
    [TestCase("beta1", 1.0)]
    [TestCase("beta2", -0.5)]
    [TestCase("eps", double.PositiveInfinity)]
    [TestCase("weightDecay", -0.01)]
    public void ABadOptionIsRefusedByName(string name, double value) =>
        OptimizerTwins.AssertRefused<ArgumentOutOfRangeException>(
            parameters => new KeptScalarAdamW(
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
        Assert.That(() => new KeptScalarAdamW(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("parameters"));
}
