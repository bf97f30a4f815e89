using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using KeepAlive.Privileged.Tests.Interop;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Demo;

/// <summary>
/// ./demo.sh, the README's first command, end to end as root: it exits 0, reports the SIGKILL takeover, the
/// preemption and the priority-0 handover with numbers measured on the wire that agree with the protocol, and
/// leaves none of its ka-demo-&lt;pid&gt;-* namespaces and none of the processes it started. Two runs at once do not
/// collide. The demo runs this test assembly's build of keepalive (KEEPALIVE_DLL), so it does not build.
/// </summary>
[Collection("privileged")]
public sealed partial class DemoScriptTests(ITestOutputHelper output)
{
    /// <summary>A hard limit per run: the demo's own waits are bounded (30 s at most each), so only a hang gets here.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    private const string Tools = "ip tcpdump python3 setsid dotnet";

    [SkippableFact]
    public async Task Demo_reports_takeover_preemption_and_handover_with_protocol_timings_and_cleans_up()
    {
        Privilege.Require(Tools.Split(' '));
        var run = await DemoRun.RunAsync();
        output.WriteLine(run.Output);
        output.WriteLine($"demo.sh (pid {run.Pid}) took {run.Elapsed.TotalSeconds:0.0} s");
        run.AssertCleanedUp();
        Assert.True(run.ExitCode == 0, $"demo.sh exited {run.ExitCode}");

        // SIGKILL: lb2 takes over once the master-down interval has passed since lb1's last advert — not before
        // (it would be a false takeover), and well within two intervals.
        var takeover = TakeoverLine().Match(run.Output);
        Assert.True(takeover.Success, "no takeover line");
        double detect = Number(takeover, "detect"), adv = Number(takeover, "adv"), mdi = Number(takeover, "mdi");
        Assert.InRange(detect, mdi - 20, 2 * mdi);

        // SIGTERM: lb2 takes over one skew time after lb1's priority-0 advert. Without priority 0 it could not take
        // over sooner than master-down minus one interval after it (the last normal advert came at most one
        // interval before), so a handover below that bound is the priority-0 handover.
        var handover = HandoverLine().Match(run.Output);
        Assert.True(handover.Success, "no handover line");
        double handed = Number(handover, "handed"), skew = Number(handover, "skew");
        Assert.Equal(mdi, Number(handover, "mdi"), 1);
        Assert.InRange(handed, skew - 20, mdi - adv);

        Assert.Matches(@"preemption: lb1 \(priority \d+\) sent its first advert at \+\d+\.\d ms", run.Output);
        Assert.Contains("lb1 is MASTER again, lb2 released the VIPs", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"lb1's keepalive exited with code 0 ", run.Output);
        Assert.Matches(@"client: \d+ echo requests to [\d.]+ went to lb1, then lb2 from \+", run.Output);
    }

    [SkippableFact]
    public async Task Two_demos_at_once_use_their_own_namespaces_and_both_succeed()
    {
        Privilege.Require(Tools.Split(' '));
        var runs = await Task.WhenAll(DemoRun.RunAsync(), DemoRun.RunAsync());
        foreach (var run in runs)
        {
            output.WriteLine($"--- demo.sh pid {run.Pid}, {run.Elapsed.TotalSeconds:0.0} s, exit {run.ExitCode}");
            output.WriteLine(run.Output);
        }
        Assert.NotEqual(runs[0].Pid, runs[1].Pid);
        foreach (var run in runs)
        {
            run.AssertCleanedUp();
            Assert.True(run.ExitCode == 0, $"demo.sh (pid {run.Pid}) exited {run.ExitCode}");
            Assert.Matches(TakeoverLine(), run.Output);
            Assert.Matches(HandoverLine(), run.Output);
        }
        Assert.Empty(runs[0].Namespaces.Intersect(runs[1].Namespaces));
    }

