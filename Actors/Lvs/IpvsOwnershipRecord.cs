using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Lvs;

/// <summary>
/// The services a run owns, as the text file the next run reads to know which stale services are its own to remove
/// (keepalived has no such record: it removes only what its configuration names). One service per line in
/// <see cref="IpvsCommandText.ServiceOptions"/> form: <c>-t 10.0.0.10:80</c>, <c>-u [2001:db8::1]:53</c>,
/// <c>--sctp-service 10.0.0.10:9</c>, <c>-f 7</c>, <c>-f 7 -6</c>. Pure; a line that does not parse is reported and
/// skipped (a damaged record can only make us remove less).
/// </summary>
public static class IpvsOwnershipRecord
{
    public static string Format(IEnumerable<IpvsServiceKey> owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        return string.Concat(owned.Select(Line).Order(StringComparer.Ordinal).Select(l => l + "\n"));
    }

    public static (IReadOnlyList<IpvsServiceKey> Owned, IReadOnlyList<string> Errors) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var owned = new List<IpvsServiceKey>();
        var errors = new List<string>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            if (TryParse(line, out var key))
                owned.Add(key);
            else
                errors.Add($"line {number}: '{(line.Length > 80 ? line[..80] + "..." : line)}' is not a service");
        }
        return (owned.Distinct().ToList(), errors);
    }

    public static string Line(IpvsServiceKey key) => key.FirewallMark != 0
        ? IpvsCommandText.ServiceOptions(new IpvsService { Family = key.Family, FirewallMark = key.FirewallMark })
        : IpvsCommandText.ServiceOptions(new IpvsService { Family = key.Family, Protocol = key.Protocol, Address = key.Address, Port = key.Port });

    public static bool TryParse(string line, out IpvsServiceKey key)
    {
        key = default;
        var words = (line ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["-f", var mark, .. var rest] && rest is [] or ["-6"])
        {
            if (!uint.TryParse(mark, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m) || m == 0)
                return false;
            key = new IpvsServiceKey(rest.Length == 1 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, IpvsProtocol.None, null, 0, m);
            return true;
        }
        if (words is not [var option, var endpoint])
            return false;
        var protocol = option switch { "-t" => IpvsProtocol.Tcp, "-u" => IpvsProtocol.Udp, "--sctp-service" => IpvsProtocol.Sctp, _ => IpvsProtocol.None };
        var colon = endpoint.LastIndexOf(':');
        if (protocol == IpvsProtocol.None || colon <= 0)
            return false;
        var host = endpoint[..colon];
        if (host.StartsWith('[') != host.EndsWith(']'))
            return false;
        if (host.StartsWith('['))
            host = host[1..^1];
        if (!IPAddress.TryParse(host, out var address) || (address.AddressFamily == AddressFamily.InterNetworkV6) != endpoint.StartsWith('[')
            || !ushort.TryParse(endpoint[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
            return false;
        key = new IpvsServiceKey(address.AddressFamily, protocol, address, port, 0);
        return true;
    }
}
