namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// What a FILE_CHECK makes of its track_file's number (keepalived 2.2.7 trackers/track_file.c
/// update_track_file_status, process_update_checker_track_file_status; check/check_file.c), pure. The weight is the
/// FILE_CHECK's <c>weight W [reverse]</c>, else the track_file's own (default 1):
/// <list type="bullet">
/// <item>weight 0: the checker is down when the value is non-zero (with reverse: when it is zero), else up with no
/// weight change;</item>
/// <item>weight W ≠ 0: s = value × W (× −1 with reverse), clamped to 32 bits; s = −2³¹ (IPVS_WEIGHT_FAULT) is down;
/// any other s is up with the real server's weight moved by s (<see cref="ProbeResult.DynamicWeight"/> = configured
/// weight + s; IPVS is given 0 when that is negative). So with the default weight 1 a value of 0 is up at the
/// configured weight, not down.</item>
/// </list>
/// </summary>
public static class FileCheckPolicy
{
    /// <summary>The result for the value <paramref name="value"/>.</summary>
    /// <param name="value">The track_file's number.</param>
    /// <param name="weight">The effective weight.</param>
    /// <param name="reverse">The effective reverse flag.</param>
    /// <param name="configuredWeight">The real server's configured weight (keepalived's iweight).</param>
    public static ProbeResult Evaluate(long value, int weight, bool reverse, long configuredWeight)
    {
        if (weight == 0)
        {
            bool down = reverse ? value == 0 : value != 0;
            return down
                ? ProbeResult.Fail($"track file value {value}: down (weight 0{(reverse ? " reverse" : "")})")
                : ProbeResult.Pass($"track file value {value}");
        }
        // |value| ≤ 2³¹ and |weight| < 2³¹: the product fits in 63 bits.
        long product = value * weight * (reverse ? -1 : 1);
        long status = Math.Clamp(product, int.MinValue, int.MaxValue);
        if (status == int.MinValue)
            return ProbeResult.Fail($"track file value {value} × weight {weight}{(reverse ? " reverse" : "")} is the fault weight: down");
        if (status == 0)
            return ProbeResult.Pass($"track file value {value}");
        return new ProbeResult(CheckResult.Pass($"track file value {value}: weight {status:+#;-#}"), configuredWeight + status);
    }
}
