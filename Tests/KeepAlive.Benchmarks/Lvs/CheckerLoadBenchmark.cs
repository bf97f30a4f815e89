using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The checker load of issue 6 (not a test; root; run: <c>dotnet run -c Release -- lvs-checks [VS] [RS] [seconds]
/// [warm-up s] [warmup-keyword s] [node|bare]</c>): VS virtual servers × RS real servers, TCP_CHECK with delay_loop 1, against RS
/// real TCP listeners (127.0.1.1..RS) in a network namespace of its own (<c>ka-lvsb-PID</c>, always deleted), the
/// listeners in one process and the node in another (<see cref="CheckerLoadNode"/>), so that the node's CPU and memory
/// are its own. Both are started with <c>ip netns exec</c> and killed by their PID (Ctrl-C and SIGTERM included; they
/// also exit when this process is gone, their stdin closing). The node's figures are printed by
/// the node; the listeners' CPU over the same window by this process.
/// </summary>
public static class CheckerLoadBenchmark
{
    private const int Port = 18080;

    public static int Run(string[] args)
    {
        int vs = Arg(args, 0, 1000), rs = Arg(args, 1, 10), seconds = Arg(args, 2, 60), warmUp = Arg(args, 3, 20), warmupKeyword = Arg(args, 4, 0);
        var variant = args.Length > 5 ? args[5] : "node";
        var ns = $"ka-lvsb-{Environment.ProcessId}";
        Process? listeners = null, node = null;
        void StopChildren()
        {
            Kill(node);
            Kill(listeners);
        }
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            e.Cancel = true;
            StopChildren();
        };
        Console.CancelKeyPress += cancel;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            StopChildren();
        });
        try
        {
            Ip($"netns add {ns}");
            Ip($"-n {ns} link set lo up");
            listeners = Start(ns, $"lvs-listen {rs} {Port}", extraEnv: false);
            if (listeners.StandardOutput.ReadLine() != "listening")
                throw new InvalidOperationException("the listeners did not start");
            Console.WriteLine($"listeners: pid {listeners.Id} in {ns}, {rs} on 127.0.1.1..{rs}:{Port}");
            node = Start(ns, $"lvs-checks-node {vs} {rs} {seconds} {warmUp} {Port} {warmupKeyword} {variant}", extraEnv: true);
            TimeSpan listenerCpu = default;
            var window = Stopwatch.StartNew();
            string? line;
            while ((line = node.StandardOutput.ReadLine()) is not null)
            {
                if (line == "window-start")
                {
                    listenerCpu = ProcessStats.Cpu(listeners.Id);
                    window.Restart();
                    continue;
                }
                if (line == "window-end")
                {
                    var used = ProcessStats.Cpu(listeners.Id) - listenerCpu;
                    Console.WriteLine($"listener process CPU      {used.TotalSeconds / window.Elapsed.TotalSeconds * 100,7:F1} % of one core "
                        + $"({used.TotalSeconds:F1} s in {window.Elapsed.TotalSeconds:F1} s; not counted in the node's)");
                    continue;
                }
                Console.WriteLine(line);
            }
            node.WaitForExit();
            return node.ExitCode;
        }
        finally
        {
            StopChildren();
            Ip($"netns delete {ns}", mayFail: true);
            Console.CancelKeyPress -= cancel;
        }
    }

    private static int Arg(string[] args, int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

    /// <summary>This program again, in the namespace (<c>ip netns exec</c> execs it: the PID is the program's). The
    /// node gets the daemon's runtime settings (Controller/KeepAlive.Controller.csproj: no dynamic PGO, no spinning
    /// thread-pool workers; server GC comes with this project).</summary>
    private static Process Start(string ns, string arguments, bool extraEnv)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in $"netns exec {ns} {self}".Split(' '))
            info.ArgumentList.Add(a);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(typeof(CheckerLoadBenchmark).Assembly.Location);
        foreach (var a in arguments.Split(' '))
            info.ArgumentList.Add(a);
        if (extraEnv)
        {
            info.Environment["DOTNET_TieredPGO"] = "0";
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start " + arguments);
    }

    private static void Kill(Process? p)
    {
        if (p is null || p.HasExited)
            return;
        p.Kill();
        p.WaitForExit(5000);
    }

    private static void Ip(string arguments, bool mayFail = false)
    {
        using var p = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0 && !mayFail)
            throw new InvalidOperationException($"ip {arguments}: {error.Trim()}");
    }
}
