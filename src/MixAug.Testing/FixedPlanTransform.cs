using MixAug.Planning;
using MixAug.Randomness;

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
    /// <exception cref="ArgumentException"><paramref name="shape"/> is not the fixed plan's shape.</exception>
    public MixPlan CreatePlan(BatchShape shape, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (shape != _plan.Shape)
        {
            throw new ArgumentException($"The fixed plan is for a {_plan.Shape} batch but a plan for {shape} was asked for.", nameof(shape));
        }

        Calls++;
        return _plan;
    }
}
