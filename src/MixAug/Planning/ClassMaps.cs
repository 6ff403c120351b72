namespace MixAug.Planning;

/// <summary>
/// The segmentation of every sample of one batch: one class index per spatial element, row-major, sample after sample.
/// A batch feature that methods drawing their regions from a segmentation read
/// (<see cref="Transforms.Transplantation"/>); unlike saliency, no backend can compute it from the pixels, so the caller
/// passes it in <see cref="BatchFeatures"/>.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class ClassMaps
{
    private readonly int[] _classes;

    /// <summary>Creates class maps from a copy of <paramref name="classes"/>.</summary>
    /// <param name="spatial">The spatial extent of each sample's map.</param>
    /// <param name="classes">The class indices of every sample, <c>[B, spatial…]</c> in row-major order.</param>
    /// <exception cref="ArgumentException">The extent is empty, or the length is not a positive multiple of its size.</exception>
    public ClassMaps(SpatialShape spatial, ReadOnlySpan<int> classes)
    {
        Check(spatial, classes.Length);
        Spatial = spatial;
        _classes = classes.ToArray();
    }

    /// <summary>Creates class maps from int64 indices (as TorchSharp holds them), each within the range of int.</summary>
    /// <param name="spatial">The spatial extent of each sample's map.</param>
    /// <param name="classes">The class indices of every sample, <c>[B, spatial…]</c> in row-major order.</param>
    /// <exception cref="ArgumentException">The extent is empty, the length is not a positive multiple of its size, or a
    /// value is outside the range of int.</exception>
    public ClassMaps(SpatialShape spatial, ReadOnlySpan<long> classes)
    {
        Check(spatial, classes.Length);
        _classes = new int[classes.Length];
        for (int i = 0; i < classes.Length; i++)
        {
            long c = classes[i];
            if (c < int.MinValue || c > int.MaxValue)
            {
                throw new ArgumentException($"Class {i} is {c}, outside the range of int.", nameof(classes));
            }

            _classes[i] = (int)c;
        }

        Spatial = spatial;
    }

    /// <summary>The spatial extent of each map.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>Number of samples.</summary>
    public int BatchSize => _classes.Length / Spatial.Size;

    /// <summary>The map of one sample.</summary>
    /// <param name="sample">The sample's index.</param>
    /// <returns>Its class indices, row-major.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is not a sample of the batch.</exception>
    public ReadOnlySpan<int> Of(int sample)
    {
        if ((uint)sample >= (uint)BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"sample must lie in [0, {BatchSize - 1}]; it was {sample}.");
        }

        return _classes.AsSpan(sample * Spatial.Size, Spatial.Size);
    }

    private static void Check(SpatialShape spatial, int length)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial extent is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        if (length == 0 || length % spatial.Size != 0)
        {
            throw new ArgumentException(
                $"classes holds {length} values, which is not a positive multiple of the extent {spatial} ({spatial.Size} elements per sample).", "classes");
        }
    }
}
