using System.Globalization;
using System.Text;

namespace KeepAlive.Actors.Status;

/// <summary>
/// keepalived.stats (SIGUSR2, STATS_CLEAR) exactly as keepalived 2.2.7's vrrp_print_stats writes it: one block per
/// instance in configuration order, with keepalived's counters since the start or the last STATS_CLEAR. Pure.
/// </summary>
public static class KeepalivedStatsFormatter
{
    public static string Format(NodeStatusReport report)
    {
        var b = new StringBuilder();
        foreach (var i in report.Instances)
        {
            var s = i.Stats;
            Line(b, $"VRRP Instance: {i.Name}");
            Line(b, "  Advertisements:");
            Line(b, $"    Received: {N(s.AdvertRcvd)}");
            Line(b, $"    Sent: {N(s.AdvertSent)}");
            Line(b, $"  Became master: {N(s.BecomeMaster)}");
            Line(b, $"  Released master: {N(s.ReleaseMaster)}");
            Line(b, "  Packet Errors:");
            Line(b, $"    Length: {N(s.PacketLenErr)}");
            Line(b, $"    TTL: {N(s.IpTtlErr)}");
            Line(b, $"    Invalid Type: {N(s.InvalidTypeRcvd)}");
            Line(b, $"    Advertisement Interval: {N(s.AdvertIntervalErr)}");
            Line(b, $"    Address List: {N(s.AddrListErr)}");
            Line(b, "  Authentication Errors:");
            Line(b, $"    Invalid Type: {N(s.InvalidAuthtype)}");
            Line(b, $"    Type Mismatch: {N(s.AuthtypeMismatch)}");
            Line(b, $"    Failure: {N(s.AuthFailure)}");
            Line(b, "  Priority Zero:");
            Line(b, $"    Received: {N(s.PriZeroRcvd)}");
            Line(b, $"    Sent: {N(s.PriZeroSent)}");
        }
        return b.ToString();
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder b, string text) => b.Append(text).Append('\n');
}
