using MixAug.Internal;

namespace MixAug.Planning;

/// <summary>
/// The spatial extent a <see cref="MixPlan"/> describes: a sequence of length L, an H × W image plane or a D × H × W
/// volume, with no batch and no channels. A plan applies to every tensor whose trailing dimensions are these extents
/// (images, a second view, a uint8 label map, a feature map), and its blends to any tensor with the plan's batch size.
/// </summary>
/// <remarks>Elements are stored row-major with the width varying fastest; <see cref="Size"/> fits an <see cref="int"/>.</remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public readonly struct SpatialShape : IEquatable<SpatialShape>
{
    /// <summary>Creates an image plane <c>H × W</c>.</summary>
    /// <param name="height">Height H (at least 1).</param>
    /// <param name="width">Width W (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or H·W exceeds <see cref="int.MaxValue"/>.</exception>
    public SpatialShape(int height, int width)
        : this(1, height, width, 2)
    {
    }

    private SpatialShape(int depth, int height, int width, int rank)
    {
        Guard.Positive(depth);
        Guard.Positive(height);
        Guard.Positive(width);
        long size = (long)depth * height * width;
        if (size > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width),
                $"A plane of {Describe(depth, height, width, rank)} has {size} elements, more than {int.MaxValue}.");
        }

        Depth = depth;
        Height = height;
        Width = width;
        Rank = rank;
    }

    /// <summary>Creates a sequence of length <paramref name="length"/> (rank 1).</summary>
    /// <param name="length">Length L (at least 1).</param>
    /// <returns>A shape with <see cref="Height"/> 1 and <see cref="Width"/> L.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is below 1.</exception>
    public static SpatialShape Sequence(int length)
    {
        Guard.Positive(length);
        return new SpatialShape(1, 1, length, 1);
    }

    /// <summary>Creates a volume <c>D × H × W</c> (rank 3).</summary>
    /// <param name="depth">Depth or frame count D (at least 1).</param>
    /// <param name="height">Height H (at least 1).</param>
    /// <param name="width">Width W (at least 1).</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or D·H·W exceeds <see cref="int.MaxValue"/>.</exception>
    public static SpatialShape Volume(int depth, int height, int width) => new(depth, height, width, 3);

    /// <summary>Number of spatial dimensions: 1, 2 or 3; 0 only for the default (empty) value.</summary>
    public int Rank { get; }

    /// <summary>Depth of a volume; 1 for sequences and images.</summary>
    public int Depth { get; }

    /// <summary>Height of an image or volume; 1 for sequences.</summary>
    public int Height { get; }

    /// <summary>Width (the fastest-varying extent); the length of a sequence.</summary>
    public int Width { get; }

    /// <summary>Number of elements: <c>Depth·Height·Width</c>.</summary>
    public int Size => Depth * Height * Width;

    /// <summary>True for the default value, which describes no shape.</summary>
    public bool IsEmpty => Rank == 0;

    /// <summary>The extents in tensor order (one, two or three values).</summary>
    /// <returns>A new array of length <see cref="Rank"/>.</returns>
    public int[] ToDimensions() => Rank switch
    {
        1 => [Width],
        2 => [Height, Width],
        _ => [Depth, Height, Width],
    };

    /// <summary>Creates a shape from one to three extents in tensor order.</summary>
    /// <param name="dimensions">[L], [H, W] or [D, H, W].</param>
    /// <returns>The shape.</returns>
    /// <exception cref="ArgumentException">The number of extents is not 1, 2 or 3.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1, or the element count is too large.</exception>
    public static SpatialShape FromDimensions(ReadOnlySpan<int> dimensions)
    {
        try
        {
            return dimensions.Length switch
            {
                1 => Sequence(dimensions[0]),
                2 => new SpatialShape(dimensions[0], dimensions[1]),
                3 => Volume(dimensions[0], dimensions[1], dimensions[2]),
                _ => throw new ArgumentException(
                    $"A spatial shape needs 1, 2 or 3 extents ([L], [H, W] or [D, H, W]); {dimensions.Length} were given.",
                    nameof(dimensions)),
            };
        }
        catch (ArgumentException e) when (e.ParamName != nameof(dimensions))
        {
            // The constructor names its extent (length, width, …); here the caller passed them as dimensions.
            throw Guard.Rename(e, nameof(dimensions));
        }
    }

    /// <inheritdoc />
    public bool Equals(SpatialShape other) =>
        Rank == other.Rank && Depth == other.Depth && Height == other.Height && Width == other.Width;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SpatialShape other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, Depth, Height, Width);

    /// <summary>Compares two shapes for equality.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns>True when the rank and every extent match.</returns>
    public static bool operator ==(SpatialShape left, SpatialShape right) => left.Equals(right);

    /// <summary>Compares two shapes for inequality.</summary>
    /// <param name="left">The first shape.</param>
    /// <param name="right">The second shape.</param>
    /// <returns>True when the rank or an extent differs.</returns>
    public static bool operator !=(SpatialShape left, SpatialShape right) => !left.Equals(right);

    /// <summary>Formats the shape as <c>L</c>, <c>HxW</c> or <c>DxHxW</c>.</summary>
    /// <returns>For example <c>224x224</c>.</returns>
    public override string ToString() => IsEmpty ? "empty" : Describe(Depth, Height, Width, Rank);

    internal static string Describe(int depth, int height, int width, int rank) => rank switch
    {
        1 => $"{width}",
        2 => $"{height}x{width}",
        _ => $"{depth}x{height}x{width}",
    };
}
