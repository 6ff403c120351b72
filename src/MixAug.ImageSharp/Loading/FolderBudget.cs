namespace MixAug.ImageSharp.Loading;

/// <summary>
/// What one <see cref="SafeImageLoader.LoadFolder"/> call may still spend: bytes read from its files and pixels of
/// the images it keeps. A file that would pass either is refused before it is read or decoded, and the files after it
/// still get their chance, so one bomb cannot crowd out the rest.
/// </summary>
/// <param name="bytes">Bytes the folder's files may add up to.</param>
/// <param name="pixels">Pixels the folder's loaded images may add up to.</param>
internal sealed class FolderBudget(long bytes, long pixels)
{
    /// <summary>Bytes not yet read.</summary>
    public long RemainingBytes { get; private set; } = bytes;

    /// <summary>Pixels not yet kept.</summary>
    public long RemainingPixels { get; private set; } = pixels;

    /// <summary>The bytes of a file that was read, whether it then loaded or not.</summary>
    public void SpendBytes(long count) => RemainingBytes -= count;

    /// <summary>The pixels of an image that loaded and is kept.</summary>
    public void SpendPixels(long count) => RemainingPixels -= count;
}
