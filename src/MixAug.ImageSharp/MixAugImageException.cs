namespace MixAug.ImageSharp;

/// <summary>
/// The one exception <see cref="SafeImageLoader"/> throws for a file it cannot or will not load, whatever the
/// decoder threw underneath: the message names the source and the reason, and <see cref="Exception.InnerException"/>
/// keeps the decoder's exception when there was one.
/// </summary>
public sealed class MixAugImageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file path or the name given for a stream.</param>
    /// <param name="reason">The kind of failure.</param>
    /// <param name="detail">What exactly was wrong, with the numbers involved.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public MixAugImageException(string sourceName, ImageLoadFailure reason, string detail, Exception? innerException = null)
        : base($"Cannot load image '{sourceName}' ({reason}): {detail}", innerException)
    {
        SourceName = sourceName;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>The file path or the name given for a stream.</summary>
    public string SourceName { get; }

    /// <summary>The kind of failure.</summary>
    public ImageLoadFailure Reason { get; }

    /// <summary>What exactly was wrong, without the source name.</summary>
    public string Detail { get; }
}
