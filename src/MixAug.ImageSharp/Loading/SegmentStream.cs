namespace MixAug.ImageSharp.Loading;

/// <summary>A forward-only read-only stream over several ranges of one array, read back to back (the data of a
/// PNG's IDAT chunks as one zlib stream) without copying them together.</summary>
internal sealed class SegmentStream(byte[] content, IReadOnlyList<Range> segments) : Stream
{
    private int _segment;
    private int _offset = segments.Count > 0 ? segments[0].Start.Value : 0;

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        while (_segment < segments.Count)
        {
            int end = segments[_segment].End.Value;
            int available = end - _offset;
            if (available > 0)
            {
                int n = Math.Min(available, buffer.Length);
                content.AsSpan(_offset, n).CopyTo(buffer);
                _offset += n;
                return n;
            }

            _segment++;
            if (_segment < segments.Count)
            {
                _offset = segments[_segment].Start.Value;
            }
        }

        return 0;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
