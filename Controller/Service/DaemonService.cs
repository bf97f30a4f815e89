using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Hosting;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Controller.Daemon;
using KeepAlive.Controller.Logging;
using Microsoft.Extensions.Hosting;
using Serilog.Events;

namespace KeepAlive.Controller.Service;

/// <summary>What the daemon's hosted service is given by the composition root.</summary>
/// <param name="Options">The command line.</param>
/// <param name="Log">The daemon's log.</param>
/// <param name="Notifier">systemd readiness.</param>
/// <param name="Dumps">Where dump signals go.</param>
/// <param name="Load">Reads and validates the configuration again (reload).</param>
/// <param name="HasNode">False with <c>-C</c>: no node runs.</param>
/// <param name="OnReady">Called once the node runs (the detached child closes its stdio there).</param>
public sealed record DaemonRuntime(
    DaemonOptions Options,
    Serilog.ILogger Log,
    SystemdNotifier Notifier,
    ISignalDumps Dumps,
    Func<ConfigLoad> Load,
    bool HasNode,
    Action<string> OnReady)
{
    /// <summary>The configuration the node starts with (the dump files describe the running configuration).</summary>
    public KeepAlive.Config.Model.KeepAliveConfig? Config { get; init; }

    /// <summary>The node's <see cref="KeepAlive.Actors.Vrrp.GoodbyeRoster"/>: the stop sends every steady MASTER's
    /// priority 0 from it first.</summary>
    public KeepAlive.Actors.Vrrp.GoodbyeRoster? Goodbyes { get; init; }
}

/// <summary>
/// The daemon once the actor system runs: readiness when the node answers <see cref="GetNodeChildren"/> (READY=1 to
/// systemd), SIGHUP reloads (RELOADING=1, then READY=1), the dump signals go to <see cref="ISignalDumps"/>, and the
/// host's stop (SIGTERM/SIGINT) stops the node first (STOPPING=1; masters send priority 0 and release their
/// addresses) before the actor system ends. SIGTERM and SIGINT start the node's stop from the signal handler itself,
/// before the host's stop sequence runs: the priority-0 adverts leave within a millisecond or so of the signal instead
/// of after the host's machinery (about 10 ms measured, more on a cold path).
/// </summary>
public sealed class DaemonService(DaemonRuntime runtime, ActorRegistry registry, ActorSystem system, IHostApplicationLifetime lifetime, DaemonLifetime signals) : IHostedService, IDisposable
{
    /// <summary>How long the node has to start, and to stop.</summary>
    public static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a reload waits for the node's ConfigApplied.</summary>
    public static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(10);

    private readonly List<PosixSignalRegistration> _signals = [];
    private readonly SemaphoreSlim _reloads = new(1, 1);
    private IActorRef _node = ActorRefs.Nobody;
    private ISignalDumps _dumps = runtime.Dumps;
    private KeepAlive.Config.Model.KeepAliveConfig? _config = runtime.Config;
    private Status.StatusHttpServer? _http;
    private readonly Lock _stopping = new();
    private Task<NodeStopped>? _nodeStop;
    private readonly Memory.YoungGenerationKeeper _memory = new();

    /// <summary>The VRRP instances as of the last start or reload: the stop signal tells them first (see
    /// <see cref="BeginNodeStop"/>).</summary>
    private IReadOnlyList<IActorRef> _instances = [];

