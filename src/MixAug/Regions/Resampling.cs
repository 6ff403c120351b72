using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Regions;

/// <summary>
/// The one resampler of resized sources (<see cref="ResizeRegion"/>, <see cref="MosaicRegion"/>): separable bilinear
/// with half-pixel centres, antialiased when shrinking (see <see cref="ResizeRegion"/>'s remarks for the definition),
/// and the nearest-neighbour rule dense targets follow it by.
/// </summary>
/// <remarks>
/// The float order is part of the definition (tests pin the uint8 path, TorchSharp's CPU-kernel path and a scalar
/// reference to it bit for bit): each output row first combines whole input rows, <c>(w₀·r₀ + w₁·r₁) + …</c> in input
/// order; then each output element is <c>((0 + w₀·l₀) + w₁·l₁) + …</c> over its taps in input order; every product
/// and sum rounded on its own (no fused multiply-add). The vector kernels below keep that order lane by lane.
/// </remarks>
internal static partial class Resampling
{
    /// <summary>What the column pass may read past the row pass's line: a window of <see cref="Taps.WindowLayout"/>.</summary>
    private const int LineSlack = Taps.WindowLayout.Window;

    /// <summary>What the column pass may write past the outputs' whole blocks: a block's unused lanes, and a block
    /// the run starts in the middle of.</summary>
    private const int BlockSlack = 2 * Taps.WindowLayout.Lanes;

    /// <summary>The scratch <see cref="ResizeRow"/> needs for planes <paramref name="width"/> wide resized to at most
    /// that width (as boxes and tiles are): a row pass line of the input width with the slack the column pass's windows
    /// read past it, and the column pass's whole blocks.</summary>
    public static int ScratchLength(int width) => (2 * width) + LineSlack + BlockSlack;

    /// <summary>
    /// Writes <paramref name="destination"/>.Length outputs of output row <paramref name="row"/>, from output column
    /// <paramref name="firstColumn"/> on, of <paramref name="plane"/> resized by <paramref name="rows"/> ×
    /// <paramref name="columns"/>. Rows are combined first (in float32, over the input columns the outputs read only),
    /// then columns, each output a weighted sum in input order. <paramref name="scratch"/> holds at least
    /// <see cref="ScratchLength"/>(<paramref name="width"/>) elements. <paramref name="planeInCache"/> says how the
    /// row pass reads the plane (<see cref="Rows"/>); the values are the same either way.
    /// </summary>
    public static void ResizeRow(ReadOnlySpan<float> plane, int width, Taps rows, int row, Taps columns, int firstColumn, Span<float> scratch, Span<float> destination, bool planeInCache)
    {
        int last = firstColumn + destination.Length - 1;
        Span<float> line = scratch[..(width + LineSlack)];
        int lo = columns.Start[firstColumn], hi = columns.End[last];
        Rows(plane, width, rows, row, lo, hi, line, planeInCache);
        Columns(line, columns, firstColumn, lo, hi, scratch[line.Length..], destination);
    }

    /// <summary>The elements of one row pass line of <see cref="ResizeRows"/> for planes <paramref name="width"/> wide:
    /// the line and the slack the column pass's windows read past it.</summary>
    public static int LineLength(int width) => width + LineSlack;

    /// <summary>The scratch a caller of both <see cref="ResizeRows"/> and <see cref="ResizeRow"/> needs for planes
    /// <paramref name="width"/> wide: <see cref="RowGroup"/> lines, or one row's scratch, whichever is longer.</summary>
    public static int RowGroupScratchLength(int width) => Math.Max(RowGroup * LineLength(width), ScratchLength(width));

    /// <summary>Whether <see cref="ResizeRows"/> takes <see cref="RowGroup"/> rows of these column taps at once (the
    /// windowed column pass, AVX-512).</summary>
    public static bool ResizesRowGroups(Taps columns) => columns.Windows is not null;

