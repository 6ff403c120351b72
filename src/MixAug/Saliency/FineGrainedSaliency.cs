using MixAug.Internal;
using MixAug.Planning;

namespace MixAug.Saliency;

/// <summary>
/// Fine-grained static saliency (Montabone and Soto, "Human detection using a mobile platform and novel features
/// derived from a visual saliency mechanism", Image and Vision Computing 28(3), 2010): the detector the SaliencyMix
/// paper chose and its reference code calls through OpenCV contrib's <c>StaticSaliencyFineGrained</c>, in managed
/// code, at full resolution. The default source of <see cref="Transforms.SaliencyMix"/>.
/// </summary>
/// <remarks>
/// <para>Steps, as OpenCV's <c>staticSaliencyFineGrained.cpp</c> computes them: (1) grayscale: for three channels
/// the BT.601 luma 0.299·c₀ + 0.587·c₁ + 0.114·c₂ (OpenCV's <c>COLOR_BGR2GRAY</c> applied to an RGB image loaded by
/// OpenCV, i.e. channels in R, G, B order), otherwise the mean of the channels; (2) a 3×3 Gaussian blur with OpenCV's
/// σ = 0 taps (¼, ½, ¼) per axis and reflect-101 borders, applied twice; (3) for each neighbourhood
/// n ∈ {12, 24, 48, 28, 56, 112} and each pixel p, the surround mean m = (Σ_W g − g(p)) / (|W| − 1) over the window
/// W of rows y − n + 1 … y + n and columns x − n + 1 … x + n clipped to the image (OpenCV's integral-image corners,
/// clamped), the on-centre value max(g(p) − m, 0) and the off-centre value max(m − g(p), 0); (4) On and Off: the sums
/// of the six on-centre and the six off-centre maps; (5) each divided by its maximum (a map whose maximum is 0 stays
/// 0); (6) their sum, divided by the larger of the two maxima after step 5 (1 unless both are 0). The grid is the
/// map itself (<see cref="GridSize"/> is the image size), with values in [0, 2].</para>
/// <para>What differs from OpenCV: OpenCV runs on 8-bit images and truncates to 8 bits after steps 1, 2, 3 and 5;
/// this source keeps the values (float32 blur, double-precision window sums), so its map is invariant to a gain and
/// an offset of the intensities and has no quantisation plateaus; where the two results of step 5 add up to more
/// than 1, OpenCV's cast to 8 bits wraps around (a C conversion overflow) where this source keeps the sum.
/// OpenCV's reading of a float image (as the SaliencyMix reference code passes it) reinterprets float bytes as
/// 8-bit pixels; that is not reproduced. An image whose grayscale range is below 10⁻⁶ of its magnitude (a constant
/// image up to rounding), and a single pixel, give an all-0 map.</para>
/// <para>Checked without OpenCV against a double-precision transcription of OpenCV's loops with explicit window
/// sums (FineGrainedReferenceTests): at most about 10⁻⁶ apart on maps in [0, 2].</para>
/// </remarks>
/// <threadsafety>Immutable; concurrent calls are safe: each thread computes in its own workspace (kept per thread for
/// images up to 512², allocated per call above that).</threadsafety>
public sealed class FineGrainedSaliency : ISaliencySource
{
    /// <summary>The half-widths of the six centre-surround windows, in OpenCV's order (3·4, 3·4·2, 3·4·2·2, 7·4, 7·4·2, 7·4·2·2).</summary>
    internal static ReadOnlySpan<int> Neighbourhoods => [12, 24, 48, 28, 56, 112];

    // A grayscale range below this share of its magnitude is flat: a constant image, up to the rounding of step (1).
    private const double FlatTolerance = 1e-6;

    /// <summary>The shared instance (the source has no parameters: every instance computes the same map).</summary>
    public static FineGrainedSaliency Default { get; } = new();

    /// <inheritdoc />
    /// <remarks>The image size: the map is computed at full resolution.</remarks>
    public (int Height, int Width) GridSize(SpatialShape spatial) => (spatial.Height, spatial.Width);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shape is not an image shape (spatial rank 2), or a buffer has the wrong length.</exception>
    public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid)
    {
        if (shape.SpatialRank != 2)
        {
            throw new ArgumentException($"Fine-grained saliency needs images (spatial rank 2); the batch {shape} has spatial rank {shape.SpatialRank}.", nameof(shape));
        }

        Guard.Length(sample.Length, shape.SampleSize, nameof(sample), $"one sample of a {shape} batch");
        Guard.Length(grid.Length, shape.PlaneSize, nameof(grid), $"a {shape.Height}x{shape.Width} grid");
        FineGrainedWorkspace work = FineGrainedWorkspace.For(shape.Height, shape.Width);
        (float low, float high) = work.Grayscale(sample, shape.Channels); // (1)
        if (shape.PlaneSize == 1 || !((double)high - low > FlatTolerance * Math.Max(Math.Abs(low), Math.Abs(high))))
        {
            grid.Clear(); // no pixel differs from its surround
            return;
        }

        work.Blur(); // (2)
        work.Blur();
        work.Integrate();
        (double maxOn, double maxOff) = work.CentreSurround(grid); // (3), (4)
        work.Combine(grid, maxOn, maxOff); // (5), (6)
    }

    /// <summary>Equal to any fine-grained source: they compute the same map, so a batch computes it once.</summary>
    /// <param name="obj">Another object.</param>
    /// <returns>True for a <see cref="FineGrainedSaliency"/>.</returns>
    public override bool Equals(object? obj) => obj is FineGrainedSaliency;

    /// <inheritdoc />
    public override int GetHashCode() => typeof(FineGrainedSaliency).GetHashCode();

    /// <inheritdoc />
    public override string ToString() => "FineGrainedSaliency";
}
