using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp;

/// <summary>One image of a <see cref="FolderSample"/>: where it came from and its pixels, already reduced to the size
/// the sample asked for.</summary>
public sealed class SampledImage
{
    internal SampledImage(string path, string relativePath, Image<Rgb24> image)
    {
        Path = path;
        RelativePath = relativePath;
        Image = image;
        int slash = relativePath.IndexOf('/', StringComparison.Ordinal);
        ClassName = slash < 0 ? null : relativePath[..slash];
    }

    /// <summary>The file the image came from.</summary>
    public string Path { get; }

    /// <summary>The path under the sampled folder with '/' separators: <c>cat/001.jpg</c>, or <c>001.jpg</c> for a file in the root.</summary>
    public string RelativePath { get; }

    /// <summary>The class folder the file is in (<c>cat</c>), or null for a file in the root.</summary>
    public string? ClassName { get; }

    /// <summary>The pixels, reduced to the requested size (scaled to cover it and centre-cropped).</summary>
    public Image<Rgb24> Image { get; }
}
