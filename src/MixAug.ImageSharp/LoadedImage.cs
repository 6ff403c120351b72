using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp;

/// <summary>An image loaded from a file, with the file's path.</summary>
public sealed class LoadedImage
{
    internal LoadedImage(string path, Image<Rgb24> image)
    {
        Path = path;
        Image = image;
    }

    /// <summary>The file the image came from.</summary>
    public string Path { get; }

    /// <summary>The decoded pixels, 8 bits per RGB channel.</summary>
    public Image<Rgb24> Image { get; }
}
