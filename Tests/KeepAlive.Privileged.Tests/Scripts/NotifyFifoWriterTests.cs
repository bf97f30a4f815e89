using System.Diagnostics;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Privileged.Tests.Scripts;

/// <summary>The notify FIFO against a real mkfifo and a reader thread.</summary>
// Serial with the other privileged tests: its processes and sockets must not run beside theirs (a socket count,
// an exec of a script another test is writing, a timing bound).
[Collection("privileged")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NotifyFifoWriterTests : IDisposable
{
    private readonly ScriptSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private static Task<List<string>> ReadLines(string path, int count) => Task.Factory.StartNew(() =>
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read));
        var lines = new List<string>();
        while (lines.Count < count && reader.ReadLine() is { } line)
            lines.Add(line);
        return lines;
    }, TaskCreationOptions.LongRunning);

    private static Task<List<string>> ReadUntil(string path, string last) => Task.Factory.StartNew(() =>
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
            if (line == last)
                break;
        }
        return lines;
    }, TaskCreationOptions.LongRunning);

    [SkippableFact]
    public async Task A_reader_receives_the_lines_in_order()
    {
        Privilege.Require();
        var path = _box.PathOf("notify.fifo");
        using (var fifo = NotifyFifoWriter.Open(path, out var opened))
        {
            Assert.Equal(FifoWriteOutcome.Written, opened.Outcome);
            var reader = ReadLines(path, 3);
            Assert.Equal(FifoWriteOutcome.Written, fifo.Write("INSTANCE \"VI_1\" MASTER 100\n").Outcome);
            Assert.Equal(FifoWriteOutcome.Written, fifo.Write("GROUP \"G1\" BACKUP 0\n").Outcome);
            Assert.Equal(FifoWriteOutcome.Written, fifo.Write("INSTANCE \"VI_1\" MASTER_PRIORITY 90\n").Outcome);
            Assert.True(reader.Wait(TimeSpan.FromSeconds(10)), "reader got nothing");
            Assert.Equal(["INSTANCE \"VI_1\" MASTER 100", "GROUP \"G1\" BACKUP 0", "INSTANCE \"VI_1\" MASTER_PRIORITY 90"], await reader);
            Assert.True(new FileInfo(path).Exists);
        }
        Assert.False(File.Exists(path)); // we created it, we remove it
    }

    [SkippableFact]
    public void Writing_with_no_reader_never_blocks_and_drops_when_full()
    {
        Privilege.Require();
        using var fifo = NotifyFifoWriter.Open(_box.PathOf("none.fifo"), out _);
        var watch = Stopwatch.StartNew();
        var outcomes = new List<FifoWriteOutcome>();
        for (var i = 0; i < 20_000 && !outcomes.Contains(FifoWriteOutcome.DroppedFull); i++)
            outcomes.Add(fifo.Write($"INSTANCE \"VI_{i}\" BACKUP 100\n").Outcome);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(FifoWriteOutcome.DroppedFull, outcomes[^1]);
        Assert.True(outcomes.Count > 100);
        Assert.All(outcomes.Take(outcomes.Count - 1), o => Assert.Equal(FifoWriteOutcome.Written, o));
    }

    [SkippableFact]
    public async Task The_reader_going_away_does_not_hurt_and_a_new_reader_gets_new_lines()
    {
        Privilege.Require();
        var path = _box.PathOf("bye.fifo");
        Assert.Equal(0, Privilege.Run("mkfifo", ["-m", "600", path], TimeSpan.FromSeconds(5)).Code); // existing FIFO
        using (var fifo = NotifyFifoWriter.Open(path, out var opened))
        {
            Assert.Equal(FifoWriteOutcome.Written, opened.Outcome);
            var first = ReadLines(path, 1);
            Assert.Equal(FifoWriteOutcome.Written, fifo.Write("INSTANCE \"A\" MASTER 1\n").Outcome);
            Assert.Equal(["INSTANCE \"A\" MASTER 1"], await first.WaitAsync(TimeSpan.FromSeconds(10)));
            // reader closed: no EPIPE, no SIGPIPE, writes go on
            Assert.Equal(FifoWriteOutcome.Written, fifo.Write("INSTANCE \"B\" BACKUP 2\n").Outcome);
            Assert.Equal(FifoWriteOutcome.Written, fifo.Reopen().Outcome);
            var second = ReadUntil(path, "INSTANCE \"C\" FAULT 3");
            Assert.Equal(FifoWriteOutcome.Written, fifo.Write("INSTANCE \"C\" FAULT 3\n").Outcome);
            // B normally vanished with the pipe when we closed our end; a process forked elsewhere in this test host
            // at that instant may briefly hold an inherited copy of the fd (until its exec closes it), keeping B.
            var got = await second.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(got.SequenceEqual(["INSTANCE \"C\" FAULT 3"]) || got.SequenceEqual(["INSTANCE \"B\" BACKUP 2", "INSTANCE \"C\" FAULT 3"]), string.Join(" / ", got));
        }
        Assert.True(File.Exists(path)); // not ours: left in place
    }

    [SkippableFact]
    public void Non_fifos_and_bad_lines_are_refused()
    {
        Privilege.Require();
        var regular = _box.PathOf("regular");
        File.WriteAllText(regular, "");
        using var onFile = NotifyFifoWriter.Open(regular, out var opened);
        Assert.Equal(FifoWriteOutcome.Failed, opened.Outcome);
        Assert.Equal(FifoWriteOutcome.Failed, onFile.Write("INSTANCE \"A\" MASTER 1\n").Outcome);
        Assert.Equal("", File.ReadAllText(regular));

        using var fifo = NotifyFifoWriter.Open(_box.PathOf("ok.fifo"), out _);
        Assert.Equal(FifoWriteOutcome.Failed, fifo.Write("no newline").Outcome);
        Assert.Equal(FifoWriteOutcome.Failed, fifo.Write(new string('x', 5000) + "\n").Outcome);

        var missingDir = NotifyFifoWriter.Open(_box.PathOf("no/such/dir.fifo"), out var failed);
        Assert.Equal(FifoWriteOutcome.Failed, failed.Outcome);
        missingDir.Dispose();
    }
}
