using System.Net;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Ports;

/// <summary>An address on an interface, as keepalived configures a VIP (ip address add … dev … [brd] [scope]
/// [label] [peer] [home|mngtmpaddr|noprefixroute|autojoin] [preferred_lft]); IPv6 VIPs are added with IFA_F_NODAD so
/// they are usable at once.</summary>
/// <param name="Interface">The device.</param>
/// <param name="Address">The local address.</param>
/// <param name="PrefixLength">Its prefix length (of the peer's prefix when there is a peer).</param>
/// <param name="Broadcast">IPv4 broadcast, or none.</param>
/// <param name="Scope">Address scope.</param>
/// <param name="Label">IPv4 label.</param>
/// <param name="NoDad">IPv6: add with IFA_F_NODAD (ignored for IPv4).</param>
/// <param name="Peer">The point-to-point peer, or none.</param>
/// <param name="PreferredLifetime">Seconds; <see cref="uint.MaxValue"/> is forever, 0 makes an IPv6 address
/// deprecated (keepalived's default for a /128 VIP).</param>
/// <param name="Flags">IFA_F_* besides NODAD: home, mngtmpaddr, noprefixroute, autojoin.</param>
public sealed record InterfaceAddress(
    string Interface,
    IPAddress Address,
    int PrefixLength,
    IPAddress? Broadcast = null,
    RouteScope Scope = RouteScope.Global,
    string? Label = null,
    bool NoDad = true,
    IPAddress? Peer = null,
    uint PreferredLifetime = uint.MaxValue,
    AddressFlags Flags = AddressFlags.None)
{
    /// <summary>The identity the kernel uses: interface, address and prefix (what a delete must match).</summary>
    public AddressKey Key => new(Interface, Address, PrefixLength);

    public override string ToString() => $"{Address}/{PrefixLength} dev {Interface}";
}

/// <summary>An address's identity: value equality (IPAddress compared by value, unlike a tuple's <c>==</c>).</summary>
public readonly record struct AddressKey(string Interface, IPAddress Address, int PrefixLength);

/// <summary>A route keepalived installs (virtual_routes / static_routes): destination prefix, optional gateway,
/// device, metric, table, preferred source, scope (null: link for a device route without gateway, else global, as
/// ip-route(8) chooses).</summary>
public sealed record RouteSpec(
    IPAddress Destination,
    int PrefixLength,
    IPAddress? Gateway = null,
    string? Interface = null,
    uint? Metric = null,
    uint Table = 254,
    IPAddress? PreferredSource = null,
    RouteScope? Scope = null)
{
    public override string ToString() =>
        $"{Destination}/{PrefixLength}{(Gateway is null ? "" : $" via {Gateway}")}{(Interface is null ? "" : $" dev {Interface}")} table {Table}";
}

/// <summary>A policy routing rule "lookup TABLE" (virtual_rules / static_rules). A null priority lets the kernel
/// choose one.</summary>
public sealed record RuleSpec(
    System.Net.Sockets.AddressFamily Family,
    uint? Priority,
    uint Table,
    IPAddress? From = null,
    int FromPrefixLength = 0,
    IPAddress? To = null,
    int ToPrefixLength = 0,
    uint? Fwmark = null,
    string? InputInterface = null,
    string? OutputInterface = null,
    uint? FwmarkMask = null)
{
    public override string ToString() =>
        $"{(Priority is { } p ? $"{p}: " : "")}from {(From is null ? "all" : $"{From}/{FromPrefixLength}")}{(To is null ? "" : $" to {To}/{ToPrefixLength}")}"
        + $"{(Fwmark is { } m ? $" fwmark {m:x}{(FwmarkMask is { } k ? $"/{k:x}" : "")}" : "")}{(InputInterface is null ? "" : $" iif {InputInterface}")}"
        + $"{(OutputInterface is null ? "" : $" oif {OutputInterface}")} lookup {Table}";
}

/// <summary>A macvlan virtual-MAC interface for use_vmac (keepalived's vrrp.VRID on top of the base interface).</summary>
public sealed record MacvlanSpec(string Name, string BaseInterface, byte[] Mac, MacvlanMode Mode = MacvlanMode.Private)
{
    public override string ToString() => $"{Name} link {BaseInterface} macvlan {Mode} address {Convert.ToHexString(Mac)}";
}

/// <summary>What the kernel says about a link: index, name, administrative and carrier state, MTU, MAC.</summary>
public sealed record LinkState(int Index, string Name, bool AdminUp, bool Carrier, int Mtu, byte[] Mac)
{
    /// <summary>Up for VRRP: administratively up with carrier (keepalived's IFF_UP and IFF_RUNNING).</summary>
    public bool IsUp => AdminUp && Carrier;
}

/// <summary>A change the kernel reported (or a fake injected): link state, an address added or removed.</summary>
public abstract record KernelEvent
{
    public sealed record LinkChanged(LinkState Link) : KernelEvent;

    public sealed record LinkRemoved(int Index, string Name) : KernelEvent;

    public sealed record AddressAdded(InterfaceAddress Address) : KernelEvent;

    public sealed record AddressRemoved(InterfaceAddress Address) : KernelEvent;

    /// <summary>Events were lost (netlink ENOBUFS): the subscriber must re-read the state it cares about.</summary>
    public sealed record Resync : KernelEvent;
}
