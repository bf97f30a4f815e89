namespace KeepAlive.Controller;

/// <summary>What <c>-v</c> prints.</summary>
public static class VersionInfo
{
    /// <summary>The version number alone.</summary>
    public static string Short => typeof(VersionInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string Text =>
        $"KeepAlive {typeof(VersionInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"} (configuration language of keepalived 2.2.7)\n" +
        "Implemented: the VRRP daemon (keepalived's options, syslog, pid file, systemd notify, SIGHUP reload), the LVS half (virtual/real servers, every checker but BFD_CHECK, IPVS through netlink; -C, -P, -I), genhash (-T), the configuration test (-t), --dump-json, --signum.";
}
