namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>VRRP messages captured from keepalived 2.2.7 (Fixtures/Vrrp, see its README).</summary>
public static class GoldenVrrp
{
    public static byte[] V2IPv4 => Load("01-v2-ipv4-noauth.hex");

    public static byte[] V3IPv4 => Load("03-v3-ipv4-adv0.1-2vip.hex");

    public static byte[] V3IPv6 => Load("04-v3-ipv6.hex");

    private static byte[] Load(string file) =>
        Convert.FromHexString(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Vrrp", file)).Trim());
}
