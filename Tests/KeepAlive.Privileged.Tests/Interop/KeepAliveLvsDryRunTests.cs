namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// The daemon with <c>--dry-run</c> on an LVS configuration, in a namespace of ours (ka-lvs-dry): every IPVS change
/// is printed as one <c>dry-run: ipvsadm ...</c> line (docs/dry-run.md) — the services and their real servers at
/// start, lvs_timeouts, a real server whose TCP_CHECK fails leaving the pool, and their removal at SIGTERM — and none
/// is applied. The qemu harness compares these lines
/// with <c>ipvsadm -Ln</c> on a real IPVS kernel.
/// </summary>
[Collection("privileged")]
public sealed class KeepAliveLvsDryRunTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(30);

    private const string Config = """
        global_defs {
            router_id ka-lvs
            lvs_timeouts tcp 7200 udp 60
        }
        virtual_server 10.7.8.10 80 {
            delay_loop 1
            lb_algo rr
            lb_kind NAT
            protocol TCP
            real_server 10.7.8.21 8080 {
                weight 2
            }
            real_server 10.7.8.22 8080 {
                TCP_CHECK {
                    connect_timeout 1
                    retry 0
                    warmup 0
                }
            }
        }
        virtual_server fwmark 7 {
            lb_algo wlc
            lb_kind DR
            persistence_timeout 300
            real_server 10.7.8.21 80 {
            }
        }
        """;

    [SkippableFact]
    public void Dry_run_prints_each_ipvs_change_as_an_ipvsadm_line_at_start_and_at_stop()
    {
        Privilege.Require("ip", "dotnet");
        using var ns = new NetworkNamespace("lvs-dry", "eth0");
        Assert.Equal(0, ns.Exec("ip", ["addr", "add", "10.7.8.1/24", "dev", "eth0"], TimeSpan.FromSeconds(5)).Code);
        using var daemon = new KeepAliveProcess(ns.Name, Config, ["-n", "-l", "-G", "--dry-run", "-p", "{dir}/k.pid"]);

        string[] start =
        [
            "dry-run: ipvsadm --set 7200 0 60",
            "dry-run: ipvsadm -A -t 10.7.8.10:80 -s rr",
            "dry-run: ipvsadm -a -t 10.7.8.10:80 -r 10.7.8.21:8080 -m -w 2",
            "dry-run: ipvsadm -a -t 10.7.8.10:80 -r 10.7.8.22:8080 -m -w 1",
            "dry-run: ipvsadm -A -f 7 -s wlc -p 300",
            "dry-run: ipvsadm -a -f 7 -r 10.7.8.21:0 -g -w 1",
        ];
        foreach (var line in start)
            Assert.True(daemon.WaitFor(line, Start), $"no '{line}':\n{daemon}");
        // The TCP_CHECK really probes 10.7.8.22:8080, which nobody answers (no host holds it): its real server goes
        // down and leaves the pool, as one more printed IPVS change.
        Assert.True(daemon.WaitFor("dry-run: ipvsadm -d -t 10.7.8.10:80 -r 10.7.8.22:8080", Start), $"the failing TCP_CHECK removed nothing:\n{daemon}");

        daemon.SignalTerm();
        Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), daemon.ToString());
        Assert.Equal(0, daemon.ExitCode);
        foreach (var line in new[] { "dry-run: ipvsadm -d -t 10.7.8.10:80 -r 10.7.8.21:8080", "dry-run: ipvsadm -D -t 10.7.8.10:80", "dry-run: ipvsadm -D -f 7" })
            Assert.True(daemon.Count(line) == 1, $"no '{line}' at stop:\n{daemon}");
    }
}
