using MixAug.Randomness;

namespace MixAug.Planning;

/// <summary>
/// What a transform draws a plan from: the batch shape, the generator, and the batch features that methods which read
/// the pixels need (see <see cref="IMixTransform.Requirements"/>), computed by the backend that holds the batch.
/// </summary>
/// <threadsafety>Immutable, but holds the generator, which is not thread-safe: use a request on one thread.</threadsafety>
public sealed class MixRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="random">The generator to draw from; plans advance it.</param>
    /// <param name="features">Features of the batch, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape, or the features are for another batch.</exception>
    public MixRequest(BatchShape shape, IMixRandom random, BatchFeatures? features = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (shape.IsEmpty)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }

        features ??= BatchFeatures.None;
        features.CheckBatch(shape, nameof(features));
        Shape = shape;
        Random = random;
        Features = features;
    }

    /// <summary>The batch shape.</summary>
    public BatchShape Shape { get; }

    /// <summary>The generator plans are drawn from.</summary>
    public IMixRandom Random { get; }

    /// <summary>Features of the batch (saliency), or <see cref="BatchFeatures.None"/>.</summary>
    public BatchFeatures Features { get; }
}
