using MixAug.Internal;

namespace MixAug.Planning;

/// <summary>
/// The shape of a planar batch: <c>[BatchSize, Channels, spatial…]</c> with one, two or three spatial dimensions
/// (a sequence <c>[B, C, L]</c>, an image <c>[B, C, H, W]</c>, a volume <c>[B, C, D, H, W]</c>), stored row-major
/// with the width varying fastest, as TorchSharp's contiguous tensors.
/// </summary>
/// <remarks>Every extent is at least 1 and the element count is checked in 64-bit arithmetic: it must fit a span
/// (at most <see cref="int.MaxValue"/> elements).</remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public readonly struct BatchShape : IEquatable<BatchShape>
{
    /// <summary>Creates the shape of an image batch <c>[B, C, H, W]</c>.</summary>
    /// <param name="batchSize">Number of samples B (at least 1).</param>
    /// <param name="channels">Number of channels C (at least 1).</param>
    /// <param name="height">Image height H (at least 1).</param>
    /// <param name="width">Image width W (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or the element count exceeds <see cref="int.MaxValue"/>.</exception>
    public BatchShape(int batchSize, int channels, int height, int width)
        : this(batchSize, channels, 1, height, width, 2)
    {
    }

    private BatchShape(int batchSize, int channels, int depth, int height, int width, int spatialRank)
    {
        Guard.Positive(batchSize);
        Guard.Positive(channels);
        Guard.Positive(depth);
        Guard.Positive(height);
        Guard.Positive(width);
        // All extents are at least 1, so the partial products only grow: the first one past int.MaxValue
        // proves the whole count is too large, and no product of two in-range values overflows a long.
        long count = batchSize;
        foreach (int extent in (ReadOnlySpan<int>)[channels, depth, height, width])
        {
            count *= extent;
            if (count > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(batchSize),
                    $"A batch of {batchSize}x{channels}x{Describe(depth, height, width, spatialRank)} has more than {int.MaxValue} elements; split it into smaller batches.");
            }
        }

        BatchSize = batchSize;
        Channels = channels;
        Depth = depth;
        Height = height;
        Width = width;
        SpatialRank = spatialRank;
    }

    /// <summary>Creates the shape of a batch with the given spatial extent: <c>[B, C, spatial…]</c>.</summary>
    /// <param name="batchSize">Number of samples B (at least 1).</param>
    /// <param name="channels">Number of channels C (at least 1).</param>
    /// <param name="spatial">The spatial extent (not empty).</param>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is the default (empty) value.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or the element count exceeds <see cref="int.MaxValue"/>.</exception>
    public BatchShape(int batchSize, int channels, SpatialShape spatial)
        : this(batchSize, channels, spatial.IsEmpty ? throw EmptySpatial() : spatial.Depth, spatial.Height, spatial.Width, spatial.Rank)
    {
    }

    /// <summary>Creates the shape of a batch of sequences <c>[B, C, L]</c> (audio, text embeddings).</summary>
    /// <param name="batchSize">Number of samples B (at least 1).</param>
    /// <param name="channels">Number of channels C (at least 1).</param>
    /// <param name="length">Sequence length L (at least 1).</param>
    /// <returns>A shape with <see cref="SpatialRank"/> 1, <see cref="Height"/> 1 and <see cref="Width"/> L.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or the element count is too large.</exception>
    public static BatchShape Sequence(int batchSize, int channels, int length)
    {
        Guard.Positive(length);
        return new(batchSize, channels, 1, 1, length, 1);
    }

    /// <summary>Creates the shape of a batch of volumes or clips <c>[B, C, D, H, W]</c>.</summary>
    /// <param name="batchSize">Number of samples B (at least 1).</param>
    /// <param name="channels">Number of channels C (at least 1).</param>
    /// <param name="depth">Depth or frame count D (at least 1).</param>
    /// <param name="height">Height H (at least 1).</param>
    /// <param name="width">Width W (at least 1).</param>
    /// <returns>A shape with <see cref="SpatialRank"/> 3.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or the element count is too large.</exception>
    public static BatchShape Volume(int batchSize, int channels, int depth, int height, int width) =>
        new(batchSize, channels, depth, height, width, 3);

    /// <summary>Number of samples in the batch.</summary>
    public int BatchSize { get; }

    /// <summary>Number of channels per sample.</summary>
    public int Channels { get; }

    /// <summary>Depth of a volume; 1 for sequences and images.</summary>
    public int Depth { get; }

    /// <summary>Height of an image or volume; 1 for sequences.</summary>
    public int Height { get; }

    /// <summary>Width (the fastest-varying extent); the length of a sequence.</summary>
    public int Width { get; }

    /// <summary>Number of spatial dimensions: 1 (sequence), 2 (image) or 3 (volume).</summary>
    public int SpatialRank { get; }

    /// <summary>The spatial extent alone (what a <see cref="MixPlan"/> is drawn over).</summary>
    public SpatialShape Spatial => SpatialRank switch
    {
        0 => default,
        1 => SpatialShape.Sequence(Width),
        2 => new SpatialShape(Height, Width),
        _ => SpatialShape.Volume(Depth, Height, Width),
    };

    /// <summary>True for the default value, which describes no batch.</summary>
    public bool IsEmpty => BatchSize == 0;

    /// <summary>Elements in one channel plane: <c>Depth·Height·Width</c>.</summary>
    public int PlaneSize => Depth * Height * Width;

    /// <summary>Elements in one sample: <c>Channels·PlaneSize</c>.</summary>
    public int SampleSize => Channels * PlaneSize;

    /// <summary>Elements in the whole batch: <c>BatchSize·Channels·PlaneSize</c>.</summary>
    public int ElementCount => BatchSize * SampleSize;

    /// <summary>Returns the same spatial shape with another batch size.</summary>
    /// <param name="batchSize">The new batch size (at least 1).</param>
    /// <returns>The new shape.</returns>
    public BatchShape WithBatchSize(int batchSize) => new(batchSize, Channels, Depth, Height, Width, SpatialRank);

    /// <inheritdoc />
    public bool Equals(BatchShape other) =>
        BatchSize == other.BatchSize && Channels == other.Channels && Depth == other.Depth &&
        Height == other.Height && Width == other.Width && SpatialRank == other.SpatialRank;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BatchShape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(BatchSize, Channels, Depth, Height, Width, SpatialRank);

    /// <summary>Compares two shapes for equality.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns>True when every extent and the spatial rank match.</returns>
    public static bool operator ==(BatchShape left, BatchShape right) => left.Equals(right);

    /// <summary>Compares two shapes for inequality.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns>True when any extent or the spatial rank differs.</returns>
    public static bool operator !=(BatchShape left, BatchShape right) => !left.Equals(right);

    /// <summary>Formats the shape as <c>BxCxHxW</c> (or with one or three spatial extents).</summary>
    /// <returns>For example <c>128x3x224x224</c>.</returns>
    public override string ToString() => $"{BatchSize}x{Channels}x{Describe(Depth, Height, Width, SpatialRank)}";

    /// <summary>The extents as an array in tensor order, <c>[B, C, spatial…]</c>.</summary>
    /// <returns>A new array of length 2 + <see cref="SpatialRank"/>.</returns>
    public int[] ToDimensions() => SpatialRank switch
    {
        1 => [BatchSize, Channels, Width],
        2 => [BatchSize, Channels, Height, Width],
        _ => [BatchSize, Channels, Depth, Height, Width],
    };

    /// <summary>Creates a shape from tensor-order extents <c>[B, C, spatial…]</c> with one to three spatial extents.</summary>
    /// <param name="dimensions">Three, four or five extents.</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentException">The number of extents is not 3, 4 or 5.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or the element count is too large.</exception>
    public static BatchShape FromDimensions(ReadOnlySpan<int> dimensions)
    {
        try
        {
            return dimensions.Length switch
            {
                3 => Sequence(dimensions[0], dimensions[1], dimensions[2]),
                4 => new BatchShape(dimensions[0], dimensions[1], dimensions[2], dimensions[3]),
                5 => Volume(dimensions[0], dimensions[1], dimensions[2], dimensions[3], dimensions[4]),
                _ => throw new ArgumentException(
                    $"A batch shape needs 3, 4 or 5 extents ([B, C, L], [B, C, H, W] or [B, C, D, H, W]); {dimensions.Length} were given.",
                    nameof(dimensions)),
            };
        }
        catch (ArgumentException e) when (e.ParamName != nameof(dimensions))
        {
            // The constructor names its extent (length, width, …); here the caller passed them as dimensions.
            throw Guard.Rename(e, nameof(dimensions));
        }
    }

    private static string Describe(int depth, int height, int width, int rank) => SpatialShape.Describe(depth, height, width, rank);

    private static ArgumentException EmptySpatial() =>
        new("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", "spatial");
}
