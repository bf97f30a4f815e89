using System.Globalization;
using System.Net;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Kernel.Tests.Wire.Ipvs;

/// <summary>Parses the `ipvsadm -Ln [--stats]` table printed in a golden stdout.txt, independently of our decoder, so
/// decoded dumps can be checked against what ipvsadm itself made of the same bytes.</summary>
internal sealed class IpvsListing
{
    private IpvsListing(string[] tokens, bool withStats)
    {
        Tokens = tokens;
        WithStats = withStats;
    }

    public string[] Tokens { get; }

    public bool WithStats { get; }

    public List<ListedDestination> Destinations { get; } = [];

    public static List<IpvsListing> Parse(string[] stdout, bool withStats)
    {
        var result = new List<IpvsListing>();
        foreach (var line in stdout)
        {
            var tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }

            if (tokens[0] is "TCP" or "UDP" or "SCTP" or "FWM")
            {
                result.Add(new IpvsListing(tokens, withStats));
            }
            else if (tokens[0] == "->" && tokens[1] != "RemoteAddress:Port")
            {
                result[^1].Destinations.Add(new ListedDestination(tokens, withStats));
            }
        }

        return result;
    }

    /// <summary>True when this line lists <paramref name="service"/> (same protocol and endpoint, or same mark).</summary>
    public bool Identifies(IpvsService service) => Tokens[0] == "FWM"
        ? service.FirewallMark == uint.Parse(Tokens[1], CultureInfo.InvariantCulture)
        : Tokens[0] == service.Protocol.ToString().ToUpperInvariant() && Endpoint(Tokens[1]).Equals((service.Address!, service.Port));

    /// <summary>The decoded destinations are exactly the listed ones (ipvsadm sorts them, so matched by endpoint).</summary>
    public void AssertDestinations(IReadOnlyList<IpvsDestinationEntry> decoded)
    {
        Assert.Equal(Destinations.Count, decoded.Count);
        foreach (var entry in decoded)
        {
            Assert.Single(Destinations, d => d.Endpoint.Equals((entry.Destination.Address, entry.Destination.Port))).AssertMatches(entry);
        }
    }

    public void AssertMatches(IpvsService service, IpvsStats stats)
    {
        if (Tokens[0] == "FWM")
        {
            Assert.Equal(uint.Parse(Tokens[1], CultureInfo.InvariantCulture), service.FirewallMark);
        }
        else
        {
            Assert.Equal(Enum.Parse<IpvsProtocol>(Tokens[0], ignoreCase: true), service.Protocol);
            var (address, port) = Endpoint(Tokens[1]);
            Assert.Equal(address, service.Address);
            Assert.Equal(port, service.Port);
        }

        if (WithStats)
        {
            AssertStats(Tokens.AsSpan(2), stats);
            return;
        }

        Assert.Equal(Tokens[2], service.Scheduler);
        var rest = Tokens.Skip(3).ToList();
        var persistent = rest.IndexOf("persistent");
        Assert.Equal(persistent >= 0 ? uint.Parse(rest[persistent + 1], CultureInfo.InvariantCulture) : null, service.PersistenceTimeout);
        var mask = rest.IndexOf("mask");
        Assert.Equal(mask >= 0 ? MaskPrefix(rest[mask + 1]) : null, service.NetmaskPrefixLength);
        Assert.Equal(rest.Contains("ops"), service.OnePacket);
        var flags = rest.FirstOrDefault(t => t.StartsWith('('))?.Trim('(', ')').Split(',') ?? [];
        Assert.Equal(flags.Contains("sh-fallback"), service.SchedulerFlags.HasFlag(IpvsSchedulerFlags.ShFallback));
        Assert.Equal(flags.Contains("sh-port"), service.SchedulerFlags.HasFlag(IpvsSchedulerFlags.ShPort));
    }

    internal static (IPAddress Address, ushort Port) Endpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        var host = text[..colon].Trim('[', ']');
        return (IPAddress.Parse(host), ushort.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    internal static void AssertStats(ReadOnlySpan<string> columns, IpvsStats stats)
    {
        Assert.Equal(5, columns.Length);
        Assert.Equal(ulong.Parse(columns[0], CultureInfo.InvariantCulture), stats.Connections);
        Assert.Equal(ulong.Parse(columns[1], CultureInfo.InvariantCulture), stats.InPackets);
        Assert.Equal(ulong.Parse(columns[2], CultureInfo.InvariantCulture), stats.OutPackets);
        Assert.Equal(ulong.Parse(columns[3], CultureInfo.InvariantCulture), stats.InBytes);
        Assert.Equal(ulong.Parse(columns[4], CultureInfo.InvariantCulture), stats.OutBytes);
    }

    private static byte? MaskPrefix(string dotted)
    {
        var bits = IPAddress.Parse(dotted).GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));
        return (byte)bits;
    }
}

/// <summary>One "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn" line (or its --stats form).</summary>
internal sealed class ListedDestination(string[] tokens, bool withStats)
{
    public (IPAddress Address, ushort Port) Endpoint => IpvsListing.Endpoint(tokens[1]);

    public void AssertMatches(IpvsDestinationEntry entry)
    {
        var (address, port) = IpvsListing.Endpoint(tokens[1]);
        Assert.Equal(address, entry.Destination.Address);
        Assert.Equal(port, entry.Destination.Port);
        if (withStats)
        {
            IpvsListing.AssertStats(tokens.AsSpan(2), entry.Stats);
            return;
        }

        var forwarding = tokens[2] switch
        {
            "Masq" => IpvsForwarding.Masquerade,
            "Local" => IpvsForwarding.Local,
            "Tunnel" => IpvsForwarding.Tunnel,
            "Route" => IpvsForwarding.DirectRoute,
            _ => throw new InvalidOperationException($"unknown forward '{tokens[2]}'"),
        };
        Assert.Equal(forwarding, entry.Destination.Forwarding);
        Assert.Equal(int.Parse(tokens[3], CultureInfo.InvariantCulture), entry.Destination.Weight);
        Assert.Equal(uint.Parse(tokens[4], CultureInfo.InvariantCulture), entry.ActiveConnections);
        Assert.Equal(uint.Parse(tokens[5], CultureInfo.InvariantCulture), entry.InactiveConnections);
    }
}
