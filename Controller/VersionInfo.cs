namespace KeepAlive.Controller;

/// <summary>What <c>-v</c> prints.</summary>
public static class VersionInfo
{
    public static string Text =>
        $"KeepAlive {typeof(VersionInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"} (configuration language of keepalived 2.2.7)\n" +
        "Implemented: configuration test (-t), --dump-json, --signum. VRRP and LVS services: not yet.";
}
