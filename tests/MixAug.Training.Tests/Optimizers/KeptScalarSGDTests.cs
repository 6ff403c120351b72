using MixAug.TorchSharp.Testing;
using MixAug.Training.Optimizers;
using TorchSharp.Modules;

namespace MixAug.Training.Tests.Optimizers;

/// <summary>
/// <see cref="KeptScalarSGD"/> is TorchSharp's SGD bit for bit, option by option, with no Scalar left to the finalizer.
/// </summary>
public sealed class KeptScalarSGDTests
{
    [TestCase(0.1, 0.0, 0.0, 0.0, false, false)]
    [TestCase(0.1, 0.9, 0.0, 0.0, false, false)]
    [TestCase(0.05, 0.9, 0.1, 0.01, false, false)]
    [TestCase(0.05, 0.9, 0.0, 0.05, true, false)]
    [TestCase(0.1, 0.5, 0.0, 0.0, true, true)]
    [TestCase(0.1, 0.0, 0.0, 0.02, false, true)]
    public void EveryStepGivesTorchSharpsSGDsParametersBitForBit(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize) =>
        OptimizerTwins.AssertSameSteps(
            parameters => new SGD(parameters, lr, momentum, dampening, weightDecay, nesterov, maximize),
            parameters => new KeptScalarSGD(parameters, lr, momentum, dampening, weightDecay, nesterov, maximize));

    [Test]
    public void AScheduledLearningRateIsReadAtEveryStep() =>
        OptimizerTwins.AssertSameSteps(parameters => new SGD(parameters, 0.2, 0.9), parameters => new KeptScalarSGD(parameters, 0.2, 0.9), scheduled: true);

    [Test]
    public void AParameterWithoutAGradientIsLeftAsItIs() =>
        OptimizerTwins.AssertSkipsParametersWithoutGradients(parameters => new KeptScalarSGD(parameters, 0.1, momentum: 0.9, weightDecay: 0.1));

    [Test]
    public void ItsStepLeavesNoScalarToTheFinalizer() =>
        Assert.That(ScalarLifetimeScan.Findings(typeof(KeptScalarSGD).Assembly).Where(f => f.Contains(nameof(KeptScalarSGD))), Is.Empty);

    [TestCase("lr", -0.1)]
    [TestCase("lr", double.NaN)]
    [TestCase("momentum", -0.9)]
    [TestCase("momentum", double.PositiveInfinity)]
    [TestCase("dampening", double.NaN)]
    [TestCase("weightDecay", -1.0)]
    public void ABadOptionIsRefusedByName(string name, double value) =>
        OptimizerTwins.AssertRefused<ArgumentOutOfRangeException>(
            parameters => new KeptScalarSGD(
                parameters,
                lr: name == "lr" ? value : 0.1,
                momentum: name == "momentum" ? value : 0.9,
                dampening: name == "dampening" ? value : 0,
                weightDecay: name == "weightDecay" ? value : 0),
            name,
            value);

    [TestCase(0.0, 0.0)]
    [TestCase(0.9, 0.1)]
    public void NesterovWithoutMomentumOrWithDampeningIsRefusedByName(double momentum, double dampening) =>
        OptimizerTwins.AssertRefused<ArgumentException>(parameters => new KeptScalarSGD(parameters, 0.1, momentum, dampening, nesterov: true), "nesterov", momentum);

    [Test]
    public void NullParametersAreRefusedByName() =>
        Assert.That(() => new KeptScalarSGD(null!, 0.1), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("parameters"));
}
