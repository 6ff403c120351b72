using MixAug.Planning;

namespace MixAug.Saliency;

/// <summary>
/// Computes the saliency of one image, larger meaning more salient, as a grid whose bilinear upsampling to the image
/// (<see cref="SaliencyMaps.Upsample"/>) is the saliency map. <see cref="FineGrainedSaliency"/> (full resolution) is
/// SaliencyMix's default and <see cref="SpectralResidualSaliency"/> (a 64×64 grid) the fast option; a
/// caller can plug in maps from elsewhere (for example gradients of a model) by implementing this interface, with a
/// grid as large as the image for a full-resolution map. Sources are deterministic and draw no random numbers, so a
/// plan that uses one stays replayable.
/// </summary>
/// <remarks>Backends find the features of a source by <see cref="object.Equals(object)"/>: give a source value equality
/// if equal instances should share one computation.</remarks>
/// <threadsafety>Implementations must allow concurrent calls: backends compute the grids of a batch in parallel.</threadsafety>
public interface ISaliencySource
{
    /// <summary>The grid this source computes for images of <paramref name="spatial"/>.</summary>
    /// <param name="spatial">The image extent (rank 1 or 2).</param>
    /// <returns>Rows and columns, each at least 2 or equal to the image's extent.</returns>
    (int Height, int Width) GridSize(SpatialShape spatial);

    /// <summary>Writes the saliency grid of one sample.</summary>
    /// <param name="shape">The batch shape (the sample's channels and spatial extents; the batch size is not used).</param>
    /// <param name="sample">One sample, <c>[C, spatial…]</c> row-major: <see cref="BatchShape.SampleSize"/> values.</param>
    /// <param name="grid">Receives <see cref="GridSize"/> finite values, row-major; larger is more salient.</param>
    void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid);
}
