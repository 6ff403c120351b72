using System.Buffers;
using System.Runtime.CompilerServices;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// The Mosaic part of <see cref="MixJob{T, TKernels}"/>, walked by source: which mosaic quadrants each source plane
/// fills, and the writing of them. A source is read by about four quadrants (its own and three partners'), each from
/// its own crop of the plane; writing them one after another keeps the plane in the core's cache, so it is read from
/// memory about once instead of once per quadrant (the quadrants' reads add up to 2.35 planes per output plane at
/// Mosaic's default centres, --profile-resample).
/// </summary>
internal sealed unsafe class MosaicRows
{
    private int[] _starts = [];
    private (int Sample, int Quadrant)[] _readers = [];

    /// <summary>Lists, for each source sample, the (sample, quadrant) pairs whose quadrant shows it; false when no sample
    /// of the plan is a mosaic.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="ops">The plan's decoded samples: those of kind <see cref="OpKind.Mosaic"/> are the mosaics.</param>
    public bool Index(MixPlan plan, ReadOnlySpan<SampleOp> ops)
    {
        int b = plan.BatchSize, count = 0;
        if (_starts.Length < b + 1)
        {
            _starts = new int[b + 1];
        }

        Span<int> starts = _starts.AsSpan(0, b + 1);
        starts.Clear();
        for (int i = 0; i < b; i++)
        {
            if (ops[i].Kind == OpKind.Mosaic)
            {
                var mosaic = (MosaicRegion)plan.Regions[i];
                ReadOnlySpan<int> sources = plan.Sources(i);
                for (int q = 0; q < MosaicRegion.Quadrants; q++)
                {
                    starts[sources[mosaic.Slots[q]] + 1]++;
                    count++;
                }
            }
        }

        if (count == 0)
        {
            return false;
        }

        for (int j = 0; j < b; j++)
        {
            starts[j + 1] += starts[j];
        }

        if (_readers.Length < count)
        {
            _readers = new (int, int)[count];
        }

        Span<int> next = b <= 1024 ? stackalloc int[b] : new int[b];
        starts[..b].CopyTo(next);
        for (int i = 0; i < b; i++)
        {
            if (ops[i].Kind == OpKind.Mosaic)
            {
                var mosaic = (MosaicRegion)plan.Regions[i];
                ReadOnlySpan<int> sources = plan.Sources(i);
                for (int q = 0; q < MosaicRegion.Quadrants; q++)
                {
                    _readers[next[sources[mosaic.Slots[q]]]++] = (i, q);
                }
            }
        }

        return true;
    }

    /// <summary>The (sample, quadrant) pairs that show source <paramref name="source"/>, in sample order.</summary>
    public ReadOnlySpan<(int Sample, int Quadrant)> ReadersOf(int source) => _readers.AsSpan(_starts[source], _starts[source + 1] - _starts[source]);

