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
/// or, in place, a snapshot of it.
/// </summary>
/// <remarks>
/// <para>In place, cycle step t overwrites x[i_t] after its last reader (step t itself; step t − 1 came before), except
/// that the cycle's last step needs x[i_0], overwritten at step 0: the part of x[i_0] that the last sample reads is
/// saved to a segment-sized spare first. That makes in-place mixing correct for any permutation, with no batch copy
/// (timm clones the whole batch for this).</para>
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
internal sealed unsafe class MixJob<T, TKernels> : IParallelWork
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
        _general = !FindCycles(plan);
        _fused = !_general && Fusable(plan, maxParts);
        _deferredBoxes = _general && _inPlace && ResizedBoxes<T>.Applies(_ops.AsSpan(0, b));
        _bySource = _general && _mosaics.Index(plan, _ops.AsSpan(0, b));
        _layout = layout;
        _units = _deferredBoxes || _bySource ? b * layout.Channels : _fused ? _cycles : (_general ? b * layout.Channels : layout.Channels) * _segmentsPerPlane;
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
                    Buffer.MemoryCopy(source, copy, (long)snapshot.Length * sizeof(T), (long)b * _sampleSize * sizeof(T));
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
                MixPlaneUnit(unit);
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
            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(_segmentLength);
        try
        {
            fixed (T* spare = rented)
            {
                WalkPart(part, first, end, spare);
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

    /// <summary>Units are segments of every cycle, or (fused) whole cycles with their masks.</summary>
    private void WalkPart(int part, int first, int end, T* spare)
    {
        if (!_fused)
        {
            Walk(first, end, spare);
            return;
        }

        (float[] masks, RasterWorkspace workspace) = _partScratch[part];
        fixed (float* maskBase = masks)
        {
            for (int cycle = first; cycle < end; cycle++)
            {
                WalkCycleWithMasks(cycle, maskBase, masks, workspace, spare);
            }
        }
    }

    /// <summary>
    /// True when ranked masks are better rasterised cycle by cycle: every masked sample ranks values of its own (a
    /// noise image per sample, not one per batch), every cycle is short, and there are enough cycles to share out.
    /// </summary>
    private bool Fusable(MixPlan plan, int parts)
    {
        bool anyRanked = false;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            anyRanked |= _ops[i].Ranked;
        }

        if (!anyRanked || _cycles < 2 * parts)
        {
            return false;
        }

        for (int c = 0; c < _cycles; c++)
        {
            if (_starts[c + 1] - _starts[c] > MaxFusedCycle)
            {
                return false;
            }
        }

        return _raster.EverySampleRanksItsOwnValues(plan, _ops);
    }

    private void EnsurePartScratch(int parts, int plane)
    {
        while (_partScratch.Count < parts)
        {
            _partScratch.Add(([], new RasterWorkspace()));
        }

        for (int p = 0; p < parts; p++)
        {
            if (_partScratch[p].Masks.Length < MaxFusedCycle * plane)
            {
                _partScratch[p] = (GC.AllocateUninitializedArray<float>(MaxFusedCycle * plane), _partScratch[p].Workspace);
            }
        }
    }

    /// <summary>
    /// One cycle, fused: its ranked masks rasterised into the part's scratch, then walked channel by channel (the few
    /// masks of a cycle stay in the core's cache for every channel; walking segment-major instead, with its three streams
    /// per sample, measured 12 % slower for 128x3x224x224 FMix per sample on one thread).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WalkCycleWithMasks(int cycle, float* maskBase, float[] masks, RasterWorkspace workspace, T* spare)
    {
        int start = _starts[cycle], length = _starts[cycle + 1] - start;
        int plane = _plane, sampleSize = _sampleSize, channels = sampleSize / plane, first = _order[start];
        for (int t = 0; t < length; t++)
        {
            int sample = _order[start + t];
            if (_ops[sample].Ranked)
            {
                RegionRasterizer.WriteComputedMask(_plan.Regions[sample], _plan.Spatial, _configuration, workspace, masks.AsSpan(t * plane, plane));
            }
        }

        for (int channel = 0; channel < channels; channel++)
        {
            for (int s = 0; s < _segmentsPerPlane; s++)
            {
                int offset = s * _segmentLength;
                int count = Math.Min(_segmentLength, plane - offset);
                long planeOffset = ((long)channel * plane) + offset;
                if (length == 1)
                {
                    if (!_inPlace)
                    {
                        Copy(_source + (((long)first * sampleSize) + planeOffset), _destination + (((long)first * sampleSize) + planeOffset), count);
                    }

                    continue;
                }

                if (_inPlace)
                {
                    SaveForLast(in _ops[_order[start + length - 1]], _source + (((long)first * sampleSize) + planeOffset), spare, offset, count);
                }

                for (int t = 0; t < length; t++)
                {
                    int sample = _order[start + t];
                    int partner = t == length - 1 ? first : _order[start + t + 1];
                    long at = ((long)sample * sampleSize) + planeOffset;
                    T* partnerSegment = _inPlace && t == length - 1 ? spare : _source + (((long)partner * sampleSize) + planeOffset);
                    MixPair(in _ops[sample], maskBase + ((long)t * plane), _source + at, partnerSegment, _destination + at, offset, count);
                }
            }
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

    /// <summary>Lists the samples cycle by cycle when the plan can be walked in cycles; false otherwise.</summary>
    private bool FindCycles(MixPlan plan)
    {
        if (!plan.IsPairwise)
        {
            return false;
        }

        int b = plan.BatchSize;
        for (int i = 0; i < b; i++)
        {
            // Tiles of the partner only are a union of boxes and walk like one; tiles that repaint the sample's own
            // elements over the partner's need the untouched sample, which in place only a snapshot keeps.
            // A resized partner (or mosaic tile) reads its whole plane, rows another segment may already have overwritten in place.
            if (_ops[i].Kind is OpKind.BlendMany or OpKind.Resize or OpKind.Mosaic || (_ops[i].Kind == OpKind.Tiles && !_ops[i].PartnerTilesOnly))
            {
                return false;
            }
        }

        if (_order.Length < b)
        {
            _order = new int[b];
            _starts = new int[b + 1];
            _seen = new bool[b];
        }

        ReadOnlySpan<int> partners = plan.Partners;
        Span<bool> seen = _seen.AsSpan(0, b);
        seen.Clear();
        foreach (int p in partners)
        {
            if (seen[p])
            {
                return false; // a repeated partner: not a permutation
            }

            seen[p] = true;
        }

        seen.Clear();
        int n = 0;
        _cycles = 0;
        for (int i = 0; i < b; i++)
        {
            if (seen[i])
            {
                continue;
            }

            _starts[_cycles++] = n;
            for (int j = i; !seen[j]; j = partners[j])
            {
                seen[j] = true;
                _order[n++] = j;
            }
        }

        _starts[_cycles] = b;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(int firstUnit, int endUnit, T* spare)
    {
        int plane = _plane;
        int sampleSize = _sampleSize;
        for (int cycle = 0; cycle < _cycles; cycle++)
        {
            int start = _starts[cycle];
            int length = _starts[cycle + 1] - start;
            int first = _order[start];
            for (int unit = firstUnit; unit < endUnit; unit++)
            {
                int channel = unit / _segmentsPerPlane;
                int offset = (unit % _segmentsPerPlane) * _segmentLength;
                int count = Math.Min(_segmentLength, plane - offset);
                long planeOffset = ((long)channel * plane) + offset;
                if (length == 1)
                {
                    if (!_inPlace)
                    {
                        Copy(_source + (((long)first * sampleSize) + planeOffset), _destination + (((long)first * sampleSize) + planeOffset), count);
                    }

                    continue;
                }

                if (_inPlace)
                {
                    SaveForLast(in _ops[_order[start + length - 1]], _source + (((long)first * sampleSize) + planeOffset), spare, offset, count);
                }

                for (int t = 0; t < length; t++)
                {
                    int sample = _order[start + t];
                    int partner = t == length - 1 ? first : _order[start + t + 1];
                    long at = ((long)sample * sampleSize) + planeOffset;
                    T* partnerSegment = _inPlace && t == length - 1 ? spare : _source + (((long)partner * sampleSize) + planeOffset);
                    MixPair(in _ops[sample], _masks + _ops[sample].MaskOffset, _source + at, partnerSegment, _destination + at, offset, count);
                }
            }
        }
    }

    /// <summary>One segment of one channel of one sample, from any of its sources (general plans).</summary>
    private void MixGeneralUnit(int unit)
    {
        int perSample = (_sampleSize / _plane) * _segmentsPerPlane;
        int rest = unit % perSample;
        MixGeneralSegment(unit / perSample, rest / _segmentsPerPlane, rest % _segmentsPerPlane);
    }

    /// <summary>
    /// One channel of one sample (plans with mosaics): the sample's own output plane, segment by segment, unless it is
    /// a mosaic; then every mosaic quadrant that shows this plane (<see cref="MosaicRows"/>). Each output element is
    /// written by one unit: a mosaic's quadrant by the unit of the source it shows.
    /// </summary>
    private void MixPlaneUnit(int unit)
    {
        int channels = _sampleSize / _plane, sample = unit / channels, channel = unit % channels;
        if (_ops[sample].Kind != OpKind.Mosaic)
        {
            for (int segment = 0; segment < _segmentsPerPlane; segment++)
            {
                MixGeneralSegment(sample, channel, segment);
            }
        }

        long planeOffset = (long)channel * _plane;
        _mosaics.WriteReaders(_plan, sample, Source(sample, planeOffset), _destination + planeOffset, _sampleSize, _width, _plane);
    }

    /// <summary>Segment <paramref name="segment"/> of channel <paramref name="channel"/> of sample
    /// <paramref name="sample"/>, from any of its sources (general plans; mosaics are written by source).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixGeneralSegment(int sample, int channel, int segment)
    {
        int offset = segment * _segmentLength;
        int count = Math.Min(_segmentLength, _plane - offset);
        long planeOffset = ((long)channel * _plane) + offset;
        ReadOnlySpan<int> sources = _plan.Sources(sample);
        T* destination = _destination + (((long)sample * _sampleSize) + planeOffset);
        T* self = _source + (((long)sample * _sampleSize) + planeOffset);
        ref readonly SampleOp op = ref _ops[sample];
        switch (op.Kind)
        {
            case OpKind.BlendMany:
                ReadOnlySpan<double> weights = _plan.Weights(sample);
                TKernels.Blend(self, Source(sources[1], planeOffset), destination, count, (float)weights[0], (float)weights[1]);
                for (int k = 2; k < sources.Length; k++)
                {
                    // acc + x_k·w_k: a blend of the accumulator with weight 1 (x·1 is exact), in slot order.
                    TKernels.Blend(destination, Source(sources[k], planeOffset), destination, count, 1f, (float)weights[k]);
                }

                return;
            case OpKind.Tiles:
                Copy(self, destination, count);
                foreach (Tile tile in op.Tiles.AsSpan(op.TileStart, op.TileCount))
                {
                    // Own tiles too: painted after a partner's tile, they bring the sample's elements back.
                    CopyRows(tile.Top, tile.Left, tile.Bottom, tile.Right, offset, count, Source(sources[tile.Slot], planeOffset), destination);
                }

                return;
            case OpKind.Resize:
                var box = (ResizeRegion)_plan.Regions[sample];
                CopyAround(box.Top, box.Left, box.Bottom, box.Right, offset, count, self, destination);
                ResizeRows.Write(box, Source(sources[1], planeOffset - offset), destination, _width, _plane, offset, count);
                return;
            case OpKind.Mosaic:
                throw new InvalidOperationException($"Sample {sample}'s mosaic is written by source (MixPlaneUnit), not by segment.");
            default:
                T* partner = sources.Length > 1 ? Source(sources[1], planeOffset) : self;
                MixPair(in op, _masks + op.MaskOffset, self, partner, destination, offset, count);
                return;
        }
    }

    private T* Source(int sample, long planeOffset) => _source + (((long)sample * _sampleSize) + planeOffset);

    /// <summary>Copies to the spare the elements of the cycle's first sample that the cycle's last sample will read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SaveForLast(in SampleOp last, T* firstSegment, T* spare, int offset, int count)
    {
        switch (last.Kind)
        {
            case OpKind.Keep:
                return;
            case OpKind.Box:
                CopyBox(in last, offset, count, firstSegment, spare);
                return;
            case OpKind.SoftBox:
                CopyRows(last.Top, last.Left, last.Bottom, last.Right, offset, count, firstSegment, spare); // its support
                return;
            case OpKind.Tiles:
                // The last sample reads the spare at its tiles only, all inside their bounding box: one copy per row
                // of it instead of one per row of every tile (a grid has about 24 holes).
                CopyRows(last.Top, last.Left, last.Bottom, last.Right, offset, count, firstSegment, spare);
                return;
            default:
                Copy(firstSegment, spare, count);
                return;
        }
    }

    /// <summary>One segment of a sample mixed with one partner.</summary>
    /// <param name="op">The sample's decoded region.</param>
    /// <param name="rankedMask">The plane of the sample's ranked mask (used for ranked masks only).</param>
    /// <param name="self">The sample's segment.</param>
    /// <param name="partner">The partner's segment.</param>
    /// <param name="destination">The output segment.</param>
    /// <param name="offset">The segment's offset in its plane.</param>
    /// <param name="count">Elements in the segment.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixPair(in SampleOp op, float* rankedMask, T* self, T* partner, T* destination, int offset, int count)
    {
        switch (op.Kind)
        {
            case OpKind.Keep:
                if (self != destination)
                {
                    Copy(self, destination, count);
                }

                return;
            case OpKind.Blend when op.SelfEnd < offset + count || op.PartnerEnd < offset + count:
                BlendPadded(in op, self, partner, destination, offset, count);
                return;
            case OpKind.Blend:
                TKernels.Blend(self, partner, destination, count, op.SelfWeight, op.PartnerWeight);
                return;
            case OpKind.Mask when op.Ranked:
                TKernels.MaskBlend(self, partner, rankedMask + offset, destination, count);
                return;
            case OpKind.Mask:
                fixed (float* weights = op.Mask)
                {
                    TKernels.MaskBlend(self, partner, weights + offset, destination, count);
                }

                return;
            case OpKind.Box:
                if (self != destination)
                {
                    Copy(self, destination, count);
                }

                CopyBox(in op, offset, count, partner, destination);
                return;
            case OpKind.SoftBox:
                MixSoftBox(in op, self, partner, destination, offset, count);
                return;
            case OpKind.Tiles:
                // Only partner tiles come here (FindCycles): every tile copies from the partner, in any order.
                if (self != destination)
                {
                    Copy(self, destination, count);
                }

                foreach (Tile tile in op.Tiles.AsSpan(op.TileStart, op.TileCount))
                {
                    CopyRows(tile.Top, tile.Left, tile.Bottom, tile.Right, offset, count, partner, destination);
                }

                return;
            default:
                throw new InvalidOperationException($"A {op.Kind} region cannot be mixed pairwise."); // FindCycles routes them to the general path
        }
    }

    /// <summary>
    /// A segment of a soft box, row by row: rows and columns outside the support are the sample's own (copied, or left
    /// alone in place), and the support's columns of each row are mixed with weights made from the row's fall-off and
    /// the columns' (<see cref="IMixKernels{T}.SoftRowBlend"/>), one kernel call per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixSoftBox(in SampleOp op, T* self, T* partner, T* destination, int offset, int count)
    {
        // The support's columns widened to multiples of 16 (64 bytes of float32): rows of 224 floats then start on
        // aligned vectors, where the kernel needs no scalar head or tail (30 scalar elements a row cost more than the
        // vectors of weight 1 that the widening adds and the kernel skips).
        int width = _width, firstRow = offset / width, rows = count / width;
        int left = op.Left & ~15, right = Math.Min(width, (op.Right + 15) & ~15);
        bool inPlace = self == destination;
        fixed (float* falloffs = op.Mask)
        {
            float* rowFalloffs = falloffs + op.MaskOffset, columnFalloffs = rowFalloffs + _height + left;
            for (int r = 0; r < rows; r++)
            {
                int y = (firstRow + r) % _height;
                long at = (long)r * width;
                if (y < op.Top || y >= op.Bottom)
                {
                    if (!inPlace)
                    {
                        Copy(self + at, destination + at, width);
                    }

                    continue;
                }

                if (!inPlace)
                {
                    Copy(self + at, destination + at, left);
                    Copy(self + at + right, destination + at + right, width - right);
                }

                TKernels.SoftRowBlend(self + at + left, partner + at + left, columnFalloffs, rowFalloffs[y], destination + at + left, right - left);
            }
        }
    }

    /// <summary>A zero-padded blend of a segment that crosses a source's end: zeros stand in for each source past it.</summary>
    private void BlendPadded(in SampleOp op, T* self, T* partner, T* destination, int offset, int count)
    {
        int selfEnd = Math.Clamp(op.SelfEnd - offset, 0, count), partnerEnd = Math.Clamp(op.PartnerEnd - offset, 0, count);
        int first = Math.Min(selfEnd, partnerEnd), second = Math.Max(selfEnd, partnerEnd);
        TKernels.Blend(self, partner, destination, first, op.SelfWeight, op.PartnerWeight);
        T* a = selfEnd > first ? self + first : _zero, b = partnerEnd > first ? partner + first : _zero;
        TKernels.Blend(a, b, destination + first, second - first, op.SelfWeight, op.PartnerWeight);
        TKernels.Blend(_zero, _zero, destination + second, count - second, op.SelfWeight, op.PartnerWeight);
    }

    /// <summary>Copies a box's elements of the segment: its rows on the box's frames only (on every frame without a range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyBox(in SampleOp box, int offset, int count, T* from, T* to)
    {
        // Frame f holds the volume rows [f·H, (f + 1)·H) of a channel; keep the segment's rows that lie in the frames.
        int width = _width;
        int firstRow = offset / width, rows = count / width;
        int skip = (int)Math.Clamp(((long)box.FirstFrame * _height) - firstRow, 0, rows);
        int end = (int)Math.Clamp(((long)box.EndFrame * _height) - firstRow, 0, rows);
        if (end > skip)
        {
            int at = skip * width;
            CopyRows(box.Top, box.Left, box.Bottom, box.Right, offset + at, (end - skip) * width, from + at, to + at);
        }
    }

    /// <summary>Copies the box's columns of every row of the segment that crosses the box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyRows(int top, int left, int bottom, int right, int offset, int count, T* from, T* to)
    {
        int width = _width;
        int firstRow = offset / width;
        int rows = count / width;
        int firstY = firstRow % _height;
        if (firstY + rows <= _height && (bottom <= firstY || top >= firstY + rows))
        {
            return; // the segment's rows (within one plane) miss the box: a grid's many tiles mostly do
        }

        int boxWidth = right - left;
        for (int r = 0; r < rows; r++)
        {
            int y = (firstRow + r) % _height; // rows of a volume repeat every plane of height rows
            if (y >= top && y < bottom)
            {
                int at = (r * width) + left;
                Copy(from + at, to + at, boxWidth);
            }
        }
    }

    /// <summary>Copies the segment's elements outside a box of its plane: the rows above and below it whole, and each box
    /// row left and right of it (a resized box writes its own elements, so reading and writing them twice is spared).</summary>
    private void CopyAround(int top, int left, int bottom, int right, int offset, int count, T* from, T* to)
    {
        int width = _width, firstRow = offset / width, rows = count / width;
        int boxFirst = Math.Clamp(top - firstRow, 0, rows), boxEnd = Math.Clamp(bottom - firstRow, 0, rows);
        Copy(from, to, boxFirst * width);
        for (int r = boxFirst; r < boxEnd; r++)
        {
            int at = r * width;
            Copy(from + at, to + at, left);
            Copy(from + at + right, to + at + right, width - right);
        }

        Copy(from + (boxEnd * width), to + (boxEnd * width), (rows - boxEnd) * width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(T* from, T* to, int count) =>
        Unsafe.CopyBlockUnaligned(to, from, (uint)(count * sizeof(T)));
}
