using Akka.Actor;
using Akka.TestKit;
using KeepAlive.Actors.Timing;
using TestKit = Akka.TestKit.Xunit2.TestKit;

namespace KeepAlive.Actors.Tests.Timing;

/// <summary>An actor with keyed IWithTimers timers, told what to start and cancel, forwarding what fires.</summary>
internal sealed class KeyedTimerActor : ReceiveActor, IWithTimers
{
    public sealed record StartSingle(string Key, string Payload, TimeSpan After);
    public sealed record StartPeriodic(string Key, string Payload, TimeSpan Interval);
    public sealed record Cancel(string Key);
    public sealed record Fired(string Payload);

    public ITimerScheduler Timers { get; set; } = null!;

    public KeyedTimerActor(IActorRef probe)
    {
        Receive<StartSingle>(m =>
        {
            Timers.StartSingleTimer(m.Key, new Fired(m.Payload), m.After);
            Sender.Tell("ok");
        });
        Receive<StartPeriodic>(m =>
        {
            Timers.StartPeriodicTimer(m.Key, new Fired(m.Payload), m.Interval);
            Sender.Tell("ok");
        });
        Receive<Cancel>(m =>
        {
            Timers.Cancel(m.Key);
            Sender.Tell("ok");
        });
        Receive<Fired>(m => probe.Tell(m));
    }
}

/// <summary>One scenario of keyed timer semantics, run under Akka.TestKit's TestScheduler (virtual time, advanced by
/// hand) and under PreciseScheduler (real time): nothing in the design stops actor specs from using virtual time.</summary>
internal static class KeyedTimerScenario
{
    public static void Run(TestKit kit, Action<TimeSpan> advance, TimeSpan quiet)
    {
        var ms = TimeSpan.FromMilliseconds(1);
        var actor = kit.Sys.ActorOf(Props.Create(() => new KeyedTimerActor(kit.TestActor)));

        // A restarted key replaces the earlier timer: only B ever arrives.
        actor.Tell(new KeyedTimerActor.StartSingle("k", "A", 300 * ms), kit.TestActor);
        kit.ExpectMsg("ok");
        actor.Tell(new KeyedTimerActor.StartSingle("k", "B", 100 * ms), kit.TestActor);
        kit.ExpectMsg("ok");
        advance(100 * ms);
        Assert.Equal("B", kit.ExpectMsg<KeyedTimerActor.Fired>().Payload);
        advance(300 * ms);
        kit.ExpectNoMsg(quiet);

        // A periodic timer fires once per interval until cancelled, then never again.
        actor.Tell(new KeyedTimerActor.StartPeriodic("p", "T", 50 * ms), kit.TestActor);
        kit.ExpectMsg("ok");
        for (int i = 0; i < 3; i++)
        {
            advance(50 * ms);
            Assert.Equal("T", kit.ExpectMsg<KeyedTimerActor.Fired>().Payload);
        }
        actor.Tell(new KeyedTimerActor.Cancel("p"), kit.TestActor);
        kit.FishForMessage(m => m is "ok"); // ticks already forwarded may come first
        advance(500 * ms);
        kit.ExpectNoMsg(quiet);

        // A cancelled single timer never fires.
        actor.Tell(new KeyedTimerActor.StartSingle("c", "C", 100 * ms), kit.TestActor);
        kit.ExpectMsg("ok");
        actor.Tell(new KeyedTimerActor.Cancel("c"), kit.TestActor);
        kit.ExpectMsg("ok");
        advance(200 * ms);
        kit.ExpectNoMsg(quiet);
    }
}

public sealed class KeyedTimersUnderTestSchedulerSpec()
    : TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
{
    [Fact]
    public void Keyed_timers_replace_cancel_and_repeat_in_virtual_time()
    {
        var scheduler = Assert.IsType<TestScheduler>(Sys.Scheduler);
        KeyedTimerScenario.Run(this, scheduler.Advance, TimeSpan.FromMilliseconds(100));
    }
}

[Collection(ManualClockCollection.Name)]
public sealed class KeyedTimersUnderPreciseSchedulerSpec() : TestKit(ManualClockCollection.Real())
{
    [Fact]
    public void Keyed_timers_replace_cancel_and_repeat_in_real_time()
    {
        var scheduler = Assert.IsType<PreciseScheduler>(Sys.Scheduler);
        KeyedTimerScenario.Run(this, _ => { }, TimeSpan.FromMilliseconds(400));
        Assert.True(scheduler.Stats.Fired >= 4); // B and three ticks went through this scheduler
    }

    [Fact]
    public void Scheduled_tells_and_ask_timeouts_work_through_the_system_scheduler()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), TestActor, "later", ActorRefs.NoSender);
        ExpectMsg("later");
        var silent = Sys.ActorOf(Props.Empty);
        var ask = silent.Ask<string>("anyone?", TimeSpan.FromMilliseconds(50));
        Assert.Throws<AggregateException>(() => ask.Wait(TimeSpan.FromSeconds(10)));
        Assert.IsType<AskTimeoutException>(ask.Exception!.InnerException);
    }
}

/// <summary>A deadline's Tell to an actor on the VRRP dispatcher runs that actor on the timer thread (no worker is
/// woken for it), and only that actor: what it tells in turn goes to the dispatcher's workers.</summary>
[Collection(ManualClockCollection.Name)]
public sealed class TimerThreadRunsTheReceiverSpec() : TestKit(ManualClockCollection.Real() + "\n" + PreciseSchedulerSetup.VrrpDispatcherConfig)
{
    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef? next, IActorRef report) =>
            ReceiveAny(m =>
            {
                report.Tell((m, Thread.CurrentThread.Name));
                next?.Tell(m, report);
            });
    }

    [Fact]
    public void The_receiver_of_a_due_tell_runs_on_the_timer_thread_and_what_it_tells_on_the_workers()
    {
        var second = Sys.ActorOf(Props.Create(() => new Relay(null, TestActor)).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher));
        var first = Sys.ActorOf(Props.Create(() => new Relay(second, TestActor)).WithDispatcher(PreciseSchedulerSetup.VrrpDispatcher));

        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(20), first, "tick", ActorRefs.NoSender);

        var threads = new[] { ExpectMsg<(object, string?)>(), ExpectMsg<(object, string?)>() }.Select(r => r.Item2).ToList();
        Assert.Equal(["keepalive-precise-timer", PreciseSchedulerSetup.VrrpDispatcher], threads);
    }
}
