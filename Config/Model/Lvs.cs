using System.Net;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Model;

/// <summary>IPVS forwarding method (lvs_method / lb_kind).</summary>
public enum ForwardingMethod
{
    Nat,
    DirectRouting,
    Tunnel,
}

/// <summary>IPVS tunnel encapsulation for TUN forwarding.</summary>
public enum TunnelType
{
    IpIp,
    Gue,
    Gre,
}

/// <summary>Checksum option of GUE/GRE tunnels.</summary>
public enum TunnelChecksum
{
    None,
    NoCsum,
    Csum,
    RemCsum,
}

/// <summary><c>lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]</c>.</summary>
public sealed record ForwardingConfig(ForwardingMethod Method, TunnelType TunnelType = TunnelType.IpIp, int? TunnelPort = null, TunnelChecksum Checksum = TunnelChecksum.None)
{
    /// <summary>NAT, keepalived's default; one shared instance (records are immutable).</summary>
    public static ForwardingConfig Nat { get; } = new(ForwardingMethod.Nat);
}

/// <summary>L4 protocol of a virtual server.</summary>
public enum LvsProtocol
{
    Tcp,
    Udp,
    Sctp,
}

/// <summary>What a virtual server is keyed on: address+port+protocol, a firewall mark, or a virtual_server_group.</summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Address), "address")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Fwmark), "fwmark")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(Group), "group")]
public abstract record VirtualServerKey
{
    private VirtualServerKey()
    {
    }

    public sealed record Address(IPAddress Ip, int Port, LvsProtocol Protocol) : VirtualServerKey
    {
        public override string ToString() => $"[{Ip}]:{Protocol.ToString().ToLowerInvariant()}:{Port}";
    }

    public sealed record Fwmark(uint Mark, bool IPv6) : VirtualServerKey
    {
        public override string ToString() => $"FWM {Mark}";
    }

    public sealed record Group(string Name, LvsProtocol Protocol) : VirtualServerKey
    {
        public override string ToString() => $"GROUP {Name}:{Protocol.ToString().ToLowerInvariant()}";
    }
}

/// <summary>One entry of a virtual_server_group: an address range with an optional port, or a fwmark.</summary>
public sealed record VirtualServerGroupEntry(IPAddress? First, IPAddress? Last, int Port, uint? Fwmark, bool? FwmarkIPv6, Origin Origin);

/// <summary>virtual_server_group NAME.</summary>
public sealed record VirtualServerGroupConfig(string Name, ValueList<VirtualServerGroupEntry> Entries, Origin Origin);

/// <summary><c>sorry_server IP [PORT]</c> with its inhibit flag and forwarding.</summary>
public sealed record SorryServerConfig(IPAddress Address, int Port, bool Inhibit, ForwardingConfig? Forwarding);

