using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Model;

/// <summary>Settings written outside any block (net_namespace, instance, use_pid_dir, child_wait_time...).</summary>
public sealed record TopLevelSettings
{
    public string? NetNamespace { get; init; }
    public string? NetNamespaceIpvs { get; init; }
    public string? Instance { get; init; }
    public bool UsePidDir { get; init; }
    public TimeSpan ChildWaitTime { get; init; } = TimeSpan.FromSeconds(5);
    public bool LinkbeatUsePolling { get; init; }
    public bool NamespaceWithIpsets { get; init; }
}

/// <summary>
/// A whole keepalived.conf, bound and immutable. Collections keep file order; names are unique within each kind
/// (a later duplicate is reported and dropped, as keepalived does). Record equality over the whole tree is what the
/// reload diff uses, and <see cref="Origin"/> values never take part in it.
/// </summary>
public sealed record KeepAliveConfig
{
    public TopLevelSettings TopLevel { get; init; } = new();
    public GlobalDefs Globals { get; init; } = new();
    public ValueList<IpAddressEntry> StaticIpAddresses { get; init; }
    public ValueList<RouteEntry> StaticRoutes { get; init; }
    public ValueList<RuleEntry> StaticRules { get; init; }
    public ValueList<VrrpScriptConfig> VrrpScripts { get; init; }
    public ValueList<TrackFileConfig> TrackFiles { get; init; }
    public ValueList<TrackProcessConfig> TrackProcesses { get; init; }
    public ValueList<SyncGroupConfig> SyncGroups { get; init; }
    public ValueList<VrrpInstanceConfig> VrrpInstances { get; init; }
    public ValueList<VirtualServerGroupConfig> VirtualServerGroups { get; init; }
    public ValueList<VirtualServerConfig> VirtualServers { get; init; }
    public SslConfig? Ssl { get; init; }

    /// <summary>Root blocks recognised but not supported yet (bfd_instance, garp_group, linkbeat_interfaces, ...).</summary>
    public ValueList<RawSetting> Other { get; init; }

    public static KeepAliveConfig Empty { get; } = new();
}
