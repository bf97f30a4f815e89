using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Timing;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>The real scheduler thread on a virtual clock (<see cref="ManualDeadlineWaiter"/>): exact counts, no
/// timing assertions.</summary>
public sealed class PreciseSchedulerTests : IDisposable
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private readonly ManualDeadlineWaiter _clock = new();
    private readonly PreciseScheduler _scheduler;

    public PreciseSchedulerTests()
    {
        _scheduler = new PreciseScheduler(Akka.Configuration.Config.Empty, NoLogger.Instance, _clock);
        _clock.WaitIdle();
    }

    public void Dispose() => _scheduler.Dispose();

    /// <summary>Moves the clock in steps, settling after each (a single jump past several periods is a stall, and a
    /// periodic timer skips the periods a stall swallowed).</summary>
    private void Step(TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
            _clock.AdvanceAndSettle(step);
    }

    private IActionScheduler Actions => ((IScheduler)_scheduler).Advanced;

    [Fact]
    public void A_single_timer_fires_once_at_its_deadline_and_never_before()
    {
        int fired = 0;
        Actions.ScheduleOnce(100 * Ms, () => Interlocked.Increment(ref fired));
        _clock.AdvanceAndSettle(99 * Ms);
        Assert.Equal(0, fired);
        _clock.AdvanceAndSettle(1 * Ms);
        Assert.Equal(1, fired);
        _clock.AdvanceAndSettle(1000 * Ms);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_zero_delay_timer_fires_without_the_clock_moving()
    {
        int fired = 0;
        Actions.ScheduleOnce(TimeSpan.Zero, () => Interlocked.Increment(ref fired));
        _clock.WaitIdle();
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_interval_at_a_fixed_rate()
    {
        int fired = 0;
        Actions.ScheduleRepeatedly(50 * Ms, 10 * Ms, () => Interlocked.Increment(ref fired));
        _clock.AdvanceAndSettle(49 * Ms);
        Assert.Equal(0, fired);
        _clock.AdvanceAndSettle(1 * Ms);
        Assert.Equal(1, fired);
        Step(45 * Ms, 5 * Ms); // 95 ms: 50, 60, 70, 80, 90
        Assert.Equal(5, fired);
        for (int i = 0; i < 10; i++)
            _clock.AdvanceAndSettle(10 * Ms); // 195 ms: +100..190
        Assert.Equal(15, fired);
    }

    [Fact]
    public void A_periodic_timer_that_fell_behind_skips_the_missed_periods_and_keeps_its_phase()
    {
        int fired = 0;
        Actions.ScheduleRepeatedly(10 * Ms, 10 * Ms, () => Interlocked.Increment(ref fired));
        _clock.AdvanceAndSettle(1005 * Ms); // a stall: one fire, not a burst of 100
        Assert.Equal(1, fired);
        _clock.AdvanceAndSettle(4 * Ms); // 1009
        Assert.Equal(1, fired);
        _clock.AdvanceAndSettle(1 * Ms); // 1010, the original phase
        Assert.Equal(2, fired);
    }

    [Fact]
    public void Timers_fire_in_deadline_order_and_ties_in_scheduling_order()
    {
        var order = new ConcurrentQueue<string>();
        Actions.ScheduleOnce(30 * Ms, () => order.Enqueue("c"));
        Actions.ScheduleOnce(10 * Ms, () => order.Enqueue("a"));
        Actions.ScheduleOnce(20 * Ms, () => order.Enqueue("b1"));
        Actions.ScheduleOnce(20 * Ms, () => order.Enqueue("b2"));
        _clock.AdvanceAndSettle(100 * Ms);
        Assert.Equal(["a", "b1", "b2", "c"], order.ToArray());
    }

    [Fact]
    public void An_earlier_deadline_wakes_the_thread_that_sleeps_towards_a_later_one()
    {
        int early = 0;
        Actions.ScheduleOnce(1000 * Ms, () => { });
        _clock.WaitIdle();
        int wakes = _clock.Wakes;
        Actions.ScheduleOnce(10 * Ms, () => Interlocked.Increment(ref early));
        Assert.Equal(wakes + 1, _clock.Wakes);
        _clock.WaitIdle();
        _clock.AdvanceAndSettle(10 * Ms);
        Assert.Equal(1, early);
    }

    [Fact]
    public void A_later_deadline_does_not_wake_the_thread()
    {
        int fired = 0;
        Actions.ScheduleOnce(10 * Ms, () => { });
        _clock.WaitIdle();
        int wakes = _clock.Wakes;
        Actions.ScheduleOnce(500 * Ms, () => Interlocked.Increment(ref fired));
        Assert.Equal(wakes, _clock.Wakes);
        _clock.AdvanceAndSettle(500 * Ms);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Cancelled_single_and_periodic_timers_stop_firing()
    {
        int single = 0, periodic = 0;
        var singleCancel = new Cancelable((IScheduler)_scheduler);
        var periodicCancel = new Cancelable((IScheduler)_scheduler);
        Actions.ScheduleOnce(50 * Ms, () => Interlocked.Increment(ref single), singleCancel);
        Actions.ScheduleRepeatedly(10 * Ms, 10 * Ms, () => Interlocked.Increment(ref periodic), periodicCancel);
        Step(30 * Ms, 10 * Ms);
        Assert.Equal(3, periodic);
        singleCancel.Cancel();
        periodicCancel.Cancel();
        _clock.AdvanceAndSettle(200 * Ms);
        Assert.Equal(0, single);
        Assert.Equal(3, periodic);
    }

    [Fact]
    public void A_tell_is_delivered_with_its_sender()
    {
        var receiver = new RecordingTell();
        ((IScheduler)_scheduler).ScheduleTellOnce(5 * Ms, receiver, "hello", ActorRefs.Nobody);
        _clock.AdvanceAndSettle(5 * Ms);
        Assert.Equal([("hello", ActorRefs.Nobody)], receiver.Received.ToArray());
    }

    [Fact]
    public void Negative_delays_and_non_positive_intervals_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Actions.ScheduleOnce(-1 * Ms, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Actions.ScheduleRepeatedly(Ms, TimeSpan.Zero, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _scheduler.ScheduleRepeatedly(Ms, -1 * Ms, new Runnable(() => { })));
    }

    [Fact]
    public void An_exception_in_scheduled_work_is_contained_and_the_thread_keeps_firing()
    {
        int thrower = 0, after = 0;
        Actions.ScheduleOnce(10 * Ms, () => throw new InvalidOperationException("boom"));
        Actions.ScheduleRepeatedly(10 * Ms, 10 * Ms, () =>
        {
            Interlocked.Increment(ref thrower);
            throw new InvalidOperationException("boom again");
        });
        Actions.ScheduleRepeatedly(20 * Ms, 10 * Ms, () => Interlocked.Increment(ref after));
        Step(50 * Ms, 10 * Ms);
        Assert.True(_scheduler.IsRunning);
        Assert.Equal(1, thrower); // a failed periodic is not repeated (as Akka's own scheduler)
        Assert.Equal(4, after); // 20, 30, 40, 50
        int later = 0;
        Actions.ScheduleOnce(10 * Ms, () => Interlocked.Increment(ref later));
        _clock.AdvanceAndSettle(10 * Ms);
        Assert.Equal(1, later);
    }

    [Fact]
    public void Scheduling_from_many_threads_fires_every_timer_exactly_once_and_never_early()
    {
        const int threads = 4, perThread = 1500;
        var fired = new int[threads * perThread];
        var early = 0;
        using var go = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            go.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                int id = t * perThread + i;
                var delay = TimeSpan.FromMilliseconds(random.Next(0, 100));
                long notBefore = _clock.GetTimestamp() + delay.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
                Actions.ScheduleOnce(delay, () =>
                {
                    if (_clock.GetTimestamp() < notBefore)
                        Interlocked.Increment(ref early);
                    Interlocked.Increment(ref fired[id]);
                });
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        go.SignalAndWait();
        for (int step = 0; step < 50; step++)
            _clock.Advance(Ms); // the clock moves while the workers schedule
        workers.ForEach(w => w.Join());
        _clock.AdvanceAndSettle(200 * Ms);
        Assert.Equal(0, early);
        Assert.All(fired, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Cancellation_racing_the_deadline_fires_each_timer_at_most_once_and_never_after_cancel_settles()
    {
        const int n = 2000;
        var fired = new int[n];
        var cancels = new Cancelable[n];
        for (int i = 0; i < n; i++)
        {
            int id = i;
            cancels[i] = new Cancelable((IScheduler)_scheduler);
            if (i % 2 == 0)
                Actions.ScheduleOnce(10 * Ms, () => Interlocked.Increment(ref fired[id]), cancels[i]);
            else
                Actions.ScheduleRepeatedly(10 * Ms, 10 * Ms, () => Interlocked.Increment(ref fired[id]), cancels[i]);
        }
        for (int i = 0; i < n / 2; i++)
            cancels[i].Cancel(); // settled before the deadline: these must never fire
        _clock.WaitIdle();
        var racers = new[] { 0, 1 }.Select(k => new Thread(() =>
        {
            for (int i = n / 2 + k; i < n; i += 2)
                cancels[i].Cancel();
        })).ToList();
        racers.ForEach(r => r.Start());
        _clock.Advance(10 * Ms); // races the cancellations of the second half
        racers.ForEach(r => r.Join());
        _clock.WaitIdle();
        var afterRace = fired.ToArray();
        for (int step = 0; step < 5; step++)
            _clock.AdvanceAndSettle(10 * Ms);
        Assert.All(fired.Take(n / 2), count => Assert.Equal(0, count));
        Assert.All(fired.Skip(n / 2), count => Assert.InRange(count, 0, 1));
        Assert.Equal(afterRace, fired); // nothing fires once every cancel has returned
    }

    [Fact]
    public void Cancelled_entries_are_swept_so_restarted_timers_do_not_pile_up()
    {
        int fired = 0;
        for (int i = 0; i < 5000; i++)
        {
            var cancel = new Cancelable((IScheduler)_scheduler);
            Actions.ScheduleOnce(1000 * Ms, () => Interlocked.Increment(ref fired), cancel);
            if (i < 4999)
                cancel.Cancel(); // a master-down timer restarted on every advert
        }
        _clock.AdvanceAndSettle(Ms);
        _clock.AdvanceAndSettle(1000 * Ms);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Dispose_stops_the_thread_runs_outstanding_work_once_and_refuses_new_work()
    {
        int pending = 0, cancelled = 0;
        var cancel = new Cancelable((IScheduler)_scheduler);
        Actions.ScheduleOnce(1000 * Ms, () => Interlocked.Increment(ref pending));
        Actions.ScheduleOnce(1000 * Ms, () => Interlocked.Increment(ref cancelled), cancel);
        cancel.Cancel();
        _clock.WaitIdle();
        Assert.True(_scheduler.IsRunning);
        _scheduler.Dispose();
        Assert.False(_scheduler.IsRunning);
        Assert.Equal(1, pending);
        Assert.Equal(0, cancelled);
        Assert.Throws<SchedulerException>(() => Actions.ScheduleOnce(Ms, () => { }));
        _scheduler.Dispose(); // idempotent
    }

    [Fact]
    public void The_timer_thread_counts_what_it_fired()
    {
        Actions.ScheduleRepeatedly(10 * Ms, 10 * Ms, () => { });
        Step(30 * Ms, 10 * Ms);
        Assert.Equal(3, _scheduler.Stats.Fired);
        Assert.Equal(TimeSpan.Zero, _scheduler.Stats.MaxLateness); // virtual time: each fired exactly on time
    }

    private IRunnableScheduler Runnables => (IRunnableScheduler)((IScheduler)_scheduler).Advanced;

    // Deadlines of deferrable work here are a second away, beyond PreciseScheduler.EarlyAskWindow of the moment they
    // are scheduled (the thread, woken by the scheduling, would ask them early).

    [Fact]
    public void Due_deferrable_work_waits_as_long_as_it_asks_and_then_runs_once()
    {
        var work = new Deferrable([30 * Ms, 5 * Ms]);                   // due at 1000 ms: wait 30, then 5 more
        Runnables.ScheduleOnce(1000 * Ms, work);
        Step(1034 * Ms, 1 * Ms);
        Assert.Equal(2, work.Asked);                                     // never twice in one wake-up
        Assert.Equal(0, work.Ran);
        _clock.AdvanceAndSettle(1 * Ms);                                 // 1035 ms
        Assert.Equal(3, work.Asked);
        Assert.Equal(1, work.Ran);
        Step(200 * Ms, 10 * Ms);
        Assert.Equal(1, work.Ran);
        Assert.Equal(2, _scheduler.Stats.Deferred);
        Assert.Equal(1, _scheduler.Stats.Fired);
        Assert.Equal(TimeSpan.Zero, _scheduler.Stats.MaxLateness);      // lateness is counted from the last deferral
    }

    [Fact]
    public void Deferrable_work_that_throws_when_asked_runs_at_its_deadline()
    {
        var work = new Deferrable([], fail: true);
        Runnables.ScheduleOnce(1000 * Ms, work);
        Step(999 * Ms, 111 * Ms);
        Assert.Equal(0, work.Ran);
        _clock.AdvanceAndSettle(1 * Ms);
        Assert.Equal(1, work.Ran);
        Assert.Equal(0, _scheduler.Stats.Deferred);
    }

    [Fact]
    public void Cancelled_deferrable_work_is_neither_asked_nor_run_even_while_deferred()
    {
        var early = new Deferrable([]);
        var cancelEarly = new Cancelable((IScheduler)_scheduler);
        Runnables.ScheduleOnce(1000 * Ms, early, cancelEarly);
        cancelEarly.Cancel();
        var deferred = new Deferrable([50 * Ms]);
        var cancelDeferred = new Cancelable((IScheduler)_scheduler);
        Runnables.ScheduleOnce(1000 * Ms, deferred, cancelDeferred);
        Step(1000 * Ms, 100 * Ms);
        Assert.Equal(0, early.Asked);
        Assert.Equal(1, deferred.Asked);
        cancelDeferred.Cancel();
        Step(100 * Ms, 10 * Ms);
        Assert.Equal(0, early.Ran + deferred.Ran);
        Assert.Equal(1, deferred.Asked);
    }

    [Fact]
    public void Deferrable_work_due_soon_is_asked_early_while_the_thread_is_awake_and_moves_without_a_wake_of_its_own()
    {
        var first = new Deferrable([TimeSpan.FromSeconds(10)]);
        var soon = new Deferrable([TimeSpan.FromSeconds(10)]);                // due 80 ms after first: inside the window
        var later = new Deferrable([TimeSpan.FromSeconds(10)]);               // due 150 ms after first: outside it
        Runnables.ScheduleOnce(1000 * Ms, first);
        Runnables.ScheduleOnce(1080 * Ms, soon);
        Runnables.ScheduleOnce(1150 * Ms, later);
        Step(1000 * Ms, 100 * Ms);
        Assert.Equal(1, first.Asked);
        Assert.Equal(1, soon.Asked);                                           // asked at 1000 ms, 80 ms early
        Assert.Equal(0, later.Asked);
        Step(200 * Ms, 10 * Ms);                                               // 1200 ms: later was due at 1150
        Assert.Equal(1, soon.Asked);                                           // it moved 10 s on: not asked at 1080 ms
        Assert.Equal(1, later.Asked);
        Assert.Equal(0, first.Ran + soon.Ran + later.Ran);
        Assert.Equal(3, _scheduler.Stats.Deferred);
    }

    [Fact]
    public void Work_asked_early_that_would_run_now_or_asks_for_less_than_its_deadline_still_runs_at_its_deadline()
    {
        var runs = new Deferrable([]);                                         // would run now
        var shortWait = new Deferrable([5 * Ms]);                              // asked 80 ms early: 5 ms is before its deadline
        var plain = 0;
        Runnables.ScheduleOnce(1000 * Ms, new Deferrable([]));                // wakes the thread at 1000 ms
        Runnables.ScheduleOnce(1080 * Ms, runs);
        Runnables.ScheduleOnce(1080 * Ms, shortWait);
        Actions.ScheduleOnce(1050 * Ms, () => Interlocked.Increment(ref plain));
        Step(1000 * Ms, 100 * Ms);
        Assert.Equal(1, runs.Asked);
        Assert.Equal(1, shortWait.Asked);
        Assert.Equal(0, plain);                                                // other work is never run early
        _clock.AdvanceAndSettle(50 * Ms);
        Assert.Equal(1, plain);
        _clock.AdvanceAndSettle(29 * Ms);                                      // 1079 ms
        Assert.Equal(0, runs.Ran + shortWait.Ran);
        _clock.AdvanceAndSettle(1 * Ms);                                       // 1080 ms
        Assert.Equal(1, runs.Ran);
        Assert.Equal(1, shortWait.Ran);                                        // its wait ended before its deadline
    }

    [Fact]
    public void Deferrable_and_other_work_due_together_run_in_deadline_then_scheduling_order()
    {
        var order = new ConcurrentQueue<string>();
        Actions.ScheduleOnce(1000 * Ms, () => order.Enqueue("plain 1"));
        Runnables.ScheduleOnce(1000 * Ms, new Deferrable([], onRun: () => order.Enqueue("deferrable")));
        Actions.ScheduleOnce(1000 * Ms, () => order.Enqueue("plain 2"));
        Runnables.ScheduleOnce(999 * Ms, new Deferrable([], onRun: () => order.Enqueue("deferrable, earlier")));
        Step(1000 * Ms, 100 * Ms);
        Assert.Equal(["deferrable, earlier", "plain 1", "deferrable", "plain 2"], order);
    }

    /// <summary>Asks for each wait in turn, then to run; counts both.</summary>
    private sealed class Deferrable(TimeSpan[] waits, bool fail = false, Action? onRun = null) : IDeferrableWork
    {
        private int _asked;
        private int _ran;

        public int Asked => Volatile.Read(ref _asked);

        public int Ran => Volatile.Read(ref _ran);

        public TimeSpan DeferBy()
        {
            int n = Interlocked.Increment(ref _asked) - 1;
            if (fail)
                throw new InvalidOperationException("hostile work");
            return n < waits.Length ? waits[n] : TimeSpan.Zero;
        }

        public void Run()
        {
            Interlocked.Increment(ref _ran);
            onRun?.Invoke();
        }

        public void Execute() => Run();
    }

    private sealed class RecordingTell : ICanTell
    {
        public ConcurrentQueue<(object, IActorRef)> Received { get; } = new();

        public void Tell(object message, IActorRef sender) => Received.Enqueue((message, sender));
    }

    private sealed class Runnable(Action action) : Akka.Dispatch.IRunnable
    {
        public void Run() => action();

        public void Execute() => action();
    }
}
