using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.IpvsVm.Probe;

/// <summary>
/// What <c>ipvsadm -Ln</c> (also with <c>--persistent-conn</c>, <c>--thresholds</c> or <c>--tun-info</c>) and
/// <c>-L --timeout</c> (ipvsadm 1.31) print, made from
/// what our port reads back: equal text means our decoders see exactly what ipvsadm sees. Entries are ordered as
/// libipvs sorts them (its comparisons subtract as C ints, so they wrap: 10.0.0.1 sorts after 192.168.0.1).
/// </summary>
public static class IpvsadmListing
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>True for the listing command lines (-L/-l), which are run by ipvsadm and rendered by us.</summary>
    public static bool IsListing(IReadOnlyList<string> arguments) => arguments.Count > 0 && arguments[0].StartsWith("-L", StringComparison.Ordinal);

    /// <summary>The listing for <paramref name="arguments"/>, or the reason we cannot render it.</summary>
    public static KernelResult Render(IIpvsPort ipvs, IReadOnlyList<string> arguments, out string text)
    {
        text = string.Empty;
        var options = arguments.SelectMany(a => a.StartsWith("-L", StringComparison.Ordinal) ? a[2..].Select(c => "-" + c) : [a]).ToHashSet();
        if (options.Contains("--timeout"))
        {
            var r = ipvs.Timeouts(out var timeouts);
            text = r.IsOk ? $"Timeout (tcp tcpfin udp): {timeouts!.Tcp} {timeouts.TcpFin} {timeouts.Udp}\n" : string.Empty;
            return r;
        }
        var columns = Columns.Of(options);
        if (columns is null || !options.SetEquals(["-n"]))
            return KernelResult.Fail(22, $"the probe renders -Ln [--persistent-conn|--thresholds|--tun-info] and -L --timeout only, not {string.Join(' ', arguments)}");
        return Table(ipvs, columns, out text);
    }

    private static KernelResult Table(IIpvsPort ipvs, Columns columns, out string text)
    {
        text = string.Empty;
        var r = ipvs.Info(out var info);
        if (!r.IsOk)
            return r;
        r = ipvs.Services(out var services);
        if (!r.IsOk)
            return r;
        var output = new StringBuilder();
        output.Append(Invariant, $"IP Virtual Server version {info!.VersionText} (size={info.ConnectionTableSize})\n");
        output.Append(columns.Header);
        foreach (var service in services.Select(e => e.Service).Order(Comparer<IpvsService>.Create(CompareServices)))
        {
            output.Append(ServiceLine(service)).Append('\n');
            r = ipvs.Destinations(service, out var destinations);
            if (!r.IsOk)
                return r;
            foreach (var d in destinations.OrderBy(d => d.Destination, Comparer<IpvsDestination>.Create(CompareDestinations)))
                output.Append(columns.Line(d));
        }
        text = output.ToString();
        return KernelResult.Ok;
    }

    private static string ServiceLine(IpvsService s)
    {
        var line = new StringBuilder(s.IsFirewallMark
            ? string.Create(Invariant, $"FWM  {s.FirewallMark} {(s.Family == AddressFamily.InterNetworkV6 ? "IPv6 " : "")}{s.Scheduler}")
            : $"{s.Protocol.ToString().ToUpperInvariant(),-4} {Endpoint(s.Address!, s.Port)} {s.Scheduler}");
        if (s.SchedulerFlags != IpvsSchedulerFlags.None)
            line.Append(" (").Append(string.Join(',', FlagNames(s))).Append(')');
        if (s.PersistenceTimeout is { } timeout)
        {
            line.Append(Invariant, $" persistent {timeout}");
            if (s.NetmaskPrefixLength is { } prefix && prefix < (s.Family == AddressFamily.InterNetwork ? 32 : 128))
                line.Append(" mask ").Append(s.Family == AddressFamily.InterNetwork ? Mask(prefix) : prefix.ToString(Invariant));
            if (s.PersistenceEngine is { Length: > 0 } engine)
                line.Append(" pe ").Append(engine);
        }
        if (s.OnePacket)
            line.Append(" ops");
        return line.ToString();
    }

    private static IEnumerable<string> FlagNames(IpvsService s)
    {
        var prefix = s.Scheduler is "sh" or "mh" ? s.Scheduler : null;
        if (s.SchedulerFlags.HasFlag(IpvsSchedulerFlags.ShFallback))
            yield return prefix is null ? "flag-1" : prefix + "-fallback";
        if (s.SchedulerFlags.HasFlag(IpvsSchedulerFlags.ShPort))
            yield return prefix is null ? "flag-2" : prefix + "-port";
        if (s.SchedulerFlags.HasFlag(IpvsSchedulerFlags.Flag3))
            yield return "flag-3";
    }

    private static string Mask(byte prefix) => new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(prefix == 0 ? 0u : uint.MaxValue << (32 - prefix))).ToString();

    internal static string Endpoint(IPAddress address, ushort port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";

    internal static string Forward(IpvsForwarding forwarding) => forwarding switch
    {
        IpvsForwarding.Masquerade => "Masq",
        IpvsForwarding.Local => "Local",
        IpvsForwarding.Tunnel => "Tunnel",
        IpvsForwarding.DirectRoute => "Route",
        _ => forwarding.ToString(),
    };

    private static int CompareServices(IpvsService a, IpvsService b)
    {
        int r = Wrapping(a.FirewallMark, b.FirewallMark);
        if (r == 0)
            r = (int)a.Family - (int)b.Family;
        if (r == 0)
            r = (int)a.Protocol - (int)b.Protocol;
        if (r == 0 && a.Address is not null && b.Address is not null)
            r = CompareAddresses(a.Address, b.Address);
        return r != 0 ? r : a.Port - b.Port;
    }

    private static int CompareDestinations(IpvsDestination a, IpvsDestination b)
    {
        int r = (int)a.Family - (int)b.Family;
        if (r == 0)
            r = CompareAddresses(a.Address, b.Address);
        return r != 0 ? r : a.Port - b.Port;
    }

    /// <summary>libipvs: 32-bit words in host order, subtracted as ints.</summary>
    private static int CompareAddresses(IPAddress a, IPAddress b)
    {
        var x = a.GetAddressBytes();
        var y = b.GetAddressBytes();
        int r = 0;
        for (int i = 0; r == 0 && i + 4 <= Math.Min(x.Length, y.Length); i += 4)
            r = Wrapping(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(x.AsSpan(i)), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(y.AsSpan(i)));
        return r;
    }

    private static int Wrapping(uint a, uint b) => unchecked((int)(a - b));
}
