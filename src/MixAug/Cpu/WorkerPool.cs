using System.Runtime.ExceptionServices;

namespace MixAug.Cpu;

/// <summary>A piece of work split into parts that may run on different threads.</summary>
internal interface IParallelWork
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Execute(int part, int parts);
}

/// <summary>
/// A fixed set of worker threads for the CPU kernels, owned by a <see cref="MixConfiguration"/> (one per thread it may
/// use beyond the caller's). The calling thread runs part 0 itself. Unlike <c>Parallel.For</c>, a call allocates nothing, which keeps a training loop's mixing step
/// free of garbage; and if another thread is already using the pool, the call simply runs all parts itself.
/// </summary>
/// <threadsafety>Safe to call from several threads; calls that find the pool busy run sequentially on the caller.</threadsafety>
internal sealed class WorkerPool
{
    private readonly object _gate = new();
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private IParallelWork? _work;
    private int _parts;
    private int _remaining;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="workers"/> background threads.</summary>
    internal WorkerPool(int workers)
    {
        _start = new ManualResetEventSlim[workers];
        for (int w = 0; w < workers; w++)
        {
            _start[w] = new ManualResetEventSlim(false);
            int part = w + 1;
            var thread = new Thread(() => Loop(part)) { IsBackground = true, Name = $"MixAug worker {part}" };
            thread.Start();
        }
    }

    /// <summary>How many parts can run at the same time (workers plus the caller).</summary>
    public int Parallelism => _start.Length + 1;

    /// <summary>Runs <paramref name="work"/> in <paramref name="parts"/> parts (at most <see cref="Parallelism"/>) and waits for all.</summary>
    public void Run(IParallelWork work, int parts)
    {
        parts = Math.Clamp(parts, 1, Parallelism);
        if (parts == 1 || !Monitor.TryEnter(_gate))
        {
            for (int p = 0; p < parts; p++)
            {
                work.Execute(p, parts);
            }

            return;
        }

        try
        {
            _work = work;
            _parts = parts;
            _failure = null;
            _remaining = parts - 1;
            _done.Reset();
            for (int w = 0; w < parts - 1; w++)
            {
                _start[w].Set();
            }

            try
            {
                work.Execute(0, parts);
            }
            finally
            {
                _done.Wait();
                _work = null;
            }

            _failure?.Throw();
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    private void Loop(int part)
    {
        ManualResetEventSlim start = _start[part - 1];
        while (true)
        {
            start.Wait();
            start.Reset();
            try
            {
                _work!.Execute(part, _parts);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    _done.Set();
                }
            }
        }
    }
}