    private static double Number(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"takeover: lb2 sent its first advert (?<detect>\d+\.\d) ms after lb1's last one \(master-down interval: \d+ x (?<adv>\d+\.\d) ms \+ skew \d+\.\d ms = (?<mdi>\d+\.\d) ms\)")]
    private static partial Regex TakeoverLine();

    [GeneratedRegex(@"handover: lb2 sent its first advert (?<handed>\d+\.\d) ms after lb1's priority-0 advert \(skew time: (?<skew>\d+\.\d) ms; without priority 0 it would wait out (?<mdi>\d+\.\d) ms\)")]
    private static partial Regex HandoverLine();

    /// <summary>One run of ./demo.sh: its output, exit code, the namespaces and processes it reported.</summary>
    private sealed partial class DemoRun
    {
        public required int Pid { get; init; }

        public required int ExitCode { get; init; }

        public required string Output { get; init; }

        public required TimeSpan Elapsed { get; init; }

        /// <summary>The namespaces it created (its "lab:" line).</summary>
        public IReadOnlyList<string> Namespaces => LabLine().Match(Output) is { Success: true } m ? m.Groups[1].Value.Trim().Split(' ') : [];

        public static async Task<DemoRun> RunAsync()
        {
            var root = RepositoryRoot();
            var psi = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(root, "demo.sh"));
            psi.Environment["KEEPALIVE_DLL"] = KeepAliveProcess.Executable;
            psi.Environment.Remove("KEEPALIVE_EXE");   // the README's demo runs the dotnet build, whatever the other tests run
            var lines = new List<string>();
            using var process = new Process { StartInfo = psi };
            void Add(string? line)
            {
                if (line is null)
                    return;
                lock (lines)
                    lines.Add(line);
            }
            process.OutputDataReceived += (_, e) => Add(e.Data);
            process.ErrorDataReceived += (_, e) => Add(e.Data);
            var clock = Stopwatch.StartNew();
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            int pid = process.Id;
            bool finished = true;
            using (var limit = new CancellationTokenSource(Limit))
            {
                try
                {
                    await process.WaitForExitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    finished = false;
                }
            }
            if (!finished)
            {
                // Its own trap cleans up on SIGTERM; only if that hangs too, the whole tree is killed.
                Privilege.Run("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            await process.WaitForExitAsync();   // the output events are complete after this
            string text;
            lock (lines)
                text = string.Join('\n', lines);
            var run = new DemoRun { Pid = pid, ExitCode = finished ? process.ExitCode : -1, Output = text, Elapsed = clock.Elapsed };
            Assert.True(finished, $"demo.sh did not finish within {Limit}:\n{text}");
            return run;
        }

        /// <summary>No namespace named after this run remains (a leftover is removed, then reported), and none of the
        /// processes it reported starting is still running.</summary>
        public void AssertCleanedUp()
        {
            string prefix = $"ka-demo-{Pid}-";
            Assert.Contains(Namespaces, n => n.StartsWith(prefix, StringComparison.Ordinal));
            Assert.All(Namespaces, n => Assert.StartsWith(prefix, n, StringComparison.Ordinal));
            var left = Privilege.Run("ip", ["netns", "list"], TimeSpan.FromSeconds(10)).Output
                .Split('\n').Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            foreach (var ns in left)
                Privilege.Run("ip", ["netns", "delete", ns], TimeSpan.FromSeconds(10));
            Assert.True(left.Count == 0, "namespaces left behind: " + string.Join(' ', left));

            var cleanup = CleanupLine().Match(Output);
            Assert.True(cleanup.Success, "no cleanup line:\n" + Output);
            var started = cleanup.Groups[1].Value.Trim().Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
            var daemons = DaemonPid().Matches(Output).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
            Assert.Equal(3, daemons.Count);                       // lb1, lb2, lb1 restarted
            Assert.Subset(started.ToHashSet(), daemons.ToHashSet());
            foreach (var pid in started)
            {
                string cmdline;
                try
                {
                    cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
                }
                catch (IOException)
                {
                    continue;                                     // gone
                }
                Assert.False(cmdline.Contains("keepalive", StringComparison.Ordinal) || cmdline.Contains("tcpdump", StringComparison.Ordinal)
                    || cmdline.Contains("demo.py", StringComparison.Ordinal), $"pid {pid} still runs: {cmdline}");
            }
        }

        private static string RepositoryRoot()
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KeepAlive.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("KeepAlive.sln not found above " + AppContext.BaseDirectory);
        }

        [GeneratedRegex(@"lab: namespaces ((?:ka-demo-\S+ ?)+)")]
        private static partial Regex LabLine();

        [GeneratedRegex(@"^cleanup: stopped processes ([\d ]+); deleted namespaces", RegexOptions.Multiline)]
        private static partial Regex CleanupLine();

        [GeneratedRegex(@"\(pid (\d+)\)")]
        private static partial Regex DaemonPid();
    }
}
