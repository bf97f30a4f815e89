using System.Text;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

public class ProcFileFormatTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [InlineData("1 (systemd) S 0 1 1 0 -1 4194560 51814 1", "systemd", 'S')]
    [InlineData("42 (kworker/0:1-events) I 2 0 0 0 -1", "kworker/0:1-events", 'I')]
    [InlineData("7 (Web Content) R 1 7", "Web Content", 'R')]
    [InlineData("7 (a) Z (b) S 1 7", "a) Z (b", 'S')] // comm may fake a state: only the last ')' ends it
    [InlineData("7 ((sd-pam)) S 1 7", "(sd-pam)", 'S')]
    [InlineData("7 (zombie) Z 1 7", "zombie", 'Z')]
    [InlineData("7 () S 1", "", 'S')]
    [InlineData("7 (two\nlines) S 1", "two\nlines", 'S')]
    public void Stat_gives_comm_between_the_first_open_and_last_close_parenthesis(string stat, string comm, char state)
    {
        Assert.True(ProcFileFormat.TryParseStat(B(stat), out var c, out var s));
        Assert.Equal(comm, c);
        Assert.Equal(state, s);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7 comm S 1")]
    [InlineData("7 (comm S 1")]
    [InlineData("7 comm) S 1")]
    [InlineData("7 (comm)")]
    [InlineData("7 (comm) ")]
    [InlineData("7 (comm)XS")]
    [InlineData(") 7 (")]
    public void Malformed_stat_is_refused(string stat)
    {
        Assert.False(ProcFileFormat.TryParseStat(B(stat), out _, out _));
    }

    [Fact]
    public void Non_utf8_comm_becomes_replacement_characters()
    {
        byte[] stat = [.. B("9 (ab"), 0xff, 0xfe, .. B(") S 1")];
        Assert.True(ProcFileFormat.TryParseStat(stat, out var comm, out _));
        Assert.Equal("ab\uFFFD\uFFFD", comm);
    }

    [Theory]
    [InlineData('Z', true)]
    [InlineData('X', true)]
    [InlineData('S', false)]
    [InlineData('R', false)]
    [InlineData('D', false)]
    [InlineData('I', false)]
    [InlineData('T', false)]
    public void Zombies_and_dead_tasks_are_dead(char state, bool dead) => Assert.Equal(dead, ProcFileFormat.IsDead(state));

    [Theory]
    [InlineData("sleep\n", "sleep")]
    [InlineData("sleep", "sleep")]
    [InlineData("a b\n\n", "a b\n")] // only one newline is the file's
    [InlineData("\n", "")]
    [InlineData("", "")]
    public void Comm_file_loses_its_newline(string file, string comm) => Assert.Equal(comm, ProcFileFormat.ParseComm(B(file)));

    public static TheoryData<string, string[]> CommandLines => new()
    {
        { "", [] }, // kernel thread, zombie
        { "sleep\0", ["sleep"] },
        { "/bin/sleep\0" + "1000\0", ["/bin/sleep", "1000"] },
        { "a\0\0b\0", ["a", "", "b"] },
        { "a\0\0", ["a", ""] },
        { "\0", [""] },
        { "nginx: master process /usr/sbin/nginx", ["nginx: master process /usr/sbin/nginx"] }, // setproctitle, no NUL
        { "a\0b", ["a", "b"] },
        { "with space\0and\ttab\0", ["with space", "and\ttab"] },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void Cmdline_splits_at_nul_and_its_last_nul_only_terminates(string file, string[] argv) =>
        Assert.Equal(argv, ProcFileFormat.ParseCommandLine(B(file)));

    [Fact]
    public void Huge_and_non_utf8_command_lines_are_read_whole()
    {
        var huge = string.Concat(Enumerable.Range(0, 100_000).Select(i => $"arg{i}\0"));
        var argv = ProcFileFormat.ParseCommandLine(B(huge));
        Assert.Equal(100_000, argv.Count);
        Assert.Equal("arg99999", argv[^1]);
        byte[] bad = [0x70, 0x00, 0xc3, 0x28, 0x00, 0x80, 0x00];
        Assert.Equal(["p", "\uFFFD(", "\uFFFD"], ProcFileFormat.ParseCommandLine(bad));
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("4194304", 4194304)]
    [InlineData("2147483647", int.MaxValue)]
    public void Pid_directories_parse(string name, int pid)
    {
        Assert.True(ProcFileFormat.TryParsePid(name, out var p));
        Assert.Equal(pid, p);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("self")]
    [InlineData("thread-self")]
    [InlineData("12a")]
    [InlineData("-1")]
    [InlineData("2147483648")]
    [InlineData("99999999999")]
    [InlineData("١٢")] // Arabic-Indic digits are not pids
    public void Other_proc_entries_are_not_pids(string name) => Assert.False(ProcFileFormat.TryParsePid(name, out _));
}
