using System.Diagnostics;

namespace KeepAlive.Privileged.Tests.EndToEnd;

/// <summary>
/// A LAN of our own: one namespace holding a bridge (the switch) and N node namespaces, each joined to it by a veth
/// whose node end is <see cref="Interface"/> with address 10.8.0.(index+1)/24 (no DAD, no kernel link-local). Dispose
/// deletes every namespace it created, even after a failure half-way.
/// </summary>
public sealed class BridgeLab : IDisposable
{
    public const string Interface = "lan0";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly List<NetworkNamespace> _namespaces = [];

    public BridgeLab(int nodes)
    {
        try
        {
            Switch = Add(new NetworkNamespace("e2e-sw"));
            Ip("-n", Switch.Name, "link", "add", "br0", "type", "bridge");
            Ip("-n", Switch.Name, "link", "set", "br0", "up");
            var list = new List<NetworkNamespace>();
            for (int i = 0; i < nodes; i++)
            {
                var node = Add(new NetworkNamespace($"e2e-n{i + 1}"));
                string port = $"sw{i + 1}";
                Ip("-n", Switch.Name, "link", "add", port, "type", "veth", "peer", "name", Interface, "netns", node.Name);
                Ip("-n", Switch.Name, "link", "set", port, "master", "br0");
                Ip("-n", Switch.Name, "link", "set", port, "up");
                Ip("-n", node.Name, "link", "set", Interface, "addrgenmode", "none");
                Ip("-n", node.Name, "addr", "add", $"{Address(i)}/24", "dev", Interface);
                Ip("-n", node.Name, "link", "set", Interface, "up");
                list.Add(node);
            }
            Nodes = list;
            foreach (var node in Nodes)
                WaitUntilUp(node);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetworkNamespace Switch { get; } = null!;

    public IReadOnlyList<NetworkNamespace> Nodes { get; } = [];

    public static string Address(int node) => $"10.8.0.{node + 1}";

    /// <summary>The IPv4 addresses (with prefix) on <see cref="Interface"/> of a node.</summary>
    public IReadOnlySet<string> Addresses(int node)
    {
        var (_, text) = Nodes[node].Exec("ip", ["-4", "-o", "addr", "show", "dev", Interface], Limit);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => f[Array.IndexOf(f, "inet") + 1])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Sets a node's interface down or up (its carrier, as a pulled cable seen from the node).</summary>
    public void SetLink(int node, bool up) => Ip("-n", Nodes[node].Name, "link", "set", Interface, up ? "up" : "down");

    public void Dispose()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
            ns.Dispose();
        _namespaces.Clear();
    }

    private NetworkNamespace Add(NetworkNamespace ns)
    {
        _namespaces.Add(ns);
        return ns;
    }

    private static void WaitUntilUp(NetworkNamespace node)
    {
        var clock = Stopwatch.StartNew();
        while (!node.Exec("ip", ["-o", "link", "show", "dev", Interface], Limit).Output.Contains("LOWER_UP", StringComparison.Ordinal))
        {
            if (clock.Elapsed > Limit)
                throw new TimeoutException($"{Interface} in {node.Name} has no carrier");
            Thread.Sleep(20);
        }
    }

    private static void Ip(params string[] args)
    {
        var (code, output) = Privilege.Run("ip", args, Limit);
        if (code != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {output}");
    }
}
