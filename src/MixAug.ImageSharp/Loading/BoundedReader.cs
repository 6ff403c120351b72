namespace MixAug.ImageSharp.Loading;

/// <summary>
/// Reads a whole stream into memory without ever holding more than the cap plus one byte: the first byte past the
/// cap proves the content too large, so an endless stream costs exactly <c>max + 1</c> bytes read and buffered.
/// </summary>
internal static class BoundedReader
{
    /// <summary>First chunk size for a stream of unknown length; chunks double up to <see cref="LargestChunk"/>.</summary>
    private const int FirstChunk = 64 << 10;

    private const int LargestChunk = 16 << 20;

    /// <summary>Reads from the current position to the end.</summary>
    /// <param name="stream">The stream; a seekable one is sized up front and read into one exact array.</param>
    /// <param name="max">The cap in bytes.</param>
    /// <param name="cancellationToken">Checked between reads.</param>
    /// <returns>The content, exactly as long as what was read.</returns>
    /// <exception cref="ContentTooLargeException">The stream holds more than <paramref name="max"/> bytes.</exception>
    public static byte[] Read(Stream stream, long max, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>();
        long total = 0;
        int lastFilled = 0;
        long next = FirstChunk;
        if (stream.CanSeek)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > max)
            {
                throw new ContentTooLargeException($"it has {remaining} bytes");
            }

            // The exact size, so an ordinary file is read into one array and never copied; the probe below still
            // notices a file that grew while it was read.
            next = remaining;
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int size = (int)Math.Min(next, max + 1 - total);
            if (size == 0)
            {
                // A seekable stream said it was empty (or exactly filled the previous chunk): probe for one more byte.
                size = (int)Math.Min(1, max + 1 - total);
            }

            byte[] chunk = new byte[size];
            int filled = Fill(stream, chunk, cancellationToken);
            total += filled;
            if (total > max)
            {
                throw new ContentTooLargeException("it has more");
            }

            chunks.Add(chunk);
            lastFilled = filled;
            if (filled < chunk.Length)
            {
                break;
            }

            next = Math.Min(Math.Max(FirstChunk, (long)chunk.Length * 2), LargestChunk);
            if (stream.CanSeek && chunks.Count == 1)
            {
                // The known length was read in full; only a probe byte remains to be checked.
                next = 0;
            }
        }

        return Join(chunks, lastFilled, total);
    }

    private static int Fill(Stream stream, byte[] chunk, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < chunk.Length)
        {
            int read = stream.Read(chunk, filled, chunk.Length - filled);
            if (read <= 0)
            {
                break;
            }

            filled += read;
            cancellationToken.ThrowIfCancellationRequested();
        }

        return filled;
    }

    private static byte[] Join(List<byte[]> chunks, int lastFilled, long total)
    {
        // The common cases, a file read into its exact array (plus an empty probe), need no copy.
        if (chunks.Count >= 1 && chunks[0].Length == total)
        {
            return chunks[0];
        }

        byte[] content = new byte[total];
        int offset = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            int length = i == chunks.Count - 1 ? lastFilled : chunks[i].Length;
            chunks[i].AsSpan(0, length).CopyTo(content.AsSpan(offset));
            offset += length;
            chunks[i] = [];
        }

        return content;
    }
}

/// <summary>Thrown by <see cref="BoundedReader"/> when the content passes the cap.</summary>
/// <param name="actual">How much there was, for the message ("it has 123 bytes", "it has more").</param>
internal sealed class ContentTooLargeException(string actual) : Exception(actual)
{
    /// <summary>How much there was, worded for the end of a sentence.</summary>
    public string Actual { get; } = actual;
}
