namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// VRRP timer arithmetic exactly as keepalived 2.2.7 computes it (vrrp.c vrrp_init_instance_sands / vrrp_state_*),
/// in microseconds (keepalived's TIMER_HZ): skew time and master-down interval for v2 (from the local interval) and v3
/// (from the master's advertised interval, in centiseconds). Pure.
/// </summary>
public static class VrrpTimers
{
    /// <summary>keepalived's timer unit.</summary>
    public const long MicrosPerSecond = 1_000_000;

    /// <summary>Skew_Time = ((256 − Priority) × Interval) / 256 (V3-T1, V2-T1), with the interval in microseconds
    /// and integer division as keepalived does it.</summary>
    public static long SkewMicros(int priority, long intervalMicros) => (256 - priority) * intervalMicros / 256;

    /// <summary>Master_Down_Interval = 3 × Interval + Skew_Time (V3-T2, V2-T1).</summary>
    public static long MasterDownMicros(int priority, long intervalMicros) => 3 * intervalMicros + SkewMicros(priority, intervalMicros);

    /// <summary>A v3 Max Adver Int (centiseconds) in microseconds.</summary>
    public static long CentisecondsToMicros(int centiseconds) => centiseconds * 10_000L;
}
