using MixAug.ImageSharp.Loading;
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
/// <para>Each load: (1) opens only regular files (never a named pipe, socket or device) and reads at most
/// <see cref="SafeImageLoaderOptions.MaxFileBytes"/> + 1 bytes into memory, refusing larger content; (2) checks the first
/// bytes and refuses anything but PNG and JPEG (so TIFF, GIF, BMP, WebP, TGA and PBM decoders, which carry the open
/// 2.x advisories and the BMP out-of-memory bug, never run); (3) for PNG, checks the IHDR against the caps and walks
/// every chunk strictly, and rewrites an Adam7-interlaced PNG as a non-interlaced one, because ImageSharp 2.1.13's
/// interlaced decoder can loop forever; (4) reads the header with ImageSharp's Identify and refuses dimensions above
/// the caps before any pixel is allocated; (5) decodes with a private <see cref="Configuration"/> that registers only
/// PNG and JPEG decoders with <c>IgnoreMetadata</c> (no EXIF, ICC or XMP parsing; EXIF orientation is therefore not
/// applied) and an allocator with <see cref="SafeImageLoaderOptions.AllocationLimitMegabytes"/>, on a thread of its own
/// that the load waits for at most <see cref="SafeImageLoaderOptions.DecodeTimeout"/>. Whatever the decoder throws
/// becomes a <see cref="MixAugImageException"/>.</para>
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
    private readonly PngDecoder _pngDecoder = new() { IgnoreMetadata = true };
    private readonly JpegDecoder _jpegDecoder = new() { IgnoreMetadata = true };
    private readonly DecodeGuard _guard;

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
        _configuration = CreateConfiguration(options, _pngDecoder, _jpegDecoder);
        _guard = new DecodeGuard(options.MaxRunawayDecodes);
    }

    /// <summary>The caps this loader enforces.</summary>
    public SafeImageLoaderOptions Options { get; }

    /// <summary>Decodes that timed out and are still running in the background (for tests and diagnostics).</summary>
    internal int RunawayDecodes => _guard.Runaways;

    /// <summary>Loads one file.</summary>
    /// <param name="path">The file to load; it must be a regular file (or a link to one).</param>
    /// <param name="cancellationToken">Cancels the load; an <see cref="OperationCanceledException"/> is thrown then.</param>
    /// <returns>The image; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="MixAugImageException">The file cannot be read, is not a regular file, breaks a cap, is not PNG or
    /// JPEG, is corrupt, or took too long to decode. Nothing else is thrown for any content.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Image<Rgb24> Load(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] content = ReadFile(path, cancellationToken);
        return Decode(content, path, budget: null, cancellationToken);
    }

    /// <summary>Loads one image from a stream, reading at most <see cref="SafeImageLoaderOptions.MaxFileBytes"/> + 1 bytes.</summary>
    /// <param name="stream">The stream, read from its current position; it need not be seekable and is not disposed.</param>
    /// <param name="sourceName">A name for messages, such as the file name or URL the bytes came from.</param>
    /// <param name="cancellationToken">Cancels the load (checked between reads and during decoding); an
    /// <see cref="OperationCanceledException"/> is thrown then.</param>
    /// <returns>The image; the caller owns and disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="sourceName"/> is null.</exception>
    /// <exception cref="MixAugImageException">The stream cannot be read (whatever it threw), breaks a cap, is not PNG or
    /// JPEG, is corrupt, or took too long to decode.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Image<Rgb24> Load(Stream stream, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        byte[] content;
        try
        {
            content = BoundedReader.Read(stream, Options.MaxFileBytes, cancellationToken);
        }
        catch (ContentTooLargeException e)
        {
            throw TooLarge(sourceName, e.Actual);
        }
        catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
        {
            // The caller's stream may throw anything (InvalidOperationException, UnauthorizedAccessException, ...);
            // all of it means the bytes could not be read.
            throw new MixAugImageException(sourceName, ImageLoadFailure.ReadError, $"reading the stream failed: {e.GetType().Name}: {e.Message}", e);
        }

        return Decode(content, sourceName, budget: null, cancellationToken);
    }

    /// <summary>
    /// Loads every image file of a folder (not its subfolders), in ordinal order of the file names. Files whose
    /// extension is in <see cref="ImageExtensions"/> are tried; each one that fails is reported in
    /// <see cref="FolderLoadResult.Failures"/> and the others still load. The whole call reads at most
    /// <see cref="SafeImageLoaderOptions.MaxFolderBytes"/> and keeps at most <see cref="SafeImageLoaderOptions.MaxFolderPixels"/>:
    /// a file that would pass either budget is refused (<see cref="ImageLoadFailure.FolderBudgetExceeded"/>) before it is
    /// read or decoded, and the files after it are still tried.
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
        var budget = new FolderBudget(Options.MaxFolderBytes, Options.MaxFolderPixels);
        var images = new List<LoadedImage>(files.Length);
        var failures = new List<MixAugImageException>();
        try
        {
            foreach (string file in files)
            {
                try
                {
                    images.Add(new LoadedImage(file, LoadWithin(file, budget, reduce: null, cancellationToken)));
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

    /// <summary>
    /// Loads a seeded sample of <see cref="FolderSampleRequest.Count"/> images from a folder of any size, flat or in the
    /// ImageFolder layout (<c>root/&lt;class&gt;/&lt;image&gt;</c>: files of the root and of its immediate subfolders), each
    /// reduced to the requested size as soon as it is decoded, so memory holds one full image at a time whatever the
    /// folder holds.
    /// </summary>
    /// <remarks>
    /// <para>The folder is listed by name only; each file's place in the sample comes from a hash of the seed and its
    /// relative path, so the sample is the same on every machine and no file outside it is opened, sized or decoded.
    /// The chosen files are loaded one after another with every guard of <see cref="Load(string, CancellationToken)"/>;
    /// a file that fails is reported in <see cref="FolderSample.Failures"/> and replaced by the next file of the sample,
    /// until <see cref="FolderSampleRequest.MaxFailures"/> failures.</para>
    /// <para>The folder budgets apply as in <see cref="LoadFolder"/>: a file whose size would pass what remains of
    /// <see cref="SafeImageLoaderOptions.MaxFolderBytes"/> is refused unread, and one whose header's pixels would pass what
    /// remains of <see cref="SafeImageLoaderOptions.MaxFolderPixels"/> is refused undecoded. Only the reduced image is
    /// kept, so it is what the pixel budget is charged.</para>
    /// </remarks>
    /// <param name="directory">The folder.</param>
    /// <param name="request">How many images, which seed, what size.</param>
    /// <param name="progress">Told of the listing and of each file tried, on the calling thread; null for none.</param>
    /// <param name="cancellationToken">Cancels the whole call; images loaded so far are disposed.</param>
    /// <returns>The images and the failures; the caller disposes the result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="directory"/> or <paramref name="request"/> is null.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public FolderSample SampleFolder(
        string directory, FolderSampleRequest request, IProgress<FolderSampleProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(request);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The image folder '{directory}' does not exist.");
        }

        // Enough candidates to reach the count even if every allowed failure happens, so one listing always suffices.
        int window = request.Count + request.MaxFailures;
        (List<SampleCandidate> candidates, int found) = FolderSampler.Choose(
            directory, request.Seed, window, n => progress?.Report(new FolderSampleProgress(true, n, 0, 0, request.Count)), cancellationToken);

        var budget = new FolderBudget(Options.MaxFolderBytes, Options.MaxFolderPixels);
        var images = new List<SampledImage>(request.Count);
        var failures = new List<MixAugImageException>();
        // An image already of the size is kept as decoded, as ImageBatch does, so sampled and batched pixels agree.
        Func<Image<Rgb24>, Image<Rgb24>> reduce = image =>
            image.Width == request.Width && image.Height == request.Height ? image : ImageBatch.Fit(image, request.Width, request.Height);
        try
        {
            foreach (SampleCandidate candidate in candidates)
            {
                if (images.Count == request.Count || failures.Count > request.MaxFailures)
                {
                    break;
                }

                try
                {
                    images.Add(new SampledImage(candidate.Path, candidate.RelativePath, LoadWithin(candidate.Path, budget, reduce, cancellationToken)));
                }
                catch (MixAugImageException e)
                {
                    failures.Add(e);
                }

                progress?.Report(new FolderSampleProgress(false, found, images.Count, failures.Count, request.Count));
            }
        }
        catch
        {
            images.ForEach(i => i.Image.Dispose());
            throw;
        }

        bool stopped = images.Count < request.Count && failures.Count > request.MaxFailures;
        return new FolderSample(
            [.. images.OrderBy(i => i.RelativePath, StringComparer.Ordinal)],
            [.. failures.OrderBy(f => f.SourceName, StringComparer.Ordinal)],
            found,
            stopped);
    }

    /// <summary>Builds the restricted configuration: PNG and JPEG decoders only, metadata ignored, bounded allocator.</summary>
    private static Configuration CreateConfiguration(SafeImageLoaderOptions options, PngDecoder png, JpegDecoder jpeg)
    {
        // A private configuration, never Configuration.Default, so the restriction cannot leak into, or be undone by,
        // the rest of the process. The modules also register encoders; the loader never encodes. One thread per
        // decode: callers parallelise across images, and a timed-out decode then keeps at most its own thread busy.
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = options.AllocationLimitMegabytes,
                MaximumPoolSizeMegabytes = 64,
            }),
            MaxDegreeOfParallelism = 1,
        };
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, png);
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, jpeg);
        return configuration;
    }

    /// <summary>True when <paramref name="e"/> is the caller's own cancellation, which is rethrown as it is.</summary>
    private static bool IsCallerCancellation(Exception e, CancellationToken cancellationToken) =>
        e is OperationCanceledException && cancellationToken.IsCancellationRequested;

    /// <summary>One file of a folder load, within what is left of the folder's budget; with <paramref name="reduce"/>,
    /// the decoded image is replaced at once by its reduction, which is what the folder keeps and is charged for.</summary>
    private Image<Rgb24> LoadWithin(string file, FolderBudget budget, Func<Image<Rgb24>, Image<Rgb24>>? reduce, CancellationToken cancellationToken)
    {
        long length;
        try
        {
            length = new FileInfo(file).Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MixAugImageException(file, ImageLoadFailure.ReadError, e.Message, e);
        }

        if (length > budget.RemainingBytes)
        {
            throw OverBytes(file, length, budget);
        }

        byte[] content = ReadFile(file, cancellationToken);
        if (content.Length > budget.RemainingBytes)
        {
            throw OverBytes(file, content.Length, budget);
        }

        budget.SpendBytes(content.Length);
        Image<Rgb24> image = Decode(content, file, budget, cancellationToken);
        if (reduce is not null)
        {
            Image<Rgb24> reduced;
            try
            {
                reduced = reduce(image);
            }
            catch
            {
                image.Dispose();
                throw;
            }

            if (!ReferenceEquals(reduced, image))
            {
                image.Dispose();
                image = reduced;
            }
        }

        budget.SpendPixels((long)image.Width * image.Height);
        return image;
    }

    private MixAugImageException OverBytes(string file, long length, FolderBudget budget) =>
        new(file, ImageLoadFailure.FolderBudgetExceeded,
            $"the file has {length} bytes and only {budget.RemainingBytes} of the folder's {Options.MaxFolderBytes}-byte budget (MaxFolderBytes) remain; it was not read.");

    /// <summary>Reads a regular file within the byte cap; anything else is refused unopened.</summary>
    private byte[] ReadFile(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileKind kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown or FileKind.Missing))
        {
            throw NotRegular(path, $"it is {FileKinds.Describe(kind)}; only regular files are opened, so it was not.");
        }

        try
        {
            if (kind == FileKind.Unknown && !OperatingSystem.IsWindows() && new FileInfo(path) is { Exists: true, Length: 0 })
            {
                // Without the file type (not Linux), size 0 is what every pipe, socket and character device reports;
                // an empty file would be refused anyway, so such paths are never opened.
                throw NotRegular(path, "it reports 0 bytes, as empty files, pipes, sockets and devices do; it was not opened.");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            if (!stream.CanSeek)
            {
                // The path changed into something else between the check and the open.
                throw NotRegular(path, "it cannot be seeked, so it is not a regular file; it was not read.");
            }

            return BoundedReader.Read(stream, Options.MaxFileBytes, cancellationToken);
        }
        catch (ContentTooLargeException e)
        {
            throw TooLarge(path, e.Actual);
        }
        catch (Exception e) when (e is not MixAugImageException && !IsCallerCancellation(e, cancellationToken))
        {
            throw new MixAugImageException(path, ImageLoadFailure.ReadError, e.Message, e);
        }
    }

    private static MixAugImageException NotRegular(string path, string detail) => new(path, ImageLoadFailure.NotARegularFile, detail);

    private MixAugImageException TooLarge(string sourceName, string actual) =>
        new(sourceName, ImageLoadFailure.FileTooLarge, $"the limit is {Options.MaxFileBytes} bytes and {actual}.");

    /// <summary>Sniffs the format, then decodes on a guarded thread (or inline when there is no timeout).</summary>
    private Image<Rgb24> Decode(byte[] content, string sourceName, FolderBudget? budget, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string format = FormatSniffer.Sniff(content.AsSpan(0, Math.Min(content.Length, FormatSniffer.HeaderLength)), out bool supported);
        if (!supported)
        {
            throw new MixAugImageException(
                sourceName, ImageLoadFailure.UnsupportedFormat, $"only PNG and JPEG are loaded; the content ({content.Length} bytes) is {format}.");
        }

        if (Options.DecodeTimeout == Timeout.InfiniteTimeSpan)
        {
            return DecodeNow(content, sourceName, format, budget, cancellationToken);
        }

        try
        {
            return _guard.Run(token => DecodeNow(content, sourceName, format, budget, token), Options.DecodeTimeout, cancellationToken);
        }
        catch (DecodeTimedOutException e)
        {
            string seconds = Options.DecodeTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new MixAugImageException(
                sourceName,
                ImageLoadFailure.Timeout,
                e.Runaway
                    ? $"decoding took longer than {seconds} s (DecodeTimeout); it was cancelled."
                    : $"decoding could not start within {seconds} s (DecodeTimeout): {e.Runaways} earlier decodes that timed out are still running (MaxRunawayDecodes = {Options.MaxRunawayDecodes}).");
        }
    }

    /// <summary>The checks and the decode proper; every failure leaves as a <see cref="MixAugImageException"/>.</summary>
    private Image<Rgb24> DecodeNow(byte[] content, string sourceName, string format, FolderBudget? budget, CancellationToken cancellationToken)
    {
        try
        {
            ArraySegment<byte> decodable = content;
            if (format == "PNG")
            {
                PngHeader header = PngStructure.ReadHeader(content);
                CheckDimensions(header.Width, header.Height, sourceName, format, budget);
                PngStructure png = PngStructure.Read(content, verifyCrc: header.Interlaced);
                if (header.Interlaced)
                {
                    decodable = Adam7Transcoder.ToNonInterlaced(content, png, Options.AllocationLimitMegabytes * (1L << 20), cancellationToken);
                }
            }

            IImageDecoder decoder = format == "PNG" ? _pngDecoder : _jpegDecoder;
            IImageInfoDetector detector = format == "PNG" ? _pngDecoder : _jpegDecoder;
            using var stream = new CancellableContentStream(decodable, cancellationToken);
            IImageInfo? info;
            try
            {
                info = detector.Identify(_configuration, stream, cancellationToken);
            }
            catch (Exception e) when (!IsCallerCancellation(e, cancellationToken))
            {
                throw new MixAugImageException(
                    sourceName, ImageLoadFailure.InvalidContent, $"the content starts with the {format} signature but the decoder cannot read its header ({content.Length} bytes): {e.GetType().Name}: {e.Message}", e);
            }

            if (info is null || info.Width < 1 || info.Height < 1)
            {
                throw new MixAugImageException(
                    sourceName, ImageLoadFailure.InvalidContent, $"the content starts with the {format} signature but is too short or malformed for the decoder to read its header ({content.Length} bytes).");
            }

            CheckDimensions(info.Width, info.Height, sourceName, format, budget);
            stream.Position = 0;
            return decoder.Decode<Rgb24>(_configuration, stream, cancellationToken);
        }
        catch (MixAugImageException)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ImageStructureException e)
        {
            throw new MixAugImageException(sourceName, ImageLoadFailure.InvalidContent, $"the {format} file is malformed: {e.Message}", e);
        }
        catch (UnknownImageFormatException e)
        {
            throw new MixAugImageException(sourceName, ImageLoadFailure.UnsupportedFormat, e.Message, e);
        }
        catch (Exception e)
        {
            // Documented: ImageFormatException and InvalidMemoryOperationException. Seen on malformed files anyway:
            // NullReferenceException (JPEG cut before its SOS, SOS without SOF), InvalidDataException (reserved deflate
            // block type), IndexOutOfRange, Argument, EndOfStream (ImageSharp issues #345, #824, #825, #1693, #1900,
            // #2435). They can only come from the decode of this content, so all of them mean "invalid content".
            throw new MixAugImageException(sourceName, ImageLoadFailure.InvalidContent, $"the {format} decoder failed: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private void CheckDimensions(int width, int height, string sourceName, string format, FolderBudget? budget)
    {
        long pixels = (long)width * height;
        if (width > Options.MaxWidth || height > Options.MaxHeight || pixels > Options.MaxPixels)
        {
            throw new MixAugImageException(
                sourceName,
                ImageLoadFailure.DimensionsTooLarge,
                $"the {format} header declares {width}x{height} pixels ({pixels}); the limits are {Options.MaxWidth}x{Options.MaxHeight} and {Options.MaxPixels} pixels.");
        }

        if (budget is not null && pixels > budget.RemainingPixels)
        {
            throw new MixAugImageException(
                sourceName,
                ImageLoadFailure.FolderBudgetExceeded,
                $"the {format} header declares {width}x{height} pixels ({pixels}) and only {budget.RemainingPixels} of the folder's {Options.MaxFolderPixels}-pixel budget (MaxFolderPixels) remain; it was not decoded.");
        }
    }
}
