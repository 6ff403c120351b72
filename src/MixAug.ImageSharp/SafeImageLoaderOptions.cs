namespace MixAug.ImageSharp;

/// <summary>
/// The caps <see cref="SafeImageLoader"/> enforces on untrusted files. The byte cap is enforced while reading, the
/// dimension caps from the header before any pixel is allocated, the allocation limit by ImageSharp's allocator during
/// decoding, and the timeout cooperatively by the decoders.
/// </summary>
/// <remarks>The defaults admit any ordinary photograph (up to 64 MiB and 50 megapixels, 16384 pixels a side) and
/// keep one decode under roughly 50 M × 3 bytes of pixels plus the decoder's working buffers.</remarks>
/// <threadsafety>Set the properties before handing the options to a loader; the loader copies them.</threadsafety>
public sealed class SafeImageLoaderOptions
{
    /// <summary>Largest file or stream accepted, in bytes; reading stops one byte past it. Default 64 MiB.</summary>
    public long MaxFileBytes { get; init; } = 64L << 20;

    /// <summary>Largest width accepted, in pixels. Default 16384.</summary>
    public int MaxWidth { get; init; } = 16384;

    /// <summary>Largest height accepted, in pixels. Default 16384.</summary>
    public int MaxHeight { get; init; } = 16384;

    /// <summary>Largest width × height accepted. Default 50 000 000 (50 megapixels).</summary>
    public long MaxPixels { get; init; } = 50_000_000;

    /// <summary>
    /// Largest single buffer ImageSharp's allocator may hand out during a decode, in MiB (ImageSharp's
    /// <c>MemoryAllocatorOptions.AllocationLimitMegabytes</c>). Default 512, enough for a 50-megapixel image in 32-bit
    /// working precision; a decoder that asks for more fails with <see cref="ImageLoadFailure.InvalidContent"/>.
    /// </summary>
    public int AllocationLimitMegabytes { get; init; } = 512;

    /// <summary>Longest a single decode may take before it is cancelled. Default 30 seconds.</summary>
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The options with every default.</summary>
    public static SafeImageLoaderOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range.</summary>
    internal void Validate()
    {
        if (MaxFileBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, $"MaxFileBytes must be at least 1; it was {MaxFileBytes}.");
        }

        if (MaxWidth < 1 || MaxHeight < 1 || MaxPixels < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxPixels), $"MaxWidth, MaxHeight and MaxPixels must be at least 1; they were {MaxWidth}, {MaxHeight} and {MaxPixels}.");
        }

        if (AllocationLimitMegabytes < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(AllocationLimitMegabytes), AllocationLimitMegabytes, $"AllocationLimitMegabytes must be at least 1; it was {AllocationLimitMegabytes}.");
        }

        if (DecodeTimeout <= TimeSpan.Zero && DecodeTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                nameof(DecodeTimeout), DecodeTimeout, $"DecodeTimeout must be positive or Timeout.InfiniteTimeSpan; it was {DecodeTimeout}.");
        }
    }
}
