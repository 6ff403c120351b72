using System.Buffers;
using System.Numerics.Tensors;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>The rows of a <see cref="MosaicRegion"/> that one work segment holds, written from its quadrants' source
/// planes (the general path of <see cref="MixJob{T, TKernels}"/>, for float32 and uint8 batches).</summary>
internal static unsafe class MosaicRows
{
    /// <summary>Writes every row of the segment from its two quadrants' source planes, resized. Resampling is defined
    /// in float32 (<see cref="MosaicRegion"/>); for uint8 each quadrant's source plane is widened to float once per
    /// segment, when a row first reads it, and each result rounded half to even, as ResizeMix's uint8 rows are.</summary>
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
        int widened = 0; // a bit per quadrant whose source plane is in planes
        try
        {
            Span<float> line = scratch.AsSpan(0, Resampling.ScratchLength(width)), output = scratch.AsSpan(line.Length, width);
            for (int r = 0; r < rows; r++)
            {
                int y = firstRow + r, top = y < region.CentreY ? 0 : 2;
                T* row = destination + (r * width);
                Span<float> target = widen ? output : new Span<float>(row, width);
                region.ResizeRow(Plane(quadrants[top], top, plane, planes, ref widened), y, 0, line, target[..centreX]);
                region.ResizeRow(Plane(quadrants[top + 1], top + 1, plane, planes, ref widened), y, centreX, line, target[centreX..]);
                if (widen)
                {
                    byte* to = (byte*)row;
                    for (int x = 0; x < width; x++)
                    {
                        // Normalised non-negative weights keep the value in [0, 255] up to float rounding; clamp that.
                        to[x] = (byte)Math.Clamp(MathF.Round(output[x], MidpointRounding.ToEven), 0f, 255f);
                    }
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

    /// <summary>A quadrant's source plane as float: the plane itself for float32, else its widened copy in
    /// <paramref name="planes"/>, made on first use (bit <paramref name="quadrant"/> of <paramref name="widened"/>).</summary>
    private static ReadOnlySpan<float> Plane(nint address, int quadrant, int plane, float[]? planes, ref int widened)
    {
        if (planes is null)
        {
            return new ReadOnlySpan<float>((void*)address, plane);
        }

        Span<float> copy = planes.AsSpan(quadrant * plane, plane);
        if ((widened & (1 << quadrant)) == 0)
        {
            TensorPrimitives.ConvertTruncating(new ReadOnlySpan<byte>((void*)address, plane), copy); // exact, as ResizeRows widens

            widened |= 1 << quadrant;
        }

        return copy;
    }
}
