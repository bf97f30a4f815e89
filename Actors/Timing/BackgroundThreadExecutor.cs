using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;
using KeepAlive.Kernel.Ports;
using AkkaConfig = Akka.Configuration.Config;

namespace KeepAlive.Actors.Timing;

/// <summary>
/// One background thread for work that must never hold up the threads that hand it over (Akka's loggers): the
/// composition root runs it below the process's priority (<see cref="PreciseSchedulerSetup.ThreadStarted"/>), so it
/// must share no lock with them — a low-priority thread preempted while holding a lock its producers need would make a
/// VRRP thread wait for it (priority inversion). Handing work over is a lock-free queue and, only when the thread sleeps,
/// a <see cref="IDeadlineWaiter.Wake"/> (an eventfd write on Linux: never blocks). Runnables run in queue order.
/// </summary>
public sealed class BackgroundThreadExecutor : ExecutorService
{
    private readonly ConcurrentQueue<IRunnable> _queue = new();
    private readonly IDeadlineWaiter _waiter;
    private readonly Thread _thread;
    private int _sleeping;
    private volatile bool _stopping;

    /// <summary>Starts the thread, named <paramref name="id"/>, sleeping on <paramref name="waiter"/> (owned: disposed
    /// when the thread ends).</summary>
    public BackgroundThreadExecutor(string id, IDeadlineWaiter waiter)
        : base(id)
    {
        _waiter = waiter ?? throw new ArgumentNullException(nameof(waiter));
        _thread = new Thread(Work) { IsBackground = true, Name = id };
        _thread.Start();
    }

    /// <summary>How many runnables wait (for tests and diagnostics).</summary>
    public int Pending => _queue.Count;

    /// <inheritdoc />
    public override void Execute(IRunnable run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (_stopping)
            throw new RejectedExecutionException($"executor {Id} is shut down");
        _queue.Enqueue(run);
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            _waiter.Wake();
    }

    /// <inheritdoc />
    public override void Shutdown()
    {
        _stopping = true;
        _waiter.Wake();
    }

    private void Work()
    {
        if (PreciseSchedulerSetup.OnThreadStarted(Id) is { } failed)
            Console.Error.WriteLine(failed);
        try
        {
            while (true)
            {
                while (_queue.TryDequeue(out var run))
                    DedicatedThreadExecutor.RunSafely(run, Id);
                if (_stopping)
                    return;
                // Say it sleeps, then look again: a runnable queued before this sees the queue; one queued after finds
                // _sleeping set and wakes the waiter (a wake that comes first is kept, so none is lost).
                Interlocked.Exchange(ref _sleeping, 1);
                if (!_queue.IsEmpty || _stopping)
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }
                _waiter.WaitUntil(long.MaxValue);
            }
        }
        finally
        {
            _waiter.Dispose();
        }
    }
}

/// <summary>Builds <see cref="BackgroundThreadExecutor"/> for a dispatcher (Akka calls the (Config,
/// IDispatcherPrerequisites) constructor by type name); its waiter comes from <see cref="PreciseSchedulerSetup"/>'s
/// factory, as the timer thread's does.</summary>
public sealed class BackgroundThreadExecutorConfigurator(AkkaConfig config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new BackgroundThreadExecutor(id, PreciseSchedulerSetup.CreateWaiter());
}
