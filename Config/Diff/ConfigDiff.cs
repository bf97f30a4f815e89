using System.Collections.Immutable;
using KeepAlive.Config.Model;

namespace KeepAlive.Config.Diff;

/// <summary>A changed virtual server with the changes of its real servers (matched by address and port).</summary>
public sealed record VirtualServerChange(VirtualServerConfig Old, VirtualServerConfig New, KeyedChanges<RealServerKey, RealServerConfig> RealServers)
{
    /// <summary>True when only real servers differ (the virtual server's own settings are equal).</summary>
    public bool OnlyRealServersChanged => Old with { RealServers = default, Origin = default } == New with { RealServers = default, Origin = default };
}

/// <summary>
/// The keyed difference between a running configuration and a new one, for reload without flapping
/// (keepalived-reference.md §1.8): VRRP instances are matched as keepalived matches them — interface, family, VRID,
/// unicast/multicast, address, VMAC — never by name, so a renamed instance is "changed", not removed and added;
/// virtual servers by address/port/protocol, fwmark or group; real servers by address and port; named blocks by name.
/// Unchanged items compare equal by record equality and must receive nothing.
/// </summary>
public sealed record ConfigDiff(
    bool GlobalsChanged,
    bool TopLevelChanged,
    bool StaticAddressesChanged,
    bool StaticRoutesChanged,
    bool StaticRulesChanged,
    KeyedChanges<VrrpInstanceKey, VrrpInstanceConfig> VrrpInstances,
    KeyedChanges<string, SyncGroupConfig> SyncGroups,
    KeyedChanges<string, VrrpScriptConfig> VrrpScripts,
    KeyedChanges<string, TrackFileConfig> TrackFiles,
    KeyedChanges<string, TrackProcessConfig> TrackProcesses,
    KeyedChanges<string, VirtualServerGroupConfig> VirtualServerGroups,
    KeyedChanges<VirtualServerKey, VirtualServerConfig> VirtualServers,
    ImmutableArray<VirtualServerChange> VirtualServerChanges)
{
    /// <summary>True when nothing at all differs.</summary>
    public bool IsEmpty => !GlobalsChanged && !TopLevelChanged && !StaticAddressesChanged && !StaticRoutesChanged && !StaticRulesChanged &&
        VrrpInstances.IsEmpty && SyncGroups.IsEmpty && VrrpScripts.IsEmpty && TrackFiles.IsEmpty && TrackProcesses.IsEmpty &&
        VirtualServerGroups.IsEmpty && VirtualServers.IsEmpty;

    public static ConfigDiff Compute(KeepAliveConfig old, KeepAliveConfig @new)
    {
        var vs = KeyedChanges<VirtualServerKey, VirtualServerConfig>.Compute(old.VirtualServers, @new.VirtualServers, v => v.Key);
        var vsChanges = vs.Changed
            .Select(c => new VirtualServerChange(c.Old, c.New,
                KeyedChanges<RealServerKey, RealServerConfig>.Compute(c.Old.RealServers, c.New.RealServers, r => r.Key)))
            .ToImmutableArray();
        return new ConfigDiff(
            old.Globals != @new.Globals,
            old.TopLevel != @new.TopLevel,
            old.StaticIpAddresses != @new.StaticIpAddresses,
            old.StaticRoutes != @new.StaticRoutes,
            old.StaticRules != @new.StaticRules,
            KeyedChanges<VrrpInstanceKey, VrrpInstanceConfig>.Compute(old.VrrpInstances, @new.VrrpInstances, i => i.Key),
            KeyedChanges<string, SyncGroupConfig>.Compute(old.SyncGroups, @new.SyncGroups, g => g.Name),
            KeyedChanges<string, VrrpScriptConfig>.Compute(old.VrrpScripts, @new.VrrpScripts, s => s.Name),
            KeyedChanges<string, TrackFileConfig>.Compute(old.TrackFiles, @new.TrackFiles, s => s.Name),
            KeyedChanges<string, TrackProcessConfig>.Compute(old.TrackProcesses, @new.TrackProcesses, s => s.Name),
            KeyedChanges<string, VirtualServerGroupConfig>.Compute(old.VirtualServerGroups, @new.VirtualServerGroups, g => g.Name),
            vs,
            vsChanges);
    }
}
