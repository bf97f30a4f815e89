namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// VRRP timer arithmetic exactly as keepalived 2.2.7 computes it (include/vrrp.h VRRP_TIMER_SKEW_CALC and
/// VRRP_MS_DOWN_TIMER), in microseconds (keepalived's TIMER_HZ), integer arithmetic included. Pure.
/// </summary>
public static class VrrpTimers
{
    /// <summary>keepalived's timer unit.</summary>
    public const long MicrosPerSecond = 1_000_000;

    /// <summary>Centiseconds to microseconds (TIMER_CENTI_HZ).</summary>
    public const long MicrosPerCentisecond = 10_000;

    /// <summary>Skew_Time for a priority term <paramref name="priorityTerm"/> (256 − priority, or 1 for the minimum
    /// skew): v3 = term × Master_Adver_Interval(cs) × 625 / 16 µs (V3-T1); v2 = term × 10⁶ / 256 µs whatever the
    /// interval (V2-T1, RFC 3768 §6.1).</summary>
    private static long SkewTermMicros(int version, int priorityTerm, long masterAdverIntervalMicros) =>
        version == 3
            ? priorityTerm * (masterAdverIntervalMicros / MicrosPerCentisecond) * 625 / 16
            : priorityTerm * MicrosPerSecond / 256;

    /// <summary>Skew_Time of an instance with effective <paramref name="priority"/>.</summary>
    public static long SkewMicros(int version, int priority, long masterAdverIntervalMicros) =>
        SkewTermMicros(version, 256 - priority, masterAdverIntervalMicros);

    /// <summary>keepalived's VRRP_TIMER_SKEW_MIN: the skew of a priority term of 1 (a sync-group member that wants
    /// MASTER waits one interval plus this).</summary>
    public static long MinimumSkewMicros(int version, long masterAdverIntervalMicros) =>
        SkewTermMicros(version, 1, masterAdverIntervalMicros);

    /// <summary>Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time (V3-T2, V2-T1).</summary>
    public static long MasterDownMicros(int version, int priority, long masterAdverIntervalMicros, int downTimerAdverts = 3) =>
        downTimerAdverts * masterAdverIntervalMicros + SkewMicros(version, priority, masterAdverIntervalMicros);

    /// <summary>A v3 Max Adver Int (centiseconds) in microseconds.</summary>
    public static long CentisecondsToMicros(int centiseconds) => centiseconds * MicrosPerCentisecond;
}
