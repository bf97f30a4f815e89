using System.Diagnostics;
using System.Globalization;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Scripts;

/// <summary>The script runner against real processes: arguments, statuses, signals, timeouts that kill the whole
/// process group, output floods, another user, concurrency. Every process checked is one this test started.</summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProcessScriptRunnerTests : IDisposable
{
    private readonly ScriptSandbox _box = new();
    private readonly ProcessScriptRunner _runner = new();

    public void Dispose() => _box.Dispose();

    private static ScriptRunRequest Request(TimeSpan timeout, params string[] argv) => new(argv, timeout);

    [SkippableFact]
    public async Task A_script_gets_its_arguments_and_environment_and_leads_its_own_session()
    {
        Privilege.Require();
        var record = _box.PathOf("args");
        var script = _box.Script("record.sh", """
            printf '%s\n' "$@" > "$RECORD"
            printf 'env=%s\n' "$KA_TEST_VALUE" >> "$RECORD"
            set -- $(cat /proc/$$/stat | sed 's/.*) //')
            echo "pid=$$ pgrp=$3 sid=$4"
            """);
        var result = await _runner.RunAsync(new ScriptRunRequest([script, "INSTANCE", "VI 1", "it's \"quoted\"", "$(reboot)", ""], TimeSpan.FromSeconds(10),
            new Dictionary<string, string?> { ["RECORD"] = record, ["KA_TEST_VALUE"] = "v=1 2" }));
        Assert.Equal(ScriptOutcome.Exited, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal(["INSTANCE", "VI 1", "it's \"quoted\"", "$(reboot)", "", "env=v=1 2"], File.ReadAllLines(record));
        var pid = result.Pid.ToString(CultureInfo.InvariantCulture);
        Assert.Equal($"pid={pid} pgrp={pid} sid={pid}", result.Output.Trim());
        Assert.False(ScriptSandbox.Alive(result.Pid)); // reaped, no zombie
    }

    [SkippableTheory]
    [InlineData("exit 0", 0)]
    [InlineData("exit 1", 1)]
    [InlineData("exit 3", 3)]
    [InlineData("exit 255", 255)]
    [InlineData("exit 137", 137)]
    public async Task Exit_codes_are_reported(string body, int code)
    {
        Privilege.Require();
        var result = await _runner.RunAsync(Request(TimeSpan.FromSeconds(10), _box.Script("exit.sh", body)));
        Assert.Equal(ScriptOutcome.Exited, result.Outcome);
        Assert.Equal(code, result.ExitCode);
        Assert.Equal(0, result.Signal);
    }

    [SkippableTheory]
    [InlineData("USR1", 10)]
    [InlineData("KILL", 9)]
    [InlineData("TERM", 15)]
    public async Task Signals_are_reported_as_signals(string name, int number)
    {
        Privilege.Require();
        var result = await _runner.RunAsync(Request(TimeSpan.FromSeconds(10), _box.Script("sig.sh", $"kill -{name} $$\nsleep 5")));
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.Equal(number, result.Signal);
        Assert.False(result.TimedOut);
    }

    [SkippableFact]
    public async Task A_hung_sleep_is_terminated_at_its_timeout()
    {
        Privilege.Require();
        var watch = Stopwatch.StartNew();
        var result = await _runner.RunAsync(Request(TimeSpan.FromMilliseconds(500), "/bin/sleep", "1000"));
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.Equal(15, result.Signal);
        Assert.True(result.TimedOut);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        Assert.False(ScriptSandbox.Alive(result.Pid));
        Assert.True(ScriptSandbox.Eventually(() => ScriptSandbox.MembersOfGroup(result.Pid).Count == 0, TimeSpan.FromSeconds(3)),
            $"left in its process group: {string.Join(", ", ScriptSandbox.MembersOfGroup(result.Pid))}");
    }

    [SkippableFact]
    public async Task A_script_ignoring_sigterm_and_its_background_child_are_killed_with_the_group()
    {
        Privilege.Require();
        var childFile = _box.PathOf("child");
        var script = _box.Script("hang.sh", $"""
            trap '' TERM
            /bin/sleep 1000 &
            echo $! > {childFile}
            wait
            """);
        var watch = Stopwatch.StartNew();
        // The timeout leaves the shell time to install its trap and record its child on a loaded machine.
        var result = await _runner.RunAsync(new ScriptRunRequest([script], TimeSpan.FromMilliseconds(1500), KillGrace: TimeSpan.FromMilliseconds(500)));
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.Equal(9, result.Signal); // SIGTERM ignored: SIGKILL after the grace
        Assert.True(result.TimedOut);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(1900), TimeSpan.FromSeconds(5));
        var child = int.Parse(File.ReadAllText(childFile).Trim(), CultureInfo.InvariantCulture);
        Assert.True(ScriptSandbox.Eventually(() => !ScriptSandbox.Alive(child), TimeSpan.FromSeconds(3)), $"background child {child} survived");
        Assert.True(ScriptSandbox.Eventually(() => ScriptSandbox.MembersOfGroup(result.Pid).Count == 0, TimeSpan.FromSeconds(3)),
            $"left in its process group: {string.Join(", ", ScriptSandbox.MembersOfGroup(result.Pid))}");
    }

    [SkippableFact]
    public async Task A_script_whose_child_dies_of_sigterm_leaves_nothing_behind()
    {
        Privilege.Require();
        var childFile = _box.PathOf("child");
        var script = _box.Script("hang2.sh", $"/bin/sleep 1000 &\necho $! > {childFile}\n/bin/sleep 1000");
        var result = await _runner.RunAsync(Request(TimeSpan.FromMilliseconds(1500), script)); // (time to record its child)
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.Equal(15, result.Signal);
        var child = int.Parse(File.ReadAllText(childFile).Trim(), CultureInfo.InvariantCulture);
        Assert.True(ScriptSandbox.Eventually(() => !ScriptSandbox.Alive(child), TimeSpan.FromSeconds(3)), $"background child {child} survived");
        Assert.True(ScriptSandbox.Eventually(() => ScriptSandbox.MembersOfGroup(result.Pid).Count == 0, TimeSpan.FromSeconds(3)),
            $"left in its process group: {string.Join(", ", ScriptSandbox.MembersOfGroup(result.Pid))}");
    }

    [SkippableFact]
    public async Task A_script_that_traps_sigterm_and_exits_reports_its_exit_status()
    {
        Privilege.Require();
        var script = _box.Script("trap.sh", "trap 'exit 0' TERM\nwhile :; do sleep 0.05; done");
        var result = await _runner.RunAsync(Request(TimeSpan.FromMilliseconds(1500), script)); // time for sh to install the trap
        Assert.Equal(ScriptOutcome.Exited, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.TimedOut);
    }

    [SkippableFact]
    public async Task A_flood_of_output_is_drained_and_bounded()
    {
        Privilege.Require();
        var script = _box.Script("flood.sh", "head -c 20000000 /dev/zero | tr '\\0' 'x'\necho done >&2\nexit 4");
        var result = await _runner.RunAsync(new ScriptRunRequest([script], TimeSpan.FromSeconds(30), OutputLimit: 1000));
        Assert.Equal(ScriptOutcome.Exited, result.Outcome);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal(20_000_005, result.OutputBytes);
        Assert.True(result.OutputTruncated);
        Assert.Equal(new string('x', 1000), result.Output);
    }

    [SkippableFact]
    public async Task An_endless_flood_still_times_out()
    {
        Privilege.Require();
        var result = await _runner.RunAsync(Request(TimeSpan.FromSeconds(1), "/usr/bin/yes"));
        Assert.True(result.TimedOut);
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.True(result.OutputBytes > 1_000_000, $"only {result.OutputBytes} bytes drained (a 64 KiB pipe would have blocked it)");
        Assert.True(result.Output.Length <= 16 * 1024);
    }

    [SkippableFact]
    public async Task A_missing_program_cannot_start_and_says_why()
    {
        Privilege.Require();
        var result = await _runner.RunAsync(Request(TimeSpan.FromSeconds(5), _box.PathOf("missing.sh")));
        Assert.Equal(ScriptOutcome.CouldNotStart, result.Outcome);
        Assert.Equal(ScriptStartFailure.Exec, result.StartFailure);
        Assert.Equal(2, result.Errno);
        Assert.Contains("missing.sh", result.Message);

        File.WriteAllText(_box.PathOf("noexec.sh"), "#!/bin/sh\nexit 0\n");
        var noexec = await _runner.RunAsync(Request(TimeSpan.FromSeconds(5), _box.PathOf("noexec.sh")));
        Assert.Equal(ScriptOutcome.CouldNotStart, noexec.Outcome);
        Assert.Equal(13, noexec.Errno);
    }

    [SkippableFact]
    public async Task Bad_requests_are_results_not_exceptions()
    {
        Privilege.Require();
        Assert.Equal(ScriptOutcome.CouldNotStart, (await _runner.RunAsync(new ScriptRunRequest([], TimeSpan.FromSeconds(1)))).Outcome);
        Assert.Equal(ScriptOutcome.CouldNotStart, (await _runner.RunAsync(Request(TimeSpan.FromSeconds(1), "/bin/echo", "a\0b"))).Outcome);
        Assert.Equal(ScriptOutcome.CouldNotStart, (await _runner.RunAsync(Request(TimeSpan.Zero, "/bin/true"))).Outcome);
        var forever = await _runner.RunAsync(Request(TimeSpan.MaxValue, "/bin/true"));
        Assert.Equal(ScriptOutcome.Exited, forever.Outcome);
        Assert.False(forever.TimedOut);
    }

    [SkippableFact]
    public async Task A_script_runs_as_nobody()
    {
        Privilege.Require("setpriv");
        var result = await _runner.RunAsync(new ScriptRunRequest(["/bin/sh", "-c", "id -u; id -g; id -G"], TimeSpan.FromSeconds(10),
            Identity: new ScriptIdentity(65534, 65534)));
        Assert.Equal(ScriptOutcome.Exited, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["65534", "65534", "65534"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // exec failure behind setpriv is still "could not start"
        var missing = await _runner.RunAsync(new ScriptRunRequest([_box.PathOf("missing.sh")], TimeSpan.FromSeconds(10), Identity: new ScriptIdentity(65534, 65534)));
        Assert.Equal(ScriptOutcome.CouldNotStart, missing.Outcome);
        Assert.Equal(ScriptStartFailure.Exec, missing.StartFailure);
    }

    [SkippableFact]
    public async Task A_timed_out_script_of_another_user_is_killed_too()
    {
        Privilege.Require("setpriv");
        var result = await _runner.RunAsync(new ScriptRunRequest(["/bin/sleep", "1000"], TimeSpan.FromMilliseconds(500), Identity: new ScriptIdentity(65534, 65534)));
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.True(result.TimedOut);
        Assert.True(ScriptSandbox.Eventually(() => ScriptSandbox.MembersOfGroup(result.Pid).Count == 0, TimeSpan.FromSeconds(3)),
            $"left in its process group: {string.Join(", ", ScriptSandbox.MembersOfGroup(result.Pid))}");
    }

    [Fact]
    public async Task Another_user_without_setpriv_fails_clearly()
    {
        var runner = new ProcessScriptRunner(setprivPath: null);
        var result = await runner.RunAsync(new ScriptRunRequest(["/bin/true"], TimeSpan.FromSeconds(5), Identity: new ScriptIdentity(65534, 65534)));
        Assert.Equal(ScriptOutcome.CouldNotStart, result.Outcome);
        Assert.Equal(ScriptStartFailure.Credentials, result.StartFailure);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [SkippableFact]
    public async Task Many_scripts_run_concurrently()
    {
        Privilege.Require();
        var script = _box.Script("conc.sh", "sleep 0.5\nexit $1");
        var watch = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, 30).Select(i => _runner.RunAsync(Request(TimeSpan.FromSeconds(20), script, (i % 7).ToString(CultureInfo.InvariantCulture)))).ToList();
        var results = await Task.WhenAll(runs);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(ScriptOutcome.Exited, results[i].Outcome);
            Assert.Equal(i % 7, results[i].ExitCode);
        }
        Assert.Equal(30, results.Select(r => r.Pid).Distinct().Count());
    }

    private static ulong SigIgn(string status) =>
        ulong.Parse(status.Split('\n').First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task We_ignore_sigpipe_but_scripts_get_default_signal_handling()
    {
        Privilege.Require();
        const ulong sigpipe = 1UL << (13 - 1);
        Assert.NotEqual(0UL, SigIgn(File.ReadAllText("/proc/self/status")) & sigpipe); // .NET ignores SIGPIPE
        var result = await _runner.RunAsync(Request(TimeSpan.FromSeconds(10), "/bin/cat", "/proc/self/status"));
        Assert.Equal(ScriptOutcome.Exited, result.Outcome);
        Assert.Equal(0UL, SigIgn(result.Output) & 0x7FFF_FFFFUL); // no standard signal inherited as ignored (32, 33 are glibc-internal)
        Assert.Contains("SigBlk:\t0000000000000000", result.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Cancelling_kills_the_script()
    {
        Privilege.Require();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        var result = await _runner.RunAsync(Request(TimeSpan.FromSeconds(60), "/bin/sleep", "1000"), cts.Token);
        Assert.True(result.TimedOut);
        Assert.Equal(ScriptOutcome.Signaled, result.Outcome);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.True(ScriptSandbox.Eventually(() => ScriptSandbox.MembersOfGroup(result.Pid).Count == 0, TimeSpan.FromSeconds(3)),
            $"left in its process group: {string.Join(", ", ScriptSandbox.MembersOfGroup(result.Pid))}");
    }
}
