namespace MixAug.ImageSharp;

/// <summary>Why <see cref="SafeImageLoader"/> refused or failed to load an image.</summary>
public enum ImageLoadFailure
{
    /// <summary>The file or stream could not be read (missing file, access denied, I/O error).</summary>
    ReadError,

    /// <summary>The file is larger than <see cref="SafeImageLoaderOptions.MaxFileBytes"/>.</summary>
    FileTooLarge,

    /// <summary>The content is not PNG or JPEG (empty, text, or a format that is deliberately not registered, such as TIFF).</summary>
    UnsupportedFormat,

    /// <summary>The header declares more pixels, or a wider or taller image, than the options allow.</summary>
    DimensionsTooLarge,

    /// <summary>The decoder found the content corrupt or truncated, or needed more memory than the allocation limit.</summary>
    InvalidContent,

    /// <summary>Decoding took longer than <see cref="SafeImageLoaderOptions.DecodeTimeout"/>.</summary>
    Timeout,
}
