using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MixAug.Cpu;

/// <summary>
/// The box-pair row kernel of <see cref="FloatKernels"/>: the two samples of a 2-cycle, each pasting the other's
/// elements into its own box, over one row in one pass.
/// </summary>
internal readonly unsafe partial struct FloatKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BoxPairRow(float* a, float* b, ColumnSpan boxA, ColumnSpan boxB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            BoxPairRow512(a, b, boxA, boxB, destinationA, destinationB, count, stream);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            BoxPairRow256(a, b, boxA, boxB, destinationA, destinationB, count);
        }
        else
        {
            BoxPairRowScalar(a, b, boxA, boxB, destinationA, destinationB, 0, count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BoxPairRow512(float* a, float* b, ColumnSpan boxA, ColumnSpan boxB, float* destinationA, float* destinationB, int count, bool stream = false)
    {
        int k = KernelAlignment.Head(destinationA, count, 64);
        BoxPairRowScalar(a, b, boxA, boxB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB, streamed = Streams(stream, a, destinationA, destinationB);
        Vector512<int> lanes = Vector512<int>.Indices;
        Vector512<int> leftA = Vector512.Create(boxA.Left), rightA = Vector512.Create(boxA.Right);
        Vector512<int> leftB = Vector512.Create(boxB.Left), rightB = Vector512.Create(boxB.Right);
        for (; k <= count - Vector512<float>.Count; k += Vector512<float>.Count)
        {
            Vector512<int> column = Vector512.Create(k) + lanes;
            Vector512<float> inA = (Vector512.GreaterThanOrEqual(column, leftA) & Vector512.LessThan(column, rightA)).AsSingle();
            Vector512<float> inB = (Vector512.GreaterThanOrEqual(column, leftB) & Vector512.LessThan(column, rightB)).AsSingle();
            Vector512<float> x = Vector512.Load(a + k), y = Vector512.Load(b + k);

            // In place, a vector outside its sample's box is not stored: its cache line may then stay clean.
            if (!inPlace || inA != Vector512<float>.Zero)
            {
                Store512(Vector512.ConditionalSelect(inA, y, x), destinationA + k, streamed);
            }

            if (!inPlace || inB != Vector512<float>.Zero)
            {
                Store512(Vector512.ConditionalSelect(inB, x, y), destinationB + k, streamed);
            }
        }

        BoxPairRowScalar(a, b, boxA, boxB, destinationA, destinationB, k, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BoxPairRow256(float* a, float* b, ColumnSpan boxA, ColumnSpan boxB, float* destinationA, float* destinationB, int count)
    {
        int k = KernelAlignment.Head(destinationA, count, 32);
        BoxPairRowScalar(a, b, boxA, boxB, destinationA, destinationB, 0, k);
        bool inPlace = a == destinationA && b == destinationB;
        Vector256<int> lanes = Vector256<int>.Indices;
        Vector256<int> leftA = Vector256.Create(boxA.Left), rightA = Vector256.Create(boxA.Right);
        Vector256<int> leftB = Vector256.Create(boxB.Left), rightB = Vector256.Create(boxB.Right);
        for (; k <= count - Vector256<float>.Count; k += Vector256<float>.Count)
        {
            Vector256<int> column = Vector256.Create(k) + lanes;
            Vector256<float> inA = (Vector256.GreaterThanOrEqual(column, leftA) & Vector256.LessThan(column, rightA)).AsSingle();
            Vector256<float> inB = (Vector256.GreaterThanOrEqual(column, leftB) & Vector256.LessThan(column, rightB)).AsSingle();
            Vector256<float> x = Vector256.Load(a + k), y = Vector256.Load(b + k);

            // In place, a vector outside its sample's box is not stored: its cache line may then stay clean.
            if (!inPlace || inA != Vector256<float>.Zero)
            {
                Vector256.ConditionalSelect(inA, y, x).Store(destinationA + k);
            }

            if (!inPlace || inB != Vector256<float>.Zero)
            {
                Vector256.ConditionalSelect(inB, x, y).Store(destinationB + k);
            }
        }

        BoxPairRowScalar(a, b, boxA, boxB, destinationA, destinationB, k, count);
    }

    /// <summary>Elements [from, to) of a box pair one by one: both sources read before either output is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BoxPairRowScalar(float* a, float* b, ColumnSpan boxA, ColumnSpan boxB, float* destinationA, float* destinationB, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            float x = a[k], y = b[k];
            destinationA[k] = boxA.Contains(k) ? y : x;
            destinationB[k] = boxB.Contains(k) ? x : y;
        }
    }
}
