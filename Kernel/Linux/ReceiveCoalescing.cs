namespace KeepAlive.Kernel.Linux;

/// <summary>
/// When the receive thread waits a little before its next read, as a NIC coalesces its interrupts. A master of many
/// instances sends its adverts in bursts (all the adverts due at one wake-up of its timer, a few microseconds apart);
/// a backup that reads each one as it comes wakes once or twice per datagram, and at 255 instances the wake-ups were
/// most of its idle CPU. Inside a burst, the receive thread now sleeps <see cref="DefaultWindow"/> before the next
/// read, which then takes everything that came meanwhile in one recvmmsg; when the newest of those had been waiting
/// for more than half the window, the burst is over and the thread waits for the next datagram instead of sleeping
/// again. A datagram that comes alone (its wait was long and it was the only one) is read at once and nothing waits
/// after it, so a steady, spread-out peer costs nothing extra. Timers are unaffected by the wait: every datagram
/// carries its kernel arrival time (SCM_TIMESTAMPNS), and the instance counts from that, not from when it was read.
/// </summary>
public static class ReceiveCoalescing
{
    /// <summary>The wait before the next read inside a burst: long enough for much of a burst of adverts to queue up,
    /// short against VRRP's timers (at a 1 s advert interval the shortest, Skew_Time at priority 255, is 3.9 ms), which
    /// count from each datagram's arrival anyway. At most this much later is a reaction to what was read (a master
    /// stepping down for a higher priority) taken inside a burst.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMicroseconds(100);

    /// <summary>Datagrams that come closer together than this are one burst.</summary>
    public static readonly TimeSpan BurstGap = TimeSpan.FromMilliseconds(1);

    /// <summary>True when the next read should wait the window first: the last read returned more than one datagram,
    /// or it returned one after waiting less than <see cref="BurstGap"/> for it — unless the newest datagram it
    /// returned had been waiting more than half the window, which says the burst is over (its arrival time, from the
    /// kernel's timestamp). <paramref name="read"/>: what the last read returned (≤ 0: nothing, an error);
    /// <paramref name="waited"/>: how long it waited for the first; <paramref name="newestAge"/>: how long before the
    /// read the newest one arrived (zero: unknown); <paramref name="window"/>: the window.</summary>
    public static bool InBurst(int read, TimeSpan waited, TimeSpan newestAge, TimeSpan window) =>
        (read >= 2 || (read == 1 && waited < BurstGap)) && newestAge <= window / 2;
}
