using System.Net;
using KeepAlive.Config.Model;

namespace KeepAlive.Config.Tests.Coverage;

public static partial class KeywordCases
{
    /// <summary>A virtual server with one real server; <paramref name="body"/> goes in the virtual server,
    /// <paramref name="rs"/> in the real server.</summary>
    public static string Lvs(string body = "", string rs = "") =>
        $"virtual_server 10.0.0.1 80 {{\n lb_algo rr\n lb_kind NAT\n protocol TCP\n{body}\n real_server 192.168.1.10 80 {{\n{rs}\n }}\n}}\n";

    public static VirtualServerConfig Vs(KeepAliveConfig c) => c.VirtualServers.Single();

    public static RealServerConfig Rs(KeepAliveConfig c) => Vs(c).RealServers.Single();

    public static CheckerConfig Chk(KeepAliveConfig c) => Rs(c).Checkers.Single();

    private static string Tcp(string body) => $"TCP_CHECK {{\n{body}\n}}";

    private static void AddLvs()
    {
        Add("2.11", "IP", "virtual_server_group G {\n 10.0.0.1 80\n}\n", c => c.VirtualServerGroups.Single().Entries.Single().Last!.Equals(IPAddress.Parse("10.0.0.1")));
        Add("2.11", "IP-RANGE", "virtual_server_group G {\n 10.0.0.1-9 80\n}\n", c => c.VirtualServerGroups.Single().Entries.Single().Last!.Equals(IPAddress.Parse("10.0.0.9")));

        Add("2.12", "lvs_sched", Lvs("lvs_sched sh"), c => Vs(c).Scheduler == "sh");
        Add("2.12", "lb_algo", Lvs("lb_algo wrr"), c => Vs(c).Scheduler == "wrr");
        Add("2.12", "persistence_timeout", Lvs("persistence_timeout 50"), c => Vs(c).PersistenceTimeout == TimeSpan.FromSeconds(50));
        Add("2.12", "ha_suspend", Lvs("ha_suspend"), c => Vs(c).HaSuspend);
        Add("2.12", "alpha", Lvs("alpha"), c => Vs(c).Alpha && Rs(c).Alpha);
        Add("2.12", "omega", Lvs("omega"), c => Vs(c).Omega);
        Add("2.12", "quorum", Lvs("weight 5\n quorum 3"), c => Vs(c).Quorum == 3);
        Add("2.12", "hysteresis", Lvs("weight 5\n quorum 3\n hysteresis 2"), c => Vs(c).Hysteresis == 2);
        Add("2.12", "quorum_up", Lvs("quorum_up \"/bin/up now\" nobody"), c => Vs(c).QuorumUp is { Command: "/bin/up now", User: "nobody" });
        Add("2.12", "quorum_down", Lvs("quorum_down /bin/down"), c => Vs(c).QuorumDown!.Command == "/bin/down");
        Add("2.12", "sorry_server", Lvs("sorry_server 10.0.0.99 80"),
            c => Vs(c).SorryServer == new SorryServerConfig(IPAddress.Parse("10.0.0.99"), 80, false, new ForwardingConfig(ForwardingMethod.Nat)));
        Add("2.12", "virtualhost", Lvs("virtualhost www.example.com"), c => Vs(c).Virtualhost == "www.example.com");
        Add("2.12", "delay_loop", Lvs("delay_loop 7", Tcp("")), c => Vs(c).DelayLoop == TimeSpan.FromSeconds(7) && Chk(c).Common.DelayLoop == TimeSpan.FromSeconds(7));
        Add("2.12", "connect_timeout", Lvs("connect_timeout 2", Tcp("")), c => Chk(c).Common.ConnectTimeout == TimeSpan.FromSeconds(2));
        Add("2.12", "retry", Lvs("retry 4", Tcp("")), c => Vs(c).Retry == 4 && Chk(c).Common.Retry == 4);
        Add("2.12", "delay_before_retry", Lvs("delay_before_retry 2", Tcp("")), c => Chk(c).Common.DelayBeforeRetry == TimeSpan.FromSeconds(2));
        Add("2.12", "inhibit_on_failure", Lvs("inhibit_on_failure"), c => Vs(c).InhibitOnFailure && Rs(c).InhibitOnFailure);
        Add("2.12", "real_server", Lvs(), c => Rs(c).Key == new RealServerKey(IPAddress.Parse("192.168.1.10"), 80));

        Add("2.13", "weight", Lvs(rs: "weight 0"), c => Rs(c).Weight == 0);
        Add("2.13", "lvs_method", Lvs(rs: "lvs_method TUN type gue port 6080"),
            c => Rs(c).Forwarding == new ForwardingConfig(ForwardingMethod.Tunnel, TunnelType.Gue, 6080));
        Add("2.13", "notify_up", Lvs(rs: "notify_up /bin/up"), c => Rs(c).NotifyUp!.Command == "/bin/up");
        Add("2.13", "notify_down", Lvs(rs: "notify_down /bin/down"), c => Rs(c).NotifyDown!.Command == "/bin/down");
        Add("2.13", "inhibit_on_failure", Lvs("inhibit_on_failure", "inhibit_on_failure false"), c => !Rs(c).InhibitOnFailure);
        Add("2.13", "alpha", Lvs(rs: "alpha\n" + Tcp("")), c => Rs(c).Alpha && Chk(c).Common.Alpha);
        Add("2.13", "retry", Lvs("retry 9", "retry 2\n" + Tcp("")), c => Chk(c).Common.Retry == 2);
        Add("2.13", "delay_before_retry", Lvs(rs: "delay_before_retry 4\n" + Tcp("")), c => Chk(c).Common.DelayBeforeRetry == TimeSpan.FromSeconds(4));
        Add("2.13", "warmup", Lvs(rs: "warmup 3\n" + Tcp("")), c => Chk(c).Common.Warmup == TimeSpan.FromSeconds(3));
        Add("2.13", "delay_loop", Lvs(rs: "delay_loop 8\n" + Tcp("")), c => Chk(c).Common.DelayLoop == TimeSpan.FromSeconds(8));
        Add("2.13", "connect_timeout", Lvs(rs: "connect_timeout 1.5\n" + Tcp("")), c => Chk(c).Common.ConnectTimeout == TimeSpan.FromSeconds(1.5));

        Add("2.14", "connect_ip", Lvs(rs: Tcp("connect_ip 192.168.2.2")), c => Chk(c).Common.ConnectIp!.Equals(IPAddress.Parse("192.168.2.2")));
        Add("2.14", "connect_port", Lvs(rs: Tcp("connect_port 8080")), c => Chk(c).Common.ConnectPort == 8080);
        Add("2.14", "bindto", Lvs(rs: Tcp("bindto 192.168.1.1")), c => Chk(c).Common.BindTo!.Equals(IPAddress.Parse("192.168.1.1")));
        Add("2.14", "connect_timeout", Lvs(rs: Tcp("connect_timeout 3")), c => Chk(c).Common.ConnectTimeout == TimeSpan.FromSeconds(3));
        Add("2.14", "retry", Lvs(rs: Tcp("retry 0")), c => Chk(c).Common.Retry == 0);
        Add("2.14", "delay_before_retry", Lvs(rs: Tcp("delay_before_retry 0.5")), c => Chk(c).Common.DelayBeforeRetry == TimeSpan.FromSeconds(0.5));
        Add("2.14", "delay_loop", Lvs(rs: Tcp("delay_loop 30")), c => Chk(c).Common.DelayLoop == TimeSpan.FromSeconds(30));
        Add("2.14", "alpha", Lvs(rs: Tcp("alpha")), c => Chk(c).Common.Alpha && !Rs(c).Alpha);

        const string url = "url {\n path /health\n digest 9b3a0c85a887a256d6939da88aabd8cd\n}";
        Add("2.15", "TCP_CHECK", Lvs(rs: Tcp("")), c => Chk(c) is TcpCheckConfig);
        Add("2.15", "HTTP_GET", Lvs(rs: $"HTTP_GET {{\n{url}\n}}"), c => Chk(c) is HttpCheckConfig { Ssl: false });
        Add("2.15", "SSL_GET", Lvs(rs: $"SSL_GET {{\n{url}\n}}"), c => Chk(c) is HttpCheckConfig { Ssl: true });
        Add("2.15", "virtualhost", Lvs(rs: $"HTTP_GET {{\n virtualhost chk.example.com\n{url}\n}}"), c => Chk(c) is HttpCheckConfig { Virtualhost: "chk.example.com" });
        Add("2.15", "enable_sni", Lvs(rs: $"SSL_GET {{\n enable_sni\n{url}\n}}"), c => Chk(c) is HttpCheckConfig { EnableSni: true });
        Add("2.15", "url", Lvs(rs: $"HTTP_GET {{\n{url}\n url {{\n path /\n }}\n}}"), c => ((HttpCheckConfig)Chk(c)).Urls.Count == 2);
        Add("2.15", "path", Lvs(rs: $"HTTP_GET {{\n{url}\n}}"), c => ((HttpCheckConfig)Chk(c)).Urls[0].Path == "/health");
        Add("2.15", "digest", Lvs(rs: $"HTTP_GET {{\n{url}\n}}"), c => ((HttpCheckConfig)Chk(c)).Urls[0].Digest == "9b3a0c85a887a256d6939da88aabd8cd");
        Add("2.15", "SMTP_CHECK", Lvs(rs: "SMTP_CHECK {\n helo_name mx.example.com\n}"), c => Chk(c) is SmtpCheckConfig { HeloName: "mx.example.com" });
        Add("2.15", "MISC_CHECK", Lvs(rs: "MISC_CHECK {\n misc_path \"/bin/check -q\"\n misc_timeout 4\n misc_dynamic\n}"),
            c => Chk(c) is MiscCheckConfig { Dynamic: true } m && m.Path!.Command == "/bin/check -q" && m.Timeout == TimeSpan.FromSeconds(4));
        Add("2.15", "PING_CHECK", Lvs(rs: "PING_CHECK {\n}"), c => Chk(c) is PingCheckConfig);
        Add("2.15", "UDP_CHECK", Lvs(rs: "UDP_CHECK {\n payload 0a0b\n require_reply 0x\n}"),
            c => Chk(c) is UdpCheckConfig { Payload: "0a0b", RequireReply: true, ReplyPattern: "0x" });
    }
}