    /// <summary>
    /// <see cref="ResizeRow"/> for <see cref="RowGroup"/> output rows with the same columns: output row
    /// <paramref name="row"/> + r of <paramref name="plane"/> into <paramref name="destinations"/>[r], each
    /// <paramref name="count"/> outputs from output column <paramref name="firstColumn"/> on; the row passes first, into
    /// the lines of <paramref name="lines"/> (<see cref="RowGroupScratchLength"/> elements), then one column pass over
    /// the four (<see cref="ColumnsWindowedRows"/>). The same values as four <see cref="ResizeRow"/> calls. Only for taps
    /// where <see cref="ResizesRowGroups"/>; with one destination it is <see cref="ResizeRow"/> itself, so a caller walks
    /// its rows in groups of four and the rest one at a time through this one call.
    /// </summary>
    public static unsafe void ResizeRows(ReadOnlySpan<float> plane, int width, Taps rows, int row, Taps columns, int firstColumn, int count, Span<float> lines, ReadOnlySpan<nint> destinations, bool planeInCache)
    {
        if (destinations.Length == 1)
        {
            ResizeRow(plane, width, rows, row, columns, firstColumn, lines[..ScratchLength(width)], new Span<float>((void*)destinations[0], count), planeInCache);
            return;
        }

        int lineLength = LineLength(width), lo = columns.Start[firstColumn], hi = columns.End[firstColumn + count - 1];
        for (int r = 0; r < RowGroup; r++)
        {
            Rows(plane, width, rows, row + r, lo, hi, lines.Slice(r * lineLength, lineLength), planeInCache);
        }

        ColumnsWindowedRows(lines, lineLength, columns, firstColumn, count, destinations);
    }

    /// <summary>The row pass: input columns [<paramref name="lo"/>, <paramref name="hi"/>) of output row
    /// <paramref name="row"/> into the same columns of <paramref name="line"/>, each <c>(w₀·r₀ + w₁·r₁) + …</c> in
    /// input order. With 512-bit vectors the taps are added six at a time in one loop (<see cref="RowsFused"/>), which
    /// keeps the line in registers; a plane not in the cache (<paramref name="planeInCache"/> false: ResizeMix's
    /// partner) has the rows of the output row <see cref="PrefetchAhead"/> on asked for first, since the fused loop's six
    /// row streams at once outran the hardware prefetcher. ResizeMix's row pass alone (--profile-resample, one thread):
    /// from memory 8.2-8.5 ms CPU per batch fused, 5.9-6.3 fused and asked ahead, 6.2 by one TensorPrimitives call per
    /// tap; from L2 2.0 fused against 4.9 by tap. Without 512-bit vectors, each tap is one TensorPrimitives call.</summary>
    internal static void Rows(ReadOnlySpan<float> plane, int width, Taps rows, int row, int lo, int hi, Span<float> line, bool planeInCache)
    {
        Span<float> inputs = line[lo..hi];
        int first = rows.Start[row];
        ReadOnlySpan<float> weights = rows.WeightsOf(row);
        if (Vector512.IsHardwareAccelerated)
        {
            if (!planeInCache && row + PrefetchAhead < rows.End.Length)
            {
                PrefetchRows(plane, width, rows.End[row + PrefetchAhead - 1], rows.End[row + PrefetchAhead], lo, hi);
            }

            for (int k = 0; k < weights.Length; k += FusedTaps)
            {
                RowsFused(plane[(((first + k) * width) + lo)..], width, weights.Slice(k, Math.Min(FusedTaps, weights.Length - k)), inputs, accumulate: k > 0);
            }

            return;
        }

        TensorPrimitives.Multiply(plane.Slice((first * width) + lo, hi - lo), weights[0], inputs);
        for (int k = 1; k < weights.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(plane.Slice(((first + k) * width) + lo, hi - lo), weights[k], inputs, inputs);
        }
    }

    /// <summary>How many output rows ahead the row pass asks for input rows (2 and 6 measured alike).</summary>
    private const int PrefetchAhead = 2;

