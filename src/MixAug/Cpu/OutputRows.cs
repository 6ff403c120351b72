using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Cpu;

/// <summary>
/// Where <see cref="MosaicRows"/> writes its quadrant rows. A quadrant row is part of an output row, and the quadrants
/// of an output row are written at different times (by the units of their sources), so the hardware prefetcher does
/// not see a stream to fetch ahead: each store waited on memory for its line (write-allocate). Asking for the rows
/// <see cref="Ahead"/> ahead took Mosaic from 35.0-36.1 to 26.5-26.9 ms CPU per batch (--profile-resample, one thread,
/// quiet). For large float outputs the rows are instead streamed: each row is resized into a staging row in L1 and,
/// after the next row is resized (so its stores have left the core's store buffer, which a load across them would
/// wait for), copied out with non-temporal stores, which write whole lines without reading them; only the partial
/// lines at a row's ends are stored and asked for as before. Streamed, Mosaic took 20.4-20.7 ms CPU per batch against
/// 21.9-22.0 stored (one thread), and 19.6-19.7 against 22.2-22.5 on two threads (--profile-resample, three rounds
/// alternating, quiet). A streamed row is not left in the caches, so only outputs of at least
/// <c>MixJob.StreamThresholdBytes</c> (16 MiB, far past the L2 caches a next step could read them from) are streamed.
/// </summary>
internal unsafe struct OutputRows
{
    /// <summary>Output rows asked for ahead of the row being written (1, 2 and 4 measured alike).</summary>
    public const int Ahead = 2;

    /// <summary>Whether rows can be streamed here (512-bit non-temporal stores).</summary>
    public static bool CanStream => Avx512F.IsSupported;

    private const int Line = 64;
    private const int Lanes = Line / sizeof(float);
    private readonly float* _staging;
    private readonly int _width;
    private readonly bool _stream;
    private readonly int _rows;
    private float* _next;
    private float* _pending;
    private float* _target;
    private float* _own;
    private int _left;
    private int _right;
    private int _count;
    private int _turn;

    /// <summary>The staging elements <see cref="OutputRows(float*, int, bool, int)"/> needs for <paramref name="rows"/>
    /// staging rows up to <paramref name="width"/> long, each with room to start at any offset within a line, and room to
    /// start the first at a line.</summary>
    public static int StagingLength(int width, int rows = 2) => (rows * RowPitch(width)) + Lanes;

    /// <summary>Rows written through <paramref name="staging"/> (<see cref="StagingLength"/>(<paramref name="width"/>,
    /// <paramref name="rows"/>) elements), streamed when <paramref name="stream"/> (where <see cref="CanStream"/>):
    /// <paramref name="rows"/> staging rows taken in turn, two for rows staged one at a time (the one being resized and
    /// the one pending), n + 1 for n at a time.</summary>
    public OutputRows(float* staging, int width, bool stream, int rows = 2)
    {
        _staging = (float*)(((nint)staging + Line - 1) & ~(nint)(Line - 1));
        _width = RowPitch(width);
        _stream = stream && CanStream;
        _rows = rows;
        _next = null;
        _pending = null;
        _target = null;
        _own = null;
        _left = 0;
        _right = 0;
        _count = 0;
        _turn = 0;
    }

    /// <summary>The elements from one staging row to the next: whole lines, with a line to spare for the offset.</summary>
    private static int RowPitch(int width) => ((width + Lanes - 1) / Lanes * Lanes) + Lanes;

    /// <summary>Asks for an output row's lines that stores will write (streamed: its two partial end lines).</summary>
    public readonly void Prefetch(byte* row, int bytes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        if (_stream)
        {
            Sse.Prefetch0(row);
            Sse.Prefetch0(row + bytes - 1);
            return;
        }

        Lines(row, bytes);
    }

    /// <summary>Asks for every line of <paramref name="bytes"/> bytes from <paramref name="at"/>.</summary>
    public static void Lines(byte* at, int bytes)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        for (int b = 0; b < bytes; b += Line)
        {
            Sse.Prefetch0(at + b);
        }

