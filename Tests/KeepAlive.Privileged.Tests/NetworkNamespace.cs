namespace KeepAlive.Privileged.Tests;

/// <summary>A network namespace this test run creates (named ka-…) with Ethernet interfaces of the given names (veth
/// pairs inside the namespace: this kernel has no dummy driver); deleted on Dispose, even when the test fails.</summary>
public sealed class NetworkNamespace : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public NetworkNamespace(string purpose, params string[] dummyInterfaces)
    {
        Name = $"ka-{purpose}-{Environment.ProcessId}-{Random.Shared.Next(10000)}";
        Check(Privilege.Run("ip", ["netns", "add", Name], Limit));
        try
        {
            Check(Privilege.Run("ip", ["-n", Name, "link", "set", "lo", "up"], Limit));
            foreach (var ifName in dummyInterfaces)
            {
                var peer = "p" + ifName;
                Check(Privilege.Run("ip", ["-n", Name, "link", "add", ifName, "type", "veth", "peer", "name", peer], Limit));
                Check(Privilege.Run("ip", ["-n", Name, "link", "set", ifName, "up"], Limit));
                Check(Privilege.Run("ip", ["-n", Name, "link", "set", peer, "up"], Limit));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>Runs a command inside the namespace.</summary>
    public (int Code, string Output) Exec(string file, IEnumerable<string> args, TimeSpan timeout) =>
        Privilege.Run("ip", new[] { "netns", "exec", Name, file }.Concat(args), timeout);

    public void Dispose() => Privilege.Run("ip", ["netns", "delete", Name], Limit);

    private static void Check((int Code, string Output) r)
    {
        if (r.Code != 0)
            throw new InvalidOperationException("ip failed: " + r.Output);
    }
}