    /// <summary>Asks for input rows [<paramref name="first"/>, <paramref name="end"/>), columns [<paramref name="lo"/>,
    /// <paramref name="hi"/>).</summary>
    private static unsafe void PrefetchRows(ReadOnlySpan<float> plane, int width, int first, int end, int lo, int hi)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (float* p = plane)
        {
            for (int r = first; r < end; r++)
            {
                byte* row = (byte*)(p + ((long)r * width) + lo);
                int bytes = (hi - lo) * sizeof(float);
                for (int b = 0; b < bytes; b += 64)
                {
                    Sse.Prefetch0(row + b);
                }

                Sse.Prefetch0(row + bytes - 1);
            }
        }
    }

    /// <summary>The most taps <see cref="RowsFused"/> adds in one loop (each weight held in a register).</summary>
    private const int FusedTaps = 6;

    /// <summary>
    /// Adds up to <see cref="FusedTaps"/> taps to <paramref name="line"/> in one loop, 16 columns at a time: input row k
    /// is <paramref name="plane"/>[k·<paramref name="width"/> …]; the sum starts from the line when
    /// <paramref name="accumulate"/> (the taps before), else from the first product, and adds the products in input
    /// order, each rounded on its own (see <see cref="Rows"/> for where it is used and what it measured).
    /// </summary>
    // Mosaic's kernels (this, ColumnsWindowed, MosaicRows.WriteReaders) are compiled fully optimised at once, without
    // tiered PGO: with it, Mosaic took 19.5-20.9 ms on one thread in some processes and 23-25 in others, as the
    // profile the JIT happened to collect decided (wall clock, 128x3x224x224); without, 19.0-20.2 in five of five.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RowsFused(ReadOnlySpan<float> plane, int width, ReadOnlySpan<float> weights, Span<float> line, bool accumulate)
    {
        int n = line.Length, taps = weights.Length;
        if (taps is < 1 or > FusedTaps || plane.Length < ((taps - 1) * width) + n)
        {
            throw new ArgumentOutOfRangeException(nameof(plane), $"{taps} taps of {n} columns do not fit {plane.Length} elements of rows {width} wide.");
        }

        fixed (float* p = plane)
        fixed (float* w = weights)
        fixed (float* o = line)
        {
            // Each tap count its own loop, the count a constant in it: one loop that tests the count at every vector
            // kept the tests in it, and PGO laid the tests' taken branches out of line.
            switch (accumulate ? 0 : taps)
            {
                case 1: FusedLoop(p, width, w, o, n, 1, accumulate: false); break;
                case 2: FusedLoop(p, width, w, o, n, 2, accumulate: false); break;
                case 3: FusedLoop(p, width, w, o, n, 3, accumulate: false); break;
                case 4: FusedLoop(p, width, w, o, n, 4, accumulate: false); break;
                case 5: FusedLoop(p, width, w, o, n, 5, accumulate: false); break;
                case 6: FusedLoop(p, width, w, o, n, 6, accumulate: false); break;
                default: FusedLoop(p, width, w, o, n, taps, accumulate: true); break;
            }
        }
    }

    /// <summary>The loop of <see cref="RowsFused"/>, inlined into each of its calls with the tap count a constant.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void FusedLoop(float* p, int width, float* w, float* o, int n, int taps, bool accumulate)
    {
        const int Lanes = 16;
        float* r1 = p + width, r2 = r1 + width, r3 = r2 + width, r4 = r3 + width, r5 = r4 + width;
        Vector512<float> w0 = Vector512.Create(w[0]);
        Vector512<float> w1 = Vector512.Create(taps > 1 ? w[1] : 0f), w2 = Vector512.Create(taps > 2 ? w[2] : 0f);
        Vector512<float> w3 = Vector512.Create(taps > 3 ? w[3] : 0f), w4 = Vector512.Create(taps > 4 ? w[4] : 0f);
        Vector512<float> w5 = Vector512.Create(taps > 5 ? w[5] : 0f);
        // A sum that starts from its first product depends on the inputs alone, so the last columns can be one
        // vector over the last 16 (some done twice, to the same bits): fifteen columns one at a time, over six
        // taps, cost as much as the vectors of a 180-column quadrant row. Accumulating, they are done one by one.
        bool overlapLast = n >= Lanes && !accumulate;
        int x = 0;
        for (; x < n; x += Lanes)
        {
            if (x + Lanes > n)
            {
                if (!overlapLast)
                {
                    break;
                }

                x = n - Lanes;
            }

            Vector512<float> product = w0 * Vector512.Load(p + x);
            Vector512<float> s = accumulate ? Vector512.Load(o + x) + product : product;
            if (taps > 1)
            {
                s += w1 * Vector512.Load(r1 + x);
            }

            if (taps > 2)
            {
                s += w2 * Vector512.Load(r2 + x);
            }

            if (taps > 3)
            {
                s += w3 * Vector512.Load(r3 + x);
            }

            if (taps > 4)
            {
                s += w4 * Vector512.Load(r4 + x);
            }

            if (taps > 5)
            {
                s += w5 * Vector512.Load(r5 + x);
            }

            s.Store(o + x);
        }

        for (; x < n; x++)
        {
            float s = accumulate ? o[x] + (w[0] * p[x]) : w[0] * p[x];
            for (int k = 1; k < taps; k++)
            {
                s += w[k] * p[((long)k * width) + x];
            }

            o[x] = s;
        }
    }

    /// <summary>
    /// The input a dense target takes output <paramref name="output"/> from when <paramref name="inputs"/> are resized to
    /// <paramref name="outputs"/>: the input whose cell holds the output's centre, ⌊(i + ½)·n/m⌋ (PyTorch's
    /// <c>nearest-exact</c>), computed in integers so no rounding can move it.
    /// </summary>
    public static int Nearest(int inputs, int outputs, int output) => (int)(((long)inputs * ((2L * output) + 1)) / (2L * outputs));
}
