using MixAug.TorchSharp.Testing;
using MixAug.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.Optimizers;

/// <summary>
/// <see cref="KeptScalarAdam"/> is TorchSharp's Adam bit for bit, option by option, with no Scalar left to the finalizer.
/// </summary>
public sealed class KeptScalarAdamTests
{
    private const int Steps = 7;

    [TestCase(1e-2, 0.0, false, false)]
    [TestCase(1e-2, 0.05, false, false)]
    [TestCase(3e-3, 0.0, true, false)]
    [TestCase(1e-2, 0.01, true, true)]
    public void EveryStepGivesTorchSharpsAdamsParametersBitForBit(double lr, double weightDecay, bool amsgrad, bool maximize)
    {
        using var reference = new TinyModel(seed: 17);
        using var kept = new TinyModel(seed: 17);
        using var adam = new Adam(reference.parameters(), lr, 0.85, 0.995, 1e-7, weightDecay, amsgrad, maximize);
        using var keptAdam = new KeptScalarAdam(kept.parameters(), lr, 0.85, 0.995, 1e-7, weightDecay, amsgrad, maximize);
        var random = new Random(5);
        for (int step = 0; step < Steps; step++)
        {
            float[] batch = [.. Enumerable.Range(0, 6 * 4).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            using Tensor inputs = tensor(batch, [6, 4]);
            TrainOnce(reference, adam, inputs);
            TrainOnce(kept, keptAdam, inputs);
            foreach (((string name, Parameter expected), (_, Parameter actual)) in reference.named_parameters().Zip(kept.named_parameters()))
            {
                Assert.That(Values(actual), Is.EqualTo(Values(expected)), $"{name} after step {step + 1}");
            }
        }

        // The steps moved the parameters: equal because both stepped, not because neither did.
        using var untouched = new TinyModel(seed: 17);
        Assert.That(Values(kept.parameters().First()), Is.Not.EqualTo(Values(untouched.parameters().First())));
    }

    [Test]
    public void AParameterWithoutAGradientIsLeftAsItIs()
    {
        using var model = new TinyModel(seed: 3);
        float[] before = Values(model.parameters().First());
        using var adam = new KeptScalarAdam(model.parameters(), 0.1);
        adam.step();
        Assert.That(Values(model.parameters().First()), Is.EqualTo(before));
    }

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
    public void ABadOptionIsRefusedByName(string name, double value)
    {
        using var model = new TinyModel(seed: 1);
        Assert.That(
            () => new KeptScalarAdam(
                model.parameters(),
                lr: name == "lr" ? value : 1e-3,
                beta1: name == "beta1" ? value : 0.9,
                beta2: name == "beta2" ? value : 0.999,
                eps: name == "eps" ? value : 1e-8,
                weightDecay: name == "weightDecay" ? value : 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(name).And.Message.Contains(value.ToString()));

        // The refused optimizer was allocated and is finalizable; its finalizer must not fail (an exception on the
        // finalizer thread ends the test process).
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Test]
    public void NullParametersAreRefusedByName() =>
        Assert.That(() => new KeptScalarAdam(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("parameters"));

    // The parameter's float32 values, compared exactly (NUnit compares floats by value, and NaN would fail).
    private static float[] Values(Tensor parameter) => parameter.detach().cpu().data<float>().ToArray();

    private static void TrainOnce(TinyModel model, optim.Optimizer optimizer, Tensor inputs)
    {
        using DisposeScope scope = NewDisposeScope();
        optimizer.zero_grad();
        model.call(inputs).square().mean().backward();
        optimizer.step();
    }

    /// <summary>Two linear layers with a ReLU, initialised from a seed, so that two instances start equal.</summary>
    private sealed class TinyModel : nn.Module<Tensor, Tensor>
    {
        private readonly Linear _first, _second;

        public TinyModel(int seed)
            : base(nameof(TinyModel))
        {
            manual_seed(seed);
            _first = nn.Linear(4, 5);
            _second = nn.Linear(5, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _second.call(nn.functional.relu(_first.call(input)));
    }
}
