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
/// <para>Threads rather than the thread pool: a runaway must not hold a pool thread that other work waits for.</para>
/// </remarks>
/// <param name="maxRunaways">How many abandoned decodes may still be running before new ones wait.</param>
internal sealed class DecodeGuard(int maxRunaways)
{
    private readonly object _gate = new();
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
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        WaitForSlot(deadline, cancellationToken);
        var job = new Job<T>(this, work);
        var thread = new Thread(job.Execute) { IsBackground = true, Name = "MixAug image decode" };
        thread.Start();
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

    private static TimeSpan Remaining(long deadline)
    {
        long ticks = deadline - Stopwatch.GetTimestamp();
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

            bool abandoned;
            long now = Stopwatch.GetTimestamp();
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
