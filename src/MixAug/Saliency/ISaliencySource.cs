using MixAug.Planning;

namespace MixAug.Saliency;

/// <summary>
/// Computes a saliency map for one image: how much each pixel matters, larger meaning more salient. Sources are
/// deterministic and draw no random numbers, so a plan that uses one stays replayable. <see cref="SpectralResidualSaliency"/>
/// is the default; a caller can plug in maps from elsewhere (for example gradients of a model) by implementing
/// this interface.
/// </summary>
/// <threadsafety>Implementations must allow concurrent calls: transforms compute the maps of a batch in parallel.</threadsafety>
public interface ISaliencySource
{
    /// <summary>Writes the saliency of every pixel of one sample.</summary>
    /// <param name="shape">The batch shape (the sample's channels and spatial extents; the batch size is not used).</param>
    /// <param name="sample">One sample, <c>[C, H, W]</c> row-major: <see cref="BatchShape.SampleSize"/> values.</param>
    /// <param name="map">Receives <see cref="BatchShape.PlaneSize"/> finite values, row-major; larger is more salient.</param>
    void ComputeMap(BatchShape shape, ReadOnlySpan<float> sample, Span<float> map);
}
