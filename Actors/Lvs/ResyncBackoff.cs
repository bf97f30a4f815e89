namespace KeepAlive.Actors.Lvs;

/// <summary>
/// How long a virtual server waits before reading the IPVS table again after a refused op or a failed read: the
/// first delay, doubled on each failure in a row, at most <see cref="Cap"/>. A kernel that keeps refusing (no ip_vs, a
/// scheduler module missing) then costs a few lines an hour per virtual server, not one every few seconds; the first
/// success starts again from the first delay.
/// </summary>
public static class ResyncBackoff
{
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    /// <summary>The delay before attempt <paramref name="failuresInARow"/> + 1 (0: the first retry).</summary>
    public static TimeSpan Delay(TimeSpan first, int failuresInARow)
    {
        if (first <= TimeSpan.Zero)
            return TimeSpan.Zero;
        if (first >= Cap)
            return first;
        var doublings = Math.Clamp(failuresInARow, 0, 30);
        var ticks = first.Ticks * Math.Pow(2, doublings);
        return ticks >= Cap.Ticks ? Cap : TimeSpan.FromTicks((long)ticks);
    }
}
