using System.Collections.Concurrent;
using System.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>Collects a subscription's events and waits for the one a test needs.</summary>
internal sealed class EventLog
{
    private readonly BlockingCollection<ProcessEvent> _queue = new();
    private readonly List<ProcessEvent> _seen = [];

    public void Add(ProcessEvent e) => _queue.Add(e);

    public IReadOnlyList<ProcessEvent> Seen => _seen;

    /// <summary>Waits until an event satisfies <paramref name="predicate"/>; null after the timeout.</summary>
    public ProcessEvent? WaitFor(Func<ProcessEvent, bool> predicate, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (!_queue.TryTake(out var e, TimeSpan.FromMilliseconds(50)))
                continue;
            _seen.Add(e);
            if (predicate(e))
                return e;
        }
        return null;
    }
}

/// <summary>The /proc scanner and the proc connector against processes the test starts (a renamed /bin/sleep).</summary>
[Collection("privileged")]
public sealed class ProcessWatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static ProcessCountTracker Tracker(string process, string[]? args = null, string? paramMatch = null, bool fullCommand = false) =>
        ProcessCountTracker.For(new TrackProcessConfig { Name = "t", Process = process, Arguments = (args ?? []).ToValueList(), ParamMatch = paramMatch, FullCommand = fullCommand });

    /// <summary>Skips where the kernel cannot deliver process events at all: outside the initial pid namespace
    /// (kernel PROC_PID_INIT_INO 0xEFFFFFFC) the connector never answers. Anywhere else, as root, a connector that
    /// does not work is a failure, not a skip.</summary>
    private static void RequireConnectorEnvironment()
    {
        Privilege.Require();
        var pidNamespace = new FileInfo("/proc/self/ns/pid").LinkTarget;
        Skip.IfNot(pidNamespace == "pid:[4026531836]", $"not in the initial pid namespace ({pidNamespace}): the proc connector sends nothing here");
    }

    private static void AssertListening(ProcConnectorProcessWatch watch) =>
        Assert.True(watch.LastConnectorResult.IsOk, $"proc connector refused as root in the initial pid namespace: {watch.LastConnectorResult}");

    private static IReadOnlyList<ProcessEntry> Snapshot(IProcessWatch watch)
    {
        var result = watch.Snapshot(out var entries);
        Assert.True(result.IsOk, result.ToString());
        return entries;
    }

    [SkippableFact]
    public void Process_snapshot_finds_my_processes_with_their_comm_and_argv_and_the_matchers_count_them()
    {
        Privilege.Require();
        using var mine = new OwnedProcesses();
        var a = mine.Start(mine.Marker);
        var b = mine.Start();
        var c = mine.Start("0.001", mine.Marker);
        using var watch = new ProcScanProcessWatch();

        var snapshot = Snapshot(watch);
        Assert.Contains(snapshot, e => e.Pid == Environment.ProcessId);
        Assert.Contains(snapshot, e => e.Pid == 1);
        Assert.Contains(snapshot, e => e.Argv.Count == 0); // kernel threads (kthreadd, kworkers) have no cmdline
        var aEntry = Assert.Single(snapshot, e => e.Pid == a.Id);
        Assert.Equal(mine.Name, aEntry.Comm);
        Assert.Equal([mine.Binary, "120", mine.Marker], aEntry.Argv);
        Assert.Equal([mine.Binary, "120"], Assert.Single(snapshot, e => e.Pid == b.Id).Argv);

        var now = TimeSpan.Zero;
        var byComm = Tracker(mine.Name);
        byComm.Resync(snapshot, now);
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), byComm.Pids.Order());
        Assert.True(byComm.Up);

        var exact = Tracker(mine.Binary, ["120", mine.Marker]);
        exact.Resync(snapshot, now);
        Assert.Equal([a.Id], exact.Pids);

        var partial = Tracker(mine.Binary, ["120"], "partial");
        partial.Resync(snapshot, now);
        Assert.Equal(3, partial.Count);

        var initial = Tracker(mine.Binary, ["120", "0.0"], "initial");
        initial.Resync(snapshot, now);
        Assert.Equal(new[] { a.Id, c.Id }.Order(), initial.Pids.Order());

        var wrongPath = Tracker(mine.Name, ["120"], "partial"); // argv[0] is the full path, not the name
        wrongPath.Resync(snapshot, now);
        Assert.Equal(0, wrongPath.Count);

        var capped = ProcessCountTracker.For(new TrackProcessConfig { Name = "t", Process = mine.Name, Quorum = 1, QuorumMax = 2 });
        capped.Resync(snapshot, now);
        Assert.False(capped.Up); // three running, at most two allowed

        mine.Stop(b);
        var after = Snapshot(watch);
        Assert.DoesNotContain(after, e => e.Pid == b.Id);
        byComm.Resync(after, now);
        Assert.Equal(2, byComm.Count);
    }

    [SkippableFact]
    public void Process_names_longer_than_15_bytes_are_truncated_in_comm_and_only_full_command_finds_them()
    {
        Privilege.Require();
        using var mine = new OwnedProcesses(nameLength: 24);
        var p = mine.Start();
        using var watch = new ProcScanProcessWatch();
        var snapshot = Snapshot(watch);
        var entry = Assert.Single(snapshot, e => e.Pid == p.Id);
        Assert.Equal(mine.Name[..15], entry.Comm);

        var byName = Tracker(mine.Name);
        Assert.True(byName.Matcher.CanNeverMatch);
        byName.Resync(snapshot, TimeSpan.Zero);
        Assert.Equal(0, byName.Count);
        var byTruncated = Tracker(mine.Name[..15]);
        byTruncated.Resync(snapshot, TimeSpan.Zero);
        Assert.Equal([p.Id], byTruncated.Pids);
        var byPath = Tracker(mine.Binary, fullCommand: true);
        byPath.Resync(snapshot, TimeSpan.Zero);
        Assert.Equal([p.Id], byPath.Pids);
    }

    [SkippableFact]
    public void Process_scan_without_command_lines_reads_comm_only()
    {
        Privilege.Require();
        using var mine = new OwnedProcesses();
        var p = mine.Start();
        using var watch = new ProcScanProcessWatch(readCommandLines: false);
        var entry = Assert.Single(Snapshot(watch), e => e.Pid == p.Id);
        Assert.Equal(mine.Name, entry.Comm);
        Assert.Empty(entry.Argv);
    }

    [SkippableFact]
    public void Process_scan_subscription_reports_my_process_starting_and_exiting()
    {
        Privilege.Require();
        using var mine = new OwnedProcesses();
        using var watch = new ProcScanProcessWatch(pollInterval: TimeSpan.FromMilliseconds(100));
        var log = new EventLog();
        using (watch.Subscribe(log.Add))
        {
            Assert.IsType<ProcessEvent.Resync>(log.WaitFor(_ => true, Patience));
            var p = mine.Start(mine.Marker);
            var exec = Assert.IsType<ProcessEvent.Exec>(log.WaitFor(e => e is ProcessEvent.Exec x && x.Entry.Pid == p.Id, Patience));
            Assert.Equal(mine.Name, exec.Entry.Comm);
            Assert.Equal(mine.Marker, exec.Entry.Argv[^1]);
            mine.Stop(p);
            Assert.NotNull(log.WaitFor(e => e is ProcessEvent.Exit x && x.Pid == p.Id, Patience));
        }
    }

    [SkippableFact]
    public void Process_connector_delivers_fork_exec_and_exit_of_my_process_and_drives_the_tracker()
    {
        RequireConnectorEnvironment();
        using var mine = new OwnedProcesses();
        using var watch = new ProcConnectorProcessWatch();
        var log = new EventLog();
        using (watch.Subscribe(log.Add))
        {
            AssertListening(watch);
            var first = Assert.IsType<ProcessEvent.Resync>(log.WaitFor(_ => true, Patience));
            Assert.Contains("proc connector", first.Reason);

            var tracker = Tracker(mine.Name, ["120", mine.Marker]);
            tracker.Resync(Snapshot(watch), TimeSpan.Zero);
            Assert.False(tracker.Up);

            var p = mine.Start(mine.Marker);
            var fork = log.WaitFor(e => e is ProcessEvent.Fork f && f.ChildPid == p.Id, Patience);
            Assert.Equal(Environment.ProcessId, Assert.IsType<ProcessEvent.Fork>(fork).ParentPid);
            var exec = Assert.IsType<ProcessEvent.Exec>(log.WaitFor(e => e is ProcessEvent.Exec x && x.Entry.Pid == p.Id, Patience));
            Assert.Equal(mine.Name, exec.Entry.Comm);
            Assert.Equal([mine.Binary, "120", mine.Marker], exec.Entry.Argv);
            // the full-command tracker needs the binary's path; this one names the comm with arguments: no match
            Assert.False(tracker.Apply(exec, TimeSpan.Zero));

            var byPath = Tracker(mine.Binary, ["120", mine.Marker]);
            byPath.Resync([], TimeSpan.Zero);
            Assert.False(byPath.Apply(fork!, TimeSpan.Zero)); // the parent (this test host) is not counted
            Assert.True(byPath.Apply(exec, TimeSpan.Zero));
            Assert.True(byPath.Up);

            mine.Stop(p);
            var exit = log.WaitFor(e => e is ProcessEvent.Exit x && x.Pid == p.Id, Patience);
            Assert.NotNull(exit);
            Assert.True(byPath.Apply(exit, TimeSpan.Zero));
            Assert.False(byPath.Up);
        }
    }

    [SkippableFact]
    public void Process_connector_subscription_closes_its_socket_on_dispose()
    {
        RequireConnectorEnvironment();
        var before = SocketFds.Current();
        using var watch = new ProcConnectorProcessWatch();
        var sub = watch.Subscribe(_ => { });
        AssertListening(watch);
        var opened = SocketFds.Current().Where(kv => !before.Contains(kv)).ToList();
        Assert.Single(opened);
        sub.Dispose();
        sub.Dispose();
        Assert.DoesNotContain(opened[0], SocketFds.Current());
        // the watch still answers snapshots, and a new subscription works
        Assert.True(watch.Snapshot(out _).IsOk);
        using (watch.Subscribe(_ => { }))
            Assert.True(watch.LastConnectorResult.IsOk);
        watch.Dispose();
        Assert.Equal(9, watch.Snapshot(out _).Errno); // EBADF after dispose
        Assert.DoesNotContain(SocketFds.Current(), kv => !before.Contains(kv));
    }

    [SkippableFact]
    public void Process_connector_overflow_is_a_resync_and_the_stream_goes_on()
    {
        RequireConnectorEnvironment();
        using var mine = new OwnedProcesses();
        // the smallest receive buffer the kernel allows, and a handler that stalls: events must be lost
        using var watch = new ProcConnectorProcessWatch(receiveBufferBytes: 1);
        var log = new EventLog();
        using var stall = new ManualResetEventSlim(false);
        var stalled = 0;
        using (watch.Subscribe(e =>
        {
            if (e is not ProcessEvent.Resync && Interlocked.Exchange(ref stalled, 1) == 0)
                stall.Wait(TimeSpan.FromSeconds(20));
            log.Add(e);
        }))
        {
            AssertListening(watch);
            Assert.IsType<ProcessEvent.Resync>(log.WaitFor(_ => true, Patience));
            // each short process is a fork, an exec and an exit: a few dozen overflow a minimal buffer
            for (var i = 0; i < 60; i++)
                mine.Stop(mine.Start("0"));
            stall.Set();
            var lost = log.WaitFor(e => e is ProcessEvent.Resync r && r.Reason.Contains("ENOBUFS", StringComparison.Ordinal), Patience);
            Assert.NotNull(lost);
            Assert.True(watch.Overflows >= 1);
            // after the overflow events flow again. A process started while the socket is still congested can itself
            // be lost (that is what the Resync says), so start new ones until one is seen; the buffer doubles each time.
            ProcessEvent? exec = null;
            var attempts = 0;
            while (exec is null && attempts++ < 8)
            {
                var p = mine.Start(mine.Marker);
                exec = log.WaitFor(e => e is ProcessEvent.Exec x && x.Entry.Pid == p.Id, TimeSpan.FromSeconds(2));
            }
            Assert.True(exec is not null, $"no exec seen after the overflow in {attempts - 1} attempts; {watch.Overflows} overflows");
        }
    }

    [SkippableFact]
    public void Process_connector_outside_the_initial_network_namespace_falls_back_to_scanning()
    {
        Privilege.Require("ip");
        using var mine = new OwnedProcesses();
        using var ns = new NetworkNamespace("pw");
        // the connector's kernel socket exists only in the initial network namespace: a socket made elsewhere is
        // refused (or never acknowledged), and the subscription must keep working by rescans
        using var watch = new ProcConnectorProcessWatch(new ProcScanProcessWatch(pollInterval: TimeSpan.FromMilliseconds(100)));
        var log = new EventLog();
        var subscription = NamespaceThread.Run(ns.Name, () => watch.Subscribe(log.Add));
        using (subscription)
        {
            Assert.False(watch.LastConnectorResult.IsOk);
            var first = Assert.IsType<ProcessEvent.Resync>(log.WaitFor(_ => true, Patience));
            Assert.Contains("scanning", first.Reason);
            var p = mine.Start(mine.Marker);
            Assert.NotNull(log.WaitFor(e => e is ProcessEvent.Exec x && x.Entry.Pid == p.Id, Patience));
            mine.Stop(p);
            Assert.NotNull(log.WaitFor(e => e is ProcessEvent.Exit x && x.Pid == p.Id, Patience));
        }
    }
}
