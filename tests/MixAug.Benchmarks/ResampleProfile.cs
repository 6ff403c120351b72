using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Benchmarks;

/// <summary>--profile-resample: where Mosaic's and ResizeMix's time goes on one thread, for 128x3x224x224 float32
/// (and uint8 for ResizeMix): the whole apply, then each pass alone over the same rows (the row pass, the column pass
/// from a line in L1, the copy of the sample's own elements, uint8 widening and rounding, the in-place snapshot), in
/// milliseconds of CPU time per batch and nanoseconds per output element resampled.</summary>
internal static class ResampleProfile
{
    private static bool _cachedSource; // every source plane the first one, so that it stays in L2
    private static bool _notAskedAhead; // ResizeMix's row pass as Mosaic's, its input rows not asked for ahead

    /// <summary>--spin-mosaic, --spin-resizemix and --spin-fmix: the Mosaic apply of <see cref="Run"/>, or the quick
    /// benchmark's ResizeMix apply into a destination, or its per-sample FMix plan (masks grouped as there) applied into
    /// a destination, on one thread for 15 seconds, for a sampling profiler (perf record with DOTNET_PerfMapEnabled=1 and
    /// DOTNET_EnableWriteXorExecute=0 names the JIT's code).</summary>
    public static int Spin(string method)
    {
        var shape = new BatchShape(128, 3, 224, 224);
        var fixture = new BatchFixture(shape);
        MixPlan plan = method switch
        {
            "resizemix" => new ResizeMix(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(2026)),
            "fmix" => new FMix(alpha: 1.0, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup).CreatePlan(shape, new MixRandom(2026)),
            _ => new Mosaic().CreatePlan(shape, new MixRandom(2026)),
        };
        var single = new MixConfiguration(maxDegreeOfParallelism: 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed.TotalSeconds < 15)
        {
            CpuMixer.Apply(plan, fixture.Source, fixture.Destination, single);
            calls++;
        }

        Console.WriteLine($"{clock.Elapsed.TotalMilliseconds / calls:F2} ms per apply (one thread, wall clock)");
        return 0;
    }

