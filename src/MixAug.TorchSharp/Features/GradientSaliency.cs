using MixAug.Saliency;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Features;

/// <summary>
/// Saliency from a model's input gradient, the idea behind PuzzleMix's and GuidedMix-AP's saliency (and Simonyan et al.'s
/// saliency maps): per pixel the largest magnitude over channels of <c>∂loss/∂x</c>, average-pooled into cells of
/// <see cref="CellSize"/> × <see cref="CellSize"/> pixels, all on the gradient's device. Give it to SaliencyMix
/// (<c>new SaliencyMix(saliency: new GradientSaliency())</c>) and train with MixAug.Training's gradient-saliency step,
/// which runs the extra backward pass and calls <see cref="Compute"/>.
/// </summary>
/// <remarks>The map needs the model, so this source cannot compute a grid from pixels alone: <see cref="ComputeGrid"/>
/// throws, and so does a <c>MixModule</c> or <c>CpuPlanning</c> asked for it. Two instances with the same cell size are
/// equal, so they share one computation.</remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class GradientSaliency : ISaliencySource, IEquatable<GradientSaliency>
{
    /// <summary>Creates a source.</summary>
    /// <param name="cellSize">Pixels per side of a pooling cell, at least 1 (1: a full-resolution map). PuzzleMix pools
    /// its 32×32 CIFAR maps to 4×4 blocks of 8 pixels.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cellSize"/> is below 1.</exception>
    public GradientSaliency(int cellSize = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cellSize, 1);
        CellSize = cellSize;
    }

    /// <summary>Pixels per side of a pooling cell.</summary>
    public int CellSize { get; }

    /// <inheritdoc />
    /// <remarks>Each axis has <c>extent / CellSize</c> cells (at least 2), or the extent itself when that is smaller.</remarks>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is the default (empty) shape or a volume.</exception>
    public (int Height, int Width) GridSize(SpatialShape spatial)
    {
        if (spatial.IsEmpty || spatial.Rank > 2)
        {
            throw new ArgumentException($"Gradient saliency is computed for images and sequences; the extent is {spatial}.", nameof(spatial));
        }

        return (Cells(spatial.Height), Cells(spatial.Width));
    }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: the map needs the model's input gradient, not only the pixels.</exception>
    public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid) =>
        throw new NotSupportedException(
            "Gradient saliency needs the model's input gradient, which the pixels alone do not give: train with MixAug.Training's GradientSaliencyStep, or compute the maps with GradientSaliency.Compute(inputGradient, detail) and pass them in a MixRequest.");

    /// <summary>The saliency of a batch from its input gradient.</summary>
    /// <param name="inputGradient">The gradient of the loss with respect to the images, <c>[B, C, H, W]</c>, floating point,
    /// finite, on any device (borrowed).</param>
    /// <param name="detail">Peaks only (SaliencyMix's boxes; found on the device, B indices travel to the host) or the
    /// pooled grids (masks).</param>
    /// <returns>The features of this source for the batch.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputGradient"/> is null.</exception>
    /// <exception cref="ArgumentException">The gradient is not a non-empty, finite floating-point <c>[B, C, H, W]</c> tensor with data.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="detail"/> is undefined.</exception>
    public SaliencyMaps Compute(Tensor inputGradient, SaliencyDetail detail)
    {
        ArgumentNullException.ThrowIfNull(inputGradient);
        if (!Enum.IsDefined(detail))
        {
            throw new ArgumentOutOfRangeException(nameof(detail), detail, $"Unknown saliency detail {(int)detail}.");
        }

        long[] dims = inputGradient.shape;
        if (dims.Length != 4 || dims.Any(d => d < 1 || d > int.MaxValue) || !TensorChecks.IsFloating(inputGradient.dtype))
        {
            throw new ArgumentException(
                $"inputGradient must be a non-empty floating-point [B, C, H, W] tensor; it is {inputGradient.dtype} {TensorChecks.Describe(dims)}.", nameof(inputGradient));
        }

        if (inputGradient.device_type == DeviceType.META)
        {
            throw new ArgumentException("inputGradient is on the meta device, which holds no data.", nameof(inputGradient));
        }

        TorchSharpRuntime.EnsureLoadable();
        using DisposeScope scope = NewDisposeScope();
        Tensor magnitude = inputGradient.detach().to(ScalarType.Float32).abs().amax([1L], keepdim: true); // [B, 1, H, W]
        if (!magnitude.isfinite().all().item<bool>())
        {
            throw new ArgumentException("inputGradient holds a NaN or an infinity; a saliency map must be finite (check the loss).", nameof(inputGradient));
        }

        int b = (int)dims[0], h = (int)dims[2], w = (int)dims[3];
        var spatial = new SpatialShape(h, w);
        (int gh, int gw) = GridSize(spatial);
        Tensor pooled = gh == h && gw == w ? magnitude : nn.functional.adaptive_avg_pool2d(magnitude, [gh, gw]);
        if (detail == SaliencyDetail.Maps)
        {
            float[] grids = NativeTensor.Elements<float>(pooled.reshape(b * gh * gw).cpu().contiguous()).ToArray();
            return SaliencyMaps.FromGrids(this, spatial, gh, gw, grids);
        }

        // The same bilinear upsampling (half-pixel centres) as SaliencyMaps.Upsample, then the first arg-max.
        Tensor map = gh == h && gw == w ? pooled : nn.functional.interpolate(pooled, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
        long[] peaks = map.reshape(b, h * w).argmax(1).cpu().data<long>().ToArray();
        return SaliencyMaps.FromPeaks(this, spatial, [.. peaks.Select(p => (int)p)]);
    }

    /// <inheritdoc />
    public bool Equals(GradientSaliency? other) => other is not null && other.CellSize == CellSize;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GradientSaliency);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(nameof(GradientSaliency), CellSize);

    /// <inheritdoc />
    public override string ToString() => $"GradientSaliency(cell {CellSize})";

    private int Cells(int extent) => CellSize == 1 ? extent : Math.Min(extent, Math.Max(2, extent / CellSize));
}
