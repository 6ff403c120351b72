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

    /// <summary>The content is corrupt or truncated (found by the loader's own structure checks or by the decoder, whatever
    /// exception the decoder threw), or decoding needed more memory than the allocation limit.</summary>
    InvalidContent,

    /// <summary>Decoding took longer than <see cref="SafeImageLoaderOptions.DecodeTimeout"/>, or could not start within it
    /// because <see cref="SafeImageLoaderOptions.MaxRunawayDecodes"/> earlier timed-out decodes were still running.</summary>
    Timeout,

    /// <summary>The path is not a regular file: a named pipe, socket, device or directory, which the loader never opens
    /// (opening a named pipe blocks until another process writes to it).</summary>
    NotARegularFile,

    /// <summary><see cref="SafeImageLoader.LoadFolder"/> refused the file because it would take the folder past
    /// <see cref="SafeImageLoaderOptions.MaxFolderBytes"/> or <see cref="SafeImageLoaderOptions.MaxFolderPixels"/>; the files
    /// after it were still tried.</summary>
    FolderBudgetExceeded,
}