    /// <summary>How long a status request (HTTP or dump) waits for the node's children.</summary>
    public static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var log = runtime.Log;
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            _ = Task.Run(ReloadAsync);
        }));
        foreach (var stopSignal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT })
            _signals.Add(PosixSignalRegistration.Create(stopSignal, c =>
            {
                c.Cancel = true;
                // The node's stop (priority 0 from every master) goes first and alone: the host's own shutdown work
                // (its logs, stopping the other services) starts when the node has stopped or its wait ran out,
                // instead of competing with the priority-0 adverts for the CPU.
                if (BeginNodeStop() is { } nodeStop)
                    nodeStop.ContinueWith(_ => lifetime.StopApplication(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                else
                    lifetime.StopApplication();
            }));
        if (!OperatingSystem.IsWindows())
            signals.HandOver();
        foreach (var function in Enum.GetValues<SignalFunction>())
            _signals.Add(PosixSignalRegistration.Create((PosixSignal)SignalNames.NumberOf(function), c =>
            {
                c.Cancel = true;
                _ = Task.Run(() => _dumps.Write(function));
            }));
        string status;
        if (runtime.HasNode)
        {
            _node = registry.Get<NodeRootActor>();
            var children = await _node.Ask<NodeChildren>(GetNodeChildren.Instance, NodeTimeout, cancellationToken).ConfigureAwait(false);
            _instances = InstancesOf(children);
            status = $"running {children.Plan.Instances.Count} VRRP instance(s) from {runtime.Options.ConfigFile}";
            if (_config is not null && !OperatingSystem.IsWindows())
                _dumps = new Status.NodeSignalDumps(system, () => _node, () => _config, log, StatusTimeout);
            if (runtime.Options.DumpConf && _config is not null)
                await LogDataDumpAsync(_config, cancellationToken).ConfigureAwait(false);
            if (runtime.Options.Http is { } endpoint)
            {
                try
                {
                    _http = Status.StatusHttpServer.Start(endpoint, ct => KeepAlive.Actors.Status.NodeStatus.CollectAsync(system, _node, StatusTimeout, ct),
                        log: line => log.Say(LogEventLevel.Warning, line));
                    log.Say(LogEventLevel.Information, $"Serving GET /status and /metrics on http://{_http.LocalEndpoint}");
                }
                catch (System.Net.Sockets.SocketException e)
                {
                    log.Say(LogEventLevel.Error, $"--http {endpoint}: cannot listen ({e.Message}); running without the status endpoint");
                }
            }
        }
        else
        {
            status = "running with no node (nothing to run)";
        }
        if (!OperatingSystem.IsWindows())
            SignalPathWarmUp.Run(line => log.Say(LogEventLevel.Debug, line));
        var sinceStart = DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime;
        log.Say(LogEventLevel.Information, $"Startup complete {sinceStart.TotalMilliseconds:0} ms after the process started: {status}");
        runtime.Notifier.Notify(SystemdMessages.Ready, SystemdMessages.Status(status));
        runtime.OnReady(status);
        KeepMemory(log);
    }

    /// <summary>Once the node runs: the start-up's garbage goes back to the system, and with the workstation GC (the
    /// default) the young generation is kept small from then on (<see cref="Memory.YoungGenerationKeeper"/>). Server GC
    /// (<c>DOTNET_gcServer=1</c>, or the native executable published with <c>ServerGarbageCollection</c>, chosen for fewer, larger collections on hosts with many health checks) sizes its
    /// budgets by itself and is left to.</summary>
    private void KeepMemory(Serilog.ILogger log)
    {
        var paused = GC.GetTotalPauseDuration();
        var (before, after) = Memory.YoungGenerationKeeper.ReleaseStartupGarbage();
        var pause = GC.GetTotalPauseDuration() - paused;
        bool keep = !System.Runtime.GCSettings.IsServerGC;
        if (keep)
            _memory.Start(system.Scheduler);
        log.Say(LogEventLevel.Debug,
            $"Memory: start-up garbage released (working set {before >> 20} -> {after >> 20} MB, pause {pause.TotalMilliseconds:0.0} ms); " +
            (keep ? $"gen0 collected every {Memory.YoungGenerationKeeper.DefaultBudgetBytes >> 20} MB allocated" : "server GC: its own budgets"));
    }

    /// <summary><c>-d</c>: keepalived logs its configuration data once the VRRP side has started (dump_data_vrrp);
    /// the same text as keepalived.data (SIGUSR1) goes to the log, a line per record. A node that does not answer in
    /// time costs a warning, not the start.</summary>
    private async Task LogDataDumpAsync(KeepAlive.Config.Model.KeepAliveConfig config, CancellationToken cancellationToken)
    {
        try
        {
            var report = await KeepAlive.Actors.Status.NodeStatus.CollectAsync(system, _node, StatusTimeout, cancellationToken).ConfigureAwait(false);
            var text = KeepAlive.Actors.Status.KeepalivedDataFormatter.Format(report, config);
            foreach (var line in text.Split('\n'))
                if (line.Length > 0)
                    runtime.Log.Say(LogEventLevel.Information, line);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            runtime.Log.Say(LogEventLevel.Warning, $"-d: the configuration data could not be gathered ({e.Message}); nothing dumped");
        }
    }

    private async Task ReloadAsync()
    {
        await _reloads.WaitAsync().ConfigureAwait(false);
        try
        {
            runtime.Notifier.Notify(SystemdMessages.Reloading(SystemdNotifier.MonotonicMicroseconds), SystemdMessages.Status("reloading"));
            ReloadOutcome outcome;
            if (runtime.HasNode)
            {
                var reload = new ConfigReload(runtime.Load, ApplyAsync, runtime.Log, ReloadTimeout);
                outcome = await reload.RunAsync().ConfigureAwait(false);
            }
            else
            {
                var loaded = runtime.Load();
                outcome = loaded.ErrorCount > 0 ? ReloadOutcome.Refused : ReloadOutcome.NotApplied;
                runtime.Log.Say(LogEventLevel.Information, $"Reload: {loaded.Path} checked ({loaded.ErrorCount} error(s)); nothing to apply with -C");
            }
            runtime.Notifier.Notify(SystemdMessages.Ready, SystemdMessages.Status($"reload {outcome.ToString().ToLowerInvariant()}"));
        }
        catch (Exception e)
        {
            runtime.Log.Say(LogEventLevel.Error, $"Reload failed: {e.GetType().Name}: {e.Message}; the running configuration is unchanged");
            runtime.Notifier.Notify(SystemdMessages.Ready);
        }
        finally
        {
            _reloads.Release();
        }
    }

    private async Task<ConfigApplied> ApplyAsync(ApplyConfig apply)
    {
        var applied = await _node.Ask<ConfigApplied>(apply, ReloadTimeout).ConfigureAwait(false);
        _config = apply.Config;
        try
        {
            _instances = InstancesOf(await _node.Ask<NodeChildren>(GetNodeChildren.Instance, ReloadTimeout).ConfigureAwait(false));
        }
        catch (AskTimeoutException)
        {
            // Only the stop signal's head start is lost: the node itself still stops every instance.
        }
        return applied;
    }

    /// <summary>Sends StopNode once (from the stop signal's handler, or from <see cref="StopAsync"/> when the host
    /// stops for another reason); null when there is no node to stop or -V keeps everything in place.</summary>
    /// <remarks>The instances are told first, straight from the signal's thread. They resign on that thread
    /// (<see cref="DedicatedThreadExecutor.RunInline"/>: each mailbox runs here, the thread the signal already woke):
    /// every master's priority-0 advert leaves back to back, as keepalived's one loop sends them, before any
    /// instance's release and before the node's stop work competes for the CPU — with 50 masters, when dispatcher
    /// workers took them, a worker woken for the rest could wait 3 ms behind the node's stop on a 2-CPU machine
    /// (perf sched trace), and a backup takes over only when it heard the last one. Then they are told to stop, on
    /// their dispatcher, and the node after them (a stopped instance ignores the node's own StopInstance that follows,
    /// and answers it).</remarks>
    private Task<NodeStopped>? BeginNodeStop()
    {
        lock (_stopping)
        {
            if (_nodeStop is null && !_node.IsNobody() && !runtime.Options.DontReleaseVrrp)
            {
                var instances = _instances;
                // Every steady MASTER's priority 0 at once; the others send theirs as they resign.
                runtime.Goodbyes?.SayGoodbye();
                DedicatedThreadExecutor.RunInline(() =>
                {
                    foreach (var instance in instances)
                        instance.Tell(ResignInstance.Instance, ActorRefs.Nobody);
                });
                foreach (var instance in instances)
                    instance.Tell(StopInstance.Instance, ActorRefs.Nobody);
                _nodeStop = _node.Ask<NodeStopped>(StopNode.Instance, NodeTimeout, CancellationToken.None);
            }
            return _nodeStop;
        }
    }

    private static IReadOnlyList<IActorRef> InstancesOf(NodeChildren children) =>
        children.Plan.Instances.Select(i => children.Children.GetValueOrDefault(i.ChildName)).OfType<IActorRef>().ToList();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var nodeStop = BeginNodeStop();
        if (_http is not null)
            await _http.DisposeAsync().ConfigureAwait(false);
        runtime.Notifier.Notify(SystemdMessages.Stopping, SystemdMessages.Status("stopping"));
        runtime.Log.Say(LogEventLevel.Information, "Stopping");
        if (_node.IsNobody())
            return;
        if (nodeStop is null)
        {
            // keepalived -V (vrrp_terminate_phase2): no priority 0, nothing released, no STOP notifications; the
            // addresses, routes and rules stay in the kernel for a successor to take over.
            runtime.Log.Say(LogEventLevel.Information, "Stopping without releasing (-V): VIPs, routes and rules stay in place, no priority 0 is sent");
            return;
        }
        try
        {
            var stopped = await nodeStop.ConfigureAwait(false);
            runtime.Log.Say(LogEventLevel.Information, $"Stopped {stopped.Instances} VRRP instance(s): priority 0 sent by every master, addresses released");
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            runtime.Log.Say(LogEventLevel.Error, $"The node did not stop within {NodeTimeout.TotalSeconds:0} s; exiting anyway");
        }
    }

    public void Dispose()
    {
        _memory.Dispose();
        foreach (var s in _signals)
            s.Dispose();
        _reloads.Dispose();
    }
}
