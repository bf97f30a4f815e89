using KeepAlive.Actors.Node;
using KeepAlive.Controller.Daemon;
using KeepAlive.Controller.Service;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace KeepAlive.Controller.Tests.Service;

public class ConfigReloadTests
{
    private sealed class Collect : ILogEventSink
    {
        public List<(LogEventLevel Level, string Text)> Lines { get; } = [];

        public void Emit(LogEvent logEvent)
        {
            lock (Lines)
                Lines.Add((logEvent.Level, logEvent.RenderMessage()));
        }
    }

    private const string Valid = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1/24
            }
        }
        """;

    private static readonly ConfigApplied Answer = new(["VI_2"], ["VI_1"], [], ["effector"], ["vrrp_instance VI_2: interface eth9 is missing"]);

    private static (ConfigReload Reload, Collect Log, List<ApplyConfig> Applied) Make(string config, Func<ApplyConfig, Task<ConfigApplied>>? apply = null)
    {
        var env = new FakeEnvironment();
        env.Files.Add("/etc/keepalived/keepalived.conf", config);
        var options = new DaemonOptions { ConfigFile = "/etc/keepalived/keepalived.conf", PidFile = "/run/k.pid" };
        var collect = new Collect();
        var log = new LoggerConfiguration().WriteTo.Sink(collect).CreateLogger();
        var applied = new List<ApplyConfig>();
        var reload = new ConfigReload(() => ConfigLoad.For(options, env), a =>
        {
            applied.Add(a);
            return apply?.Invoke(a) ?? Task.FromResult(Answer);
        }, log, TimeSpan.FromMilliseconds(300));
        return (reload, collect, applied);
    }

    [Fact]
    public async Task AValidConfiguration_IsHandedToTheNode_AndTheSummaryLogged()
    {
        var (reload, log, applied) = Make(Valid);
        Assert.Equal(ReloadOutcome.Applied, await reload.RunAsync());
        Assert.Equal("VI_1", Assert.Single(applied).Config.VrrpInstances[0].Name);
        Assert.Contains(log.Lines, l => l.Text == "Reloading ...");
        Assert.Contains(log.Lines, l => l.Text.Contains("applying it (ApplyConfig to the node)", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text == "Reload applied: 1 started, 1 reconfigured, 0 stopped, 1 unchanged (started: VI_2; reconfigured: VI_1)");
        Assert.Contains(log.Lines, l => l.Level == LogEventLevel.Warning && l.Text == "Reload: vrrp_instance VI_2: interface eth9 is missing");
    }

    [Fact]
    public async Task AConfigurationWithErrors_IsRefused_WithEveryDiagnostic_AndNothingApplied()
    {
        var (reload, log, applied) = Make(Valid.Replace("virtual_router_id 51", "virtual_router_id 300") + "\nvrrp_instance VI_2 {\n    priority 100\n}\n");
        Assert.Equal(ReloadOutcome.Refused, await reload.RunAsync());
        Assert.Empty(applied);
        var errors = log.Lines.Where(l => l.Level == LogEventLevel.Error && l.Text.Contains(": error KA", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count >= 2, string.Join('\n', log.Lines));
        Assert.All(errors, e => Assert.StartsWith("etc/keepalived/keepalived.conf:", e.Text, StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text.Contains("virtual_router_id", StringComparison.Ordinal) && l.Text.Contains(":3:", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Text.StartsWith("Reload refused: /etc/keepalived/keepalived.conf: ", StringComparison.Ordinal)
            && l.Text.EndsWith("still running the previous configuration unchanged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingFile_IsRefused()
    {
        var env = new FakeEnvironment();
        var options = new DaemonOptions { ConfigFile = "/nope.conf", PidFile = "/run/k.pid" };
        var log = new LoggerConfiguration().CreateLogger();
        bool called = false;
        var reload = new ConfigReload(() => ConfigLoad.For(options, env), _ => { called = true; return Task.FromResult(Answer); }, log, TimeSpan.FromSeconds(1));
        Assert.Equal(ReloadOutcome.Refused, await reload.RunAsync());
        Assert.False(called);
    }

    [Fact]
    public async Task ANodeThatDoesNotAnswer_IsAClearError()
    {
        var (reload, log, applied) = Make(Valid, _ => new TaskCompletionSource<ConfigApplied>().Task);
        Assert.Equal(ReloadOutcome.NotApplied, await reload.RunAsync());
        Assert.Single(applied);
        Assert.Contains(log.Lines, l => l.Level == LogEventLevel.Error && l.Text.StartsWith("Reload not applied: the node did not answer ApplyConfig within", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnAskTimeout_IsAClearError()
    {
        var (reload, log, _) = Make(Valid, _ => Task.FromException<ConfigApplied>(new Akka.Actor.AskTimeoutException("timed out")));
        Assert.Equal(ReloadOutcome.NotApplied, await reload.RunAsync());
        Assert.Contains(log.Lines, l => l.Text.Contains("the running configuration is unchanged", StringComparison.Ordinal));
    }
}
