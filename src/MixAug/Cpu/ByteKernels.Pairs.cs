using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Cpu;

/// <summary>
/// The pair kernels of <see cref="ByteKernels"/> (defined in <see cref="IMixKernels{T}"/>). uint8 mixing is
/// bound by its arithmetic, not by memory, so most of them are the single kernels twice, chunk by chunk, with the
/// chunk of <c>a</c> saved on the stack first (<see cref="InSavedChunks"/>); the blend pair widens both samples once.
/// </summary>
internal readonly unsafe partial struct ByteKernels
{
    /// <summary>Chunk of <c>a</c> saved on the stack before a pair's two outputs are written over it.</summary>
    private const int PairChunk = 512;

    /// <summary>One chunk of a pair: <c>a</c>, <c>b</c>, the saved copy of <c>a</c> and the destinations all from the
    /// chunk's start, which is element <c>from</c> of the row.</summary>
    private interface IPairChunk
    {
        void Mix(byte* a, byte* b, byte* savedA, byte* destinationA, byte* destinationB, int from, int n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftPairRowBlend(byte* a, byte* b, SoftRow rowA, SoftRow rowB, byte* destinationA, byte* destinationB, int count, bool stream = false) =>
        InSavedChunks(new SoftChunk(rowA, rowB), a, b, destinationA, destinationB, count);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaskPairBlend(byte* a, byte* b, float* maskA, float* maskB, byte* destinationA, byte* destinationB, int count, bool stream = false) =>
        InSavedChunks(new MaskChunk(maskA, maskB), a, b, destinationA, destinationB, count);

    /// <summary>
    /// The blend pair. On x64 both samples' bytes are widened once for the two outputs (half the widening of two
    /// <see cref="Blend"/> calls, which bounds uint8 blending); elsewhere <see cref="BlendPairPortable"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BlendPair(byte* a, byte* b, BlendWeights weightsA, BlendWeights weightsB, byte* destinationA, byte* destinationB, int count, bool stream = false)
    {
        if (Avx2.IsSupported)
        {
            BlendPairAvx2(a, b, weightsA, weightsB, destinationA, destinationB, count);
        }
        else
        {
            BlendPairPortable(a, b, weightsA, weightsB, destinationA, destinationB, count);
        }
    }

    /// <summary>The blend pair as two <see cref="Blend"/> calls per saved chunk.</summary>
    internal static void BlendPairPortable(byte* a, byte* b, BlendWeights weightsA, BlendWeights weightsB, byte* destinationA, byte* destinationB, int count) =>
        InSavedChunks(new BlendChunk(weightsA, weightsB), a, b, destinationA, destinationB, count);

    /// <summary>The box pair: out of place, each row copied and its box pasted; in place, by saved chunks.</summary>
    public static void BoxPairRow(byte* a, byte* b, ColumnSpan boxA, ColumnSpan boxB, byte* destinationA, byte* destinationB, int count, bool stream = false)
    {
        if (a != destinationA)
        {
            new ReadOnlySpan<byte>(a, count).CopyTo(new Span<byte>(destinationA, count));
            new ReadOnlySpan<byte>(b, count).CopyTo(new Span<byte>(destinationB, count));
            CopyWithin(b, destinationA, boxA, 0, count);
            CopyWithin(a, destinationB, boxB, 0, count);
            return;
        }

        InSavedChunks(new BoxChunk(boxA, boxB), a, b, destinationA, destinationB, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlendPairAvx2(byte* a, byte* b, BlendWeights weightsA, BlendWeights weightsB, byte* destinationA, byte* destinationB, int count)
    {
        int k = 0;
        for (int head = KernelAlignment.Head(destinationA, count); k < head; k++)
        {
            BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, k);
        }

        Vector256<float> selfA = Vector256.Create(weightsA.Self), partnerA = Vector256.Create(weightsA.Partner);
        Vector256<float> selfB = Vector256.Create(weightsB.Self), partnerB = Vector256.Create(weightsB.Partner);
        for (; k <= count - 32; k += 32)
        {
            Vector256<float> x0 = LoadSingles(a + k), x1 = LoadSingles(a + k + 8), x2 = LoadSingles(a + k + 16), x3 = LoadSingles(a + k + 24);
            Vector256<float> y0 = LoadSingles(b + k), y1 = LoadSingles(b + k + 8), y2 = LoadSingles(b + k + 16), y3 = LoadSingles(b + k + 24);
            PackAvx2(
                Avx.Add(Avx.Multiply(x0, selfA), Avx.Multiply(y0, partnerA)),
                Avx.Add(Avx.Multiply(x1, selfA), Avx.Multiply(y1, partnerA)),
                Avx.Add(Avx.Multiply(x2, selfA), Avx.Multiply(y2, partnerA)),
                Avx.Add(Avx.Multiply(x3, selfA), Avx.Multiply(y3, partnerA))).Store(destinationA + k);
            PackAvx2(
                Avx.Add(Avx.Multiply(y0, selfB), Avx.Multiply(x0, partnerB)),
                Avx.Add(Avx.Multiply(y1, selfB), Avx.Multiply(x1, partnerB)),
                Avx.Add(Avx.Multiply(y2, selfB), Avx.Multiply(x2, partnerB)),
                Avx.Add(Avx.Multiply(y3, selfB), Avx.Multiply(x3, partnerB))).Store(destinationB + k);
        }

        for (; k < count; k++)
        {
            BlendPairScalar(a, b, weightsA, weightsB, destinationA, destinationB, k);
        }
    }

    /// <summary>Element k of a blend pair by the definition: both bytes read, then each output blended in float and rounded half to even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void BlendPairScalar(byte* a, byte* b, BlendWeights weightsA, BlendWeights weightsB, byte* destinationA, byte* destinationB, int k)
    {
        byte x = a[k], y = b[k];
        destinationA[k] = (byte)MathF.Round((x * weightsA.Self) + (y * weightsA.Partner));
        destinationB[k] = (byte)MathF.Round((y * weightsB.Self) + (x * weightsB.Partner));
    }

    /// <summary>Runs <paramref name="pair"/> over [0, count) in chunks, each chunk of <c>a</c> saved on the stack first, so
    /// the second output reads the first sample as it was, in place too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InSavedChunks<TPair>(TPair pair, byte* a, byte* b, byte* destinationA, byte* destinationB, int count)
        where TPair : struct, IPairChunk
    {
        byte* saved = stackalloc byte[PairChunk];
        for (int from = 0; from < count; from += PairChunk)
        {
            int n = Math.Min(PairChunk, count - from);
            new ReadOnlySpan<byte>(a + from, n).CopyTo(new Span<byte>(saved, n));
            pair.Mix(a + from, b + from, saved, destinationA + from, destinationB + from, from, n);
        }
    }

    /// <summary>Copies the elements of [from, from + n) within the box from a row to another (both indexed from the row's start).</summary>
    private static void CopyWithin(byte* source, byte* destination, ColumnSpan box, int from, int n)
    {
        int first = Math.Max(from, box.Left), end = Math.Min(from + n, box.Right);
        if (end > first)
        {
            new ReadOnlySpan<byte>(source + first, end - first).CopyTo(new Span<byte>(destination + first, end - first));
        }
    }

    private readonly struct SoftChunk(SoftRow rowA, SoftRow rowB) : IPairChunk
    {
        public void Mix(byte* a, byte* b, byte* savedA, byte* destinationA, byte* destinationB, int from, int n)
        {
            SoftRowBlend(a, b, rowA.ColumnFalloffs + from, rowA.RowFalloff, destinationA, n);
            SoftRowBlend(b, savedA, rowB.ColumnFalloffs + from, rowB.RowFalloff, destinationB, n);
        }
    }

    private readonly struct MaskChunk(float* maskA, float* maskB) : IPairChunk
    {
        public void Mix(byte* a, byte* b, byte* savedA, byte* destinationA, byte* destinationB, int from, int n)
        {
            MaskBlend(a, b, maskA + from, destinationA, n);
            MaskBlend(b, savedA, maskB + from, destinationB, n);
        }
    }

    private readonly struct BlendChunk(BlendWeights weightsA, BlendWeights weightsB) : IPairChunk
    {
        public void Mix(byte* a, byte* b, byte* savedA, byte* destinationA, byte* destinationB, int from, int n)
        {
            Blend(a, b, destinationA, n, weightsA.Self, weightsA.Partner);
            Blend(b, savedA, destinationB, n, weightsB.Self, weightsB.Partner);
        }
    }

    /// <summary>The chunk's own part of each box, the row pointers shifted back to the row's start.</summary>
    private readonly struct BoxChunk(ColumnSpan boxA, ColumnSpan boxB) : IPairChunk
    {
        public void Mix(byte* a, byte* b, byte* savedA, byte* destinationA, byte* destinationB, int from, int n)
        {
            CopyWithin(b - from, destinationA - from, boxA, from, n);
            CopyWithin(savedA - from, destinationB - from, boxB, from, n);
        }
    }
}
