using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Fakes;

/// <summary>The fake process table sends what the Linux watches send for the same process lives: a Resync first,
/// fork then exec for a start, comm-only renames, exits, and a Resync after lost events.</summary>
public class InMemoryProcessTableTests
{
    [Fact]
    public void A_subscription_starts_with_a_resync_then_sees_forks_execs_renames_and_exits()
    {
        using var table = new InMemoryProcessTable();
        var seen = new List<ProcessEvent>();
        using var sub = table.Subscribe(seen.Add);
        int pid = table.Start("/usr/sbin/nginx", "-g", "daemon off;");
        int child = table.Fork(pid);
        table.Rename(child, "nginx: worker process");
        table.Exit(child);
        Assert.IsType<ProcessEvent.Resync>(seen[0]);
        Assert.Equal(new ProcessEvent.Fork(InMemoryProcessTable.InitPid, pid), seen[1]);
        Assert.Equal(new ProcessEvent.Exec(new ProcessEntry(pid, "nginx", ["/usr/sbin/nginx", "-g", "daemon off;"])), seen[2]);
        Assert.Equal(new ProcessEvent.Fork(pid, child), seen[3]);
        Assert.Equal(new ProcessEvent.CommChanged(child, "nginx: worker p"), seen[4]);   // 15 bytes, as the kernel keeps
        Assert.Equal(new ProcessEvent.Exit(child), seen[5]);
        Assert.Equal(6, seen.Count);

        Assert.True(table.Snapshot(out var processes).IsOk);
        Assert.Equal([InMemoryProcessTable.InitPid, pid], processes.Select(p => p.Pid));
    }

    [Fact]
    public void Lost_events_change_the_table_silently_then_resync()
    {
        using var table = new InMemoryProcessTable();
        var seen = new List<ProcessEvent>();
        using var sub = table.Subscribe(seen.Add);
        int pid = 0;
        table.LoseEvents(t => pid = t.Start("/usr/bin/haproxy"));
        Assert.Equal(2, seen.Count);
        Assert.IsType<ProcessEvent.Resync>(seen[1]);
        Assert.True(table.Snapshot(out var processes).IsOk);
        Assert.Contains(processes, p => p.Pid == pid && p.Comm == "haproxy");
    }

    [Fact]
    public void Snapshots_can_fail_and_a_disposed_subscription_hears_nothing()
    {
        using var table = new InMemoryProcessTable();
        table.FailNextSnapshot(KernelResult.Fail(24, "Too many open files"));
        Assert.Equal(24, table.Snapshot(out var none).Errno);
        Assert.Empty(none);
        Assert.True(table.Snapshot(out _).IsOk);
        Assert.Equal(2, table.Snapshots);

        var seen = new List<ProcessEvent>();
        var sub = table.Subscribe(seen.Add);
        sub.Dispose();
        table.Start("/bin/sleep");
        Assert.Single(seen);
        Assert.Equal(0, table.ActiveSubscriptions);
        table.Dispose();
        Assert.Throws<ObjectDisposedException>(() => table.Subscribe(seen.Add));
    }
}
