using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace MixAug.ImageSharp.Loading;

/// <summary>
/// Runs each decode on its own background thread and waits for it at most until the deadline, so a load returns on
/// time whatever the decoder does. A decode still running at its deadline is cancelled (ImageSharp's token and the
/// input stream both throw at the decoder's next check or read) and abandoned: the caller gets its timeout at once,
/// and the thread disposes whatever it produces when it ends.
/// </summary>
/// <remarks>
/// <para>.NET cannot kill a thread, so a decoder that loops forever without reading or checking its token keeps one
/// core busy until the process ends. The loader prevents every such loop it knows of before decoding (see
/// <see cref="Adam7Transcoder"/>); for unknown ones this guard bounds the damage: while <c>maxRunaways</c> abandoned
/// decodes are still running, new decodes wait for one to end, at most until their own deadline, and then time out
/// without starting. CPU spent on runaways is therefore at most <c>maxRunaways</c> threads, never unbounded.</para>
/// <para>Threads rather than the thread pool: a runaway must not hold a pool thread that other work waits for. The
/// threads are kept and reused (one per concurrent caller, at most <see cref="MaxIdleWorkers"/> waiting), so a
/// sequential caller's decodes all run on one long-lived thread, as they did on the caller's own thread before: ImageSharp
/// 2.1.13 decodes some corrupt JPEGs (a frame header larger than the scan data) to pixels that depend on memory state
/// left on the decoding thread, and on a fresh thread per decode the fuzz suite saw one such file decode differently
/// from one load to the next.</para>
/// </remarks>
/// <param name="maxRunaways">How many abandoned decodes may still be running before new ones wait.</param>
/// <param name="clock">The <see cref="Stopwatch"/> timestamp source; tests pass a fake one to reach the races.</param>
internal sealed class DecodeGuard(int maxRunaways, Func<long>? clock = null)
{
    private readonly Func<long> _clock = clock ?? Stopwatch.GetTimestamp;

    /// <summary>Most idle worker threads kept for reuse; more end when their decode ends.</summary>
    internal const int MaxIdleWorkers = 16;

    private readonly object _gate = new();
    private readonly Stack<Worker> _idle = new();
    private int _runaways;

