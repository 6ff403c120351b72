namespace MixAug.ImageSharp;

/// <summary>What <see cref="SafeImageLoader.SampleFolder"/> takes from a folder: how many images, chosen by which seed,
/// reduced to which size, and how many failures it replaces before it stops.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class FolderSampleRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="count">Images to load (at least 1); fewer when the folder has fewer that load.</param>
    /// <param name="seed">Chooses the images; the same seed and file names give the same sample.</param>
    /// <param name="width">Width each image is reduced to (at least 1): scaled to cover it and centre-cropped.</param>
    /// <param name="height">Height each image is reduced to (at least 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/>, <paramref name="width"/> or <paramref name="height"/> is below 1.</exception>
    public FolderSampleRequest(int count, ulong seed, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Count = count;
        Seed = seed;
        Width = width;
        Height = height;
    }

    /// <summary>Images to load.</summary>
    public int Count { get; }

    /// <summary>The seed that chooses them.</summary>
    public ulong Seed { get; }

    /// <summary>Width of the reduced images.</summary>
    public int Width { get; }

    /// <summary>Height of the reduced images.</summary>
    public int Height { get; }

    /// <summary>
    /// Files that may fail (corrupt, too large, over the folder budget...) before the sample stops with what it has;
    /// each failure is replaced by the next file of the sample. Default 32, so a folder full of bad files costs at most
    /// <see cref="Count"/> + 32 attempts, not one per file.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int MaxFailures
    {
        get => _maxFailures;
        init => _maxFailures = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxFailures), value, $"MaxFailures must be at least 0; it was {value}.");
    }

    private readonly int _maxFailures = 32;
}
