using MixAug.Randomness;

namespace MixAug.Planning;

/// <summary>
/// What a transform draws a plan from: the batch shape, the generator, and the batch features that methods which read
/// the pixels need (see <see cref="IMixTransform.Requirements"/>), computed by the backend that holds the batch.
/// </summary>
/// <threadsafety>Immutable, but holds the generator, which is not thread-safe: use a request on one thread.</threadsafety>
public sealed class MixRequest
{
    private readonly int[] _validLengths = [];

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

    /// <summary>
    /// Creates a request for a padded batch of sequences <c>[B, C, L]</c> or clips <c>[B, C, T, H, W]</c> whose sample i
    /// is valid only for its first <paramref name="validLengths"/>[i] positions along time (the rest is padding). Plans
    /// drawn from it take nothing from padding, weigh labels by the share of valid positions and carry the lengths
    /// (<see cref="MixPlan.ValidLengths"/>, <see cref="MixPlan.OutputLengths"/>).
    /// </summary>
    /// <param name="shape">The batch shape: a sequence or a volume (an image plane has no time axis).</param>
    /// <param name="random">The generator to draw from; plans advance it.</param>
    /// <param name="validLengths">One length per sample, each in [1, L] (or [1, T]).</param>
    /// <param name="features">Features of the batch, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is empty or an image plane, the number of lengths is
    /// not the batch size, or the features are for another batch.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, L] (or [1, T]).</exception>
    public MixRequest(BatchShape shape, IMixRandom random, ReadOnlySpan<int> validLengths, BatchFeatures? features = null)
        : this(shape, random, features)
    {
        _validLengths = TimeAxis.Check(shape.Spatial, shape.BatchSize, validLengths, nameof(validLengths));
    }

    /// <summary>The batch shape.</summary>
    public BatchShape Shape { get; }

    /// <summary>The generator plans are drawn from.</summary>
    public IMixRandom Random { get; }

    /// <summary>Features of the batch (saliency), or <see cref="BatchFeatures.None"/>.</summary>
    public BatchFeatures Features { get; }

    /// <summary>Valid length of each sample along time, or empty when every position is valid.</summary>
    public ReadOnlySpan<int> ValidLengths => _validLengths;

    /// <summary>True when the request carries per-sample <see cref="ValidLengths"/>.</summary>
    public bool HasValidLengths => _validLengths.Length != 0;
}
