using System.Collections.Immutable;
using System.Reflection;
using KeepAlive.Config.Diagnostics;

namespace KeepAlive.Config.Validation;

/// <summary>Diagnostics about rules across objects and about this host (KA3xxx, KA4xxx).</summary>
public static class ValidationDescriptors
{
    private static DiagnosticDescriptor D(string code, Severity severity, KeepalivedClass keepalived, string title, string format) =>
        new(code, severity, keepalived, format, title);

    public static readonly DiagnosticDescriptor NoVipSensible = D("KA3001", Severity.Warning, KeepalivedClass.GeneralError,
        "VRRP instance without VIPs", "vrrp_instance {0} has no virtual_ipaddress; at least one is sensible");
    public static readonly DiagnosticDescriptor UnicastWithoutPeers = D("KA3002", Severity.Warning, KeepalivedClass.Deprecated,
        "Unicast keywords without peers", "vrrp_instance {0} has unicast keywords but no unicast_peer: it runs multicast (deprecated; add peers or unicast_fault_no_peer)");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = typeof(ValidationDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToImmutableArray();
}
