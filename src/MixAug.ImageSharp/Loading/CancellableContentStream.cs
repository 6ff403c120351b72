namespace MixAug.ImageSharp.Loading;

/// <summary>
/// A read-only, seekable stream over content in memory that throws <see cref="OperationCanceledException"/> from every
/// read once its token is cancelled. ImageSharp 2.1.13's PNG decoder never looks at its cancellation token, but it
/// reads its input every few kilobytes of compressed data, so this is what stops a PNG decode that ran past its
/// deadline (JPEG checks the token as well).
/// </summary>
internal sealed class CancellableContentStream(ArraySegment<byte> content, CancellationToken cancellationToken) : Stream
{
    private long _position;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => content.Count;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_position >= content.Count)
        {
            return 0;
        }

        int n = (int)Math.Min(buffer.Length, content.Count - _position);
        content.AsSpan((int)_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    /// <inheritdoc />
    public override int ReadByte()
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _position < content.Count ? content[(int)_position++] : -1;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => content.Count + offset,
        };
        return _position;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
