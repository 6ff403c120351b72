using System.Runtime.Intrinsics.X86;

namespace MixAug.Cpu;

/// <summary>
/// Asks for a plane that the next unit of a part reads, a little at each output row of this unit, so that the plane is
/// in the core's caches when the next unit reads it.
/// </summary>
/// <remarks>
/// Mosaic asks for the next unit's source plane: a quadrant's first reads of a plane otherwise wait on memory row by
/// row. With the output rows asked for too (<see cref="OutputRows"/>), Mosaic took 22.5-23.4 ms CPU per batch asking
/// for the plane against 31.6-32.0 without (--profile-resample, one thread, quiet); into L1 (prefetcht0) 22.5-22.6,
/// into L2 only 23.2-23.4. ResizeMix asks for the next pair's two planes while it resizes the second sample of a pair,
/// whose own planes the pair's first unit has just read (<c>MixJob</c>'s cycle-ordered units), so that the memory
/// reads overlap that unit's arithmetic.
/// </remarks>
internal unsafe struct PlaneFetch
{
    private const int Line = 64;
    private readonly byte* _plane;
    private readonly long _end;
    private readonly long _perStep;
    private long _at;

    /// <summary>Asks for <paramref name="bytes"/> bytes from <paramref name="plane"/> (null: nothing) over
    /// <paramref name="steps"/> calls of <see cref="Step"/>.</summary>
    public PlaneFetch(byte* plane, long bytes, int steps)
    {
        _plane = plane;
        _end = plane is null || !Sse.IsSupported ? 0 : bytes;
        _perStep = ((((bytes + Line - 1) / Line) + steps - 1) / Math.Max(steps, 1)) * Line;
        _at = 0;
    }

    /// <summary>Asks for the next part of the plane.</summary>
    public void Step()
    {
        // Locals, not the fields: the JIT kept the fields of this struct on the stack, and each prefetch then waited
        // on the store and reload of _at (4% of Mosaic's samples under perf).
        long at = _at, stop = Math.Min(_end, at + _perStep);
        byte* plane = _plane;
        for (; at < stop; at += Line)
        {
            Sse.Prefetch0(plane + at);
        }

        _at = at;
    }
}
