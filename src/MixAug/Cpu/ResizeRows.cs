using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>The rows of a <see cref="ResizeRegion"/>'s box, written from the partner's whole plane: those one work
/// segment holds (the general path of <see cref="MixJob{T, TKernels}"/>), or the whole box packed
/// (<see cref="ResizedBoxes{T}"/>); for float32 and uint8 batches.</summary>
internal static unsafe class ResizeRows
{
    /// <summary>Writes the rows of the segment that cross the box from the partner's whole plane, resized. Resampling
    /// is defined in float32 (<see cref="ResizeRegion"/>); a uint8 partner is widened to float first (only the rows
    /// the segment's box rows read) and each result rounded half to even, as the uint8 blend kernels round, so uint8
    /// ResizeMix is the float32 path on the same values, rounded.</summary>
    /// <typeparam name="T">float or byte, the element types the CPU mixer takes.</typeparam>
    public static void Write<T>(ResizeRegion region, T* partnerPlane, T* destination, int width, int plane, int offset, int count)
        where T : unmanaged
    {
        int firstRow = offset / width;
        int top = Math.Max(firstRow, region.Top), end = Math.Min(firstRow + (count / width), region.Bottom);
        if (top < end)
        {
            WriteRows(region, partnerPlane, destination + ((top - firstRow) * width) + region.Left, width, width, plane, top, end);
        }
    }