/// <summary>Options every checker shares, with effective values (checker → real_server → virtual_server → default).</summary>
public sealed record CheckerCommon
{
    public IPAddress? ConnectIp { get; init; }
    public int? ConnectPort { get; init; }
    public IPAddress? BindTo { get; init; }
    public int? BindPort { get; init; }
    public string? BindInterface { get; init; }
    public uint? Fwmark { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public long Retry { get; init; } = 1;
    public TimeSpan DelayBeforeRetry { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan DelayLoop { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan? Warmup { get; init; }
    public bool Alpha { get; init; }
    public bool LogAllFailures { get; init; }
}

/// <summary>One <c>url { }</c> of HTTP_GET / SSL_GET.</summary>
public sealed record HttpUrl(string Path, string? Digest, ValueList<(int From, int To)> StatusCodes, string? Virtualhost, string? Regex, bool RegexNoMatch, Origin Origin)
{
    /// <summary>url keywords recognised but not bound yet (regex_options, regex_min_offset, regex_max_offset,
    /// regex_stack), kept as written.</summary>
    public ValueList<RawSetting> Other { get; init; }
}

/// <summary>A health checker of a real server (closed hierarchy).</summary>
[System.Text.Json.Serialization.JsonPolymorphic(TypeDiscriminatorPropertyName = "$checker")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(TcpCheckConfig), "TCP_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(HttpCheckConfig), "HTTP_GET")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(SmtpCheckConfig), "SMTP_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(DnsCheckConfig), "DNS_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(MiscCheckConfig), "MISC_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(UdpCheckConfig), "UDP_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(PingCheckConfig), "PING_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(FileCheckConfig), "FILE_CHECK")]
[System.Text.Json.Serialization.JsonDerivedType(typeof(BfdCheckConfig), "BFD_CHECK")]
public abstract record CheckerConfig(CheckerCommon Common, Origin Origin)
{
    /// <summary>The block keyword (TCP_CHECK, HTTP_GET...).</summary>
    public abstract string Kind { get; }
}

public sealed record TcpCheckConfig(CheckerCommon Common, Origin Origin) : CheckerConfig(Common, Origin)
{
    public override string Kind => "TCP_CHECK";
}

public sealed record HttpCheckConfig(CheckerCommon Common, bool Ssl, ValueList<HttpUrl> Urls, string HttpProtocol, string? Virtualhost, bool FastRecovery, bool EnableSni, Origin Origin)
    : CheckerConfig(Common, Origin)
{
    public override string Kind => Ssl ? "SSL_GET" : "HTTP_GET";
}

public sealed record SmtpCheckConfig(CheckerCommon Common, string? HeloName, ValueList<CheckerCommon> Hosts, Origin Origin) : CheckerConfig(Common, Origin)
{
    public override string Kind => "SMTP_CHECK";
}

public sealed record DnsCheckConfig(CheckerCommon Common, string Type, string Name, Origin Origin) : CheckerConfig(Common, Origin)
{
    public override string Kind => "DNS_CHECK";
}

public sealed record MiscCheckConfig(CheckerCommon Common, NotifyScript? Path, TimeSpan? Timeout, bool Dynamic, string? User, string? Group, Origin Origin)
    : CheckerConfig(Common, Origin)
{
    public override string Kind => "MISC_CHECK";
}

public sealed record UdpCheckConfig(CheckerCommon Common, string? Payload, bool RequireReply, string? ReplyPattern, int MinReplyLength, int MaxReplyLength, Origin Origin)
    : CheckerConfig(Common, Origin)
{
    public override string Kind => "UDP_CHECK";
}

public sealed record PingCheckConfig(CheckerCommon Common, Origin Origin) : CheckerConfig(Common, Origin)
{
    public override string Kind => "PING_CHECK";
}

public sealed record FileCheckConfig(CheckerCommon Common, string? TrackFile, int? Weight, bool Reverse, Origin Origin) : CheckerConfig(Common, Origin)
{
    public override string Kind => "FILE_CHECK";

    /// <summary>The track_file block <see cref="TrackFile"/> names, resolved once the whole configuration is bound
    /// (wherever the block was written); null when none has that name (the validator reports it). Part of equality,
    /// so a reload that changes the block changes this checker.</summary>
    public TrackFileConfig? Target { get; init; }
}

public sealed record BfdCheckConfig(CheckerCommon Common, string? Name, Origin Origin) : CheckerConfig(Common, Origin)
{
    public override string Kind => "BFD_CHECK";
}

/// <summary>real_server IP [PORT] (keepalived-reference.md §2.13). Identity for reload: address and port.</summary>
public sealed record RealServerConfig
{
    public required IPAddress Address { get; init; }
    public int Port { get; init; }
    public long Weight { get; init; } = 1;
    public ForwardingConfig Forwarding { get; init; } = ForwardingConfig.Nat;
    public long UpperThreshold { get; init; }
    public long LowerThreshold { get; init; }
    public NotifyScript? NotifyUp { get; init; }
    public NotifyScript? NotifyDown { get; init; }
    public bool InhibitOnFailure { get; init; }
    public bool Alpha { get; init; }
    public bool? SmtpAlert { get; init; }
    public string? Virtualhost { get; init; }
    public ValueList<CheckerConfig> Checkers { get; init; }
    public ValueList<RawSetting> Other { get; init; }
    public Origin Origin { get; init; }

    public RealServerKey Key => new(Address, Port);
}

/// <summary>How a real server is matched across a reload: address and port.</summary>
public sealed record RealServerKey(IPAddress Address, int Port)
{
    public override string ToString() => $"[{Address}]:{Port}";
}

/// <summary>virtual_server IP PORT | fwmark N | group NAME (keepalived-reference.md §2.12).</summary>
public sealed record VirtualServerConfig
{
    public required VirtualServerKey Key { get; init; }
    public string Scheduler { get; init; } = "wlc";
    public ForwardingConfig Forwarding { get; init; } = ForwardingConfig.Nat;
    public LvsProtocol Protocol { get; init; } = LvsProtocol.Udp;
    public TimeSpan? PersistenceTimeout { get; init; }
    public string? PersistenceGranularity { get; init; }
    public string? PersistenceEngine { get; init; }
    public ValueList<string> SchedulerFlags { get; init; }
    public bool OnePacketScheduling { get; init; }
    public bool HaSuspend { get; init; }
    public bool Alpha { get; init; }
    public bool Omega { get; init; }
    public long Quorum { get; init; } = 1;
    public long Hysteresis { get; init; }
    public NotifyScript? QuorumUp { get; init; }
    public NotifyScript? QuorumDown { get; init; }
    public SorryServerConfig? SorryServer { get; init; }
    public bool IPv6Family { get; init; }
    public string? Virtualhost { get; init; }
    public bool? SmtpAlert { get; init; }
    public long DefaultWeight { get; init; } = 1;
    public TimeSpan DelayLoop { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan? ConnectTimeout { get; init; }
    public long? Retry { get; init; }
    public TimeSpan? DelayBeforeRetry { get; init; }
    public TimeSpan? Warmup { get; init; }
    public bool InhibitOnFailure { get; init; }
    public ValueList<RealServerConfig> RealServers { get; init; }
    public ValueList<RawSetting> Other { get; init; }
    public Origin Origin { get; init; }
}

/// <summary>The root SSL block used by SSL_GET checkers.</summary>
public sealed record SslConfig(string? Password, string? CertificateAuthority, string? Certificate, string? Key, Origin Origin);
