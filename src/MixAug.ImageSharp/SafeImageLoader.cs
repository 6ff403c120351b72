using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp;

/// <summary>
/// Loads untrusted PNG and JPEG files into <see cref="Image{Rgb24}"/> with every resource bounded before ImageSharp
/// 2.1.13's decoders run, and reports every failure as one <see cref="MixAugImageException"/>.
/// </summary>
/// <remarks>
/// <para>Each load: (1) reads at most <see cref="SafeImageLoaderOptions.MaxFileBytes"/> + 1 bytes into memory and
/// refuses larger content; (2) checks the first bytes and refuses anything but PNG and JPEG (so TIFF, GIF, BMP, WebP,
/// TGA and PBM decoders, which carry the open 2.x advisories and the BMP out-of-memory bug, never run); (3) reads
/// the header with <c>Image.Identify</c> and refuses dimensions above the caps before any pixel is allocated;
/// (4) decodes with a private <see cref="Configuration"/> that registers only PNG and JPEG decoders with
/// <c>IgnoreMetadata</c> (no EXIF, ICC or XMP parsing; EXIF orientation is therefore not applied), an allocator with
/// <see cref="SafeImageLoaderOptions.AllocationLimitMegabytes"/>, and a cancellation token that fires after
/// <see cref="SafeImageLoaderOptions.DecodeTimeout"/>.</para>
/// <para>Pixels: grayscale becomes R = G = B; 16-bit channels are scaled to 8 bits; alpha is dropped (the colour
/// channels are kept as stored, not composited onto a background).</para>
/// </remarks>
/// <threadsafety>Immutable after construction; one loader may be shared by many threads. Create one per process and
/// reuse it: its allocator pools memory.</threadsafety>
public sealed class SafeImageLoader
{
    /// <summary>File extensions the folder loader treats as images (compared without case). Files with other
    /// extensions, such as a LICENSES.md next to the images, are skipped silently; files with these extensions but
    /// an unsupported content are reported.</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } =
        [".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".tga", ".pbm", ".pgm", ".ppm"];

    private readonly Configuration _configuration;

    /// <summary>Creates a loader with the default caps.</summary>
    public SafeImageLoader()
        : this(SafeImageLoaderOptions.Default)
    {
    }

    /// <summary>Creates a loader with the given caps.</summary>
    /// <param name="options">The caps; see <see cref="SafeImageLoaderOptions"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A cap is below 1, or the timeout is not positive.</exception>
    public SafeImageLoader(SafeImageLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _configuration = CreateConfiguration(options);
    }

    /// <summary>The caps this loader enforces.</summary>
    public SafeImageLoaderOptions Options { get; }

    /// <summary>Loads one file.</summary>
    /// <param name="path">The file to load.</param>
    /// <param name="cancellationToken">Cancels the load; an <see cref="OperationCanceledException"/> is thrown then.</param>
    /// <returns>The image; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="MixAugImageException">The file cannot be read, breaks a cap, is not PNG or JPEG, or is corrupt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Image<Rgb24> Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            content = ReadBounded(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new MixAugImageException(path, ImageLoadFailure.ReadError, e.Message, e);
        }

