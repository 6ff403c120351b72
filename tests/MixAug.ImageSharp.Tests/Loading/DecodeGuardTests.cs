using System.Diagnostics;
using MixAug.ImageSharp.Loading;
using MixAug.ImageSharp.Tests.Support;

namespace MixAug.ImageSharp.Tests.Loading;

/// <summary>The hang guard really returns, and bounds the threads a decoder that never ends can keep busy.</summary>
[CancelAfter(60_000)]
public class DecodeGuardTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(0.2);

    /// <summary>How long a broken guard may hang a test before it fails instead.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Test]
    public void RunawayThatNeverChecksItsTokenStillTimesOutWithinTwiceTheLimit()
    {
        var guard = new DecodeGuard(maxRunaways: 2);
        using var release = new ManualResetEventSlim();
        var stopwatch = Stopwatch.StartNew();
        var e = Hang.Within(Wait, () => Assert.Throws<DecodeTimedOutException>(() => guard.Run(_ => Spin(release), Limit, CancellationToken.None))!, "guard");
        Assert.That(stopwatch.Elapsed, Is.LessThan(Limit * 2));
        Assert.That(e.Runaway, Is.True);
        Assert.That(guard.Runaways, Is.EqualTo(1));
        release.Set();
        WaitFor(() => guard.Runaways == 0);
        Assert.That(guard.Runaways, Is.Zero);
    }

    [Test]
    public void AtTheRunawayCapNewDecodesWaitForASlotAndTimeOutWithoutStarting()
    {
        var guard = new DecodeGuard(maxRunaways: 1);
        using var release = new ManualResetEventSlim();
        Hang.Within(Wait, () => Assert.Throws<DecodeTimedOutException>(() => guard.Run(_ => Spin(release), Limit, CancellationToken.None)), "guard");
        int started = 0;
        var stopwatch = Stopwatch.StartNew();
        var e = Hang.Within(Wait, () => Assert.Throws<DecodeTimedOutException>(() => guard.Run(_ => { started++; return new Disposable(); }, Limit, CancellationToken.None))!, "guard at the cap");
        Assert.That(stopwatch.Elapsed, Is.LessThan(Limit * 2));
        Assert.That((e.Runaway, e.Runaways, started), Is.EqualTo((false, 1, 0)), "refused before starting: CPU stays bounded");

        // Once the runaway ends, a waiting decode takes its slot within its own deadline.
        var waiting = Task.Run(() => guard.Run(_ => new Disposable(), TimeSpan.FromSeconds(5), CancellationToken.None));
        Thread.Sleep(50);
        release.Set();
        Assert.That(waiting.Wait(TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(guard.Runaways, Is.Zero);
    }

    [Test]
    public void CooperativeDecodeIsCancelledAtTheDeadlineAndItsLateResultDisposed()
    {
        var guard = new DecodeGuard(maxRunaways: 2);
        var result = new Disposable();
        using var finished = new ManualResetEventSlim();
        Hang.Within(Wait, () => Assert.Throws<DecodeTimedOutException>(() => guard.Run(token =>
        {
            // Ignores its token for a while, like a decoder between two reads, then returns a result nobody takes.
            Thread.Sleep(Limit * 2);
            finished.Set();
            return result;
        }, Limit, CancellationToken.None)), "guard");
        Assert.That(finished.Wait(TimeSpan.FromSeconds(5)), Is.True);
        WaitFor(() => result.Disposed);
        Assert.That(result.Disposed, Is.True, "a result that arrives after the caller left is disposed by the worker");
        Assert.That(guard.Runaways, Is.Zero);
    }

    [Test]
    public void ResultThatArrivesAfterTheDeadlineIsRefusedAndDisposed()
    {
        // A fake clock that the work moves past the deadline: the worker finishes "late" though the wait saw it finish.
        long now = 0;
        var guard = new DecodeGuard(maxRunaways: 2, clock: () => Volatile.Read(ref now));
        var result = new Disposable();
        var e = Hang.Within(Wait, () => Assert.Throws<DecodeTimedOutException>(() => guard.Run(_ =>
        {
            Volatile.Write(ref now, Stopwatch.Frequency);
            return result;
        }, TimeSpan.FromSeconds(0.5), CancellationToken.None))!, "late result");
        Assert.That(e.Runaway, Is.True);
        Assert.That(result.Disposed, Is.True);
    }

    [Test]
    public void SequentialDecodesRunOnOneReusedThreadAndARunawayGetsReplaced()
    {
        // Reuse keeps a sequential caller's decodes on one thread, as on its own thread before (see DecodeGuard).
        var guard = new DecodeGuard(maxRunaways: 2);
        var threads = new HashSet<int>();
        for (int i = 0; i < 20; i++)
        {
            using var _ = guard.Run(_ => { threads.Add(Environment.CurrentManagedThreadId); return new Disposable(); }, TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        Assert.That(threads, Has.Count.EqualTo(1));
        Assert.That(threads.Single(), Is.Not.EqualTo(Environment.CurrentManagedThreadId));
        using var release = new ManualResetEventSlim();
        Hang.Within(Wait, () => Assert.Throws<DecodeTimedOutException>(() => guard.Run(_ => Spin(release), Limit, CancellationToken.None)), "guard");
        int next = 0;
        using (guard.Run(_ => { next = Environment.CurrentManagedThreadId; return new Disposable(); }, TimeSpan.FromSeconds(5), CancellationToken.None))
        {
        }

        Assert.That(next, Is.Not.EqualTo(threads.Single()), "the runaway's thread is busy; another one decodes");
        release.Set();
        WaitFor(() => guard.Runaways == 0 && guard.IdleWorkers == 2);
        Assert.That((guard.Runaways, guard.IdleWorkers), Is.EqualTo((0, 2)), "the runaway's thread is reused once it ends");
    }

    [Test]
    public void CallerCancellationThrowsOperationCanceledAndCancelsTheWork()
    {
        var guard = new DecodeGuard(maxRunaways: 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(0.1));
        CancellationToken seen = default;
        Hang.Within(Wait, () =>
        {
            Assert.That(() => guard.Run(token => { seen = token; token.WaitHandle.WaitOne(); token.ThrowIfCancellationRequested(); return new Disposable(); }, TimeSpan.FromSeconds(10), cts.Token),
                Throws.InstanceOf<OperationCanceledException>());
            return 0;
        }, "guard with caller cancellation");
        WaitFor(() => guard.Runaways == 0);
        Assert.That(seen.IsCancellationRequested, Is.True);
        Assert.That(guard.Runaways, Is.Zero);
    }

    [Test]
    public void ResultAndErrorComeBackFromTheWorkerThread()
    {
        var guard = new DecodeGuard(maxRunaways: 2);
        var result = new Disposable();
        Assert.That(guard.Run(_ => result, TimeSpan.FromSeconds(5), CancellationToken.None), Is.SameAs(result));
        var e = Assert.Throws<InvalidDataException>(() => guard.Run<Disposable>(_ => throw new InvalidDataException("bad"), TimeSpan.FromSeconds(5), CancellationToken.None))!;
        Assert.That(e.Message, Is.EqualTo("bad"));
        Assert.That(result.Disposed, Is.False);
    }

    private static Disposable Spin(ManualResetEventSlim release)
    {
        // A decoder stuck in a loop that neither reads nor looks at its token.
        while (!release.IsSet)
        {
            Thread.SpinWait(1000);
        }

        return new Disposable();
    }

    private static void WaitFor(Func<bool> condition)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition() && stopwatch.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Sleep(5);
        }
    }

    private sealed class Disposable : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
