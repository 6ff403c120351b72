using MixAug.Randomness;

namespace MixAug.Planning;

/// <summary>
/// A mix definition: parameters only, validated when constructed. Its one random entry point draws a
/// <see cref="MixPlan"/> for a batch; applying the plan is the backends' job.
/// </summary>
/// <threadsafety>Implementations in MixAug are immutable and may be shared between threads; the generator passed
/// to <see cref="CreatePlan"/> is not, so give each thread its own.</threadsafety>
public interface IMixTransform
{
    /// <summary>A short name that identifies the method in plans and logs, such as <c>MixUp</c>.</summary>
    string Name { get; }

    /// <summary>Draws every random choice of one batch.</summary>
    /// <param name="shape">The shape of the batch.</param>
    /// <param name="random">The generator to draw from; it is advanced.</param>
    /// <returns>A new, validated plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException">The transform does not support <paramref name="shape"/>.</exception>
    MixPlan CreatePlan(BatchShape shape, IMixRandom random);
}