    public static int Run()
    {
        var shape = new BatchShape(128, 3, 224, 224);
        var fixture = new BatchFixture(shape);
        var random = new MixRandom(2026);
        var single = new MixConfiguration(maxDegreeOfParallelism: 1);
        float[] src = fixture.Source, dst = fixture.Destination;
        int plane = shape.PlaneSize, width = shape.Width, channels = shape.Channels;
        var scratch = new float[Resampling.ScratchLength(width)];
        var line = new float[width + Resampling.Taps.WindowLayout.Window]; // the column pass reads windows past the line
        for (int i = 0; i < width; i++)
        {
            line[i] = src[i];
        }

        Console.WriteLine($"{shape} float32, one thread unless a line says two, ms CPU and wall per batch (medians of nine groups of 200 ms at least)");
        Report("copy (Span.CopyTo, whole batch)", () => src.AsSpan().CopyTo(dst), shape.ElementCount);
        // How the output is written matters as much as what is computed: whole rows in order, the same rows streamed
        // past the caches, and the same elements as two half rows written at different times (as Mosaic's quadrants).
        Report("copy by whole rows", () => CopyRows(src, dst, width, 0, width, stream: false), shape.ElementCount);
        Report("copy by whole rows, streamed (non-temporal stores)", () => CopyRows(src, dst, width, 0, width, stream: true), shape.ElementCount);
        Report("copy by half rows, left halves then right halves", () =>
        {
            CopyRows(src, dst, width, 0, width / 2, stream: false);
            CopyRows(src, dst, width, width / 2, width, stream: false);
        }, shape.ElementCount);

        // Four copies of the line for the four-row pass.
        int lineLength = Resampling.LineLength(width);
        var fourLines = new float[Resampling.RowGroup * lineLength];
        for (int r = 0; r < Resampling.RowGroup; r++)
        {
            line.AsSpan(0, width).CopyTo(fourLines.AsSpan(r * lineLength));
        }

        // The column pass's two vector forms on one line in L1, whole rows of Mosaic's and ResizeMix's shrinks.
        foreach (int outputs in new[] { 168, 150, 112, 90, 67, 45, 22 })
        {
            Resampling.Taps taps = Resampling.Taps.For(width, outputs);
            var row = new float[outputs];
            var blocks = new float[outputs + 64];
            var fourRows = new float[Resampling.RowGroup * outputs];
            Report($"column pass 224->{outputs}, dense blocks (AVX)", () => Repeat(() => Resampling.ColumnsDense(line, taps, 0, blocks, row)), 1000L * outputs);
            if (taps.Windows is not null)
            {
                Report($"column pass 224->{outputs}, windows (AVX-512)", () => Repeat(() => Resampling.ColumnsWindowed(line, taps, 0, row)), 1000L * outputs);
                Report($"column pass 224->{outputs}, windows, four rows at once", () => Repeat(() => FourRows(fourLines, lineLength, taps, fourRows)), 4000L * outputs);
            }
        }

        MixPlan mosaicPlan = new Mosaic().CreatePlan(shape, random);
        long mosaicOutputs = shape.ElementCount;
        Console.WriteLine($"mosaic: the row pass reads {SourcePlanesRead(mosaicPlan, shape):F2} source planes per output plane (the floor of its memory traffic)");
        // Outputs streamed past the caches (the default from 16 MiB) or stored, alternating (OutputRows).
        for (int round = 0; round < 2; round++)
        {
            foreach (bool stream in new[] { true, false })
            {
                MixJob<float, FloatKernels>.StreamThresholdBytes = stream ? 0 : long.MaxValue;
                Report($"mosaic: CpuMixer.Apply, outputs {(stream ? "streamed" : "stored")}", () => CpuMixer.Apply(mosaicPlan, src, dst, single), mosaicOutputs);
                Report($"mosaic: two threads, outputs {(stream ? "streamed" : "stored")}", () => CpuMixer.Apply(mosaicPlan, src, dst), mosaicOutputs);
            }
        }

        MixJob<float, FloatKernels>.StreamThresholdBytes = 16 << 20;
        Report("mosaic: CpuMixer.Apply", () => CpuMixer.Apply(mosaicPlan, src, dst, single), mosaicOutputs);
        Report("mosaic: CpuMixer.ApplyInPlace", () => CpuMixer.ApplyInPlace(mosaicPlan, dst, single), mosaicOutputs);
        Report("mosaic: row pass alone", () => MosaicPasses(mosaicPlan, src, dst, shape, scratch, rows: true, columns: false), mosaicOutputs);
        Report("mosaic: column pass alone (line in L1)", () => MosaicPasses(mosaicPlan, line, dst, shape, scratch, rows: false, columns: true), mosaicOutputs);
        Report("mosaic: in-place snapshot alone (a batch copy)", () => src.AsSpan().CopyTo(dst), mosaicOutputs);
        Report("mosaic: both passes, no MixJob", () => MosaicPasses(mosaicPlan, src, dst, shape, scratch, rows: true, columns: true), mosaicOutputs);

        // The same work with every source plane the first one (in L2): the passes' compute without their reads from memory.
        _cachedSource = true;
        Report("mosaic: both passes, sources in L2", () => MosaicPasses(mosaicPlan, src, dst, shape, scratch, rows: true, columns: true), mosaicOutputs);
        Report("mosaic: row pass alone, sources in L2", () => MosaicPasses(mosaicPlan, src, dst, shape, scratch, rows: true, columns: false), mosaicOutputs);
        _cachedSource = false;

        MixPlan resizePlan = new ResizeMix(mode: LambdaMode.Element).CreatePlan(shape, random);
        long boxElements = 0;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            boxElements += resizePlan.Regions[i] is ResizeRegion box ? box.Area * channels : 0;
        }

        Console.WriteLine($"resizemix: boxes cover {(double)boxElements / shape.ElementCount:P1} of the batch; ns/element below are per box element");
        for (int round = 0; round < 2; round++)
        {
            foreach (bool stream in new[] { true, false })
            {
                MixJob<float, FloatKernels>.StreamThresholdBytes = stream ? 0 : long.MaxValue;
                Report($"resizemix: CpuMixer.Apply, outputs {(stream ? "streamed" : "stored")}", () => CpuMixer.Apply(resizePlan, src, dst, single), boxElements);
                Report($"resizemix: two threads, outputs {(stream ? "streamed" : "stored")}", () => CpuMixer.Apply(resizePlan, src, dst), boxElements);
            }
        }

