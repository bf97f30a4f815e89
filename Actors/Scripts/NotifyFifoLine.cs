using System.Globalization;

namespace KeepAlive.Actors.Scripts;

/// <summary>
/// keepalived 2.2.7's notify FIFO lines. VRRP (vrrp/vrrp_notify.c <c>notify_fifo</c>):
/// <c>printf("%s \"%s\" %s %d\n", INSTANCE|GROUP, name, STATE, priority)</c> — the name in double quotes with no
/// escaping, the instance's effective priority, 0 for a group, one line per event. Checker (check/ipwrapper.c
/// <c>notify_fifo_vs</c>/<c>notify_fifo_rs</c>): <c>VS {vs} UP|DOWN</c> and <c>RS {rs} {vs} UP|DOWN</c> with the
/// addresses preformatted by the caller (keepalived's FMT_VS/FMT_RS). Pure.
/// </summary>
public static class NotifyFifoLine
{
    /// <summary>An instance event: transition states and the FIFO-only events (MASTER_RX_LOWER_PRI,
    /// MASTER_PRIORITY, BACKUP_PRIORITY).</summary>
    public static string Instance(string name, NotifyState state, int effectivePriority)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (effectivePriority is < 0 or > 255)
            throw new ArgumentOutOfRangeException(nameof(effectivePriority), effectivePriority, "a VRRP priority is 0..255");
        return Format("INSTANCE", name, state, effectivePriority);
    }

    /// <summary>A sync-group transition; the priority field is always 0.</summary>
    public static string Group(string name, NotifyState state)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (state is not (NotifyState.Master or NotifyState.Backup or NotifyState.Fault or NotifyState.Stop))
            throw new ArgumentOutOfRangeException(nameof(state), state, "a sync group reports MASTER, BACKUP, FAULT or STOP");
        return Format("GROUP", name, state, 0);
    }

    /// <summary>A virtual server's quorum state.</summary>
    public static string VirtualServer(string formattedVs, bool up) => $"VS {formattedVs} {(up ? "UP" : "DOWN")}\n";

    /// <summary>A real server's state.</summary>
    public static string RealServer(string formattedRs, string formattedVs, bool up) =>
        $"RS {formattedRs} {formattedVs} {(up ? "UP" : "DOWN")}\n";

    private static string Format(string type, string name, NotifyState state, int priority) =>
        string.Create(CultureInfo.InvariantCulture, $"{type} \"{name}\" {NotifyArguments.Word(state)} {priority}\n");
}
