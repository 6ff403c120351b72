using System.Buffers.Binary;
using System.IO.Compression;

namespace MixAug.Train.Data;

/// <summary>
/// One array in the IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a type code, the
/// number of dimensions, then each dimension as a 32-bit integer) followed by the values, row-major. A gzip-compressed
/// file is decompressed on the fly, whatever its name: the distributions ship <c>.gz</c> files, some tools unpack them
/// and keep the name, others rename a compressed file, so the first two bytes decide (gzip's 0x1F 0x8B; an IDX file
/// starts with two zero bytes).
/// </summary>
/// <remarks>Only unsigned bytes (type code 0x08) are read: that is what the image and label files hold. Every
/// defect (wrong magic, unknown type, impossible dimensions, truncated or over-long data) is an
/// <see cref="InvalidDataException"/> that names the file.</remarks>
public sealed class IdxFile
{
    private const byte UnsignedByte = 0x08;

    // RFC 1952: every gzip member starts with ID1 = 0x1F, ID2 = 0x8B.
    private const byte GzipId1 = 0x1F;
    private const byte GzipId2 = 0x8B;

    // Guards the allocation against a header that claims absurd dimensions: 1 GiB is far above any IDX file in use.
    private const long MaxElements = 1L << 30;

    private IdxFile(int[] dimensions, byte[] data)
    {
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The dimensions, outermost first (for example 60000, 28, 28).</summary>
    public IReadOnlyList<int> Dimensions { get; }

    /// <summary>The values, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>Reads an IDX file, raw or gzip-compressed (told apart by the content, not by the name).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The array.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed unsigned-byte IDX file.</exception>
    public static IdxFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        }

        using FileStream file = File.OpenRead(path);
        using Stream stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            // GZipStream reports a corrupt stream without saying which file.
            throw new InvalidDataException($"IDX file '{path}': {e.Message}", e);
        }
    }

    /// <summary>Whether the file starts with gzip's two identification bytes; leaves the position at the start.</summary>
    private static bool IsGzip(FileStream file)
    {
        Span<byte> id = stackalloc byte[2];
        int read = ReadFully(file, id);
        file.Position = 0;
        return read == 2 && id[0] == GzipId1 && id[1] == GzipId2;
    }

    private static IdxFile Read(Stream stream, string path)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4)
        {
            throw new InvalidDataException($"IDX file '{path}' is shorter than its 4-byte header.");
        }

        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new InvalidDataException($"IDX file '{path}' does not start with two zero bytes (found 0x{magic[0]:X2} 0x{magic[1]:X2}); it is not an IDX file.");
        }

        if (magic[2] != UnsignedByte)
        {
            throw new InvalidDataException($"IDX file '{path}' holds type 0x{magic[2]:X2}; only unsigned bytes (0x08) are supported.");
        }

        int rank = magic[3];
        if (rank is < 1 or > 4)
        {
            throw new InvalidDataException($"IDX file '{path}' declares {rank} dimensions; 1 to 4 are supported.");
        }

        var dims = new int[rank];
        Span<byte> word = stackalloc byte[4];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            if (ReadFully(stream, word) < 4)
            {
                throw new InvalidDataException($"IDX file '{path}' ends inside its header (dimension {d} of {rank}).");
            }

            int size = BinaryPrimitives.ReadInt32BigEndian(word);
            if (size < 1)
            {
                throw new InvalidDataException($"IDX file '{path}' declares dimension {d} of size {size}.");
            }

            dims[d] = size;
            count *= size;
            if (count > MaxElements)
            {
                throw new InvalidDataException($"IDX file '{path}' declares more than {MaxElements} values ({string.Join(" x ", dims.Take(d + 1))}...).");
            }
        }

        var data = new byte[count];
        int read = ReadFully(stream, data);
        if (read < count)
        {
            throw new InvalidDataException($"IDX file '{path}' is truncated: its header promises {count} values ({string.Join(" x ", dims)}) but only {read} follow.");
        }

        if (stream.ReadByte() != -1)
        {
            throw new InvalidDataException($"IDX file '{path}' has data after the {count} values its header promises ({string.Join(" x ", dims)}).");
        }

        return new IdxFile(dims, data);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
