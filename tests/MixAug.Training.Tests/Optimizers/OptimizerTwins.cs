using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.Optimizers;

/// <summary>
/// Runs a TorchSharp optimizer and its kept-scalar twin side by side on two equal tiny models and the same batches,
/// and asserts equal parameters, bit for bit, after every step.
/// </summary>
internal static class OptimizerTwins
{
    private const int Steps = 7;

    /// <summary>Makes an optimizer over the given parameters.</summary>
    public delegate optim.Optimizer Make(IEnumerable<Parameter> parameters);

    /// <summary>Steps both optimizers <see cref="Steps"/> times (with a learning rate halved every two steps when
    /// <paramref name="scheduled"/>) and compares every parameter after each step; then checks that the steps moved the
    /// parameters, so that they are equal because both stepped, not because neither did.</summary>
    public static void AssertSameSteps(Make reference, Make twin, bool scheduled = false)
    {
        using var referenceModel = new TinyModel(seed: 17);
        using var twinModel = new TinyModel(seed: 17);
        using optim.Optimizer referenceOptimizer = reference(referenceModel.parameters()), twinOptimizer = twin(twinModel.parameters());
        optim.lr_scheduler.LRScheduler? referenceSchedule = scheduled ? optim.lr_scheduler.StepLR(referenceOptimizer, 2, 0.5) : null;
        optim.lr_scheduler.LRScheduler? twinSchedule = scheduled ? optim.lr_scheduler.StepLR(twinOptimizer, 2, 0.5) : null;
        var random = new Random(5);
        for (int step = 0; step < Steps; step++)
        {
            float[] batch = [.. Enumerable.Range(0, 6 * 4).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            using Tensor inputs = tensor(batch, [6, 4]);
            TrainOnce(referenceModel, referenceOptimizer, inputs);
            TrainOnce(twinModel, twinOptimizer, inputs);
            referenceSchedule?.step();
            twinSchedule?.step();
            foreach (((string name, Parameter expected), (_, Parameter actual)) in referenceModel.named_parameters().Zip(twinModel.named_parameters()))
            {
                Assert.That(Values(actual), Is.EqualTo(Values(expected)), $"{name} after step {step + 1}");
            }
        }

        using var untouched = new TinyModel(seed: 17);
        Assert.That(Values(twinModel.parameters().First()), Is.Not.EqualTo(Values(untouched.parameters().First())));
    }

    /// <summary>Asserts that a step leaves a parameter without a gradient as it is.</summary>
    public static void AssertSkipsParametersWithoutGradients(Make make)
    {
        using var model = new TinyModel(seed: 3);
        float[] before = Values(model.parameters().First());
        using optim.Optimizer optimizer = make(model.parameters());
        optimizer.step();
        Assert.That(Values(model.parameters().First()), Is.EqualTo(before));
    }

    /// <summary>Asserts that <paramref name="make"/> throws <typeparamref name="TException"/> naming
    /// <paramref name="name"/> and, when given, <paramref name="value"/>; then runs the finalizers, as the refused
    /// optimizer's must not fail (an exception on the finalizer thread ends the test process).</summary>
    public static void AssertRefused<TException>(Make make, string name, double? value = null)
        where TException : ArgumentException
    {
        using var model = new TinyModel(seed: 1);
        Assert.That(
            () => make(model.parameters()),
            Throws.InstanceOf<TException>().With.Property("ParamName").EqualTo(name).And.Message.Contains(value?.ToString() ?? name));
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

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
