using System.Diagnostics;
using KeepAlive.Privileged.Tests.Interop;

namespace KeepAlive.Privileged.Tests.Lvs.Vm;

/// <summary>
/// Our daemon with <c>--dry-run</c> on the host, in a namespace of ours (ka-vmd-dry), on the VM's configuration with
/// the same backends (busybox nc listeners on ports 8001 and 8002, addresses 10.9.0.1, 10.9.0.2, fd00:9::1 and
/// fd00:9::2 on a veth of the namespace): the IPVS changes it prints at start, as ipvsadm arguments (docs/dry-run.md).
/// The host kernel has no IPVS; nothing is applied.
/// </summary>
public static class HostDryRun
{
    /// <summary>Start-up of the daemon on a loaded host (a JIT start took 8 s under CI).</summary>
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <summary>Once every real server is added: how long no further change may come (checkers run every second).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private const string Prefix = "dry-run: ipvsadm ";

    /// <summary>The ipvsadm arguments of every IPVS change printed before SIGTERM, once <paramref name="realServers"/>
    /// real servers were added and nothing changed for <see cref="Quiet"/>.</summary>
    public static async Task<List<string>> StartupLinesAsync(string config, int realServers)
    {
        Privilege.Require("ip", "dotnet", "busybox");
        using var ns = new NetworkNamespace("vmd-dry", "ka0");
        foreach (var address in new[] { "10.9.0.1/24", "10.9.0.2/24", "fd00:9::1/64", "fd00:9::2/64" })
        {
            var added = ns.Exec("ip", ["addr", "add", address, "dev", "ka0", "nodad"], TimeSpan.FromSeconds(5));
            Assert.True(added.Code == 0, $"ip addr add {address}: {added.Output}");
        }
        using var a = new NamespacedProcess(ns.Name, "ka-vmd-nc-", ["busybox", "nc", "-ll", "-p", "8001", "-e", "/bin/true"]);
        using var b = new NamespacedProcess(ns.Name, "ka-vmd-nc-", ["busybox", "nc", "-ll", "-p", "8002", "-e", "/bin/true"]);
        using var daemon = new KeepAliveProcess(ns.Name, config, ["-n", "-l", "-G", "--dry-run", "-p", "{dir}/k.pid"]);

        var clock = Stopwatch.StartNew();
        int count = 0;
        var unchanged = Stopwatch.StartNew();
        while (clock.Elapsed < StartLimit && !daemon.HasExited)
        {
            int now = Lines(daemon).Count;
            if (now != count)
            {
                count = now;
                unchanged.Restart();
            }
            if (daemon.Count(Prefix + "-a ") >= realServers && unchanged.Elapsed >= Quiet)
                break;
            await Task.Delay(50);
        }
        var lines = Lines(daemon);
        Assert.True(daemon.Count(Prefix + "-a ") >= realServers, $"the dry run added {daemon.Count(Prefix + "-a ")} of {realServers} real servers within {StartLimit}:\n{daemon}");
        daemon.SignalTerm();
        return lines;
    }

    private static List<string> Lines(KeepAliveProcess daemon) =>
        daemon.Log.Select(l => l.IndexOf(Prefix, StringComparison.Ordinal) is var i and >= 0 ? l[(i + Prefix.Length)..] : null)
            .OfType<string>().ToList();
}
