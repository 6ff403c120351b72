namespace MixAug.ImageSharp;

/// <summary>
/// The caps <see cref="SafeImageLoader"/> enforces on untrusted files. The byte cap is enforced while reading, the
/// dimension caps from the header before any pixel is allocated, the allocation limit by ImageSharp's allocator during
/// decoding, the timeout by waiting for the decoder's thread at most that long, and the folder budgets across one
/// <see cref="SafeImageLoader.LoadFolder"/> call.
/// </summary>
/// <remarks>The defaults admit any ordinary photograph (up to 64 MiB and 50 megapixels, 16384 pixels a side), keep one
/// decode under roughly 50 M × 3 bytes of pixels plus the decoder's working buffers, and keep one folder load under
/// 200 M pixels (600 MB of RGB) and 256 MiB of files. docs/preview.md lists what each cap guards against.</remarks>
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

    /// <summary>
    /// Longest a load waits for its decode (reading the bytes is bounded by <see cref="MaxFileBytes"/> instead). The decode
    /// runs on its own thread; at the deadline the load throws <see cref="ImageLoadFailure.Timeout"/> at once and the
    /// decode is cancelled, ending at its next read or check. Default 30 seconds. <see cref="Timeout.InfiniteTimeSpan"/>
    /// decodes on the calling thread with no deadline.
    /// </summary>
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many timed-out decodes may still be running in the background (a decoder stuck in a loop that neither reads
    /// nor checks its token cannot be stopped in .NET) before new decodes wait for one to end, at most until their own
    /// deadline. This bounds the CPU a hostile file can take to this many threads. Default 2.
    /// </summary>
    public int MaxRunawayDecodes { get; init; } = 2;

    /// <summary>Most bytes one <see cref="SafeImageLoader.LoadFolder"/> call reads, over all its files; a file that would pass
    /// it is refused unread (<see cref="ImageLoadFailure.FolderBudgetExceeded"/>). Default 256 MiB.</summary>
    public long MaxFolderBytes { get; init; } = 256L << 20;

    /// <summary>Most pixels one <see cref="SafeImageLoader.LoadFolder"/> call keeps, over all its images; an image whose
    /// header would pass it is refused before decoding (<see cref="ImageLoadFailure.FolderBudgetExceeded"/>). Default
    /// 200 000 000 (600 MB as RGB).</summary>
    public long MaxFolderPixels { get; init; } = 200_000_000;

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

        if (MaxRunawayDecodes < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxRunawayDecodes), MaxRunawayDecodes, $"MaxRunawayDecodes must be at least 1; it was {MaxRunawayDecodes}.");
        }

        if (MaxFolderBytes < 1 || MaxFolderPixels < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MaxFolderPixels), $"MaxFolderBytes and MaxFolderPixels must be at least 1; they were {MaxFolderBytes} and {MaxFolderPixels}.");
        }

        if ((DecodeTimeout <= TimeSpan.Zero || DecodeTimeout.TotalMilliseconds > int.MaxValue) && DecodeTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                nameof(DecodeTimeout), DecodeTimeout, $"DecodeTimeout must be positive and at most {int.MaxValue} ms, or Timeout.InfiniteTimeSpan; it was {DecodeTimeout}.");
        }
    }
}