        MixJob<float, FloatKernels>.StreamThresholdBytes = 16 << 20;
        Report("resizemix: CpuMixer.Apply", () => CpuMixer.Apply(resizePlan, src, dst, single), boxElements);
        Report("resizemix: copy of the batch (the own elements)", () => src.AsSpan().CopyTo(dst), boxElements);
        Report("resizemix: row pass alone", () => ResizePasses(resizePlan, src, dst, shape, scratch, rows: true, columns: false), boxElements);
        Report("resizemix: column pass alone (line in L1)", () => ResizePasses(resizePlan, line, dst, shape, scratch, rows: false, columns: true), boxElements);
        Report("resizemix: both passes, no MixJob", () => ResizePasses(resizePlan, src, dst, shape, scratch, rows: true, columns: true), boxElements);
        _cachedSource = true;
        Report("resizemix: row pass alone, partners in L2", () => ResizePasses(resizePlan, src, dst, shape, scratch, rows: true, columns: false), boxElements);
        _notAskedAhead = true;
        Report("resizemix: row pass alone, partners in L2, rows not asked ahead", () => ResizePasses(resizePlan, src, dst, shape, scratch, rows: true, columns: false), boxElements);
        _cachedSource = false;
        Report("resizemix: row pass alone, rows not asked ahead", () => ResizePasses(resizePlan, src, dst, shape, scratch, rows: true, columns: false), boxElements);
        _notAskedAhead = false;
        byte[] bytes = fixture.Bytes, byteDst = fixture.ByteDestination;
        Report("uint8 resizemix: CpuMixer.Apply", () => CpuMixer.Apply(resizePlan, bytes, byteDst, single), boxElements);
        var widened = new float[plane];
        Report("uint8: widening every partner plane", () =>
        {
            for (int p = 0; p < shape.BatchSize * channels; p++)
            {
                TensorPrimitives.ConvertTruncating(bytes.AsSpan(p * plane, plane), widened);
            }
        }, boxElements);
        return 0;
    }

    /// <summary>Each pass of every Mosaic row alone (the other skipped), as MosaicRows calls them.</summary>
    private static void MosaicPasses(MixPlan plan, float[] source, float[] destination, BatchShape shape, float[] scratch, bool rows, bool columns)
    {
        int plane = shape.PlaneSize, width = shape.Width;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            var mosaic = (MosaicRegion)plan.Regions[i];
            ReadOnlySpan<int> sources = plan.Sources(i);
            Resampling.Taps rowTaps = mosaic.RowTaps, columnTaps = mosaic.ColumnTaps;
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int y = 0; y < shape.Height; y++)
                {
                    int top = y < mosaic.CentreY ? 0 : 2;
                    for (int q = top; q < top + 2; q++)
                    {
                        (_, int left, _, int right) = mosaic.QuadrantBox(q);
                        int first = mosaic.TileColumn(left), last = mosaic.TileColumn(right - 1);
                        int lo = columnTaps.Start[first], hi = columnTaps.End[last];
                        long at = _cachedSource ? 0 : (((long)sources[mosaic.Slots[q]] * shape.Channels) + c) * plane;
                        if (rows)
                        {
                            Resampling.Rows(source.AsSpan((int)at, plane), width, rowTaps, mosaic.TileRow(y), lo, hi, scratch.AsSpan(0, width), planeInCache: true);
                        }

                        if (columns)
                        {
                            Resampling.Columns(rows ? scratch : source, columnTaps, first, lo, hi, scratch.AsSpan(width + Resampling.Taps.WindowLayout.Window), destination.AsSpan((int)((((long)i * shape.Channels) + c) * plane) + (y * width) + left, right - left));
                        }
                    }
                }
            }
        }
    }

    /// <summary>The source elements the Mosaic row passes read (each quadrant's source rows × the input columns its
    /// outputs read), over the elements written.</summary>
    private static double SourcePlanesRead(MixPlan plan, BatchShape shape)
    {
        double read = 0;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            var mosaic = (MosaicRegion)plan.Regions[i];
            for (int q = 0; q < MosaicRegion.Quadrants; q++)
            {
                (int top, int left, int bottom, int right) = mosaic.QuadrantBox(q);
                (int first, int end) = mosaic.SourceRowsRead(top, bottom);
                int lo = mosaic.ColumnTaps.Start[mosaic.TileColumn(left)], hi = mosaic.ColumnTaps.End[mosaic.TileColumn(right - 1)];
                read += (double)(end - first) * (hi - lo);
            }
        }

        return read / ((double)shape.BatchSize * shape.PlaneSize);
    }

    /// <summary>Each pass of every ResizeMix box row alone.</summary>
    private static void ResizePasses(MixPlan plan, float[] source, float[] destination, BatchShape shape, float[] scratch, bool rows, bool columns)
    {
        int plane = shape.PlaneSize, width = shape.Width;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            if (plan.Regions[i] is not ResizeRegion box)
            {
                continue;
            }

            Resampling.Taps rowTaps = Resampling.Taps.For(shape.Height, box.Bottom - box.Top), columnTaps = Resampling.Taps.For(width, box.Right - box.Left);
            int partner = plan.Sources(i)[1], boxWidth = box.Right - box.Left;
            for (int c = 0; c < shape.Channels; c++)
            {
                long at = _cachedSource ? 0 : (((long)partner * shape.Channels) + c) * plane;
                for (int r = 0; r < box.Bottom - box.Top; r++)
                {
                    if (rows)
                    {
                        Resampling.Rows(source.AsSpan((int)at, plane), width, rowTaps, r, 0, width, scratch.AsSpan(0, width), planeInCache: _notAskedAhead);
                    }

                    if (columns)
                    {
                        Resampling.Columns(rows ? scratch : source, columnTaps, 0, 0, width, scratch.AsSpan(width + Resampling.Taps.WindowLayout.Window), destination.AsSpan((int)((((long)i * shape.Channels) + c) * plane) + ((box.Top + r) * width) + box.Left, boxWidth));
                    }
                }
            }
        }
    }

    /// <summary>Copies columns [<paramref name="left"/>, <paramref name="right"/>) of every row, with plain or
    /// non-temporal stores (the latter the way Mosaic's streamed rows are written, <c>OutputRows</c>).</summary>
    private static unsafe void CopyRows(float[] source, float[] destination, int width, int left, int right, bool stream)
    {
        fixed (float* from = source)
        fixed (float* to = destination)
        {
            for (long row = 0; row < source.Length; row += width)
            {
                float* f = from + row + left, t = to + row + left;
                int n = right - left, x = 0;
                if (stream && Avx512F.IsSupported)
                {
                    for (; x < n && (((nint)(t + x)) & 63) != 0; x++)
                    {
                        t[x] = f[x];
                    }

                    for (; x + 16 <= n; x += 16)
                    {
                        Avx512F.StoreAlignedNonTemporal(t + x, Vector512.Load(f + x));
                    }
                }

                new ReadOnlySpan<float>(f + x, n - x).CopyTo(new Span<float>(t + x, n - x));
            }

            if (stream && Sse.IsSupported)
            {
                Sse.StoreFence();
            }
        }
    }

    /// <summary>The column pass of four rows at once, from <paramref name="lines"/> into the rows of <paramref name="rows"/>.</summary>
    private static unsafe void FourRows(float[] lines, int lineLength, Resampling.Taps taps, float[] rows)
    {
        int n = rows.Length / Resampling.RowGroup;
        fixed (float* d = rows)
        {
            Resampling.ColumnsWindowedRows(lines, lineLength, taps, 0, n, [(nint)d, (nint)(d + n), (nint)(d + (2 * n)), (nint)(d + (3 * n))]);
        }
    }

    private static void Repeat(Action body)
    {
        for (int k = 0; k < 1000; k++)
        {
            body();
        }
    }

    private static void Report(string name, Action body, long elements)
    {
        for (int i = 0; i < 3; i++)
        {
            body();
        }

        (double ms, double wall) = CpuTime.MedianMilliseconds(body);
        Console.WriteLine($"{name,-52} {ms,9:F2} ms CPU {ms * 1e6 / elements,8:F3} ns/element {wall,9:F2} ms wall");
    }
}
