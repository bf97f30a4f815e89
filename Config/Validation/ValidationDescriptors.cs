using System.Collections.Immutable;
using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Validation;

/// <summary>Diagnostics about rules across objects and about this host (KA3xxx, KA4xxx).</summary>
public static class ValidationDescriptors
{
    private static DiagnosticDescriptor D(string code, Severity severity, KeepalivedClass keepalived, string title, string format) =>
        DescriptorCatalog.Define(code, severity, keepalived, title, format);

    public static readonly DiagnosticDescriptor NoVipSensible = D("KA3001", Severity.Warning, KeepalivedClass.GeneralError,
        "VRRP instance without VIPs", "vrrp_instance {0} has no virtual_ipaddress; at least one is sensible");
    public static readonly DiagnosticDescriptor UnicastWithoutPeers = D("KA3002", Severity.Warning, KeepalivedClass.Deprecated,
        "Unicast keywords without peers", "vrrp_instance {0} has unicast keywords but no unicast_peer: it runs multicast (deprecated; add peers or unicast_fault_no_peer)");

    public static readonly DiagnosticDescriptor DuplicateVrid = D("KA3003", Severity.Error, KeepalivedClass.GeneralError,
        "VRID used twice", "{0} and {1} both use VRID {2} with {3} on interface {4} (first at {5}); keepalived's VRRP process stops on this configuration");
    public static readonly DiagnosticDescriptor SyncMemberMissing = D("KA3004", Severity.Warning, KeepalivedClass.GeneralError,
        "Sync group member does not exist", "virtual router {0} specified in sync group {1} doesn't exist - ignoring{2}");
    public static readonly DiagnosticDescriptor SyncMemberTwice = D("KA3005", Severity.Warning, KeepalivedClass.GeneralError,
        "Instance in two sync groups", "vrrp_instance {0} is listed in sync group {1} but already belongs to {2}; an instance may be in one group only - ignoring");
    public static readonly DiagnosticDescriptor SyncGroupEmpty = D("KA3006", Severity.Warning, KeepalivedClass.GeneralError,
        "Sync group without members", "sync group {0} has no existing member instance - removing it");
    public static readonly DiagnosticDescriptor SyncGroupSingle = D("KA3007", Severity.Warning, KeepalivedClass.GeneralError,
        "Sync group with one member", "sync group {0} has only one member; a sync group is meant to move several instances together");
    public static readonly DiagnosticDescriptor SyncGroupMixedOwners = D("KA3008", Severity.Warning, KeepalivedClass.GeneralError,
        "Sync group mixes owners and non-owners", "sync group {0} mixes address owners (priority 255) and other instances; this won't work");
    public static readonly DiagnosticDescriptor TrackedObjectMissing = D("KA3009", Severity.Warning, KeepalivedClass.GeneralError,
        "Reference to an undefined object", "{0}: {1} {2} is not defined - ignoring{3}");
    public static readonly DiagnosticDescriptor PeerIsSelf = D("KA3010", Severity.Warning, KeepalivedClass.None,
        "Unicast peer is our own address", "vrrp_instance {0}: unicast peer {1} is this instance's own source address; adverts to it are pointless");
    public static readonly DiagnosticDescriptor DuplicateVirtualServer = D("KA3011", Severity.Warning, KeepalivedClass.GeneralError,
        "Virtual server defined twice", "virtual server {0} is defined again (first at {1})");
    public static readonly DiagnosticDescriptor VirtualServerGroupMissing = D("KA3012", Severity.Warning, KeepalivedClass.None,
        "Virtual server group not defined", "virtual_server group {0}: no virtual_server_group {0} is defined, so this virtual server has no address; keepalived ignores it silently{1}");

    public static readonly DiagnosticDescriptor InterfaceMissing = D("KA4001", Severity.Error, KeepalivedClass.GeneralError,
        "Interface does not exist", "vrrp_instance {0}: interface {1} does not exist on this host");
    public static readonly DiagnosticDescriptor InterfaceMissingDynamic = D("KA4002", Severity.Warning, KeepalivedClass.None,
        "Interface does not exist yet", "vrrp_instance {0}: interface {1} does not exist yet (dynamic_interfaces: the instance waits in FAULT)");
    public static readonly DiagnosticDescriptor LoopbackInterface = D("KA4003", Severity.Error, KeepalivedClass.BadInterface,
        "Loopback interface", "vrrp_instance {0}: cannot use a loopback interface ({1}) for VRRP");
    public static readonly DiagnosticDescriptor NoMulticast = D("KA4004", Severity.Error, KeepalivedClass.GeneralError,
        "Interface without multicast", "vrrp_instance {0}: interface {1} does not support multicast; use unicast_peer");
    public static readonly DiagnosticDescriptor AddressInterfaceMissing = D("KA4005", Severity.Warning, KeepalivedClass.GeneralError,
        "Address on a missing interface", "interface {0} for ip address {1} doesn't exist - the address is removed");
    public static readonly DiagnosticDescriptor TrackedInterfaceMissing = D("KA4006", Severity.Warning, KeepalivedClass.GeneralError,
        "Tracked interface does not exist", "{0}: tracked interface {1} doesn't exist");
    public static readonly DiagnosticDescriptor TrackScriptMissing = D("KA4007", Severity.Warning, KeepalivedClass.GeneralError,
        "Track script not found", "disabling track script {0} since not found/accessible ({1} '{2}')");
    public static readonly DiagnosticDescriptor ScriptMissing = D("KA4008", Severity.Warning, KeepalivedClass.None,
        "Script not found", "{0}: {1} script '{2}' not found/accessible - it will not run");
    public static readonly DiagnosticDescriptor ScriptSecurityDisabled = D("KA4009", Severity.Warning, KeepalivedClass.SecurityError,
        "Scripts run as root without script security", "SECURITY VIOLATION - scripts are being executed but script_security not enabled.{0} Add enable_script_security (and script_user) to global_defs");
    public static readonly DiagnosticDescriptor InsecureScript = D("KA4010", Severity.Error, KeepalivedClass.SecurityError,
        "Insecure script", "script '{0}' ({1}) is writable by a non-root user and would run as root: it is disabled");
    public static readonly DiagnosticDescriptor ScriptUserMissing = D("KA4011", Severity.Warning, KeepalivedClass.GeneralError,
        "Script user does not exist", "script_user {0} does not exist on this host");
    public static readonly DiagnosticDescriptor ScriptRunAsUserMissing = D("KA4012", Severity.Warning, KeepalivedClass.None,
        "Script user does not exist", "{0}: {1} is to run as user {2}, who does not exist on this host; keepalived accepts this silently and the script fails to start");
    public static readonly DiagnosticDescriptor ScriptSecurityDisabledUnchecked = D("KA4013", Severity.Warning, KeepalivedClass.None,
        "Scripts run as root without script security (not reached by keepalived -t)", "SECURITY VIOLATION - scripts are being executed but script_security not enabled.{0} Add enable_script_security (and script_user) to global_defs (keepalived -t stops at the missing interface before this check)");
    public static readonly DiagnosticDescriptor TooManyVipsForMtu = D("KA4014", Severity.Warning, KeepalivedClass.GeneralError,
        "More VIPs than one advert carries on this interface", "vrrp_instance {0}: {1} VIPs exceed the {2} an advert can carry on {3} (MTU {4}); the excess is used as excluded addresses (not advertised), as keepalived does");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = DescriptorCatalog.FieldsOf(typeof(ValidationDescriptors));
}
