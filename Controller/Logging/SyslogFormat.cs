using System.Globalization;
using Serilog.Events;

namespace KeepAlive.Controller.Logging;

/// <summary>
/// The RFC 3164 datagram glibc's syslog(3) sends to /dev/log: <c>&lt;PRI&gt;Mmm dd hh:mm:ss ident[pid]: message</c>,
/// PRI = facility × 8 + severity, the timestamp in local time with the day padded by a space.
/// </summary>
public static class SyslogFormat
{
    /// <summary>The ident this daemon logs under (keepalived's are Keepalived, Keepalived_vrrp...).</summary>
    public const string Ident = "keepalive";

    /// <summary>The syslog severity of a Serilog level: debug 7, info 6, warning 4, err 3, crit 2.</summary>
    public static int Severity(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => 7,
        LogEventLevel.Information => 6,
        LogEventLevel.Warning => 4,
        LogEventLevel.Error => 3,
        _ => 2,
    };

    /// <summary>PRI: facility (0-23) × 8 + severity (0-7).</summary>
    public static int Pri(int facility, int severity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(facility);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(facility, 23);
        ArgumentOutOfRangeException.ThrowIfNegative(severity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(severity, 7);
        return facility * 8 + severity;
    }

    /// <summary>One datagram. A NUL in the message would end it early for syslog daemons: it is replaced by a space.</summary>
    public static string Format(int facility, int severity, DateTime localTime, string ident, int pid, string message) =>
        string.Create(CultureInfo.InvariantCulture,
            $"<{Pri(facility, severity)}>{localTime.ToString("MMM", CultureInfo.InvariantCulture)} {localTime.Day,2} {localTime:HH:mm:ss} {ident}[{pid}]: {message.Replace('\0', ' ')}");
}
