namespace MixAug.Planning;

/// <summary>
/// A mix definition: parameters only, validated when constructed. Its one random entry point draws a
/// <see cref="MixPlan"/> for a batch from a <see cref="MixRequest"/>; applying the plan is the backends' job.
/// </summary>
/// <remarks>Methods that read the pixels (SaliencyMix) say what they need in <see cref="Requirements"/>; the backend
/// that holds the batch computes it (on the CPU for arrays, on the tensor's device for TorchSharp) and passes it in the
/// request's <see cref="MixRequest.Features"/>. For the rest, <c>CreatePlan(shape, random)</c> is enough.</remarks>
/// <threadsafety>Implementations in MixAug are immutable and may be shared between threads; the generator in a
/// request is not, so give each thread its own.</threadsafety>
public interface IMixTransform
{
    /// <summary>A short name that identifies the method in plans and logs, such as <c>MixUp</c>.</summary>
    string Name { get; }

    /// <summary>The batch features a plan needs (saliency maps or peaks); <see cref="FeatureRequirements.None"/> for most methods.</summary>
    FeatureRequirements Requirements { get; }

    /// <summary>Draws every random choice of one batch.</summary>
    /// <param name="request">The batch shape, the generator (advanced) and any features the method needs.</param>
    /// <returns>A new, validated plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is null.</exception>
    /// <exception cref="ArgumentException">The transform does not support the shape, or the request lacks a feature in <see cref="Requirements"/>.</exception>
    MixPlan CreatePlan(MixRequest request);
}
