namespace MixAug.Cpu;

/// <summary>
/// Where a vector loop should start so that its 32-byte stores are aligned. .NET arrays only guarantee 8-byte
/// alignment, so without a scalar head every other store of a 32-byte vector would straddle two cache lines,
/// which costs two line writes. Loads stay unaligned: they are cheap.
/// </summary>
internal static unsafe class KernelAlignment
{
    /// <summary>The number of leading elements to process one by one, at most <paramref name="count"/>.</summary>
    public static int Head<T>(T* destination, int count)
        where T : unmanaged
    {
        int misalignment = (int)((nuint)destination & 31);
        int bytes = (32 - misalignment) & 31;
        return Math.Min(count, bytes / sizeof(T));
    }
}
