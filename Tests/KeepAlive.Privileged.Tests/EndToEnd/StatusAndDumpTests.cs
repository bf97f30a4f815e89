using System.Diagnostics;
using System.Text.Json;
using KeepAlive.Privileged.Tests.Interop;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.EndToEnd;

/// <summary>
/// The running daemon's observability, in a namespace of ours: <c>--http</c> serves /status (the instance as MASTER,
/// with its priority and explanation) and /metrics (Prometheus text with the documented state gauge); SIGUSR1, SIGUSR2
/// and the JSON signal write keepalived's keepalived.data / .stats / .json into $TMPDIR; <c>-d</c> logs the data dump once at start.
/// </summary>
[Collection("privileged")]
public sealed class StatusAndDumpTests(ITestOutputHelper output) : IDisposable
{
    private BridgeLab? _lab;

    public void Dispose() => _lab?.Dispose();

    private const string Config = """
        global_defs {
            router_id status-test
            vrrp_version 3
        }
        vrrp_instance VI_S {
            state BACKUP
            interface lan0
            virtual_router_id 91
            priority 150
            advert_int 0.1
            virtual_ipaddress {
                10.8.0.191/24
            }
        }
        """;

    [SkippableFact]
    public void The_status_endpoint_and_the_signal_dumps_describe_the_running_instance()
    {
        Privilege.Require("ip", "dotnet", "python3");
        _lab = new BridgeLab(1);
        using var daemon = new KeepAliveProcess(_lab.Nodes[0].Name, Config, ["-n", "-l", "-G", "-d", "-p", "{dir}/keepalive.pid", "--http", "127.0.0.1:9650"], "TMPDIR={dir}");
        Assert.True(Poll.Until(() => _lab.Addresses(0).Contains("10.8.0.191/24"), TimeSpan.FromSeconds(30)), "never master\n" + daemon);
        // The endpoint listens once the node has started and -d's dump is logged: with 0.1 s adverts the VIP can come first.
        Assert.True(daemon.WaitFor("Serving GET /status", TimeSpan.FromSeconds(15)), "no status endpoint\n" + daemon);

        var status = Get("/status");
        output.WriteLine(status);
        using var json = JsonDocument.Parse(status);
        var instance = json.RootElement.GetProperty("instances").EnumerateArray().Single();
        Assert.Equal("VI_S", instance.GetProperty("name").GetString());
        Assert.Equal("MASTER", instance.GetProperty("state").GetString(), ignoreCase: true);
        Assert.Equal(150, instance.GetProperty("effective_priority").GetInt32());
        Assert.False(string.IsNullOrEmpty(instance.GetProperty("explanation").GetString()));

        var metrics = Get("/metrics");
        Assert.Contains("# TYPE keepalive_vrrp_state gauge", metrics);
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("keepalive_vrrp_state{", StringComparison.Ordinal) && l.Contains("instance=\"VI_S\"", StringComparison.Ordinal) && l.EndsWith(" 2", StringComparison.Ordinal));

        // -d: the configuration data is logged once at start, in keepalived.data's layout.
        // (the whole log: ToString holds only its last lines)
        Assert.True(daemon.WaitFor("------< VRRP Topology >------", TimeSpan.FromSeconds(10)), "-d: no data dump logged\n" + daemon);
        Assert.True(daemon.WaitFor("VRRP Instance = VI_S", TimeSpan.FromSeconds(10)), "-d: no VI_S in the data dump\n" + daemon);

        foreach (var (signal, file, text) in new[] { ("USR1", "keepalived.data", "VRRP Instance = VI_S"), ("USR2", "keepalived.stats", "VRRP Instance: VI_S"), ("36", "keepalived.json", "\"iname\":\"VI_S\"") })
        {
            var path = Path.Combine(daemon.Directory, file);
            daemon.Signal(signal);
            Assert.True(Poll.Until(() => File.Exists(path) && File.ReadAllText(path).Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
                $"SIGNAL {signal}: {file} not written with '{text}'\n{(File.Exists(path) ? File.ReadAllText(path) : "(no file)")}\n{daemon}");
        }
    }

    private string Get(string path)
    {
        var (code, text) = _lab!.Nodes[0].Exec("python3", ["-c", $"import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:9650{path}', timeout=10).read().decode())"], TimeSpan.FromSeconds(20));
        Assert.True(code == 0, $"GET {path}: {text}");
        return text;
    }
}
