namespace KeepAlive.Kernel.Ports;

/// <summary>A change in the process table, as the kernel's proc connector or a rescan reports it.</summary>
public abstract record ProcessEvent
{
    private ProcessEvent()
    {
    }

    /// <summary>The process <see cref="ProcessEntry.Pid"/> now runs <paramref name="Entry"/>: it exec'd, or a rescan
    /// found it new or changed. Its earlier identity no longer counts.</summary>
    public sealed record Exec(ProcessEntry Entry) : ProcessEvent;

    /// <summary>A process (not a thread) forked: the child is a copy of the parent and counts wherever the parent
    /// counts (keepalived <c>check_process_fork</c>); an exec of the child follows as <see cref="Exec"/>.</summary>
    public sealed record Fork(int ParentPid, int ChildPid) : ProcessEvent;

    /// <summary>The process renamed itself (prctl PR_SET_NAME, or a write to /proc/PID/comm): only comm matching
    /// is affected; the command line is not re-read (keepalived <c>check_process_comm_change</c>).</summary>
    public sealed record CommChanged(int Pid, string Comm) : ProcessEvent;

    /// <summary>The process exited (its last thread).</summary>
    public sealed record Exit(int Pid) : ProcessEvent;

    /// <summary>Events were lost (the kernel's buffer overflowed: ENOBUFS) or the source changed: the receiver must
    /// take a fresh <see cref="IProcessWatch.Snapshot"/> and rebuild its counts.</summary>
    public sealed record Resync(string Reason) : ProcessEvent;
}

/// <summary>
/// The process table, for <c>vrrp_track_process</c>: a full snapshot, and a stream of exec/fork/comm/exit events.
/// Nothing throws for kernel failures: results are <see cref="KernelResult"/> values, and a lost event stream is a
/// <see cref="ProcessEvent.Resync"/>.
/// </summary>
public interface IProcessWatch : IDisposable
{
    /// <summary>Every live process (thread-group leaders; zombies excluded). A process that exits during the scan is
    /// simply absent. Fails only when the process table itself cannot be read.</summary>
    KernelResult Snapshot(out IReadOnlyList<ProcessEntry> processes);

    /// <summary>Starts delivering events to <paramref name="handler"/> (on a background thread, one at a time, in
    /// order) until the returned handle is disposed. The first event is a <see cref="ProcessEvent.Resync"/>, sent once
    /// nothing can be missed any more: a snapshot taken on it, with the events that follow, is complete. Disposing it waits for a running handler call to return (unless
    /// called from the handler itself). A handler that throws does not stop the stream. Kernel trouble never throws
    /// (it becomes a Resync or a fallback); only calling this after <see cref="IDisposable.Dispose"/> does
    /// (<see cref="ObjectDisposedException"/>).</summary>
    IDisposable Subscribe(Action<ProcessEvent> handler);
}
