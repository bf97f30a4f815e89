using System.Text;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary><see cref="ProcScanProcessWatch"/> over a hand-made /proc tree: the races and oddities of the real one
/// (a process gone between listing and reading, zombies, kernel threads, hostile names) made deterministic. Needs
/// no root.</summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
public sealed class ProcScanProcessWatchTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ka-pw-proc-" + Guid.NewGuid().ToString("N")[..12]);

    public ProcScanProcessWatchTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Proc(string pid, string? stat, byte[]? cmdline)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, pid)).FullName;
        if (stat is not null)
            File.WriteAllBytes(Path.Combine(dir, "stat"), Encoding.UTF8.GetBytes(stat));
        if (cmdline is not null)
            File.WriteAllBytes(Path.Combine(dir, "cmdline"), cmdline);
    }

    private static byte[] Cmd(params string[] argv) => Encoding.UTF8.GetBytes(string.Concat(argv.Select(a => a + "\0")));

    [Fact]
    public void Process_scan_of_a_fake_proc_keeps_live_processes_and_skips_the_rest()
    {
        Proc("1", "1 (init) S 0 1", Cmd("/sbin/init"));
        Proc("2", "2 (kthreadd) S 0 0", []);
        Proc("30", "30 (a) Z (b) R 1 30", Cmd("weird", "x y"));
        Proc("31", "31 (defunct) Z 1 31", []); // zombie
        Proc("32", "32 (dead) X 1 32", []);
        Proc("40", null, null); // exited between readdir and open
        Proc("41", "41 (half) S 1 41", null); // exited between stat and cmdline
        Proc("42", "garbage", Cmd("x"));
        Proc("self", "1 (init) S 0 1", Cmd("/sbin/init")); // not a pid
        Proc("007", "7 (zero) S 0 1", Cmd("zero")); // not a pid either
        File.WriteAllText(Path.Combine(_root, "99"), "a file, not a process directory");
        byte[] rewritten = [.. Encoding.UTF8.GetBytes("nginx: master process"), 0xff];
        Proc("50", "50 (nginx) S 1 50", rewritten);

        using var watch = new ProcScanProcessWatch(_root);
        Assert.True(watch.Snapshot(out var entries).IsOk);
        var byPid = entries.ToDictionary(e => e.Pid);
        Assert.Equal([1, 2, 30, 50], byPid.Keys.Order());
        Assert.Equal(new ProcessEntry(1, "init", ["/sbin/init"]), byPid[1]);
        Assert.Equal(new ProcessEntry(2, "kthreadd", []), byPid[2]);
        Assert.Equal(new ProcessEntry(30, "a) Z (b", ["weird", "x y"]), byPid[30]);
        Assert.Equal(new ProcessEntry(50, "nginx", ["nginx: master process\uFFFD"]), byPid[50]);
        Assert.Equal(byPid[30], watch.TryRead(30));
        Assert.Null(watch.TryRead(31));
        Assert.Null(watch.TryRead(12345));
    }

    [Fact]
    public void Process_scan_bounds_the_command_line_it_reads()
    {
        var args = Enumerable.Range(0, 10_000).Select(i => "argument" + i).Prepend("big").ToArray();
        Proc("5", "5 (big) S 1 5", Cmd(args));
        using var watch = new ProcScanProcessWatch(_root, maxCommandLineBytes: 1000);
        var entry = watch.TryRead(5);
        Assert.NotNull(entry);
        Assert.Equal("big", entry.Argv[0]);
        Assert.InRange(entry.Argv.Sum(a => a.Length + 1), 999, 1001);
        // a bounded read can still be told from a short configured command line
        Assert.False(new ProcessMatcher("big", ["argument0"], ParamMatchMode.Exact, false).Matches(entry));
        Assert.True(new ProcessMatcher("big", ["argument0"], ParamMatchMode.Partial, false).Matches(entry));
        using var whole = new ProcScanProcessWatch(_root, maxCommandLineBytes: 1 << 20);
        Assert.Equal(args, whole.TryRead(5)!.Argv);
    }

    [Fact]
    public void Process_scan_of_a_missing_proc_is_an_error_not_an_exception_and_dispose_ends_it()
    {
        using var missing = new ProcScanProcessWatch(Path.Combine(_root, "nope"));
        var result = missing.Snapshot(out var none);
        Assert.False(result.IsOk);
        Assert.Equal(2, result.Errno); // ENOENT
        Assert.Empty(none);

        var watch = new ProcScanProcessWatch(_root);
        watch.Dispose();
        Assert.Equal(9, watch.Snapshot(out _).Errno); // EBADF
        Assert.Null(watch.TryRead(1));
        Assert.Throws<ObjectDisposedException>(() => watch.Subscribe(_ => { }));
    }

    [Fact]
    public void Process_scan_subscription_diffs_rescans_into_exec_and_exit()
    {
        Proc("10", "10 (keep) S 1 10", Cmd("keep"));
        Proc("11", "11 (gone) S 1 11", Cmd("gone"));
        Proc("12", "12 (before) S 1 12", Cmd("before"));
        using var watch = new ProcScanProcessWatch(_root, pollInterval: TimeSpan.FromMilliseconds(50));
        var log = new EventLog();
        using (watch.Subscribe(log.Add))
        {
            Assert.IsType<ProcessEvent.Resync>(log.WaitFor(_ => true, TimeSpan.FromSeconds(5)));
            Directory.Delete(Path.Combine(_root, "11"), recursive: true);
            File.WriteAllBytes(Path.Combine(_root, "12", "cmdline"), Cmd("after", "exec"));
            Proc("13", "13 (new) S 1 13", Cmd("new"));
            var wanted = new HashSet<ProcessEvent>
            {
                new ProcessEvent.Exit(11),
                new ProcessEvent.Exec(new ProcessEntry(12, "before", ["after", "exec"])),
                new ProcessEvent.Exec(new ProcessEntry(13, "new", ["new"])),
            };
            while (wanted.Count > 0)
            {
                var e = log.WaitFor(wanted.Contains, TimeSpan.FromSeconds(5));
                Assert.True(e is not null, $"missing {string.Join(", ", wanted)}; saw {string.Join(", ", log.Seen)}");
                wanted.Remove(e);
            }
            // nothing about the unchanged process, and nothing twice
            Assert.Null(log.WaitFor(_ => true, TimeSpan.FromMilliseconds(300)));
            Assert.DoesNotContain(log.Seen, e => e is ProcessEvent.Exec x && x.Entry.Pid == 10);
        }
    }

    [Fact]
    public void Process_scan_subscription_survives_a_throwing_handler_and_stops_on_dispose()
    {
        Proc("10", "10 (keep) S 1 10", Cmd("keep"));
        using var watch = new ProcScanProcessWatch(_root, pollInterval: TimeSpan.FromMilliseconds(50));
        var calls = 0;
        var subscription = watch.Subscribe(_ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("handler bug");
        });
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Volatile.Read(ref calls) == 0 && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Proc("11", "11 (next) S 1 11", Cmd("next"));
        while (Volatile.Read(ref calls) < 2 && DateTime.UtcNow < deadline)
            Thread.Sleep(20);
        Assert.Equal(2, Volatile.Read(ref calls)); // Resync, then Exec(11) although the first call threw
        subscription.Dispose();
        Proc("12", "12 (late) S 1 12", Cmd("late"));
        Thread.Sleep(300);
        Assert.Equal(2, Volatile.Read(ref calls));
    }
}
