using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// <c>--dry-run</c>: the real kernel for what is read (links, addresses, their changes, IPVS tables), every change
/// printed instead of applied and answered as done. What still happens for real: reading the kernel, the VRRP
/// sockets (adverts are sent and received), scripts and notifications.
/// </summary>
public sealed class DryRunKernelPort(IKernelPort real, Action<string> print) : DelegatingKernelPort(real)
{
    public override IIpvsPort Ipvs { get; } = new DryRunIpvsPort(real.Ipvs, print);

    public override IVipFirewall Firewall { get; } = new DryRunVipFirewall(print);

    // Prepare runs for real: warming up changes nothing in the kernel (its probe is refused by design). Links,
    // Addresses and Subscribe read the real kernel.

    public override KernelResult AddAddress(InterfaceAddress address) => Print($"add address {address.Address}/{address.PrefixLength} dev {address.Interface}");

    public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses) => addresses.Select(AddAddress).ToArray();

    public override KernelResult RemoveAddress(InterfaceAddress address) => Print($"remove address {address.Address}/{address.PrefixLength} dev {address.Interface}");

    public override KernelResult AddRoute(RouteSpec route) => Print($"add route {route}");

    public override KernelResult RemoveRoute(RouteSpec route) => Print($"remove route {route}");

    public override KernelResult AddRule(RuleSpec rule) => Print($"add rule {rule}");

    public override KernelResult RemoveRule(RuleSpec rule) => Print($"remove rule {rule}");

    public override KernelResult CreateMacvlan(MacvlanSpec link) => Print($"create macvlan {link}");

    public override KernelResult DeleteLink(string name) => Print($"delete link {name}");

    public override KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame) => Print($"send a {frame.Length}-byte frame on {interfaceName}");

    private KernelResult Print(string what)
    {
        print("dry-run: would " + what);
        return KernelResult.Ok;
    }
}

/// <summary>The IPVS half of <see cref="DryRunKernelPort"/>: each change printed as the <c>ipvsadm</c> command that
/// would make it (<see cref="IpvsCommandText"/>), one per line, and answered as done; reads go to the real kernel.</summary>
public sealed class DryRunIpvsPort(IIpvsPort real, Action<string> print) : IIpvsPort
{
    public KernelResult Info(out IpvsInfo? info) => real.Info(out info);

    public KernelResult AddService(IpvsService service) => Command(IpvsCommandText.AddService(service));

    public KernelResult EditService(IpvsService service) => Command(IpvsCommandText.EditService(service));

    public KernelResult DeleteService(IpvsService service) => Command(IpvsCommandText.DeleteService(service));

    public KernelResult Flush() => Command("ipvsadm -C");

    public KernelResult AddDestination(IpvsService service, IpvsDestination destination) => Command(IpvsCommandText.AddDestination(service, destination));

    public KernelResult EditDestination(IpvsService service, IpvsDestination destination) => Command(IpvsCommandText.EditDestination(service, destination));

    public KernelResult DeleteDestination(IpvsService service, IpvsDestination destination) => Command(IpvsCommandText.DeleteDestination(service, destination));

    public KernelResult Services(out IReadOnlyList<IpvsServiceEntry> services) => real.Services(out services);

    public KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations) => real.Destinations(service, out destinations);

    public KernelResult Timeouts(out IpvsTimeouts? timeouts) => real.Timeouts(out timeouts);

    public KernelResult SetTimeouts(IpvsTimeouts timeouts) => Command(IpvsCommandText.SetTimeouts(timeouts));

    public KernelResult Zero(IpvsService? service) => Command(service is null ? "ipvsadm -Z" : $"ipvsadm -Z {IpvsCommandText.ServiceOptions(service)}");

    public KernelResult StartDaemon(IpvsDaemon daemon) => Command(IpvsCommandText.StartDaemon(daemon));

    public KernelResult StopDaemon(IpvsSyncState state) => Command(IpvsCommandText.StopDaemon(state));

    public KernelResult Daemons(out IReadOnlyList<IpvsDaemon> daemons) => real.Daemons(out daemons);

    /// <summary>The stable line format of docs/dry-run.md: <c>dry-run: ipvsadm ...</c>, one change per line.</summary>
    public const string Prefix = "dry-run: ";

    private KernelResult Command(string ipvsadm)
    {
        print(Prefix + ipvsadm);
        return KernelResult.Ok;
    }
}

/// <summary>The accept-mode firewall under <c>--dry-run</c>: every change printed, none applied.</summary>
public sealed class DryRunVipFirewall(Action<string> print) : IVipFirewall
{
    private readonly HashSet<System.Net.IPAddress> _blocked = new();
    private readonly Dictionary<string, VmacFirewallLink> _vmacs = new(StringComparer.Ordinal);

    public IReadOnlyCollection<System.Net.IPAddress> Blocked => _blocked.ToList();

    public KernelResult Apply(VipFirewallSettings settings, IReadOnlyCollection<System.Net.IPAddress> block, IReadOnlyCollection<System.Net.IPAddress> unblock)
    {
        if (block.Count > 0)
            print($"nftables {settings.Table}: drop traffic to {string.Join(", ", block)}");
        if (unblock.Count > 0)
            print($"nftables {settings.Table}: accept traffic to {string.Join(", ", unblock)}");
        _blocked.UnionWith(block);
        _blocked.ExceptWith(unblock);
        return KernelResult.Ok;
    }

    public KernelResult Remove(VipFirewallSettings settings)
    {
        print($"nftables: delete table {settings.Table}");
        _blocked.Clear();
        _vmacs.Clear();
        return KernelResult.Ok;
    }

    public IReadOnlyCollection<VmacFirewallLink> Vmacs => _vmacs.Values.ToList();

    public KernelResult AddVmac(VipFirewallSettings settings, VmacFirewallLink link)
    {
        print($"nftables {settings.Table}: move the multicast reports of {link.Name} to its base interface");
        _vmacs[link.Name] = link;
        return KernelResult.Ok;
    }

    public KernelResult RemoveVmac(VipFirewallSettings settings, string name)
    {
        if (_vmacs.Remove(name))
            print($"nftables {settings.Table}: forget {name}");
        return KernelResult.Ok;
    }

    public KernelResult Move(VipFirewallSettings from, VipFirewallSettings to)
    {
        if (from != to)
            print($"nftables: rebuild table {from.Table} (priority {from.Priority}) as {to.Table} (priority {to.Priority})");
        return KernelResult.Ok;
    }
}