        Sse.Prefetch0(at + bytes - 1);
    }

    /// <summary>The staging row the next output row (for <paramref name="target"/>) is resized into: the next in turn,
    /// never the row still pending nor one staged since (up to the rows the staging holds, less one), starting at the
    /// target's offset within a line, so that the streamed copy's loads are as aligned as its stores (staging rows at
    /// other offsets split every load over two lines: Mosaic measured 25.0 against 20.8 ms CPU per batch when the pool
    /// handed out such a buffer).</summary>
    public Span<float> Next(void* target, int count)
    {
        _turn = _turn + 1 == _rows ? 0 : _turn + 1;
        int offset = _stream ? (int)(((nint)target & (Line - 1)) / sizeof(float)) : 0;
        _next = _staging + (_turn * _width) + offset;
        return new Span<float>(_next, count);
    }

    /// <summary>Writes the pending row out and makes the row just staged (by <see cref="Next"/>) pending, for
    /// <paramref name="target"/>.</summary>
    public void Defer(float* target, int count)
    {
        Flush();
        _pending = _next;
        _target = target;
        _count = count;
    }

    /// <summary>As <see cref="Defer(float*, int)"/> for <paramref name="staged"/>, a row <see cref="Next"/> returned
    /// (of several staged before any is deferred).</summary>
    public void Defer(float* staged, float* target, int count)
    {
        _next = staged;
        Defer(target, count);
    }

    /// <summary>
    /// As <see cref="Defer(float*, int)"/>, for a row staged only in columns [<paramref name="left"/>, <paramref name="right"/>): the
    /// rest of the row is <paramref name="own"/>'s, read when the row is written out. Streamed, each line is loaded from
    /// wherever its elements lie (both and a lane mask where it straddles an edge), so the own elements are not first
    /// copied into the staging row: for ResizeMix's box rows that copy was a sixth of the apply's samples under perf.
    /// </summary>
    public void DeferAround(float* target, int count, float* own, int left, int right)
    {
        if (!_stream)
        {
            // Plain stores copy the row out element by element anyway: stage the own elements with it.
            new ReadOnlySpan<float>(own, left).CopyTo(new Span<float>(_next, left));
            new ReadOnlySpan<float>(own + right, count - right).CopyTo(new Span<float>(_next + right, count - right));
            Defer(target, count);
            return;
        }

        Flush();
        _pending = _next;
        _target = target;
        _count = count;
        _own = own;
        _left = left;
        _right = right;
    }

    /// <summary>As <see cref="DeferAround(float*, int, float*, int, int)"/> for <paramref name="staged"/>, a row
    /// <see cref="Next"/> returned (of several staged before any is deferred).</summary>
    public void DeferAround(float* staged, float* target, int count, float* own, int left, int right)
    {
        _next = staged;
        DeferAround(target, count, own, left, right);
    }

    /// <summary>Writes the pending row out, and orders the streamed stores before whatever follows (another thread
    /// reads the output once the job ends).</summary>
    public void Finish()
    {
        Flush();
        if (_stream)
        {
            Sse.StoreFence();
        }
    }

    /// <summary>Copies <paramref name="count"/> elements to <paramref name="to"/> with non-temporal stores where
    /// <see cref="CanStream"/> (plain stores up to the first whole line and after the last).</summary>
    public static void Stream(float* from, float* to, int count) => Write(from, to, count, stream: CanStream, staged: false);

    private void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        int n = _count;
        _count = 0;
        if (_own is not null)
        {
            WriteAround(_pending, _own, _target, n, _left, _right);
            _own = null;
            return;
        }

        Write(_pending, _target, n, _stream, staged: true);
    }

    /// <summary>The streamed copy out of a row staged in [<paramref name="left"/>, <paramref name="right"/>) only, the
    /// rest from <paramref name="own"/>; <paramref name="staged"/> starts at the target's offset within a line.</summary>
    private static void WriteAround(float* staged, float* own, float* to, int n, int left, int right)
    {
        int x = ((nint)to & 3) == 0 ? Math.Min(n, (int)((Line - ((nint)to & (Line - 1))) & (Line - 1)) / sizeof(float)) : n;
        for (int i = 0; i < x; i++)
        {
            to[i] = i >= left && i < right ? staged[i] : own[i];
        }

        Vector512<int> lo = Vector512.Create(left), hi = Vector512.Create(right);
        for (; x + Lanes <= n; x += Lanes)
        {
            Vector512<float> v;
            if (x + Lanes <= left || x >= right)
            {
                v = Vector512.Load(own + x);
            }
            else if (x >= left && x + Lanes <= right)
            {
                v = Vector512.LoadAligned(staged + x);
            }
            else
            {
                Vector512<int> column = Vector512<int>.Indices + Vector512.Create(x);
                Vector512<float> inside = (Vector512.GreaterThanOrEqual(column, lo) & Vector512.LessThan(column, hi)).AsSingle();
                v = Vector512.ConditionalSelect(inside, Vector512.LoadAligned(staged + x), Vector512.Load(own + x));
            }

            Avx512F.StoreAlignedNonTemporal(to + x, v);
        }

        for (; x < n; x++)
        {
            to[x] = x >= left && x < right ? staged[x] : own[x];
        }
    }

    /// <summary>The copy out: <paramref name="staged"/> rows start at the target's offset within a line, so their
    /// loads are aligned where the stores are.</summary>
    private static void Write(float* from, float* to, int n, bool stream, bool staged)
    {
        int x = 0;
        if (stream && ((nint)to & 3) == 0)
        {
            // Plain stores up to the first whole line, whole lines streamed, plain stores after the last.
            x = Math.Min(n, (int)((Line - ((nint)to & (Line - 1))) & (Line - 1)) / sizeof(float));
            for (int i = 0; i < x; i++)
            {
                to[i] = from[i];
            }

            for (; x + Lanes <= n; x += Lanes)
            {
                Vector512<float> v = staged ? Vector512.LoadAligned(from + x) : Vector512.Load(from + x);
                Avx512F.StoreAlignedNonTemporal(to + x, v);
            }
        }

        for (; x < n; x++)
        {
            to[x] = from[x];
        }
    }
}
