using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// The rows of a soft box (SmoothMix) that one work segment holds, mixed with their own weights made as they are
/// needed: <c>1f − gy·gx</c>, one product and one difference per element, exactly as
/// <see cref="SoftBoxRegion"/> rasterises them, in a chunk that stays in the first-level cache. No plane of weights is
/// written or read (a 224x224 raster is 200 KB per sample), and rows or columns whose weights are all exactly 1 are
/// the sample's own elements: copied, or in place not touched.
/// </summary>
internal static unsafe class SoftBoxRows
{
    /// <summary>Weights made at a time: 2 KB, read back by the kernel from the first-level cache.</summary>
    private const int ChunkLength = 512;

    /// <summary>Mixes the whole rows [offset, offset + count) of one plane of the sample.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <typeparam name="TKernels">Its kernels; their mask blend gives weight 1 the sample's element and 0 the partner's.</typeparam>
    /// <param name="op">The sample's decoded soft box, its column weights at <see cref="SampleOp.MaskOffset"/>.</param>
    /// <param name="self">The sample's segment.</param>
    /// <param name="partner">The partner's segment.</param>
    /// <param name="destination">The output segment (may be <paramref name="self"/>).</param>
    /// <param name="width">Row width.</param>
    /// <param name="height">Rows per plane.</param>
    /// <param name="offset">The segment's offset in its plane (whole rows).</param>
    /// <param name="count">Elements in the segment (whole rows).</param>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Mix<T, TKernels>(in SampleOp op, T* self, T* partner, T* destination, int width, int height, int offset, int count)
        where T : unmanaged
        where TKernels : IMixKernels<T>
    {
        float[] g = op.Falloff!;
        int reach = op.OwnOnlyFrom; // columns and rows this far from the box or farther keep only their own elements
        int first = Math.Max(0, op.Left - reach + 1), end = (int)Math.Min(width, (long)op.Right - 1 + reach);
        bool inPlace = self == destination;
        float* weights = stackalloc float[ChunkLength];
        var chunk = new Span<float>(weights, ChunkLength);
        fixed (float* columnBase = op.Mask)
        {
            float* columns = columnBase + op.MaskOffset;
            int firstRow = offset / width;
            for (int r = 0, rows = count / width; r < rows; r++)
            {
                int at = r * width;
                int dy = SoftBoxRegion.Distance((firstRow + r) % height, op.Top, op.Bottom);
                if (dy >= reach || first >= end)
                {
                    if (!inPlace)
                    {
                        Copy(self + at, destination + at, width);
                    }

                    continue;
                }

                if (!inPlace)
                {
                    Copy(self + at, destination + at, first);
                    Copy(self + at + end, destination + at + end, width - end);
                }

                float gy = g[dy];
                for (int x = first; x < end; x += ChunkLength)
                {
                    int n = Math.Min(ChunkLength, end - x);
                    Span<float> own = chunk[..n];
                    TensorPrimitives.Multiply(new ReadOnlySpan<float>(columns + x, n), gy, own);
                    TensorPrimitives.Subtract(1f, own, own);
                    TKernels.MaskBlend(self + at + x, partner + at + x, weights, destination + at + x, n);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy<T>(T* from, T* to, int count)
        where T : unmanaged =>
        Unsafe.CopyBlockUnaligned(to, from, (uint)(count * sizeof(T)));
}
