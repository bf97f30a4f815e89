namespace KeepAlive.Actors.Vrrp;

/// <summary>One tracker's share of the effective priority (kept so the status endpoint can explain it).</summary>
public readonly record struct PriorityContribution(string Tracker, int Weight);

/// <summary>
/// keepalived's effective priority: configured priority plus every tracker's contribution, clamped to 1..254; the
/// owner's 255 never changes (keepalived-reference.md §3.8). Pure.
/// </summary>
public static class EffectivePriority
{
    public const int Min = 1;
    public const int Max = 254;

    public static int Compute(int configured, IEnumerable<PriorityContribution> contributions)
    {
        if (configured == 255)
            return 255;
        long total = configured;
        foreach (var c in contributions)
            total += c.Weight;
        return (int)Math.Clamp(total, Min, Max);
    }
}