        return Decode(content, path, cancellationToken);
    }

    /// <summary>Loads one image from a stream, reading at most <see cref="SafeImageLoaderOptions.MaxFileBytes"/> + 1 bytes.</summary>
    /// <param name="stream">The stream, read from its current position; it need not be seekable and is not disposed.</param>
    /// <param name="sourceName">A name for messages, such as the file name or URL the bytes came from.</param>
    /// <param name="cancellationToken">Cancels the load; an <see cref="OperationCanceledException"/> is thrown then.</param>
    /// <returns>The image; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="sourceName"/> is null.</exception>
    /// <exception cref="MixAugImageException">The stream cannot be read, breaks a cap, is not PNG or JPEG, or is corrupt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Image<Rgb24> Load(Stream stream, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        byte[] content;
        try
        {
            content = ReadBounded(stream, sourceName);
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            throw new MixAugImageException(sourceName, ImageLoadFailure.ReadError, e.Message, e);
        }

        return Decode(content, sourceName, cancellationToken);
    }

    /// <summary>
    /// Loads every image file of a folder (not its subfolders), in ordinal order of the file names. Files whose
    /// extension is in <see cref="ImageExtensions"/> are tried; each one that fails is reported in
    /// <see cref="FolderLoadResult.Failures"/> and the others still load.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="cancellationToken">Cancels the whole load; images loaded so far are disposed.</param>
    /// <returns>The loaded images and the failures; the caller disposes the result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FolderLoadResult LoadFolder(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The image folder '{directory}' does not exist.");
        }

        string[] files = Directory.GetFiles(directory)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var images = new List<LoadedImage>(files.Length);
        var failures = new List<MixAugImageException>();
        try
        {
            foreach (string file in files)
            {
                try
                {
                    images.Add(new LoadedImage(file, Load(file, cancellationToken)));
                }
                catch (MixAugImageException e)
                {
                    failures.Add(e);
                }
            }
        }
        catch
        {
            images.ForEach(i => i.Image.Dispose());
            throw;
        }

        return new FolderLoadResult(images, failures);
    }

    /// <summary>Builds the restricted configuration: PNG and JPEG decoders only, metadata ignored, bounded allocator.</summary>
    private static Configuration CreateConfiguration(SafeImageLoaderOptions options)
    {
        // A private configuration, never Configuration.Default, so the restriction cannot leak into, or be undone by,
        // the rest of the process. The modules also register encoders; the loader never encodes.
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = options.AllocationLimitMegabytes,
                MaximumPoolSizeMegabytes = 64,
            }),
        };
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        return configuration;
    }

    /// <summary>Reads the whole content, or throws as soon as it passes the byte cap (so an endless stream costs at most the cap).</summary>
    private byte[] ReadBounded(Stream stream, string sourceName)
    {
        long max = Options.MaxFileBytes;
        if (stream.CanSeek && stream.Length - stream.Position > max)
        {
            throw TooLarge(sourceName, $"it has {stream.Length - stream.Position} bytes");
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                throw TooLarge(sourceName, "it has more");
            }
        }

        return buffer.ToArray();
    }

    private MixAugImageException TooLarge(string sourceName, string actual) =>
        new(sourceName, ImageLoadFailure.FileTooLarge, $"the limit is {Options.MaxFileBytes} bytes and {actual}.");

    private Image<Rgb24> Decode(byte[] content, string sourceName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string format = FormatSniffer.Sniff(content.AsSpan(0, Math.Min(content.Length, FormatSniffer.HeaderLength)), out bool supported);
        if (!supported)
        {
            throw new MixAugImageException(
                sourceName, ImageLoadFailure.UnsupportedFormat, $"only PNG and JPEG are loaded; the content ({content.Length} bytes) is {format}.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.DecodeTimeout);
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            IImageInfo? info = Image.Identify(_configuration, stream);
            if (info is null)
            {
                throw new MixAugImageException(
                    sourceName, ImageLoadFailure.InvalidContent, $"the content starts with the {format} signature but is too short or malformed for the decoder to read its header ({content.Length} bytes).");
            }

            CheckDimensions(info.Width, info.Height, sourceName, format);
            stream.Position = 0;

            // LoadAsync is the only 2.x entry point that takes a token; on a MemoryStream it decodes synchronously and
            // the PNG and JPEG decoders check the token between rows and scans, so the timeout bounds a slow decode.
            Image<Rgb24> image = Image.LoadAsync<Rgb24>(_configuration, stream, timeout.Token).GetAwaiter().GetResult();

            // The decoders check the token only between rows and scans; a decode that finished late is refused too,
            // so the timeout is a contract, not a hint.
            if (Options.DecodeTimeout != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(started) > Options.DecodeTimeout)
            {
                image.Dispose();
                throw new OperationCanceledException(timeout.Token);
            }

            return image;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MixAugImageException(sourceName, ImageLoadFailure.Timeout, $"decoding took longer than {Options.DecodeTimeout.TotalSeconds} s.");
        }
        catch (UnknownImageFormatException e)
        {
            throw new MixAugImageException(sourceName, ImageLoadFailure.UnsupportedFormat, e.Message, e);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidMemoryOperationException or NotSupportedException
            or IndexOutOfRangeException or ArgumentException or EndOfStreamException or InvalidOperationException)
        {
            // ImageSharp 2.x documents ImageFormatException, but malformed files have produced the others over the
            // years (issues #345, #824, #825, #1693, #1900, #2435); here they can only come from the decode call.
            throw new MixAugImageException(sourceName, ImageLoadFailure.InvalidContent, $"the {format} decoder failed: {e.Message}", e);
        }
    }

    private void CheckDimensions(int width, int height, string sourceName, string format)
    {
        if (width > Options.MaxWidth || height > Options.MaxHeight || (long)width * height > Options.MaxPixels)
        {
            throw new MixAugImageException(
                sourceName,
                ImageLoadFailure.DimensionsTooLarge,
                $"the {format} header declares {width}x{height} pixels ({(long)width * height}); the limits are {Options.MaxWidth}x{Options.MaxHeight} and {Options.MaxPixels} pixels.");
        }
    }
}
