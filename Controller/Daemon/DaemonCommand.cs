using KeepAlive.Config;
using KeepAlive.Config.Diagnostics;
using KeepAlive.Config.Model;
using KeepAlive.Controller.CommandLine;
using KeepAlive.Controller.Logging;
using KeepAlive.Controller.Service;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Events;

namespace KeepAlive.Controller.Daemon;

/// <summary>
/// <c>keepalive</c> without <c>-t</c>: the daemon, in keepalived's order — options, configuration (refused with every
/// diagnostic if it has errors), network namespace (re-executing inside it), detaching (unless <c>-n</c>), umask and
/// core limit, logging, pid file, kernel, then the generic host until SIGTERM/SIGINT. Exit 0 after a clean stop, 1
/// when it cannot start.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class DaemonCommand
{
    /// <summary>keepalived's KEEPALIVED_EXIT_FATAL.</summary>
    public const int Fatal = 1;

    public static int Run(ParsedOptions parsed, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, ICliEnvironment env)
    {
        var (options, error) = DaemonOptionsParser.Parse(parsed, env.CurrentDirectory);
        if (options is null)
        {
            stderr.WriteLine($"keepalive: {error}");
            return KeepAliveCli.UsageError;
        }
        var first = ConfigLoad.For(options, env);
        foreach (var d in first.Diagnostics.Where(d => d.Severity != Severity.Info))
            stderr.WriteLine(ConfigTestCommand.Format(d, env.CurrentDirectory));
        if (first.ErrorCount > 0)
        {
            stderr.WriteLine($"keepalive: {first.Path}: {first.ErrorCount} error(s): not starting");
            return Fatal;
        }
        var ns = options.Namespace ?? first.Config.TopLevel.NetNamespace;
        if (ns is not null && !NamespaceEntry.AlreadyIn(ns))
        {
            stderr.WriteLine("keepalive: " + NamespaceEntry.EnterAndReexecute(ns, args));
            return Fatal;
        }
        if (!options.Foreground && !options.DetachedChild)
            return Detacher.RunParent(args, stdout, stderr);
        if (options.DetachedChild && Detacher.BeginChild() is { } sessionProblem)
            stderr.WriteLine($"keepalive: {sessionProblem}");
        if (options.Umask is { } mask)
            DaemonProcess.SetUmask(mask);
        if (options.CoreDump && DaemonProcess.RaiseCoreLimit() is { } coreProblem)
            stderr.WriteLine($"keepalive: -m: {coreProblem}");

        using var logger = DaemonLogging.Create(options);
        Log.Logger = logger;
        try
        {
            return RunLogged(options, first, ns, stdout, stderr, env, logger);
        }
        finally
        {
            Log.Logger = Serilog.Core.Logger.None;
        }
    }

    private static int RunLogged(DaemonOptions options, ConfigLoad config, string? ns, TextWriter stdout, TextWriter stderr, ICliEnvironment env, Serilog.ILogger log)
    {
        log.Say(LogEventLevel.Information, $"Starting KeepAlive {VersionInfo.Short} (keepalived 2.2.7 configuration){(ns is null ? string.Empty : $" in network namespace {ns}")}");
        foreach (var note in options.Notes)
            log.Say(LogEventLevel.Information, note);
        foreach (var d in config.Diagnostics.Where(d => d.Severity != Severity.Info))
            log.Say(LogEventLevel.Warning, ConfigTestCommand.Format(d, "/"));

        var pidFile = new PidFile(options.PidFile, options.ChildPidFiles, Environment.ProcessId);
        if (!pidFile.TryAcquire(out var pidMessage))
        {
            log.Say(LogEventLevel.Error, pidMessage!);
            stderr.WriteLine($"keepalive: {pidMessage}");
            return Fatal;
        }
        if (pidMessage is not null)
            log.Say(LogEventLevel.Information, pidMessage);
        LinuxKernelPort? linux = null;
        NodeComposition? node = null;
        using var notifier = new SystemdNotifier(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), p => log.Say(LogEventLevel.Warning, p));
        try
        {
            {
                var opened = LinuxKernelPort.Open(out linux);
                if (!opened.IsOk || linux is null)
                {
                    log.Say(LogEventLevel.Error, $"cannot open the kernel's netlink interface: {opened} (run as root)");
                    stderr.WriteLine($"keepalive: cannot open the kernel's netlink interface: {opened} (run as root)");
                    return Fatal;
                }
                IKernelPort kernel = linux;
                if (options.DryRun)
                    kernel = new DryRunKernelPort(kernel, line => log.Say(LogEventLevel.Information, line));
                if (options.AddressMonitoring)
                    kernel = new AddressMonitorKernelPort(kernel, line => log.Say(LogEventLevel.Information, line));
                node = new NodeComposition(config.Config, kernel, env.HostFacts.ShortHostName, p => log.Say(LogEventLevel.Warning, p),
                    new NodeSubsystems(options.Subsystems != Subsystems.CheckersOnly, options.Subsystems != Subsystems.VrrpOnly, !options.DontReleaseIpvs,
                        options.DryRun ? null : IpvsOwnershipFile.PathFor(options.PidFile)));
            }
            var runtime = new DaemonRuntime(options, log, notifier, new LoggingSignalDumps(log), () => ConfigLoad.For(options, env), node is not null,
                status => Ready(options, status, stdout, log)) { Config = config.Config, Goodbyes = node?.Setup.Goodbyes };
            using var host = DaemonHost.Build(runtime, (Serilog.Core.Logger)log, node);
            host.Run();
            log.Say(LogEventLevel.Information, "Stopped KeepAlive");
            return 0;
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or TaskCanceledException or OperationCanceledException)
        {
            log.Say(LogEventLevel.Error, $"the node did not start within {DaemonService.NodeTimeout.TotalSeconds:0} s: {e.Message}");
            return Fatal;
        }
        finally
        {
            node?.Dispose();
            linux?.Dispose();
            pidFile.Release();
        }
    }

    private static void Ready(DaemonOptions options, string status, TextWriter stdout, Serilog.ILogger log)
    {
        if (!options.DetachedChild)
        {
            stdout.WriteLine($"keepalive: {status}; SIGTERM or SIGINT stops, SIGHUP reloads");
            return;
        }
        if (Detacher.ChildReady(stdout) is { } problem)
            log.Say(LogEventLevel.Warning, $"cannot detach stdio: {problem}");
    }
}
