namespace MixAug.Cpu;

/// <summary>
/// Where a vector loop should start so that its stores are aligned to the vector size. .NET arrays only guarantee
/// 8-byte alignment, so without a scalar head every other store of a 32-byte vector would straddle two cache lines,
/// which costs two line writes. Loads stay unaligned: they are cheap.
/// </summary>
internal static unsafe class KernelAlignment
{
    /// <summary>The number of leading elements to process one by one before 32-byte aligned stores, at most <paramref name="count"/>.</summary>
    public static int Head<T>(T* destination, int count)
        where T : unmanaged => Head(destination, count, 32);

    /// <summary>The number of leading elements to process one by one before <paramref name="alignment"/>-byte aligned stores.</summary>
    public static int Head<T>(T* destination, int count, int alignment)
        where T : unmanaged
    {
        int misalignment = (int)((nuint)destination & (nuint)(alignment - 1));
        int bytes = (alignment - misalignment) & (alignment - 1);
        return Math.Min(count, bytes / sizeof(T));
    }
}
