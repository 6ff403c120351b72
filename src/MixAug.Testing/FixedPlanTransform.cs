using MixAug.Planning;

namespace MixAug.Testing;

/// <summary>
/// An <see cref="IMixTransform"/> that returns a plan you give it, drawing nothing: feed a known plan to code that
/// takes a transform (a training loop, a data pipeline) and assert on exact results.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class FixedPlanTransform : IMixTransform
{
    private readonly MixPlan _plan;

    /// <summary>Wraps <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan every call returns.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    public FixedPlanTransform(MixPlan plan)
    {
        _plan = plan ?? throw new ArgumentNullException(nameof(plan));
    }

    /// <inheritdoc />
    public string Name => _plan.TransformName;

    /// <summary>Number of plans handed out so far.</summary>
    public int Calls { get; private set; }

    /// <inheritdoc />
    public FeatureRequirements Requirements => FeatureRequirements.None;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request's batch size or spatial extent is not the fixed plan's.</exception>
    public MixPlan CreatePlan(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        BatchShape shape = request.Shape;
        if (shape.BatchSize != _plan.BatchSize || shape.Spatial != _plan.Spatial)
        {
            throw new ArgumentException($"The fixed plan is for {_plan.BatchSize} samples of {_plan.Spatial} but a plan for {shape} was asked for.", nameof(request));
        }

        Calls++;
        return _plan;
    }
}
