using System.Net;
using System.Net.Sockets;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Model;

/// <summary>The state an instance wants at start (<c>state MASTER|BACKUP</c>; keepalived derives MASTER iff priority 255).</summary>
public enum InitialState
{
    Backup,
    Master,
}

/// <summary>VRRPv2 authentication (RFC 2338 simple password, or keepalived's IPsec AH with HMAC-MD5-96).</summary>
public enum AuthType
{
    Pass = 1,
    Ah = 2,
}

/// <summary><c>authentication { auth_type PASS|AH; auth_pass SECRET }</c>; the password is at most 8 bytes.</summary>
public sealed record AuthenticationConfig(AuthType Type, string Password);

/// <summary>A <c>unicast_peer</c> line: address and the accepted TTL range of its adverts.</summary>
public sealed record UnicastPeer(IPAddress Address, int? MinTtl, int? MaxTtl, Origin Origin);

/// <summary><c>use_vmac [NAME] [MAC]</c>.</summary>
public sealed record VmacConfig(string? Name, string? Mac);

/// <summary>vrrp_script NAME (keepalived-reference.md §2.6).</summary>
public sealed record VrrpScriptConfig
{
    public required string Name { get; init; }
    public NotifyScript? Script { get; init; }
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Null: the interval is used (keepalived's timeout 0).</summary>
    public TimeSpan? Timeout { get; init; }
    public int Weight { get; init; }
    public bool WeightReverse { get; init; }
    public int Rise { get; init; } = 1;
    public int Fall { get; init; } = 1;
    public string? User { get; init; }
    public string? Group { get; init; }
    public bool InitFail { get; init; }
    public Origin Origin { get; init; }
}

/// <summary>track_file NAME (alias vrrp_track_file).</summary>
public sealed record TrackFileConfig
{
    public required string Name { get; init; }
    public string? File { get; init; }
    public int Weight { get; init; } = 1;
    public bool WeightReverse { get; init; }
    public bool InitFile { get; init; }
    public long InitValue { get; init; }
    public bool InitOverwrite { get; init; }
    public Origin Origin { get; init; }
}

/// <summary>vrrp_track_process NAME.</summary>
public sealed record TrackProcessConfig
{
    public required string Name { get; init; }
    public string? Process { get; init; }
    public ValueList<string> Arguments { get; init; }
    public string? ParamMatch { get; init; }
    public int Weight { get; init; } = 1;
    public bool WeightReverse { get; init; }
    public int Quorum { get; init; } = 1;
    public int? QuorumMax { get; init; }
    public TimeSpan ForkDelay { get; init; }
    public TimeSpan TerminateDelay { get; init; }
    public bool FullCommand { get; init; }
    public Origin Origin { get; init; }
}

/// <summary>vrrp_sync_group NAME (keepalived-reference.md §2.8).</summary>
public sealed record SyncGroupConfig
{
    public required string Name { get; init; }
    public ValueList<string> Members { get; init; }
    public ValueList<TrackedObject> TrackInterfaces { get; init; }
    public ValueList<TrackedObject> TrackScripts { get; init; }
    public ValueList<TrackedObject> TrackFiles { get; init; }
    public ValueList<TrackedObject> TrackProcesses { get; init; }
    public ValueList<TrackedObject> TrackBfd { get; init; }
    public NotifyScript? NotifyMaster { get; init; }
    public NotifyScript? NotifyBackup { get; init; }
    public NotifyScript? NotifyFault { get; init; }
    public NotifyScript? NotifyStop { get; init; }
    public NotifyScript? Notify { get; init; }
    public bool? SmtpAlert { get; init; }
    public bool? NotifyPriorityChanges { get; init; }
    public bool SyncGroupTrackingWeight { get; init; }
    public ValueList<RawSetting> Other { get; init; }
    public Origin Origin { get; init; }
}

/// <summary>
/// vrrp_instance NAME (keepalived-reference.md §2.10). Values are effective: globals and defaults are filled in
/// (priority 100, advert_int 1 s, version from vrrp_version or 3 for IPv6...). <see cref="Name"/> is a property,
/// not the identity: reload matches instances by <see cref="VrrpInstanceKey"/>.
/// </summary>
public sealed record VrrpInstanceConfig
{
    public required string Name { get; init; }
    public string? Interface { get; init; }