    /// <summary>Abandoned decodes still running now.</summary>
    public int Runaways
    {
        get
        {
            lock (_gate)
            {
                return _runaways;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> with a token that is cancelled when the caller stops waiting.</summary>
    /// <typeparam name="T">The result; disposed by the worker if it arrives after the caller left.</typeparam>
    /// <param name="work">The decode.</param>
    /// <param name="timeout">How long the caller waits, from now, including any wait for a runaway to end.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result of <paramref name="work"/>.</returns>
    /// <exception cref="DecodeTimedOutException">The deadline passed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public T Run<T>(Func<CancellationToken, T> work, TimeSpan timeout, CancellationToken cancellationToken)
        where T : class, IDisposable
    {
        long deadline = _clock() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        WaitForSlot(deadline, cancellationToken);
        var job = new Job<T>(this, work);
        TakeWorker().Start(job.Execute, job.Complete);
        bool finished;
        try
        {
            finished = job.Done.Wait(Remaining(deadline), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            if (!Abandon(job))
            {
                job.Done.Wait(CancellationToken.None);
                job.Result?.Dispose();
                job.Cancellation.Dispose();
            }

            throw;
        }

        if (!finished && !Abandon(job))
        {
            finished = true;
        }

        if (!finished)
        {
            throw new DecodeTimedOutException(runaway: true, Runaways);
        }

        // The worker is done: nothing of it outlives this call. A result that arrived after the deadline is refused
        // too, so the timeout means the same whatever the race between the two threads.
        job.Cancellation.Dispose();
        if (job.FinishedAt > deadline)
        {
            job.Result?.Dispose();
            throw new DecodeTimedOutException(runaway: true, Runaways);
        }

        job.Error?.Throw();
        return job.Result!;
    }

    /// <summary>Idle workers waiting for a decode now (for the tests).</summary>
    internal int IdleWorkers
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    private Worker TakeWorker()
    {
        lock (_gate)
        {
            if (_idle.Count > 0)
            {
                return _idle.Pop();
            }
        }

        return new Worker(this);
    }

    /// <summary>Called by a worker whose decode ended (on time or not): it waits for the next one, or ends.</summary>
    private bool ReturnWorker(Worker worker)
    {
        lock (_gate)
        {
            if (_idle.Count >= MaxIdleWorkers)
            {
                return false;
            }

            _idle.Push(worker);
            return true;
        }
    }

    private TimeSpan Remaining(long deadline)
    {
        long ticks = deadline - _clock();
        return ticks <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
    }

    private void WaitForSlot(long deadline, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (_runaways >= maxRunaways)
            {
                TimeSpan remaining = Remaining(deadline);
                if (remaining == TimeSpan.Zero)
                {
                    throw new DecodeTimedOutException(runaway: false, _runaways);
                }

                // Woken when a runaway ends; the short period also notices the caller's cancellation.
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(remaining.TotalMilliseconds, 50)));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Cancels the worker and, unless it already finished, leaves it to clean up after itself.</summary>
    /// <returns>True if abandoned; false if it had finished and its result is the caller's to take.</returns>
    private bool Abandon<T>(Job<T> job)
        where T : class, IDisposable
    {
        lock (_gate)
        {
            if (job.Finished)
            {
                // It finished in the race between the wait and here: the caller takes (or disposes) the result.
                return false;
            }

            job.Abandoned = true;
            _runaways++;
        }

        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>A background thread that runs one decode at a time and then waits, idle, for the next.</summary>
    private sealed class Worker
    {
        private readonly DecodeGuard _guard;
        private readonly SemaphoreSlim _ready = new(0);
        private (Action Run, Action Complete)? _next;

        public Worker(DecodeGuard guard)
        {
            _guard = guard;
            new Thread(Loop) { IsBackground = true, Name = "MixAug image decode" }.Start();
        }

        /// <summary>Runs <paramref name="run"/>, makes the worker available again, then calls <paramref name="complete"/>
        /// (which wakes the caller): a caller that loads the next file at once gets this same thread.</summary>
        public void Start(Action run, Action complete)
        {
            lock (_ready)
            {
                _next = (run, complete);
            }

            _ready.Release();
        }

        private void Loop()
        {
            bool kept;
            do
            {
                _ready.Wait();
                (Action Run, Action Complete) next;
                lock (_ready)
                {
                    next = _next!.Value;
                    _next = null;
                }

                next.Run();
                kept = _guard.ReturnWorker(this);
                next.Complete();
            }
            while (kept);
        }
    }

    private sealed class Job<T>(DecodeGuard guard, Func<CancellationToken, T> work)
        where T : class, IDisposable
    {
        public CancellationTokenSource Cancellation { get; } = new();

        public ManualResetEventSlim Done { get; } = new();

        public T? Result { get; private set; }

        public ExceptionDispatchInfo? Error { get; private set; }

        /// <summary>Set under the guard's lock when the worker ends.</summary>
        public bool Finished { get; private set; }

        /// <summary>The <see cref="Stopwatch"/> timestamp at which the work ended.</summary>
        public long FinishedAt { get; private set; }

        /// <summary>Set under the guard's lock when the caller stopped waiting first.</summary>
        public bool Abandoned { get; set; }

        /// <summary>Runs the work and keeps its result or exception.</summary>
        public void Execute()
        {
            try
            {
                Result = work(Cancellation.Token);
            }
            catch (Exception e)
            {
                Error = ExceptionDispatchInfo.Capture(e);
            }
        }

        /// <summary>Marks the job finished: wakes the caller, or, if the caller left, disposes the result.</summary>
        public void Complete()
        {
            bool abandoned;
            long now = guard._clock();
            lock (guard._gate)
            {
                FinishedAt = now;
                Finished = true;
                abandoned = Abandoned;
                if (abandoned)
                {
                    guard._runaways--;
                    Monitor.PulseAll(guard._gate);
                }
            }

            if (abandoned)
            {
                Result?.Dispose();
                Cancellation.Dispose();
            }

            Done.Set();
        }
    }
}

/// <summary>Thrown by <see cref="DecodeGuard"/> when a deadline passes.</summary>
/// <param name="runaway">True if the decode ran and was abandoned; false if it never started because earlier runaways were still running.</param>
/// <param name="runaways">Abandoned decodes still running.</param>
internal sealed class DecodeTimedOutException(bool runaway, int runaways) : Exception
{
    /// <summary>True if the decode ran and was abandoned; false if it never started.</summary>
    public bool Runaway { get; } = runaway;

    /// <summary>Abandoned decodes still running when this was thrown.</summary>
    public int Runaways { get; } = runaways;
}
