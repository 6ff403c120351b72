using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// Applies one plan to one batch. The work is cut into segments (a run of whole rows of one channel plane, a few
/// kilobytes). For a pairwise plan whose partners form a permutation, each segment is walked around each cycle of the
/// permutation: output i needs x[i] and x[partner(i)], and the next step needs x[partner(i)] again, so every input
/// segment is read from memory once and every output segment written once, the traffic of a plain copy. Other plans
/// (several sources, repeated partners, tiles) are mixed sample by sample from an untouched source: the input itself,
/// or, in place, a snapshot of it; where their partners still form a permutation (ResizeMix, GridMix with own tiles),
/// the samples are taken in the order of the cycles, plane by plane, so that a partner's plane is read again from the
/// cache as the next unit's own.
/// </summary>
/// <remarks>
/// <para>In place, cycle step t overwrites x[i_t] after its last reader (step t itself; step t − 1 came before), except
/// that the cycle's last step needs x[i_0], overwritten at step 0: the part of x[i_0] that the last sample reads is
/// saved to a segment-sized spare first. That makes in-place mixing correct for any permutation, with no batch copy
/// (timm clones the whole batch for this).</para>
/// <para>Cycles of two (the flip pairing's pairs, each sample the other's partner) of blends, boxes, soft boxes, partner
/// tiles and masks go through pair kernels instead (<see cref="IMixKernels{T}.BlendPair"/>,
/// <see cref="IMixKernels{T}.BoxPairRow"/>, <see cref="IMixKernels{T}.SoftPairRowBlend"/>,
/// <see cref="IMixKernels{T}.MaskPairBlend"/>, tiles as rows of 0/1 weights): both samples are read, then both outputs written, element by element,
/// so no spare is made and each element is loaded once for both outputs. On one thread this halved SmoothMix and
/// CutMix with half-area boxes in place (8.3 to 4.3 ms and 6.7 to 3.0 ms for 128x3x224x224).</para>
/// <para>Ranked masks (FMix, SaliencyMix's mask mode) are rasterised once per plane. When every masked sample has a
/// noise image of its own and the cycles are short (flip and pair pairings), each part takes whole cycles: it
/// rasterises the masks of a cycle into its own scratch and walks that cycle at once, segment by segment over every
/// channel, so the masks are read from cache and never travel to memory. Otherwise all masks are rasterised first into
/// a buffer the job keeps (<see cref="MaskRaster"/>) and read by the segments of every channel.</para>
/// <para>Soft boxes (SmoothMix) are not rasterised: each row of a segment makes its weights <c>1f − gy·gx</c> in
/// registers from the row's fall-off and the columns' (<see cref="IMixKernels{T}.SoftRowBlend"/>), and rows and
/// columns outside the box's support are the sample's own, so no weight plane is written or read per channel.</para>
/// <para>Parts split the segments (not the samples) between threads, so each part is independent, in place too, and
/// the result is the same for any number of parts. A job is scratch of a <see cref="MixConfiguration"/>, rented per
/// call and returned, so a warmed-up call allocates nothing; its pointers are valid only during the synchronous call.</para>
/// </remarks>
internal sealed unsafe partial class MixJob<T, TKernels> : IParallelWork
    where T : unmanaged
    where TKernels : IMixKernels<T>
{
    // Batches below this many bytes are mixed on the calling thread: waking a worker costs more than it saves.
    private const long ParallelThresholdBytes = 1 << 20;

    // A spare segment up to this size lives on the stack; wider rows rent one from the array pool.
    private const int StackSpareBytes = 64 * 1024;

    // The longest cycle whose masks a part rasterises into its own scratch (flip and pair pairings make cycles of two).
    private const int MaxFusedCycle = 4;

    private readonly SampleOpDecoder _decoder = new();
    private readonly MaskRaster _raster = new();
    private readonly ResizedBoxes<T> _resizedBoxes = new();
    private readonly MosaicRows _mosaics = new();
    private readonly List<(float[] Masks, RasterWorkspace Workspace)> _partScratch = [];
    private SampleOp[] _ops = [];
    private int[] _order = [];
    private int[] _starts = [];
    private bool[] _seen = [];
    private T[] _zeros = [];

    private MixPlan _plan = null!;
    private T* _source;
    private T* _destination;
    private float* _masks;
    private T* _zero;
    private bool _inPlace;
    private bool _general;
    private bool _fused;
    private bool _deferredBoxes;
    private bool _placing;
    private T* _boxes;
    private BatchLayout _layout;
    private bool _bySource;
    private bool _cycleOrdered;
    private bool _stream; // float rows written whole are streamed (see StreamThresholdBytes): decided once per call
    private MixConfiguration _configuration = null!;
    private int _cycles;
    private int _sampleSize;
    private int _plane;
    private int _width;
    private int _height;
    private int _segmentLength;
    private int _segmentsPerPlane;
    private int _units;

    /// <summary>Forces the number of parts (tests use it to prove results do not depend on the thread count).</summary>
    internal static int? PartsOverride { get; set; }

    /// <summary>Outputs from this size on are streamed past the caches where a method writes them by parts of rows
    /// (<see cref="OutputRows"/>): the output is read again from memory anyway, and whole lines written without reading
    /// them save the write-allocate reads (glibc's memcpy streams from about three quarters of the shared cache on).
    /// Only float32 outputs are streamed (uint8 rows are rounded one at a time), and only where
    /// <see cref="OutputRows.CanStream"/>. Settable so that tests cover both paths.</summary>
    internal static long StreamThresholdBytes { get; set; } = 16 << 20;

    /// <summary>The reason the plan cannot be applied to <typeparamref name="T"/> (a blend of more than two sources in uint8), or null.</summary>
    public static string? Unsupported(MixPlan plan)
    {
        if (typeof(T) == typeof(byte))
        {
            for (int i = 0; i < plan.BatchSize; i++)
            {
                if (plan.Regions[i] is BlendRegion && plan.Sources(i).Length > 2)
                {
                    return $"Sample {i} blends {plan.Sources(i).Length} sources; uint8 batches are rounded once per element, so they take blends of two sources only. Mix in float32.";
                }
            }
        }

        return null;
    }

    /// <summary>Mixes <paramref name="source"/> into <paramref name="destination"/> (the same pointer for in place).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="source">The batch.</param>
    /// <param name="destination">The output.</param>
    /// <param name="layout">Channels and plane of the buffers (checked by the caller).</param>
    /// <param name="configuration">Owner of the workers and scratch.</param>
    public void Run(MixPlan plan, T* source, T* destination, BatchLayout layout, MixConfiguration configuration)
    {
        _plan = plan;
        _source = source;
        _destination = destination;
        _inPlace = source == destination;
        _sampleSize = layout.Channels * layout.Plane;
        _plane = layout.Plane;
        _width = layout.Width;
        _height = layout.Height;
        int rows = layout.Plane / layout.Width;
        int rowsPerSegment = Math.Clamp(TKernels.SegmentTarget / layout.Width, 1, rows);
        _segmentLength = rowsPerSegment * layout.Width;
        _segmentsPerPlane = (rows + rowsPerSegment - 1) / rowsPerSegment;
        int b = plan.BatchSize;
        long bytes = (long)b * _sampleSize * sizeof(T);
        WorkerPool workers = configuration.Workers;
        int maxParts = PartsOverride ?? (bytes < ParallelThresholdBytes ? 1 : workers.Parallelism);
        Decode(plan);
        if (plan.ZeroPadsBlends && _zeros.Length < _segmentLength)
        {
            _zeros = GC.AllocateArray<T>(_segmentLength, pinned: true); // a zero-padded blend's padded source reads these
        }

        _zero = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_zeros));
        bool cycles = FindCycles(plan);
        _general = !cycles || !Walkable(b);
        _fused = !_general && Fusable(plan, maxParts);
        _deferredBoxes = _general && _inPlace && ResizedBoxes<T>.Applies(_ops.AsSpan(0, b));
        _bySource = _general && _mosaics.Index(plan, _ops.AsSpan(0, b));
        _cycleOrdered = _general && cycles && !_deferredBoxes && !_bySource;
        _stream = typeof(T) == typeof(float) && OutputRows.CanStream && bytes >= StreamThresholdBytes;
        _layout = layout;
        _units = _deferredBoxes || _bySource || _cycleOrdered ? b * layout.Channels : _fused ? _cycles : (_general ? b * layout.Channels : layout.Channels) * _segmentsPerPlane;
        _configuration = configuration;
        T[]? snapshot = null;
        try
        {
            float[] masks = _fused ? [] : _raster.Rasterise(plan, _ops, layout.Plane, configuration, workers, maxParts);
            if (_fused)
            {
                EnsurePartScratch(Math.Min(_units, maxParts), layout.Plane);
            }

            if (_deferredBoxes)
            {
                RunDeferredBoxes(workers, maxParts);
                return;
            }

            if (_general && _inPlace)
            {
                // Sources may be read after they were overwritten: mix from a copy.
                snapshot = ArrayPool<T>.Shared.Rent(b * _sampleSize);
                fixed (T* copy = snapshot)
                {
                    _snapshotCopy.Run(workers, maxParts, (byte*)source, (byte*)copy, (long)b * _sampleSize * sizeof(T));
                }
            }

            fixed (float* maskBase = masks)
            fixed (T* copy = snapshot)
            {
                _masks = maskBase;
                if (snapshot is not null)
                {
                    _source = copy;
                    _inPlace = false;
                }

                workers.Run(this, Math.Min(_units, maxParts));
            }
        }
        finally
        {
            if (snapshot is not null)
            {
                ArrayPool<T>.Shared.Return(snapshot);
            }

            _plan = null!;
            _configuration = null!;
            _source = null;
            _destination = null;
            _masks = null;
            Array.Clear(_ops, 0, Math.Min(_ops.Length, b)); // drop references to masks
        }
    }

    /// <summary>
    /// The in-place snapshot, copied over the parts that mix: on one thread it took about a third of an in-place Mosaic
    /// (a 77 MB batch copied at 7 ms, against 9.6 ms for the Mosaic itself on two threads).
    /// </summary>
    private readonly SnapshotCopy _snapshotCopy = new();

    /// <summary>Copies a byte range in as many slices as parts, each slice whole cache lines but the last.</summary>
    private sealed class SnapshotCopy : IParallelWork
    {
        private byte* _from;
        private byte* _to;
        private long _bytes;

        public void Run(WorkerPool workers, int maxParts, byte* from, byte* to, long bytes)
        {
            _from = from;
            _to = to;
            _bytes = bytes;
            try
            {
                // Below a few MB one thread copies as fast as two can be started.
                workers.Run(this, bytes < (4 << 20) ? 1 : maxParts);
            }
            finally
            {
                _from = null;
                _to = null;
            }
        }

        public void Execute(int part, int parts)
        {
            long slice = ((_bytes / parts) + 63) & ~63L, start = Math.Min(_bytes, part * slice), end = part == parts - 1 ? _bytes : Math.Min(_bytes, start + slice);
            Buffer.MemoryCopy(_from + start, _to + start, end - start, end - start);
        }
    }

    public void Execute(int part, int parts)
    {
        int first = (int)((long)_units * part / parts);
        int end = (int)((long)_units * (part + 1) / parts);
        if (_deferredBoxes)
        {
            ReadOnlySpan<SampleOp> ops = _ops.AsSpan(0, _plan.BatchSize);
            for (int unit = first; unit < end; unit++)
            {
                if (_placing)
                {
                    _resizedBoxes.Place(_plan, ops, unit, _destination, _boxes, _layout);
                }
                else
                {
                    _resizedBoxes.Compute(_plan, ops, unit, _source, _boxes, _layout);
                }
            }

            return;
        }

        if (_bySource)
        {
            for (int unit = first; unit < end; unit++)
            {
                MixPlaneUnit(unit, unit + 1 < end);
            }

            return;
        }

        if (_cycleOrdered)
        {
            for (int unit = first; unit < end; unit++)
            {
                MixCycleOrderedUnit(unit, unit + 1 < end);
            }

            return;
        }

        if (_general)
        {
            for (int unit = first; unit < end; unit++)
            {
                MixGeneralUnit(unit);
            }

            return;
        }

        if (_segmentLength * sizeof(T) <= StackSpareBytes)
        {
            T* spare = stackalloc T[_segmentLength];
            WalkPart(part, first, end, spare);
            FenceStreamedStores();
            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(_segmentLength);
        try
        {
            fixed (T* spare = rented)
            {
                WalkPart(part, first, end, spare);
                FenceStreamedStores();
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>ResizeMix in place (<see cref="ResizedBoxes{T}"/>): every box resized into a buffer, then, once no
    /// sample is read any more, copied into place.</summary>
    private void RunDeferredBoxes(WorkerPool workers, int maxParts)
    {
        long total = _resizedBoxes.Layout(_plan, _ops.AsSpan(0, _plan.BatchSize), _layout.Channels);
        T[] boxes = ArrayPool<T>.Shared.Rent((int)total);
        try
        {
            fixed (T* buffer = boxes)
            {
                _boxes = buffer;
                _placing = false;
                workers.Run(this, Math.Min(_units, maxParts));
                _placing = true;
                workers.Run(this, Math.Min(_units, maxParts));
            }
        }
        finally
        {
            _boxes = null;
            ArrayPool<T>.Shared.Return(boxes);
        }
    }

    /// <summary>Orders a part's non-temporal stores (the pair kernels' streamed outputs) before the part reports done:
    /// they are weakly ordered, so another thread could otherwise read an output line before it reaches memory.</summary>
    private void FenceStreamedStores()
    {
        if (_stream && !_inPlace)
        {
            System.Runtime.Intrinsics.X86.Sse.StoreFence();
        }
    }

    private void Decode(MixPlan plan)
    {
        int b = plan.BatchSize;
        if (_ops.Length < b)
        {
            _ops = new SampleOp[b];
        }

        _decoder.Begin(plan);
        for (int i = 0; i < b; i++)
        {
            _ops[i] = _decoder.Decode(plan, i);
        }
    }
}
