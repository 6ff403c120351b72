using MixAug.Planning;

namespace MixAug.ImageSharp;

/// <summary>The size and channels every image of a batch is brought to.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class BatchFormat
{
    /// <summary>Creates a format.</summary>
    /// <param name="width">Width of every sample, in pixels (at least 1).</param>
    /// <param name="height">Height of every sample, in pixels (at least 1).</param>
    /// <param name="color">RGB (3 channels) or gray (1 channel).</param>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1, or <paramref name="color"/> is not defined.</exception>
    public BatchFormat(int width, int height, BatchColor color = BatchColor.Rgb)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!Enum.IsDefined(color))
        {
            throw new ArgumentOutOfRangeException(nameof(color), color, $"color must be Rgb or Gray; it was {(int)color}.");
        }

        Width = width;
        Height = height;
        Color = color;
    }

    /// <summary>Width of every sample, in pixels.</summary>
    public int Width { get; }

    /// <summary>Height of every sample, in pixels.</summary>
    public int Height { get; }

    /// <summary>RGB or gray.</summary>
    public BatchColor Color { get; }

    /// <summary>Number of channel planes: 3 for RGB, 1 for gray.</summary>
    public int Channels => Color == BatchColor.Rgb ? 3 : 1;

    /// <summary>The shape of a batch of <paramref name="count"/> samples in this format.</summary>
    /// <param name="count">Number of samples (at least 1).</param>
    /// <returns><c>[count, Channels, Height, Width]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1, or the batch is too large for a span.</exception>
    public BatchShape ShapeFor(int count) => new(count, Channels, Height, Width);

    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height} {Color}";
}
