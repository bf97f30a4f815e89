using System.Globalization;
using KeepAlive.Kernel.Wire.Ipvs;
using static KeepAlive.IpvsVm.Probe.IpvsadmListing;

namespace KeepAlive.IpvsVm.Probe;

/// <summary>The real-server columns of one ipvsadm 1.31 table: its header and how a real server's line is printed.</summary>
internal sealed record Columns(string Header, Func<IpvsDestinationEntry, string> Line)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private const string Version = "Prot LocalAddress:Port";

    public static readonly Columns Default = new(
        $"{Version} Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
        d => Format("{0,-7} {1,-6} {2,-10} {3,-10}", d, Forward(d.Destination.Forwarding), d.Destination.Weight, d.ActiveConnections, d.InactiveConnections));

    public static readonly Columns PersistentConnections = new(
        $"{Version}            Weight    PersistConn ActiveConn InActConn \n  -> RemoteAddress:Port\n",
        d => Format("{0,-9} {1,-11} {2,-10} {3,-10}", d, d.Destination.Weight, d.PersistentConnections, d.ActiveConnections, d.InactiveConnections));

    public static readonly Columns Thresholds = new(
        $"{Version}            Uthreshold Lthreshold ActiveConn InActConn \n  -> RemoteAddress:Port\n",
        d => Format("{0,-10} {1,-10} {2,-10} {3,-10}", d, d.Destination.UpperThreshold, d.Destination.LowerThreshold, d.ActiveConnections, d.InactiveConnections));

    public static readonly Columns TunnelInfo = new(
        $"{Version} Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n",
        d => Format("{0,-7} {1,-13} {2,-6} {3,-10} {4,-10}", d, Forward(d.Destination.Forwarding), Tunnel(d.Destination), d.Destination.Weight, d.ActiveConnections, d.InactiveConnections));

    /// <summary>The columns the options ask for (and removes that option), or null for a combination we do not print.</summary>
    public static Columns? Of(HashSet<string> options)
    {
        var chosen = new[] { ("--persistent-conn", PersistentConnections), ("--thresholds", Thresholds), ("--tun-info", TunnelInfo) }
            .Where(c => options.Remove(c.Item1)).Select(c => c.Item2).ToList();
        return chosen.Count switch { 0 => Default, 1 => chosen[0], _ => null };
    }

    private static string Format(string columns, IpvsDestinationEntry d, params object[] values) =>
        string.Format(Invariant, "  -> {0,-28} ", Endpoint(d.Destination.Address, d.Destination.Port))
        + string.Format(Invariant, columns, values) + "\n";

    private static string Tunnel(IpvsDestination d) => d.Forwarding != IpvsForwarding.Tunnel ? "n/a" : d.TunnelType switch
    {
        IpvsTunnelType.Ipip => "ipip",
        IpvsTunnelType.Gue => string.Create(Invariant, $"gue:{d.TunnelPort}:{Checksum(d.TunnelChecksum)}"),
        IpvsTunnelType.Gre => $"gre:{Checksum(d.TunnelChecksum)}",
        _ => d.TunnelType.ToString(),
    };

    private static string Checksum(IpvsTunnelChecksum checksum) => checksum switch
    {
        IpvsTunnelChecksum.NoChecksum => "-c",
        IpvsTunnelChecksum.Checksum => "+c",
        _ => "r+c",
    };
}
