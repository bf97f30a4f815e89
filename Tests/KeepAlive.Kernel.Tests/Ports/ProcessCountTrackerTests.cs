using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

/// <summary>ProcessCountTracker against keepalived 2.2.7 track_process.c: quorum boundaries, fork_delay,
/// terminate_delay, exec/comm changes, resync.</summary>
public class ProcessCountTrackerTests
{
    private static readonly TimeSpan T0 = TimeSpan.FromSeconds(100);

    private static ProcessCountTracker Tracker(int quorum = 1, int? quorumMax = null, double forkDelay = 0, double terminateDelay = 0, string process = "worker", bool fullCommand = false) =>
        ProcessCountTracker.For(new TrackProcessConfig
        {
            Name = "t",
            Process = process,
            Quorum = quorum,
            QuorumMax = quorumMax,
            ForkDelay = TimeSpan.FromSeconds(forkDelay),
            TerminateDelay = TimeSpan.FromSeconds(terminateDelay),
            FullCommand = fullCommand,
        });

    private static ProcessEntry Worker(int pid) => new(pid, "worker", ["worker"]);

    private static ProcessEntry Other(int pid) => new(pid, "other", ["other"]);

    private static TimeSpan At(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    [Theory]
    [InlineData(1, null, 0, false)]
    [InlineData(1, null, 1, true)]
    [InlineData(1, null, 50, true)]
    [InlineData(2, null, 1, false)]
    [InlineData(2, 3, 3, true)]
    [InlineData(2, 3, 4, false)]
    [InlineData(1, 1, 2, false)]
    [InlineData(1, 0, 0, true)] // quorum_max 0: up only while none runs (keepalived sets quorum 0)
    [InlineData(1, 0, 1, false)]
    public void The_first_snapshot_decides_up_from_the_count(int quorum, int? quorumMax, int running, bool up)
    {
        var t = Tracker(quorum, quorumMax);
        Assert.False(t.Synced);
        var snapshot = Enumerable.Range(1, running).Select(Worker).Concat([Other(1000), Other(1001)]);
        t.Resync(snapshot, T0);
        Assert.True(t.Synced);
        Assert.Equal(running, t.Count);
        Assert.Equal(up, t.Up);
        Assert.Equal(up, t.InQuorum);
        Assert.Null(t.TimerDue);
    }

    [Fact]
    public void Exec_and_exit_move_the_count_and_status_changes_only_at_the_boundaries()
    {
        var t = Tracker(quorum: 2, quorumMax: 3);
        t.Resync([Worker(1)], T0);
        Assert.False(t.Up);
        Assert.True(t.Apply(new ProcessEvent.Exec(Worker(2)), T0)); // 2: up
        Assert.False(t.Apply(new ProcessEvent.Exec(Worker(3)), T0)); // 3: still up
        Assert.False(t.Apply(new ProcessEvent.Exec(Worker(3)), T0)); // a pid counts once
        Assert.Equal(3, t.Count);
        Assert.True(t.Apply(new ProcessEvent.Exec(Worker(4)), T0)); // 4 > quorum_max: down
        Assert.False(t.Up);
        Assert.True(t.Apply(new ProcessEvent.Exit(4), T0)); // back to 3: up
        Assert.False(t.Apply(new ProcessEvent.Exit(999), T0)); // unknown pid: nothing
        Assert.False(t.Apply(new ProcessEvent.Exec(Other(5)), T0)); // non-matching exec: nothing
        Assert.False(t.Apply(new ProcessEvent.Exit(3), T0));
        Assert.True(t.Apply(new ProcessEvent.Exit(2), T0)); // 1 < quorum: down
        Assert.Equal([1], t.Pids);
        Assert.False(t.Up);
    }

    [Fact]
    public void An_exec_into_something_else_removes_the_pid_at_once_even_with_terminate_delay()
    {
        var t = Tracker(terminateDelay: 5);
        t.Resync([Worker(7)], T0);
        Assert.True(t.Up);
        Assert.True(t.Apply(new ProcessEvent.Exec(Other(7)), T0));
        Assert.False(t.Up);
        Assert.Null(t.TimerDue);
    }

    [Fact]
    public void Terminate_delay_holds_the_status_after_an_exit_until_due()
    {
        var t = Tracker(terminateDelay: 5);
        t.Resync([Worker(7)], T0);
        Assert.False(t.Apply(new ProcessEvent.Exit(7), At(0)));
        Assert.True(t.Up);
        Assert.False(t.InQuorum);
        Assert.Equal(At(5), t.TimerDue);
        Assert.False(t.Tick(At(4.999)));
        Assert.True(t.Tick(At(5)));
        Assert.False(t.Up);
        Assert.Null(t.TimerDue);
        Assert.False(t.Tick(At(100)));
    }

    [Fact]
    public void A_restart_within_terminate_delay_never_goes_down()
    {
        var t = Tracker(terminateDelay: 5);
        t.Resync([Worker(7)], T0);
        t.Apply(new ProcessEvent.Exit(7), At(0));
        Assert.False(t.Apply(new ProcessEvent.Exec(Worker(8)), At(2))); // the restart cancels the timer
        Assert.Null(t.TimerDue);
        Assert.True(t.Up);
        Assert.False(t.Tick(At(10)));
        Assert.True(t.Up);
    }

    [Fact]
    public void Fork_delay_holds_the_status_after_a_fork_of_a_counted_process()
    {
        var t = Tracker(quorum: 2, forkDelay: 3);
        t.Resync([Worker(10), Other(20)], T0);
        Assert.False(t.Apply(new ProcessEvent.Fork(20, 21), At(0))); // parent not counted: child neither
        Assert.Equal(1, t.Count);
        Assert.False(t.Apply(new ProcessEvent.Fork(10, 11), At(0))); // child of a counted process counts
        Assert.Equal(2, t.Count);
        Assert.False(t.Up);
        Assert.Equal(At(3), t.TimerDue);
        Assert.True(t.Tick(At(3)));
        Assert.True(t.Up);
    }

    [Fact]
    public void An_exit_during_fork_delay_cancels_it()
    {
        var t = Tracker(quorum: 2, forkDelay: 3, terminateDelay: 5);
        t.Resync([Worker(10)], T0);
        t.Apply(new ProcessEvent.Fork(10, 11), At(0));
        Assert.NotNull(t.TimerDue);
        // the child goes: back below quorum; the fork timer is cancelled instead of starting a terminate timer
        Assert.False(t.Apply(new ProcessEvent.Exit(11), At(1)));
        Assert.Null(t.TimerDue);
        Assert.False(t.Up);
        Assert.False(t.Tick(At(10)));
    }

    [Fact]
    public void Forking_past_quorum_max_goes_down_only_after_fork_delay_and_not_if_the_child_execs_away()
    {
        var t = Tracker(quorum: 1, quorumMax: 1, forkDelay: 2);
        t.Resync([Worker(10)], T0);
        Assert.True(t.Up);
        t.Apply(new ProcessEvent.Fork(10, 11), At(0)); // 2 > quorum_max, delayed
        Assert.True(t.Up);
        Assert.Equal(At(2), t.TimerDue);
        Assert.False(t.Apply(new ProcessEvent.Exec(Other(11)), At(1))); // the usual fork+exec: back to 1
        Assert.Null(t.TimerDue);
        Assert.True(t.Up);
    }

    [Fact]
    public void Exec_gains_act_at_once_without_fork_delay()
    {
        var t = Tracker(forkDelay: 3);
        t.Resync([], T0);
        Assert.True(t.Apply(new ProcessEvent.Exec(Worker(1)), T0));
        Assert.Null(t.TimerDue);
    }

    [Fact]
    public void Comm_changes_rename_processes_in_and_out_in_comm_mode_only()
    {
        var t = Tracker();
        t.Resync([Other(5)], T0);
        Assert.True(t.Apply(new ProcessEvent.CommChanged(5, "worker"), T0));
        Assert.Equal([5], t.Pids);
        Assert.True(t.Apply(new ProcessEvent.CommChanged(5, "Web Content"), T0));
        Assert.Empty(t.Pids);

        var full = Tracker(process: "worker", fullCommand: true);
        full.Resync([Worker(5)], T0);
        Assert.False(full.Apply(new ProcessEvent.CommChanged(5, "renamed"), T0)); // cmdline unchanged: still counted
        Assert.Equal([5], full.Pids);
    }

    [Fact]
    public void A_resync_after_lost_events_gains_at_once_and_loses_after_terminate_delay()
    {
        var t = Tracker(terminateDelay: 4);
        t.Resync([], T0);
        Assert.True(t.Resync([Worker(1), Worker(2)], At(1)));
        Assert.True(t.Up);
        Assert.False(t.Resync([Worker(2)], At(2))); // still in quorum
        Assert.False(t.Resync([Other(2)], At(3)));
        Assert.True(t.Up);
        Assert.Equal(At(7), t.TimerDue);
        Assert.True(t.Tick(At(7)));
        Assert.False(t.Up);
        Assert.False(t.Apply(new ProcessEvent.Resync("lost"), At(8))); // the event itself changes nothing
    }

    [Fact]
    public void A_resync_cancels_a_pending_delay_and_does_not_leave_a_stale_status()
    {
        var t = Tracker(terminateDelay: 4);
        t.Resync([Worker(1)], T0);
        t.Apply(new ProcessEvent.Exit(1), At(0)); // terminate timer running, still up
        Assert.NotNull(t.TimerDue);
        t.Resync([], At(1)); // still none: the status must still go down in time
        Assert.Equal(At(5), t.TimerDue);
        Assert.True(t.Tick(At(5)));
        Assert.False(t.Up);
    }

    [Fact]
    public void An_exec_back_to_quorum_cancels_the_terminate_delay_and_a_later_exit_starts_a_new_one()
    {
        var t = Tracker(quorum: 2, terminateDelay: 5);
        t.Resync([Worker(1), Worker(2), Worker(3)], T0);
        t.Apply(new ProcessEvent.Exit(3), At(0)); // 2: still up, no boundary
        Assert.Null(t.TimerDue);
        t.Apply(new ProcessEvent.Exit(2), At(0)); // 1 < 2: delayed
        Assert.Equal(At(5), t.TimerDue);
        t.Apply(new ProcessEvent.Exec(Worker(4)), At(1)); // back to 2: cancelled
        Assert.Null(t.TimerDue);
        t.Apply(new ProcessEvent.Exit(4), At(2));
        Assert.Equal(At(7), t.TimerDue);
    }

    [Fact]
    public void A_second_exit_at_a_boundary_keeps_the_earlier_terminate_deadline()
    {
        // keepalived starts a second timer without cancelling the first; the first fires first.
        var t = Tracker(quorum: 1, quorumMax: 2, terminateDelay: 5);
        t.Resync([Worker(1), Worker(2), Worker(3)], T0);
        Assert.False(t.Up);
        t.Apply(new ProcessEvent.Exit(3), At(0)); // 2 == quorum_max: going up, delayed
        Assert.False(t.Up);
        Assert.Equal(At(5), t.TimerDue);
        t.Apply(new ProcessEvent.Exit(2), At(1)); // 1: no boundary
        t.Apply(new ProcessEvent.Exit(1), At(2)); // 0 < quorum: boundary again
        Assert.Equal(At(5), t.TimerDue);
        Assert.False(t.Tick(At(5))); // none left: stays down
        Assert.Null(t.TimerDue);
    }

    [Fact]
    public void Invalid_bounds_are_refused()
    {
        var m = new ProcessMatcher("x", [], ParamMatchMode.None, false);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessCountTracker(m, 3, 2, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessCountTracker(m, -1, null, TimeSpan.Zero, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessCountTracker(m, 1, null, TimeSpan.FromSeconds(-1), TimeSpan.Zero));
        var open = new ProcessCountTracker(m, 1, null, TimeSpan.Zero, TimeSpan.Zero);
        Assert.Equal(int.MaxValue, open.QuorumMax);
    }
}
