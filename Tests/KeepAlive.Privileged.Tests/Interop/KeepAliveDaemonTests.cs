using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Interop;

/// <summary>
/// The daemon itself (<c>keepalive</c> as systemd or an init script runs it) in namespaces of ours (ka-dm-…), alone
/// on its link at priority 255 so it is MASTER at once: systemd readiness on $NOTIFY_SOCKET, SIGHUP reloads (a refused
/// configuration keeps the old one running; a valid one goes to the node), SIGTERM, the pid file, detaching without
/// -n, and -s entering a network namespace.
/// </summary>
[Collection("privileged")]
public sealed class KeepAliveDaemonTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(30);

    /// <summary>Detaching starts .NET twice (the foreground process, then the daemon); on a loaded 2-core CI machine one start took 11 s.</summary>
    private static readonly TimeSpan DetachedStart = TimeSpan.FromSeconds(60);

    private static string Config(string vip, int priority = 255) => $$"""
        global_defs {
            router_id ka-dm
        }
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_router_id 62
            priority {{priority}}
            advert_int 1
            virtual_ipaddress {
                {{vip}}/24
            }
        }
        """;

    /// <summary>Two errors the loader reports with their lines: a VRID out of range (line 7) and an unknown keyword (line 14).</summary>
    private static string Broken(string vip) => Config(vip).Replace("virtual_router_id 62", "virtual_router_id 300") + "\nbogus_keyword 1\n";

    private static NetworkNamespace Namespace(string purpose, string address)
    {
        var ns = new NetworkNamespace(purpose, "eth0");
        var added = ns.Exec("ip", ["addr", "add", address + "/24", "dev", "eth0"], TimeSpan.FromSeconds(5));
        if (added.Code != 0)
        {
            ns.Dispose();
            throw new InvalidOperationException("ip addr add failed: " + added.Output);
        }
        return ns;
    }

    private static bool HasAddress(string? ns, string address)
    {
        var r = ns is null ? Privilege.Run("ip", ["-4", "addr", "show"], TimeSpan.FromSeconds(5)) : Privilege.Run("ip", ["-n", ns, "-4", "addr", "show"], TimeSpan.FromSeconds(5));
        return r.Output.Contains(address + "/24", StringComparison.Ordinal);
    }


    [SkippableFact]
    public void Notifies_systemd_reloads_on_sighup_keeps_the_old_config_when_refused_and_stops_on_sigterm()
    {
        Privilege.Require("ip", "dotnet");
        const string vip = "10.7.3.100";
        using var ns = Namespace("dm-notify", "10.7.3.1");
        using var notify = new NotifySocket();
        var clock = Stopwatch.StartNew();
        using var daemon = new KeepAliveProcess(ns.Name, Config(vip), ["-n", "-l", "-G", "-a", "-m", "-u", "027", "-p", "{dir}/k.pid"], "NOTIFY_SOCKET=" + notify.Path, "TMPDIR={dir}");
        Assert.True(notify.WaitFor("READY=1", 1, Start), "no READY=1: " + notify + "\n" + daemon);
        output.WriteLine($"process start → READY=1: {clock.Elapsed.TotalMilliseconds:0} ms (dotnet keepalive.dll, Debug, JIT)");
        Assert.True(Poll.Until(() => HasAddress(ns.Name, vip), TimeSpan.FromSeconds(10)), "the VIP never came:\n" + daemon);
        output.WriteLine($"process start → VIP held: {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal($"{daemon.Pid}\n", File.ReadAllText(Path.Combine(daemon.Directory, "k.pid")));
        Assert.Contains("Umask:\t0027", File.ReadAllText($"/proc/{daemon.Pid}/status"));           // -u 027
        var core = File.ReadAllLines($"/proc/{daemon.Pid}/limits").Single(l => l.StartsWith("Max core file size", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(core[^2], core[^3]);                                                                  // -m: soft = hard
        Assert.True(daemon.WaitFor($"Netlink reports address {vip}/24 added on eth0", TimeSpan.FromSeconds(10)), "-a did not log the VIP:\n" + daemon);

        // A configuration with errors: every diagnostic logged with file:line, the old configuration keeps running.
        File.WriteAllText(Path.Combine(daemon.Directory, "keepalived.conf"), Broken(vip));
        daemon.Signal("HUP");
        Assert.True(daemon.WaitFor("Reload refused", TimeSpan.FromSeconds(15)), "no refusal:\n" + daemon);
        Assert.True(daemon.Count("keepalived.conf:7:") >= 1, "the VRID error is not logged with its line:\n" + daemon);
        Assert.True(daemon.Count("keepalived.conf:14:") >= 1, "the unknown keyword is not logged with its line:\n" + daemon);
        Assert.True(notify.WaitFor("READY=1", 2, TimeSpan.FromSeconds(5)), notify.ToString());
        Assert.Equal(1, notify.Count("RELOADING=1"));
        Assert.Contains(notify.Messages, m => m.StartsWith("RELOADING=1\nMONOTONIC_USEC=", StringComparison.Ordinal));
        Assert.False(daemon.HasExited, "the daemon stopped on a refused reload:\n" + daemon);
        Thread.Sleep(1500);
        Assert.True(HasAddress(ns.Name, vip), "the VIP went away with the refused reload:\n" + daemon);

        // A valid configuration: validated and handed to the node.
        File.WriteAllText(Path.Combine(daemon.Directory, "keepalived.conf"), Config(vip, 254));
        daemon.Signal("HUP");
        Assert.True(daemon.WaitFor("applying it (ApplyConfig to the node)", TimeSpan.FromSeconds(15)), "no apply:\n" + daemon);
        Assert.True(notify.WaitFor("READY=1", 3, TimeSpan.FromSeconds(20)), "no READY=1 after the reload: " + notify + "\n" + daemon);
        Assert.Equal(2, notify.Count("RELOADING=1"));
        // The node applies it (the log line may reach us after READY=1 does: the socket is quicker than our stdout reader).
        Assert.True(daemon.WaitFor("Reload applied", TimeSpan.FromSeconds(10)), daemon.ToString());
        Assert.Equal(0, daemon.Count("Reload not applied"));

        // DATA, STATS, STATS_CLEAR and JSON (--signum numbers) write keepalived's files into $TMPDIR, and the daemon
        // keeps running.
        foreach (var (signal, function, file) in new[] { ("USR1", "Data", "keepalived.data"), ("USR2", "Stats", "keepalived.stats"), ("63", "StatsClear", "keepalived.stats"), ("36", "Json", "keepalived.json") })
        {
            daemon.Signal(signal);
            Assert.True(daemon.WaitFor($"{function} dump (", TimeSpan.FromSeconds(10)), daemon.ToString());
            Assert.True(File.Exists(Path.Combine(daemon.Directory, file)), $"{file} not in $TMPDIR:\n{daemon}");
        }
        Assert.False(daemon.HasExited);

        daemon.SignalTerm();
        Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), "no exit on SIGTERM:\n" + daemon);
        Assert.Equal(0, daemon.ExitCode);
        Assert.True(notify.WaitFor("STOPPING=1", 1, TimeSpan.FromSeconds(5)), notify.ToString()); // (the reader thread may not have it yet)
        Assert.Equal(1, notify.Count("STOPPING=1"));
        Assert.False(HasAddress(ns.Name, vip), "the VIP was left behind");
        Assert.False(File.Exists(Path.Combine(daemon.Directory, "k.pid")), "the pid file was left behind");
    }

    /// <summary>
    /// A shell starts a background job with SIGINT and SIGQUIT ignored, nohup starts it with SIGHUP ignored, and exec
    /// keeps that; keepalived installs its handlers whatever it inherited. Started the same way (env --ignore-signal),
    /// the daemon must still reload on SIGHUP and stop on SIGINT; SIGQUIT it ignores, as keepalived does.
    /// </summary>
    [SkippableFact]
    public void Signals_inherited_ignored_still_reload_and_stop_and_sigquit_is_ignored()
    {
        Privilege.Require("ip", "dotnet", "env");
        const string vip = "10.7.6.100";
        using var ns = Namespace("dm-ignored", "10.7.6.1");
        // "--ignore-signal=…" go to env(1) before the daemon's command (coreutils ≥ 9.0).
        using var daemon = new KeepAliveProcess(ns.Name, Config(vip), ["-n", "-l", "-G", "-p", "{dir}/k.pid"],
            "--ignore-signal=INT", "--ignore-signal=QUIT", "--ignore-signal=HUP");
        Assert.True(daemon.WaitFor("keepalive: running ", Start), "the daemon did not start:\n" + daemon);
        Assert.True(Poll.Until(() => HasAddress(ns.Name, vip), TimeSpan.FromSeconds(10)), "the VIP never came:\n" + daemon);
        var ignored = File.ReadAllLines($"/proc/{daemon.Pid}/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        ulong mask = ulong.Parse(ignored.Split('\t')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.True((mask & 0b111) == 0, $"SIGHUP, SIGINT or SIGQUIT still ignored by disposition: {ignored}");

        daemon.Signal("QUIT");
        daemon.Signal("HUP");
        Assert.True(daemon.WaitFor("applying it (ApplyConfig to the node)", TimeSpan.FromSeconds(15)), "SIGHUP did not reload:\n" + daemon);
        Assert.False(daemon.HasExited, "SIGQUIT ended the daemon:\n" + daemon);

        daemon.Signal("INT");
        Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), "no exit on SIGINT:\n" + daemon);
        Assert.Equal(0, daemon.ExitCode);
        Assert.False(HasAddress(ns.Name, vip), "the VIP was left behind");
    }

    [SkippableFact]
    public void Detaches_without_n_refuses_a_second_start_and_reports_a_refused_configuration()
    {
        Privilege.Require("ip", "dotnet");
        const string vip = "10.7.4.100";
        using var ns = Namespace("dm-detach", "10.7.4.1");
        int child = 0;
        using var parent = new KeepAliveProcess(ns.Name, Config(vip), ["-l", "-G", "-p", "{dir}/k.pid"]);
        var pidFile = Path.Combine(parent.Directory, "k.pid");
        try
        {
            var clock = Stopwatch.StartNew();
            Assert.True(parent.WaitForExit(DetachedStart), "the foreground process did not exit:\n" + parent);
            output.WriteLine($"start → the foreground process exits 0 with the daemon running: {clock.Elapsed.TotalMilliseconds:0} ms");
            Assert.Equal(0, parent.ExitCode);
            child = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
            Assert.NotEqual(parent.Pid, child);
            Assert.True(Directory.Exists($"/proc/{child}"), "the daemon is gone");
            var stat = File.ReadAllText($"/proc/{child}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(child.ToString(CultureInfo.InvariantCulture), fields[3]);     // session id: setsid()
            Assert.Equal("/", new DirectoryInfo($"/proc/{child}/cwd").LinkTarget);
            // The child leaves the parent's pipe for /dev/null just after its ready line, which the parent may have
            // read and exited on already.
            Assert.True(Poll.Until(() => new FileInfo($"/proc/{child}/fd/1").LinkTarget == "/dev/null", TimeSpan.FromSeconds(5)),
                $"the daemon's stdout: {new FileInfo($"/proc/{child}/fd/1").LinkTarget}");
            Assert.True(Poll.Until(() => HasAddress(ns.Name, vip), TimeSpan.FromSeconds(10)), "the detached daemon never held the VIP");

            using (var second = new KeepAliveProcess(ns.Name, Config(vip), ["-n", "-G", "-p", pidFile]))
            {
                Assert.True(second.WaitForExit(Start), second.ToString());
                Assert.Equal(1, second.ExitCode);
                Assert.True(second.Count("daemon is already running") > 0, second.ToString());
            }

            using (var refused = new KeepAliveProcess(ns.Name, Broken(vip), ["-G", "-p", "{dir}/k.pid"]))
            {
                Assert.True(refused.WaitForExit(Start), refused.ToString());
                Assert.Equal(1, refused.ExitCode);
                Assert.True(refused.Count("keepalived.conf:7:") > 0 && refused.Count("not starting") > 0, refused.ToString());
            }

            Privilege.Run("kill", ["-TERM", child.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
            Assert.True(Poll.Until(() => !Directory.Exists($"/proc/{child}"), TimeSpan.FromSeconds(30)), "the daemon did not stop on SIGTERM");
            Assert.False(HasAddress(ns.Name, vip), "the VIP was left behind");
            Assert.False(File.Exists(pidFile), "the pid file was left behind");
        }
        finally
        {
            // A failure before the test read the pid file still leaves a detached daemon: the pid file names it.
            if (child == 0 && File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var written))
                child = written;
            if (child > 0 && Directory.Exists($"/proc/{child}") && File.ReadAllText($"/proc/{child}/cmdline").Contains("keepalive", StringComparison.Ordinal))
                Privilege.Run("kill", ["-KILL", child.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        }
    }

    [SkippableFact]
    public void With_s_the_daemon_enters_the_namespace_and_owns_its_vip_there()
    {
        Privilege.Require("ip", "dotnet");
        const string vip = "10.7.5.100";
        using var ns = Namespace("dm-x", "10.7.5.1");
        var dir = Directory.CreateTempSubdirectory("ka-dm-s-").FullName;
        File.WriteAllText(Path.Combine(dir, "keepalived.conf"), Config(vip));
        var psi = new ProcessStartInfo(KeepAliveProcess.Command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in KeepAliveProcess.Command.Skip(1).Concat(["-n", "-l", "-G", "-s", ns.Name, "-p", Path.Combine(dir, "k.pid"), "-f", Path.Combine(dir, "keepalived.conf")]))
            psi.ArgumentList.Add(a);
        var log = new List<string>();
        using var daemon = Process.Start(psi)!;
        daemon.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        daemon.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.Add(e.Data); };
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        string Log() { lock (log) return string.Join('\n', log); }
        try
        {
            Assert.True(Poll.Until(() => HasAddress(ns.Name, vip), Start), "no VIP in the namespace:\n" + Log());
            Assert.False(HasAddress(null, vip), "the VIP is in the test's own namespace");
            Assert.True(Poll.Until(() => Log().Contains($"in network namespace {ns.Name}", StringComparison.Ordinal), TimeSpan.FromSeconds(5)), Log());
            var mine = new FileInfo("/proc/self/ns/net").LinkTarget;
            Assert.NotEqual(mine, new FileInfo($"/proc/{daemon.Id}/ns/net").LinkTarget);
            Privilege.Run("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
            Assert.True(daemon.WaitForExit(30_000), "no exit on SIGTERM:\n" + Log());
            Assert.Equal(0, daemon.ExitCode);
            Assert.False(HasAddress(ns.Name, vip), "the VIP was left behind");
        }
        finally
        {
            if (!daemon.HasExited)
                daemon.Kill();
            daemon.WaitForExit(5000);
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void Dry_run_prints_the_kernel_changes_and_applies_none_and_C_runs_no_vrrp()
    {
        Privilege.Require("ip", "dotnet");
        const string vip = "10.7.6.100";
        using var ns = Namespace("dm-dry", "10.7.6.1");
        using (var dry = new KeepAliveProcess(ns.Name, Config(vip), ["-n", "-l", "-G", "--dry-run", "-p", "{dir}/k.pid"]))
        {
            Assert.True(dry.WaitFor($"dry-run: would add address {vip}/24 dev eth0", Start), "no dry-run line:\n" + dry);
            Assert.False(HasAddress(ns.Name, vip), "--dry-run added the VIP");
            dry.SignalTerm();
            Assert.True(dry.WaitForExit(TimeSpan.FromSeconds(30)), dry.ToString());
            Assert.Equal(0, dry.ExitCode);
            Assert.True(dry.Count($"dry-run: would remove address {vip}/24 dev eth0") > 0, dry.ToString());
        }
        using var checkers = new KeepAliveProcess(ns.Name, Config(vip), ["-n", "-l", "-G", "-C", "-p", "{dir}/k.pid"]);
        Assert.True(checkers.WaitFor("Startup complete", Start), checkers.ToString());
        Assert.True(checkers.Count("starts no VRRP instance") > 0, checkers.ToString());
        Thread.Sleep(1500);
        Assert.False(HasAddress(ns.Name, vip), "-C ran VRRP");
        checkers.SignalTerm();
        Assert.True(checkers.WaitForExit(TimeSpan.FromSeconds(30)), checkers.ToString());
        Assert.Equal(0, checkers.ExitCode);
    }
}
