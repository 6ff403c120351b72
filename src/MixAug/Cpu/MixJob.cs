using System.Buffers;
using System.Runtime.CompilerServices;
using MixAug.Planning;

namespace MixAug.Cpu;

/// <summary>
/// Applies one plan to one batch. The work is cut into segments (a run of whole rows of one channel plane, a few
/// kilobytes) and, for each cycle of the partner permutation, a segment is walked around the cycle:
/// output i needs x[i] and x[partner(i)], and the next step needs x[partner(i)] again, so every input segment is
/// read from memory once and every output segment written once, the traffic of a plain copy, for any permutation.
/// </summary>
/// <remarks>
/// <para>In place, step t overwrites x[i_t] after its last reader (step t itself; step t − 1 came before), except that
/// the cycle's last step needs x[i_0], overwritten at step 0: the part of x[i_0] that the last sample reads is saved
/// to a segment-sized spare first. That makes in-place mixing correct for any partner cycles, with no batch copy
/// (timm clones the whole batch for this).</para>
/// <para>Parts split the segments (not the samples) between threads, so each part is independent, in place too.</para>
/// <para>One instance per calling thread is reused, so a call allocates nothing; the pointers are valid only while
/// the caller keeps the buffers pinned, which it does for the whole synchronous call.</para>
/// </remarks>
internal sealed unsafe class MixJob<T, TKernels> : IParallelWork
    where T : unmanaged
    where TKernels : IMixKernels<T>
{
    // Batches below this many bytes are mixed on the calling thread: waking a worker costs more than it saves.
    private const long ParallelThresholdBytes = 1 << 20;

    // A spare segment up to this size lives on the stack; wider rows rent one from the array pool.
    private const int StackSpareBytes = 64 * 1024;

    [ThreadStatic]
    private static MixJob<T, TKernels>? t_job;

    /// <summary>Forces the number of parts (tests use it to prove results do not depend on the thread count).</summary>
    internal static int? PartsOverride { get; set; }

    private MixPlan _plan = null!;
    private T* _source;
    private T* _destination;
    private bool _inPlace;
    private int _segmentLength;
    private int _segmentsPerPlane;
    private int _units;

    public static void Run(MixPlan plan, T* source, T* destination)
    {
        MixJob<T, TKernels> job = t_job ??= new MixJob<T, TKernels>();
        BatchShape shape = plan.Shape;
        int rows = shape.Depth * shape.Height;
        int rowsPerSegment = Math.Clamp(TKernels.SegmentTarget / shape.Width, 1, rows);
        job._plan = plan;
        job._source = source;
        job._destination = destination;
        job._inPlace = source == destination;
        job._segmentLength = rowsPerSegment * shape.Width;
        job._segmentsPerPlane = (rows + rowsPerSegment - 1) / rowsPerSegment;
        job._units = shape.Channels * job._segmentsPerPlane;
        long bytes = (long)shape.ElementCount * sizeof(T);
        int parts = PartsOverride ?? (bytes < ParallelThresholdBytes ? 1 : Math.Min(job._units, WorkerPool.Shared.Parallelism));
        try
        {
            WorkerPool.Shared.Run(job, parts);
        }
        finally
        {
            job._plan = null!;
            job._source = null;
            job._destination = null;
        }
    }

    public void Execute(int part, int parts)
    {
        int first = (int)((long)_units * part / parts);
        int end = (int)((long)_units * (part + 1) / parts);
        if (_segmentLength * sizeof(T) <= StackSpareBytes)
        {
            T* spare = stackalloc T[_segmentLength];
            Walk(first, end, spare);
            return;
        }

        T[] rented = ArrayPool<T>.Shared.Rent(_segmentLength);
        try
        {
            fixed (T* spare = rented)
            {
                Walk(first, end, spare);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(int firstUnit, int endUnit, T* spare)
    {
        MixPlan plan = _plan;
        BatchShape shape = plan.Shape;
        int plane = shape.PlaneSize;
        int sampleSize = shape.SampleSize;
        int[] order = plan.CycleOrder;
        int[] starts = plan.CycleStarts;
        IReadOnlyList<MixRegion> regions = plan.Regions;

        for (int cycle = 0; cycle < starts.Length - 1; cycle++)
        {
            int start = starts[cycle];
            int length = starts[cycle + 1] - start;
            int first = order[start];
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
                    SaveForLast(regions[order[start + length - 1]], _source + (((long)first * sampleSize) + planeOffset), spare, offset, count);
                }

                for (int t = 0; t < length; t++)
                {
                    int sample = order[start + t];
                    int partner = t == length - 1 ? first : order[start + t + 1];
                    long at = ((long)sample * sampleSize) + planeOffset;
                    T* partnerSegment = _inPlace && t == length - 1 ? spare : _source + (((long)partner * sampleSize) + planeOffset);
                    MixSegment(sample, regions[sample], _source + at, partnerSegment, _destination + at, offset, count);
                }
            }
        }
    }

    /// <summary>Copies to the spare the elements of the cycle's first sample that the cycle's last sample will read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SaveForLast(MixRegion lastRegion, T* firstSegment, T* spare, int offset, int count)
    {
        switch (lastRegion)
        {
            case KeepRegion:
                return;
            case BoxRegion box:
                CopyBoxRows(box, offset, count, firstSegment, spare);
                return;
            default:
                Copy(firstSegment, spare, count);
                return;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixSegment(int sample, MixRegion region, T* self, T* partner, T* destination, int offset, int count)
    {
        switch (region)
        {
            case KeepRegion:
                if (!_inPlace)
                {
                    Copy(self, destination, count);
                }

                return;
            case BlendRegion:
                TKernels.Blend(self, partner, destination, count, _plan.SelfWeights[sample], _plan.PartnerWeights[sample]);
                return;
            case MaskRegion mask:
                fixed (float* weights = mask.WeightArray)
                {
                    TKernels.MaskBlend(self, partner, weights + offset, destination, count);
                }

                return;
            case BoxRegion box:
                if (!_inPlace)
                {
                    Copy(self, destination, count);
                }

                CopyBoxRows(box, offset, count, partner, destination);
                return;
        }
    }

    /// <summary>Copies the box's columns of every row of the segment that crosses the box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyBoxRows(BoxRegion box, int offset, int count, T* from, T* to)
    {
        int width = _plan.Shape.Width;
        int height = _plan.Shape.Height;
        int firstRow = offset / width;
        int rows = count / width;
        int boxWidth = box.Right - box.Left;
        for (int r = 0; r < rows; r++)
        {
            int y = (firstRow + r) % height; // rows of a volume repeat every plane of height rows
            if (y >= box.Top && y < box.Bottom)
            {
                int at = (r * width) + box.Left;
                Copy(from + at, to + at, boxWidth);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(T* from, T* to, int count) =>
        Unsafe.CopyBlockUnaligned(to, from, (uint)(count * sizeof(T)));
}