    /// <summary>
    /// Writes the segment's rows whole, in order, streamed past the caches (<see cref="OutputRows"/>): a row above or
    /// below the box is the sample's own row; a row across the box has the box's elements staged (resized from the
    /// partner's whole plane) and is then streamed from the staging row and the sample's own row
    /// (<see cref="OutputRows.DeferAround(float*, int, float*, int, int)"/>). Stored the other way, the box's
    /// rows are parts of output rows written after the rest of the segment, each line read from memory before it is
    /// written. Float32 only (uint8 rows are rounded, and take <see cref="Write{T}"/>).
    /// Each row also asks for a part of <paramref name="nextSelf"/> and <paramref name="nextPartner"/> (either may be
    /// null): the planes the part's next unit reads from memory (<see cref="PlaneFetch"/>).
    /// </summary>
    public static void WriteStreamed(ResizeRegion region, float* partnerPlane, float* self, float* destination, int width, int plane, int offset, int count, float* nextSelf, float* nextPartner)
    {
        const int Group = Resampling.RowGroup;
        int firstRow = offset / width, rows = count / width;
        var aheadSelf = new PlaneFetch((byte*)nextSelf, (long)plane * sizeof(float), rows);
        var aheadPartner = new PlaneFetch((byte*)nextPartner, (long)plane * sizeof(float), rows);
        int linesLength = Resampling.RowGroupScratchLength(width);
        float[] scratch = ArrayPool<float>.Shared.Rent(linesLength + OutputRows.StagingLength(width, Group + 1));
        Span<nint> boxes = stackalloc nint[Group];
        try
        {
            var partner = new ReadOnlySpan<float>(partnerPlane, plane);
            Span<float> lines = scratch.AsSpan(0, linesLength);
            bool groups = region.ResizesRowGroups;
            fixed (float* staging = &scratch[linesLength])
            {
                // Up to four rows staged while the row before them is still pending: a ring of five staging rows.
                var output = new OutputRows(staging, width, stream: true, Group + 1);
                for (int r = 0; r < rows;)
                {
                    int y = firstRow + r;
                    if (y < region.Top || y >= region.Bottom)
                    {
                        aheadSelf.Step();
                        aheadPartner.Step();
                        OutputRows.Stream(self + ((long)r * width), destination + ((long)r * width), width);
                        r++;
                        continue;
                    }

                    // Four rows at once where the column pass can take them (one load of each block's taps for the
                    // four; Resampling.ColumnsWindowedRows), else one: Resampling.ResizeRows takes either.
                    int group = groups && y + Group <= region.Bottom && r + Group <= rows ? Group : 1;
                    for (int k = 0; k < group; k++)
                    {
                        aheadSelf.Step();
                        aheadPartner.Step();
                        float* staged = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(output.Next(destination + ((long)(r + k) * width), width)));
                        boxes[k] = (nint)(staged + region.Left);
                    }

                    region.ResizeRows(partner, y - region.Top, lines, boxes[..group]);
                    for (int k = 0; k < group; k++)
                    {
                        long at = (long)(r + k) * width;
                        output.DeferAround((float*)boxes[k] - region.Left, destination + at, width, self + at, region.Left, region.Right);
                    }

                    r += group;
                }

                output.Finish();
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Writes the whole box, resized from the partner's plane, to <paramref name="box"/>: its rows one after
    /// another, (Right − Left) elements each (the in-place path of <see cref="ResizedBoxes{T}"/>).</summary>
    public static void WriteBox<T>(ResizeRegion region, T* partnerPlane, T* box, int width, int plane)
        where T : unmanaged =>
        WriteRows(region, partnerPlane, box, region.Right - region.Left, width, plane, region.Top, region.Bottom);

    /// <summary>Writes plane rows [<paramref name="top"/>, <paramref name="end"/>) of the box, row <paramref name="top"/>
    /// at <paramref name="target"/> and each next one <paramref name="pitch"/> elements on; four at a time where the box's
    /// column taps allow (<see cref="ResizeRegion.ResizeRows"/>).</summary>
    private static void WriteRows<T>(ResizeRegion region, T* partnerPlane, T* target, int pitch, int width, int plane, int top, int end)
        where T : unmanaged
    {
        const int Group = Resampling.RowGroup;
        int boxWidth = region.Right - region.Left;
        bool widen = typeof(T) != typeof(float);
        int linesLength = Resampling.RowGroupScratchLength(width);
        float[] scratch = ArrayPool<float>.Shared.Rent(linesLength + (Group * boxWidth));
        float[]? widened = widen ? ArrayPool<float>.Shared.Rent(plane) : null;
        Span<nint> outputs = stackalloc nint[Group];
        try
        {
            ReadOnlySpan<float> partner;
            if (widened is null)
            {
                partner = new ReadOnlySpan<float>(partnerPlane, plane);
            }
            else
            {
                (int first, int stop) = region.PartnerRowsRead(top - region.Top, end - region.Top);
                RoundedBytes.Widen((byte*)partnerPlane, widened, width, first, stop);
                partner = widened.AsSpan(0, plane);
            }

            Span<float> lines = scratch.AsSpan(0, linesLength);
            bool groups = region.ResizesRowGroups;
            fixed (float* patch = &scratch[linesLength])
            {
                for (int y = top; y < end;)
                {
                    int group = groups && y + Group <= end ? Group : 1;
                    for (int k = 0; k < group; k++)
                    {
                        T* row = target + ((long)(y + k - top) * pitch);
                        if (y + k + OutputRows.Ahead < end && pitch != boxWidth)
                        {
                            // The rows of a box are parts of output rows, fetched by no hardware prefetcher: see OutputRows.
                            OutputRows.Lines((byte*)(row + ((long)OutputRows.Ahead * pitch)), boxWidth * sizeof(T));
                        }

                        // A uint8 row is resized into a float patch row, then rounded into place.
                        outputs[k] = widened is null ? (nint)row : (nint)(patch + (k * boxWidth));
                    }

                    region.ResizeRows(partner, y - region.Top, lines, outputs[..group]);
                    for (int k = 0; k < group && widened is not null; k++)
                    {
                        RoundedBytes.Write(new ReadOnlySpan<float>((float*)outputs[k], boxWidth), (byte*)(target + ((long)(y + k - top) * pitch)));
                    }

                    y += group;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
            if (widened is not null)
            {
                ArrayPool<float>.Shared.Return(widened);
            }
        }
    }
}
