namespace KeepAlive.Kernel.Ports;

/// <summary>What happened to one notify FIFO line.</summary>
public enum FifoWriteOutcome
{
    /// <summary>The whole line went into the FIFO in one write (atomic: lines are shorter than PIPE_BUF).</summary>
    Written,

    /// <summary>The FIFO is full (nobody is reading): the line was dropped, as keepalived drops it.</summary>
    DroppedFull,

    /// <summary>The FIFO is not open, or the write failed; see the message.</summary>
    Failed,
}

/// <summary>The result of one write.</summary>
public readonly record struct FifoWriteResult(FifoWriteOutcome Outcome, int Errno, string? Message);

/// <summary>keepalived's <c>notify_fifo</c>: one line per event, never blocking the caller.</summary>
public interface INotifyFifo : IDisposable
{
    /// <summary>The FIFO's path.</summary>
    string Path { get; }

    /// <summary>Writes one line (it must end with a newline and be at most 4096 bytes in UTF-8).</summary>
    FifoWriteResult Write(string line);

    /// <summary>Closes and opens the FIFO again (keepalived does this on reload); <see cref="FifoWriteOutcome.Written"/> means open.</summary>
    FifoWriteResult Reopen();
}
