namespace KeepAlive.Actors.Tracking;

/// <summary>What a tracked object does to an instance: make it FAULT, or add a weight to its priority.</summary>
public readonly record struct TrackerEffect(bool Faulting, int Contribution);

/// <summary>
/// keepalived 2.2.7's tracking rules (vrrp_track.c, the same for interfaces, scripts, processes and BFD): an
/// unweighted tracker (weight 0) makes the instance FAULT while the object fails (with <c>reverse</c>: while it is
/// up); a positive weight is added while the object is up, a negative one while it is down, and <c>reverse</c>
/// negates that contribution (weight_multiplier −1) — it does not swap the condition. Pure.
/// </summary>
public static class TrackerPolicy
{
    /// <summary>An interface, a script or a process quorum that is <paramref name="up"/> or not.</summary>
    public static TrackerEffect UpDown(bool up, int weight, bool reverse)
    {
        if (weight == 0)
            return new TrackerEffect(up == reverse, 0);
        bool counts = weight > 0 ? up : !up;
        return new TrackerEffect(false, counts ? weight * (reverse ? -1 : 1) : 0);
    }

    /// <summary>A track_file: the file's value × weight, capped to ±253; below −253 (or any negative value when
    /// unweighted) the instance FAULTs (keepalived vrrp_track.c).</summary>
    public static TrackerEffect File(long value, int weight, bool reverse)
    {
        if (weight == 0)
            return new TrackerEffect(reverse ? value == 0 : value != 0, 0);
        long product = value * weight * (reverse ? -1 : 1);
        if (product < -253)
            return new TrackerEffect(true, 0);
        return new TrackerEffect(false, (int)Math.Min(product, 253));
    }
}