    /// <summary>Writes every quadrant that shows one plane of source <paramref name="source"/>: each quadrant's rows,
    /// resized from the plane. Resampling is defined in float32 (<see cref="MosaicRegion"/>); a uint8 plane is widened to
    /// float once (the rows its quadrants read) and each result rounded half to even, as ResizeMix's uint8 rows are.</summary>
    /// <typeparam name="T">float or byte, the element types the CPU mixer takes.</typeparam>
    /// <param name="plan">The plan indexed last.</param>
    /// <param name="source">The source sample.</param>
    /// <param name="sourcePlane">Its plane.</param>
    /// <param name="destinationOf">The address of sample i's plane of the same channel in the output, at (i · sample size).</param>
    /// <param name="sampleSize">The elements of a sample.</param>
    /// <param name="width">The plane's width.</param>
    /// <param name="plane">The plane's size.</param>
    /// <param name="nextPlane">The source plane the next unit of this part reads, asked for ahead; null for none.</param>
    /// <param name="stream">True to write the rows with non-temporal stores (<see cref="OutputRows"/>); the caller
    /// decides, for float32 outputs only (<c>MixJob.StreamThresholdBytes</c>).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Resampling.RowsFused
    public void WriteReaders<T>(MixPlan plan, int source, T* sourcePlane, T* destinationOf, long sampleSize, int width, int plane, T* nextPlane, bool stream)
        where T : unmanaged
    {
        ReadOnlySpan<(int Sample, int Quadrant)> readers = ReadersOf(source);
        if (readers.IsEmpty)
        {
            return;
        }

        var ahead = new PlaneFetch((byte*)nextPlane, (long)plane * sizeof(T), RowsOf(plan, readers));
        bool widen = typeof(T) != typeof(float);
        const int Group = Resampling.RowGroup;
        int linesLength = Resampling.RowGroupScratchLength(width);
        float[] scratch = ArrayPool<float>.Shared.Rent(linesLength + OutputRows.StagingLength(width, Group + 1));
        float[]? widened = widen ? ArrayPool<float>.Shared.Rent(plane) : null;
        Span<nint> targets = stackalloc nint[Group];
        try
        {
            ReadOnlySpan<float> input = widened is null ? new ReadOnlySpan<float>(sourcePlane, plane) : Widen(plan, readers, (byte*)sourcePlane, widened, width, plane);
            Span<float> lines = scratch.AsSpan(0, linesLength);
            bool direct = !widen && !stream;
            fixed (float* staging = &scratch[linesLength])
            {
                var output = new OutputRows(staging, width, stream, Group + 1);
                foreach ((int sample, int quadrant) in readers)
                {
                    var mosaic = (MosaicRegion)plan.Regions[sample];
                    (int top, int left, int bottom, int right) = mosaic.QuadrantBox(quadrant);
                    int count = right - left;
                    T* rows = destinationOf + (sample * sampleSize) + left;
                    for (int first = top; first < Math.Min(bottom, top + OutputRows.Ahead); first++)
                    {
                        output.Prefetch((byte*)(rows + ((long)first * width)), count * sizeof(T));
                    }

                    // Four rows at a time where the column pass can take them (one load of each block's taps for the
                    // four; Resampling.ColumnsWindowedRows), then the rest one at a time: Resampling.ResizeRows takes
                    // either. Rows go straight to the output, or through a staging row to be rounded or streamed.
                    bool groups = Resampling.ResizesRowGroups(mosaic.ColumnTaps);
                    for (int y = top, group; y < bottom; y += group)
                    {
                        group = groups && y + Group <= bottom ? Group : 1;
                        for (int r = 0; r < group; r++)
                        {
                            ahead.Step();
                            if (y + r + OutputRows.Ahead < bottom)
                            {
                                output.Prefetch((byte*)(rows + ((long)(y + r + OutputRows.Ahead) * width)), count * sizeof(T));
                            }

                            T* target = rows + ((long)(y + r) * width);
                            targets[r] = direct ? (nint)target : (nint)Unsafe.AsPointer(ref output.Next(target, count)[0]);
                        }

                        mosaic.ResizeRows(input, y, left, count, lines, targets[..group]);
                        for (int r = 0; r < group && !direct; r++)
                        {
                            T* target = rows + ((long)(y + r) * width);
                            if (widen)
                            {
                                RoundedBytes.Write(new ReadOnlySpan<float>((float*)targets[r], count), (byte*)target);
                                continue;
                            }

                            output.Defer((float*)targets[r], (float*)target, count);
                        }
                    }
                }

                output.Finish();
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

    /// <summary>The output rows the quadrants write, one <see cref="PlaneFetch.Step"/> each.</summary>
    private static int RowsOf(MixPlan plan, ReadOnlySpan<(int Sample, int Quadrant)> readers)
    {
        int rows = 0;
        foreach ((int sample, int quadrant) in readers)
        {
            (int top, _, int bottom, _) = ((MosaicRegion)plan.Regions[sample]).QuadrantBox(quadrant);
            rows += bottom - top;
        }

        return rows;
    }

    /// <summary>Widens the source rows the quadrants read into <paramref name="widened"/> (the rows between the first
    /// and the last any of them reads).</summary>
    private static ReadOnlySpan<float> Widen(MixPlan plan, ReadOnlySpan<(int Sample, int Quadrant)> readers, byte* sourcePlane, float[] widened, int width, int plane)
    {
        int first = int.MaxValue, end = 0;
        foreach ((int sample, int quadrant) in readers)
        {
            var mosaic = (MosaicRegion)plan.Regions[sample];
            (int top, _, int bottom, _) = mosaic.QuadrantBox(quadrant);
            (int from, int to) = mosaic.SourceRowsRead(top, bottom);
            first = Math.Min(first, from);
            end = Math.Max(end, to);
        }

        RoundedBytes.Widen(sourcePlane, widened, width, first, end);
        return widened.AsSpan(0, plane);
    }
}
