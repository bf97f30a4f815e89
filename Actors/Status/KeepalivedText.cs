using System.Globalization;
using System.Text;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Status;

/// <summary>keepalived 2.2.7's small formatting conventions shared by its dump files (vrrp_data.c, vrrp_json.c,
/// vrrp_ipaddress.c, utils.c). Pure.</summary>
public static class KeepalivedText
{
    /// <summary>get_state_str: INIT, BACKUP, MASTER, FAULT (anything else: "unknown").</summary>
    public static string StateName(VrrpState state) => state switch
    {
        VrrpState.Initialize => "INIT",
        VrrpState.Backup => "BACKUP",
        VrrpState.Master => "MASTER",
        VrrpState.Fault => "FAULT",
        _ => "unknown",
    };

    /// <summary>VRRP_STATE_* numbers: INIT 0, BACK 1, MAST 2, FAULT 3, STOP 98.</summary>
    public static int StateNumber(VrrpState state) => state switch
    {
        VrrpState.Initialize => 0,
        VrrpState.Backup => 1,
        VrrpState.Master => 2,
        VrrpState.Fault => 3,
        _ => 98,
    };

    /// <summary>"%ld.%6.6ld" seconds.microseconds since the epoch.</summary>
    public static string EpochMicros(DateTimeOffset at)
    {
        long micros = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return $"{Math.DivRem(micros, 1_000_000, out long rest).ToString(CultureInfo.InvariantCulture)}.{rest.ToString("D6", CultureInfo.InvariantCulture)}";
    }

    /// <summary>utils.c ctime_us_r: asctime with microseconds before the year ("Wed Nov 25 13:40:35.295421 2026"),
    /// here in UTC (keepalived uses the local zone; a service's zone is usually UTC).</summary>
    public static string CtimeMicros(DateTimeOffset at)
    {
        var t = at.UtcDateTime;
        long micros = t.Ticks % TimeSpan.TicksPerSecond / 10;
        return string.Create(CultureInfo.InvariantCulture,
            $"{t:ddd MMM} {t.Day,2} {t:HH:mm:ss}.{micros:D6} {t.Year}");
    }

    /// <summary>vrrp_ipaddress.c format_ipaddress for a configured address: "10.0.0.1/24 dev eth0 scope global label
    /// eth0:vip set". <paramref name="defaultDevice"/> is the instance's interface (used when the entry names none).</summary>
    public static string Address(IpAddressEntry a, string defaultDevice, bool set)
    {
        var b = new StringBuilder();
        b.Append(a.Address).Append('/').Append(a.PrefixLength.ToString(CultureInfo.InvariantCulture));
        if (!a.IsIPv6 && a.Broadcast is not null)
            b.Append(" brd ").Append(a.Broadcast);
        b.Append(" dev ").Append(a.Device ?? defaultDevice);
        if (a.UseVmac)
            b.Append(" use_vmac");
        b.Append(" scope ").Append(Scope(a.Scope));
        if (a.Label is not null)
            b.Append(" label ").Append(a.Label);
        if (a.Peer is not null)
            b.Append(" peer ").Append(a.Peer).Append('/').Append(a.PrefixLength.ToString(CultureInfo.InvariantCulture));
        if (a.Home)
            b.Append(" home");
        if (a.NoDad)
            b.Append(" -nodad");
        if (a.MngTmpAddr)
            b.Append(" mngtmpaddr");
        if (a.NoPrefixRoute)
            b.Append(" noprefixroute");
        if (a.AutoJoin)
            b.Append(" autojoin");
        if (a.NoTrack)
            b.Append(" no_track");
        if (a.TrackGroup is not null)
            b.Append(" track_group ").Append(a.TrackGroup);
        if (a.IsIPv6)
        {
            b.Append(a.PreferredLifetime switch
            {
                null => " preferred_lft forever",
                0 => " deprecated",
                long l => " preferred_lft " + l.ToString(CultureInfo.InvariantCulture),
            });
        }
        if (set)
            b.Append(" set");
        return b.ToString();
    }

    /// <summary>rt_tables scope names.</summary>
    public static string Scope(AddressScope scope) => scope switch
    {
        AddressScope.Global => "global",
        AddressScope.Site => "site",
        AddressScope.Link => "link",
        AddressScope.Host => "host",
        AddressScope.Nowhere => "nowhere",
        _ => ((int)scope).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>printf %g for the small non-negative values keepalived prints that way (5, 0.5, 1.25).</summary>
    public static string G(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