    /// <summary>Where <c>interface</c> was written (the block's start when it was not).</summary>
    public Origin InterfaceOrigin { get; init; }
    public int Vrid { get; init; }
    public int Priority { get; init; } = 100;
    public InitialState State { get; init; } = InitialState.Backup;
    public TimeSpan AdvertInterval { get; init; } = TimeSpan.FromSeconds(1);
    public int Version { get; init; } = 2;
    public AddressFamily Family { get; init; } = AddressFamily.InterNetwork;
    public IPAddress? SourceAddress { get; init; }
    public IPAddress? McastDestination { get; init; }
    public bool TrackSourceAddress { get; init; }
    public ValueList<UnicastPeer> UnicastPeers { get; init; }
    public int? UnicastTtl { get; init; }
    public bool CheckUnicastSrc { get; init; }
    public bool UnicastFaultNoPeer { get; init; }
    public string? OldUnicastChecksum { get; init; }
    public VmacConfig? UseVmac { get; init; }
    public bool VmacXmitBase { get; init; }
    public bool UseVmacAddr { get; init; }
    public bool DontTrackPrimary { get; init; }
    public bool Nopreempt { get; init; }
    public TimeSpan PreemptDelay { get; init; }
    public int DownTimerAdverts { get; init; } = 3;
    public bool LowerPrioNoAdvert { get; init; }
    public bool HigherPrioSendAdvert { get; init; }
    public bool SkipCheckAdvAddr { get; init; }
    public bool StrictMode { get; init; }
    /// <summary>Accept mode: null = keepalived's default (accept, except strict non-owners).</summary>
    public bool? Accept { get; init; }
    public AuthenticationConfig? Authentication { get; init; }
    public ValueList<IpAddressEntry> VirtualIpAddresses { get; init; }
    public ValueList<IpAddressEntry> ExcludedIpAddresses { get; init; }
    public ValueList<RouteEntry> VirtualRoutes { get; init; }
    public ValueList<RuleEntry> VirtualRules { get; init; }
    public bool PromoteSecondaries { get; init; }
    public ValueList<TrackedObject> TrackInterfaces { get; init; }
    public ValueList<TrackedObject> TrackScripts { get; init; }
    public ValueList<TrackedObject> TrackFiles { get; init; }
    public ValueList<TrackedObject> TrackProcesses { get; init; }
    public ValueList<TrackedObject> TrackBfd { get; init; }
    public NotifyScript? NotifyMaster { get; init; }
    public NotifyScript? NotifyBackup { get; init; }
    public NotifyScript? NotifyFault { get; init; }
    public NotifyScript? NotifyStop { get; init; }
    public NotifyScript? NotifyDeleted { get; init; }
    public bool NotifyDeletedSet { get; init; }
    public NotifyScript? Notify { get; init; }
    public NotifyScript? NotifyMasterRxLowerPri { get; init; }
    public bool? NotifyPriorityChanges { get; init; }
    public bool? SmtpAlert { get; init; }
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int GarpMasterRepeat { get; init; } = 5;
    public TimeSpan GarpMasterRefresh { get; init; }
    public int GarpMasterRefreshRepeat { get; init; } = 1;
    public TimeSpan GarpLowerPrioDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int GarpLowerPrioRepeat { get; init; } = 5;
    public ValueList<RawSetting> Other { get; init; }
    public Origin Origin { get; init; }

    /// <summary>True when the instance sends unicast adverts (it has unicast peers).</summary>
    public bool IsUnicast => !UnicastPeers.IsEmpty;

    /// <summary>The reload identity keepalived uses (vrrp.c: VRID, family, interface, unicast or multicast, source
    /// address or multicast group, VMAC) — not the name.</summary>
    public VrrpInstanceKey Key => new(Interface ?? string.Empty, Family, Vrid, IsUnicast,
        IsUnicast ? SourceAddress : McastDestination, UseVmac is not null);
}

/// <summary>How keepalived matches an instance across a reload (vrrp.c clear_diff_vrrp): interface, family, VRID,
/// unicast/multicast, source address (unicast) or multicast group, VMAC use.</summary>
public sealed record VrrpInstanceKey(string Interface, AddressFamily Family, int Vrid, bool Unicast, IPAddress? Address, bool Vmac)
{
    public override string ToString() =>
        $"{Interface}/{(Family == AddressFamily.InterNetworkV6 ? "v6" : "v4")}/{Vrid}{(Unicast ? "/unicast" : "")}{(Address is null ? "" : "/" + Address)}{(Vmac ? "/vmac" : "")}";
}
