using MixAug.TorchSharp.Mixing;
using static TorchSharp.torch;

namespace MixAug.Training.Steps;

/// <summary>
/// Manifold Mixup as a training step: on a mixed step, <see cref="ManifoldMixup"/> draws one of <see cref="Layers"/>
/// (and the input when <see cref="MixInput"/> is set) from the batch's stream, mixes that layer's output with a plan the
/// schedule's transform draws for it, and the loss is soft-target cross-entropy on the targets mixed alike. Unmixed steps
/// are plain cross-entropy with the loop's label smoothing.
/// </summary>
/// <remarks>The layer names are checked against the loop's model before the first mixed forward pass runs (an
/// <see cref="ArgumentException"/> naming <c>layers</c>, from <see cref="ManifoldMixup"/>). The step's stream holds the
/// schedule's coin, then the layer, then the plan, so a logged step replays.</remarks>
/// <threadsafety>Not thread-safe (it keeps the <see cref="ManifoldMixup"/> of the last model and transform).</threadsafety>
public sealed class ManifoldMixupStep : ITrainingStep
{
    private readonly string[] _layers;
    private ManifoldMixup? _manifold;

    /// <summary>Creates the step.</summary>
    /// <param name="layers">Names of the model's submodules whose output may be mixed (as <c>named_modules()</c> gives them).</param>
    /// <param name="mixInput">Also count the input as a candidate layer, as the paper does.</param>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> is empty.</exception>
    public ManifoldMixupStep(IEnumerable<string> layers, bool mixInput = false)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = [.. layers];
        if (_layers.Length == 0)
        {
            throw new ArgumentException("layers is empty; name at least one submodule whose output to mix.", nameof(layers));
        }

        MixInput = mixInput;
    }

    /// <summary>The candidate layers.</summary>
    public IReadOnlyList<string> Layers => _layers;

    /// <summary>Whether the input is a candidate too.</summary>
    public bool MixInput { get; }

    /// <inheritdoc />
    public TrainingStepResult Forward(TrainingStepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Transform is null)
        {
            Tensor plain = context.Model.call(context.Images);
            return new TrainingStepResult(InputMixingStep.DefaultLoss(plain, context.Labels, null, context.Smoothing), plain, null);
        }

        if (_manifold is null || _manifold.Model != context.Model || _manifold.Policy != context.Transform
            || _manifold.ClassCount != context.ClassCount || _manifold.Smoothing != context.Smoothing)
        {
            _manifold = new ManifoldMixup(context.Model, _layers, context.Transform, context.ClassCount, context.Smoothing, MixInput);
        }

        ManifoldMixedBatch mixed = _manifold.Forward(context.Images, context.Labels, context.Random);
        return new TrainingStepResult(InputMixingStep.DefaultLoss(mixed.Logits, context.Labels, mixed.Targets, context.Smoothing), mixed.Logits, mixed.Plan);
    }
}
