namespace KeepAlive.Kernel.Ports;

/// <summary>
/// The waiting seam under the precise timer thread (ARCHITECTURE.md "Timing"): block the calling thread until an
/// absolute deadline on the monotonic clock, or until another thread calls <see cref="Wake"/>. Time is in
/// <see cref="System.Diagnostics.Stopwatch"/> timestamp units (on Linux that is CLOCK_MONOTONIC in nanoseconds).
/// One thread waits; any thread may wake it. Implementations: <see cref="ManagedDeadlineWaiter"/> (portable, for
/// tests and non-Linux) and, in Kernel/Linux, timerfd and clock_nanosleep waiters.
/// </summary>
public interface IDeadlineWaiter : IDisposable
{
    /// <summary>A short name for logs and benchmarks ("timerfd", "managed+spin200us", ...).</summary>
    string Name { get; }

    /// <summary>Now on the waiter's monotonic clock, in Stopwatch timestamp units. Deadlines are on this clock.</summary>
    long GetTimestamp();

    /// <summary>Called once on the waiting thread before its first wait, to tune that thread (timer slack, real-time
    /// priority). Returns one line for the log saying what was applied or refused; never throws for a refusal.</summary>
    string PrepareWaitingThread();

    /// <summary>
    /// Blocks until <see cref="GetTimestamp"/> ≥ <paramref name="deadline"/> (returns false) or until woken (returns
    /// true). Never returns false before the deadline. <see cref="long.MaxValue"/> waits only for a wake. A wake that
    /// arrives while nobody waits is kept: the next call returns true at once. Spurious early returns are allowed only
    /// as true (the caller re-reads the clock either way).
    /// </summary>
    bool WaitUntil(long deadline);

    /// <summary>Ends the current (or the next) <see cref="WaitUntil"/> early. Safe from any thread, cheap, never blocks.</summary>
    void Wake();
}
