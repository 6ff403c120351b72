namespace MixAug.ImageSharp;

/// <summary>What <see cref="SafeImageLoader.SampleFolder"/> found: the sampled images (reduced), the files that failed,
/// and how many image files the folder holds.</summary>
/// <remarks>The result owns the images; dispose it (or each image) when done.</remarks>
public sealed class FolderSample : IDisposable
{
    internal FolderSample(IReadOnlyList<SampledImage> images, IReadOnlyList<MixAugImageException> failures, int filesFound, bool stoppedByFailures)
    {
        Images = images;
        Failures = failures;
        FilesFound = filesFound;
        StoppedByFailures = stoppedByFailures;
    }

    /// <summary>The images that loaded, in ordinal order of their relative paths (so a class's images stand together).</summary>
    public IReadOnlyList<SampledImage> Images { get; }

    /// <summary>One exception per file that was tried and failed, in ordinal order of the paths.</summary>
    public IReadOnlyList<MixAugImageException> Failures { get; }

    /// <summary>Image files (by extension) in the folder and its class folders; only the sampled ones were opened.</summary>
    public int FilesFound { get; }

    /// <summary>True when the sample stopped at <see cref="FolderSampleRequest.MaxFailures"/> failures with fewer images than asked for.</summary>
    public bool StoppedByFailures { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (SampledImage image in Images)
        {
            image.Image.Dispose();
        }
    }
}
