namespace MixAug.ImageSharp;

/// <summary>
/// What <see cref="SafeImageLoader.LoadFolder"/> found: the images that loaded and, for every file that did not, the
/// reason. One bad file never stops the others.
/// </summary>
/// <remarks>The result owns the loaded images; dispose it (or each image) when done.</remarks>
public sealed class FolderLoadResult : IDisposable
{
    internal FolderLoadResult(IReadOnlyList<LoadedImage> images, IReadOnlyList<MixAugImageException> failures)
    {
        Images = images;
        Failures = failures;
    }

    /// <summary>The images that loaded, in ordinal order of their file names.</summary>
    public IReadOnlyList<LoadedImage> Images { get; }

    /// <summary>One exception per file that failed, in ordinal order of the file names.</summary>
    public IReadOnlyList<MixAugImageException> Failures { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (LoadedImage image in Images)
        {
            image.Image.Dispose();
        }
    }
}
