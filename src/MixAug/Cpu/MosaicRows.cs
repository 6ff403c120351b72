using System.Buffers;
using System.Numerics.Tensors;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>The rows of a <see cref="MosaicRegion"/> that one work segment holds, written from its quadrants' source
/// planes (the general path of <see cref="MixJob{T, TKernels}"/>, for float32 and uint8 batches).</summary>
internal static unsafe class MosaicRows
{
    /// <summary>Writes every row of the segment from its two quadrants' source planes, resized. Resampling is defined
    /// in float32 (<see cref="MosaicRegion"/>); for uint8 each quadrant's source rows that the segment's rows read are
    /// widened to float first, and each result rounded half to even, as ResizeMix's uint8 rows are.</summary>
    /// <typeparam name="T">float or byte, the element types the CPU mixer takes.</typeparam>
    /// <param name="region">The mosaic.</param>
    /// <param name="quadrants">The address of each quadrant's source plane (top-left, top-right, bottom-left, bottom-right).</param>
    /// <param name="destination">The segment's first element.</param>
    /// <param name="width">The plane's width.</param>
    /// <param name="plane">The plane's size.</param>
    /// <param name="offset">The segment's offset in its plane (whole rows).</param>
    /// <param name="count">The segment's length (whole rows).</param>
    public static void Write<T>(MosaicRegion region, ReadOnlySpan<nint> quadrants, T* destination, int width, int plane, int offset, int count)
        where T : unmanaged
    {
        int firstRow = offset / width, rows = count / width, centreX = region.CentreX;
        bool widen = typeof(T) != typeof(float);
        float[] scratch = ArrayPool<float>.Shared.Rent(Resampling.ScratchLength(width) + width);
        float[]? planes = widen ? ArrayPool<float>.Shared.Rent(MosaicRegion.Quadrants * plane) : null;
        try
        {
            if (planes is not null)
            {
                Widen(region, quadrants, planes, width, plane, firstRow, firstRow + rows);
            }

            Span<float> line = scratch.AsSpan(0, Resampling.ScratchLength(width)), output = scratch.AsSpan(line.Length, width);
            for (int r = 0; r < rows; r++)
            {
                int y = firstRow + r, top = y < region.CentreY ? 0 : 2;
                T* row = destination + (r * width);
                Span<float> target = widen ? output : new Span<float>(row, width);
                region.ResizeRow(Plane(quadrants, top, plane, planes), y, 0, line, target[..centreX]);
                region.ResizeRow(Plane(quadrants, top + 1, plane, planes), y, centreX, line, target[centreX..]);
                if (widen)
                {
                    RoundedBytes.Write(output, (byte*)row);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            if (planes is not null)
            {
                ArrayPool<float>.Shared.Return(planes);
            }
        }
    }

    /// <summary>Widens, into quadrant q's plane of <paramref name="planes"/>, the source rows that output rows
    /// [<paramref name="firstRow"/>, <paramref name="endRow"/>) of quadrant q read: a uint8 segment of 146 rows
    /// widened its quadrants' four whole planes before, about three times the rows it reads at Mosaic's tile sizes.</summary>
    private static void Widen(MosaicRegion region, ReadOnlySpan<nint> quadrants, float[] planes, int width, int plane, int firstRow, int endRow)
    {
        for (int q = 0; q < MosaicRegion.Quadrants; q++)
        {
            (int top, _, int bottom, _) = region.QuadrantBox(q);
            int from = Math.Max(firstRow, top), to = Math.Min(endRow, bottom);
            if (from < to)
            {
                (int first, int end) = region.SourceRowsRead(from, to);
                // byte to float is exact, so the SIMD conversion gives the values an element loop gives.
                TensorPrimitives.ConvertTruncating(
                    new ReadOnlySpan<byte>((byte*)quadrants[q] + ((long)first * width), (end - first) * width),
                    planes.AsSpan((q * plane) + (first * width), (end - first) * width));
            }
        }
    }

    /// <summary>Quadrant <paramref name="quadrant"/>'s source plane as float: the plane itself for float32, else its
    /// widened rows in <paramref name="planes"/>.</summary>
    private static ReadOnlySpan<float> Plane(ReadOnlySpan<nint> quadrants, int quadrant, int plane, float[]? planes) =>
        planes is null ? new ReadOnlySpan<float>((void*)quadrants[quadrant], plane) : planes.AsSpan(quadrant * plane, plane);
}
