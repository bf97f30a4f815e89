using System.Net;
using System.Text.RegularExpressions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// Two namespaces of ours (ka-raw-a-…, ka-raw-b-…) joined by one veth pair, addressed like the golden keepalived
/// captures (10.7.0.1/2, fd00:7::1/2, fe80::ff:fe07:1/2, MACs 02:00:00:07:00:01/2) so golden checksums stay valid.
/// No DAD (nodad), no kernel-made link-local (addrgenmode none). Deleting the namespaces deletes the veth pair;
/// Dispose does that even when construction failed half-way.
/// </summary>
public sealed partial class VethNamespacePair : IDisposable
{
    public const string InterfaceA = "kra0";
    public const string InterfaceB = "krb0";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly List<NetworkNamespace> _namespaces = [];

    public VethNamespacePair()
    {
        try
        {
            A = Add(new NetworkNamespace("raw-a"));
            B = Add(new NetworkNamespace("raw-b"));
            Ip("-n", A.Name, "link", "add", InterfaceA, "type", "veth", "peer", "name", InterfaceB, "netns", B.Name);
            Configure(A.Name, InterfaceA, "02:00:00:07:00:01", IPv4A, IPv6A, LinkLocalA);
            Configure(B.Name, InterfaceB, "02:00:00:07:00:02", IPv4B, IPv6B, LinkLocalB);
            IndexA = WaitUntilUp(A.Name, InterfaceA);
            IndexB = WaitUntilUp(B.Name, InterfaceB);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static IPAddress IPv4A { get; } = IPAddress.Parse("10.7.0.1");
    public static IPAddress IPv4B { get; } = IPAddress.Parse("10.7.0.2");
    public static IPAddress IPv6A { get; } = IPAddress.Parse("fd00:7::1");
    public static IPAddress IPv6B { get; } = IPAddress.Parse("fd00:7::2");
    public static IPAddress LinkLocalA { get; } = IPAddress.Parse("fe80::ff:fe07:1");
    public static IPAddress LinkLocalB { get; } = IPAddress.Parse("fe80::ff:fe07:2");

    public NetworkNamespace A { get; } = null!;
    public NetworkNamespace B { get; } = null!;

    /// <summary>ifindex of the veth end in A / in B, as `ip` reports it.</summary>
    public int IndexA { get; }
    public int IndexB { get; }

    public T InA<T>(Func<T> action) => NamespaceThread.Run(A.Name, action);

    public T InB<T>(Func<T> action) => NamespaceThread.Run(B.Name, action);

    public void Dispose()
    {
        foreach (var ns in _namespaces)
            ns.Dispose();
        _namespaces.Clear();
    }

    private NetworkNamespace Add(NetworkNamespace ns)
    {
        _namespaces.Add(ns);
        return ns;
    }

    private static void Configure(string ns, string ifName, string mac, IPAddress v4, IPAddress v6, IPAddress linkLocal)
    {
        Ip("-n", ns, "link", "set", "dev", ifName, "address", mac);
        Ip("-n", ns, "link", "set", "dev", ifName, "addrgenmode", "none");
        Ip("-n", ns, "addr", "add", $"{v4}/24", "dev", ifName);
        Ip("-n", ns, "-6", "addr", "add", $"{v6}/64", "dev", ifName, "nodad");
        Ip("-n", ns, "-6", "addr", "add", $"{linkLocal}/64", "dev", ifName, "nodad");
        Ip("-n", ns, "link", "set", "dev", ifName, "up");
    }

    /// <summary>Waits (bounded) for the carrier, and returns the interface index.</summary>
    private static int WaitUntilUp(string ns, string ifName)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (true)
        {
            var output = Ip("-n", ns, "-o", "link", "show", "dev", ifName);
            if (output.Contains("LOWER_UP", StringComparison.Ordinal))
                return int.Parse(IndexPrefix().Match(output).Groups[1].Value);
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{ifName} in {ns} not up: {output}");
            Thread.Sleep(20);
        }
    }

    private static string Ip(params string[] args)
    {
        var (code, output) = Privilege.Run("ip", args, Limit);
        if (code != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {output}");
        return output;
    }

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IndexPrefix();
}
