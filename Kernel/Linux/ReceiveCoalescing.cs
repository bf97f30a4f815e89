namespace KeepAlive.Kernel.Linux;

/// <summary>
/// When the receive thread waits a little before its next read, as a NIC coalesces its interrupts. A master of many
/// instances sends its adverts in bursts (all the adverts due at one wake-up of its timer, a few microseconds apart);
/// a backup that reads each one as it comes wakes once or twice per datagram, and at 255 instances the wake-ups were
/// most of its idle CPU. Inside a burst, the receive thread now sleeps the window before the next read, which then
/// takes everything that came meanwhile in one recvmmsg. Datagrams that come alone (each after a long wait, with
/// nothing behind it) are read at once and nothing waits after them, so a steady, spread-out peer costs nothing
/// extra. When the last episode of datagrams was a burst, the first datagram of the next one (after a long wait) is
/// taken as the start of a burst too: the peer sends in bursts. Timers are unaffected by the wait: every datagram
/// carries its kernel arrival time (SCM_TIMESTAMPNS), and the instance counts from that, not from when it was read.
/// <para>Pure: one per socket, called by its receiving thread after each read.</para>
/// </summary>
public struct ReceiveCoalescing
{
    /// <summary>The wait before the next read inside a burst: long enough for most of a burst of adverts to queue
    /// up, short against VRRP's timers (a 1 s advert interval's Skew_Time is at least 3.9 ms), which count from each
    /// datagram's arrival anyway.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMicroseconds(100);

    /// <summary>Datagrams that come closer together than this are one burst.</summary>
    public static readonly TimeSpan BurstGap = TimeSpan.FromMilliseconds(1);

    private int _episode;
    private bool _lastEpisodeWasBurst;

    /// <summary>True when the last read was part of a burst (see <see cref="AfterRead"/>).</summary>
    public readonly bool InBurst => _episode >= 2;

    /// <summary>After a read that returned <paramref name="read"/> datagrams (≤ 0: nothing, an error) after waiting
    /// <paramref name="waited"/> for the first: true when the next read should wait the window first. That is when
    /// the burst goes on (more than one datagram came, or one came within <see cref="BurstGap"/> of the read before)
    /// or when a new episode starts after a burst.</summary>
    public bool AfterRead(int read, TimeSpan waited)
    {
        if (read <= 0)
            return false;
        if (waited >= BurstGap)
        {
            // A long wait: a new episode. Its first datagram alone says nothing; the last episode says what to expect.
            if (_episode > 0)
                _lastEpisodeWasBurst = _episode >= 2;
            _episode = read;
            return read >= 2 || _lastEpisodeWasBurst;
        }
        _episode += read;
        return true;
    }
}
