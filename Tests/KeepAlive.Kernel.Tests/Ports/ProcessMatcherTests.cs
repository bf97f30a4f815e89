using System.Text;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

/// <summary>ProcessMatcher against keepalived 2.2.7 track_process.c (read_procs / check_process / check_params) and
/// vrrp_parser.c (vrrp_tprocess_process_handler / vrrp_tprocess_match_handler).</summary>
public class ProcessMatcherTests
{
    private static ProcessMatcher Matcher(string process, string[]? args = null, string? paramMatch = null, bool fullCommand = false) =>
        ProcessMatcher.For(new TrackProcessConfig
        {
            Name = "t",
            Process = process,
            Arguments = (args ?? []).ToValueList(),
            ParamMatch = paramMatch,
            FullCommand = fullCommand,
        });

    private static ProcessEntry Entry(string comm, params string[] argv) => new(4242, comm, argv);

    [Theory]
    [InlineData("nginx", "nginx", true)]
    [InlineData("nginx", "Nginx", false)] // strcmp: case matters
    [InlineData("nginx", "nginx ", false)]
    [InlineData("ssh", "sshd", false)] // no pattern match: pgrep '^ssh$'
    [InlineData("sshd", "ssh", false)]
    [InlineData("Web Content", "Web Content", true)] // comm may hold spaces
    [InlineData("a) Z (b", "a) Z (b", true)] // and parentheses
    [InlineData("exactly15chars_", "exactly15chars_", true)]
    [InlineData("", "", true)] // strcmp("", ""): a process may rename itself to nothing
    [InlineData("", "x", false)]
    public void Without_arguments_the_name_is_compared_exactly_with_comm(string process, string comm, bool expected)
    {
        var m = Matcher(process);
        Assert.False(m.FullCommand);
        Assert.Equal(ParamMatchMode.None, m.Mode);
        // argv is not looked at in comm mode: a different argv[0] and arguments change nothing.
        Assert.Equal(expected, m.Matches(Entry(comm, "/usr/bin/" + process, "--any", "args")));
        Assert.Equal(expected, m.Matches(Entry(comm)));
    }

    [Fact]
    public void A_name_longer_than_15_bytes_never_matches_comm_because_the_kernel_truncates_it_and_keepalived_does_not()
    {
        var m = Matcher("keepalive-process-watch");
        Assert.True(m.CanNeverMatch);
        Assert.False(m.Matches(Entry("keepalive-proce", "keepalive-process-watch")));
        Assert.False(Matcher("").CanNeverMatch);
        Assert.False(m.Matches(Entry("keepalive-proce")));
        // 15 bytes is fine; 16 is not (TASK_COMM_LEN 16 includes the NUL)
        Assert.False(Matcher("fifteen-bytes-x").CanNeverMatch);
        Assert.True(Matcher("sixteen-bytes-xx").CanNeverMatch);
        // bytes, not chars: 8 two-byte characters are 16 bytes
        Assert.True(Matcher(new string('é', 8)).CanNeverMatch);
        // with full_command the whole argv[0] is compared, so long names work
        var full = Matcher("keepalive-process-watch", fullCommand: true);
        Assert.False(full.CanNeverMatch);
        Assert.True(full.Matches(Entry("keepalive-proce", "keepalive-process-watch", "x")));
    }

    [Theory]
    [InlineData("/usr/sbin/nginx", new[] { "/usr/sbin/nginx", "-g", "daemon off;" }, true)] // arguments ignored
    [InlineData("/usr/sbin/nginx", new[] { "/usr/sbin/nginx" }, true)]
    [InlineData("/usr/sbin/nginx", new[] { "nginx", "-g" }, false)] // argv[0] as written, paths are not resolved
    [InlineData("nginx", new[] { "/usr/sbin/nginx" }, false)]
    [InlineData("nginx: master process", new[] { "nginx: master process" }, true)] // setproctitle: one element
    [InlineData("nginx", new string[0], false)] // kernel thread / zombie: empty cmdline
    public void Full_command_without_arguments_compares_argv0_only(string process, string[] argv, bool expected)
    {
        var m = Matcher(process, fullCommand: true);
        Assert.True(m.FullCommand);
        Assert.Equal(ParamMatchMode.None, m.Mode);
        Assert.Equal(expected, m.Matches(Entry("irrelevant", argv)));
    }

    public static TheoryData<string[], string?, string[], bool> ParameterCases => new()
    {
        // process sleep 1000 : arguments imply exact matching and full_command
        { ["1000"], null, ["sleep", "1000"], true },
        { ["1000"], null, ["sleep", "1000", "x"], false },
        { ["1000"], null, ["sleep"], false },
        { ["1000"], null, ["sleep", "10000"], false },
        { ["1000"], null, ["sleep", "100"], false },
        { ["a", ""], null, ["sleep", "a", ""], true }, // an empty argument is an argument
        { ["a", ""], null, ["sleep", "a"], false },
        // bare param_match, no arguments: the process must have none
        { [], "exact", ["sleep"], true },
        { [], "exact", ["sleep", ""], false },
        { [], "exact", ["sleep", "1"], false },
        // partial: the configured arguments are the process's first ones, element for element
        { ["-c", "/etc/x.conf"], "partial", ["sleep", "-c", "/etc/x.conf"], true },
        { ["-c", "/etc/x.conf"], "partial", ["sleep", "-c", "/etc/x.conf", "-d"], true },
        { ["-c", "/etc/x.conf"], "partial", ["sleep", "-c", "/etc/x.conf.bak"], false },
        { ["-c", "/etc/x.conf"], "partial", ["sleep", "-c"], false },
        { ["-c", "/etc/x.conf"], "partial", ["sleep", "-d", "-c", "/etc/x.conf"], false }, // a prefix, not a sub-sequence
        { [], "partial", ["sleep", "a", "b"], true },
        { [], "partial", ["sleep"], true },
        // initial: first n-1 exact, the n-th only has to start with the configured one
        { ["-c", "/etc/x"], "initial", ["sleep", "-c", "/etc/x.conf"], true },
        { ["-c", "/etc/x"], "initial", ["sleep", "-c", "/etc/x", "more"], true },
        { ["-c", "/etc/x"], "initial", ["sleep", "-c", "/etc/y"], false },
        { ["-c", "/etc/x"], "initial", ["sleep", "-cx", "/etc/x"], false },
        { ["-c", "/etc/x"], "initial", ["sleep", "-c"], false },
        { ["-c", "/etc/x"], "initial", ["sleep", "/etc/x", "-c"], false },
        { [""], "initial", ["sleep"], false }, // one empty prefix still needs one argument
        { [""], "initial", ["sleep", ""], true },
        { [""], "initial", ["sleep", "anything"], true },
        { [], "initial", ["sleep", "x"], true },
    };

    [Theory]
    [MemberData(nameof(ParameterCases))]
    public void Parameters_match_as_keepalived_check_params(string[] args, string? paramMatch, string[] argv, bool expected)
    {
        var m = Matcher("sleep", args, paramMatch);
        Assert.True(m.FullCommand);
        Assert.Equal(expected, m.Matches(Entry("sleep", argv)));
        // the name is still argv[0], exactly
        var renamed = argv.Length == 0 ? argv : ["/bin/sleep", .. argv[1..]];
        Assert.False(m.Matches(Entry("sleep", renamed)));
    }

    [Theory]
    [InlineData(null, new string[0], ParamMatchMode.None, false)]
    [InlineData(null, new[] { "x" }, ParamMatchMode.Exact, true)]
    [InlineData("exact", new string[0], ParamMatchMode.Exact, true)]
    [InlineData("initial", new string[0], ParamMatchMode.Initial, true)]
    [InlineData("partial", new[] { "x" }, ParamMatchMode.Partial, true)]
    [InlineData("bogus", new string[0], ParamMatchMode.Exact, true)]
    public void Arguments_or_param_match_switch_to_the_command_line(string? paramMatch, string[] args, ParamMatchMode mode, bool fullCommand)
    {
        var m = Matcher("p", args, paramMatch);
        Assert.Equal(mode, m.Mode);
        Assert.Equal(fullCommand, m.FullCommand);
    }

    [Fact]
    public void Hostile_entries_neither_throw_nor_match_wrongly()
    {
        var exact = Matcher("prog", ["a"]);
        var comm = Matcher("prog");
        var huge = Enumerable.Range(0, 200_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Prepend("prog").ToArray();
        Assert.False(exact.Matches(Entry("prog", huge)));
        Assert.True(Matcher("prog", ["0", "1"], "partial").Matches(Entry("prog", huge)));
        Assert.True(comm.Matches(Entry("prog", huge)));
        Assert.False(exact.Matches(Entry("prog")));
        Assert.False(exact.Matches(Entry("prog", "")));
        Assert.False(exact.Matches(Entry("prog", "", "a")));
        // invalid UTF-8 decodes to U+FFFD; it equals no configured text
        var latin1Cafe = Encoding.UTF8.GetString([0x63, 0x61, 0x66, 0xe9]);
        Assert.False(Matcher("café").Matches(Entry(latin1Cafe)));
        Assert.False(Matcher("prog", ["café"]).Matches(Entry("prog", "prog", latin1Cafe)));
        // but a valid prefix before the bad byte still matches initial
        Assert.True(Matcher("prog", ["caf"], "initial").Matches(Entry("prog", "prog", latin1Cafe)));
        Assert.Throws<ArgumentNullException>(() => comm.Matches(null!));
    }

    /// <summary>Every combination over a small alphabet, against a byte-level model of keepalived's matching: the
    /// command line as the NUL-joined, NUL-terminated bytes of /proc/PID/cmdline, argv[0] compared with strcmp,
    /// parameters with the length checks and memcmp of check_params.</summary>
    [Fact]
    public void Agrees_with_a_byte_level_model_of_check_params_on_every_small_case()
    {
        string[] alphabet = ["a", "b", "ab", ""];
        var argLists = new List<string[]> { Array.Empty<string>() };
        for (var n = 1; n <= 3; n++)
            argLists.AddRange(argLists.Where(l => l.Length == n - 1).SelectMany(l => alphabet.Select(x => l.Append(x).ToArray())).ToList());
        string?[] modes = [null, "exact", "initial", "partial"];
        var checkedCases = 0;
        var matched = 0;
        foreach (var config in argLists.Where(l => l.Length <= 2))
        foreach (var mode in modes)
        foreach (var path in new[] { "p", "q" })
        foreach (var rest in argLists)
        {
            var argv = rest.Prepend(path).ToArray();
            var m = Matcher("p", config, mode, fullCommand: true);
            var expected = KeepalivedModel("p", config, mode, argv);
            Assert.True(expected == m.Matches(Entry("p", argv)), $"config [{string.Join('|', config)}] {mode ?? "(none)"} vs argv [{string.Join('|', argv)}]: keepalived says {expected}");
            checkedCases++;
            matched += expected ? 1 : 0;
        }
        Assert.True(checkedCases > 5000);
        Assert.InRange(matched, 100, checkedCases - 100); // the model is not trivially true or false
    }

    private static bool KeepalivedModel(string processPath, string[] configArgs, string? mode, string[] argv)
    {
        // vrrp_tprocess_process_handler: arguments make param_match EXACT unless set
        var paramMatch = mode switch { null => configArgs.Length > 0 ? "exact" : "none", _ => mode };
        byte[]? processParams = configArgs.Length == 0 ? null : Encoding.UTF8.GetBytes(string.Concat(configArgs.Select(a => a + "\0")));
        var processParamsLen = processParams?.Length ?? 0;
        var cmd = argv.Length == 0 ? [] : Encoding.UTF8.GetBytes(string.Join('\0', argv) + "\0");
        var argv0End = Array.IndexOf(cmd, (byte)0);
        var argv0 = argv0End < 0 ? cmd : cmd[..argv0End];
        if (!argv0.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(processPath)))
            return false;
        if (paramMatch == "none")
            return true;
        var parameters = cmd.AsSpan(argv0.Length + 1);
        var paramsLen = parameters.Length;
        if (paramMatch == "exact" && processParams is null && paramsLen == 0)
            return true;
        if (paramsLen < processParamsLen)
            return false;
        if (paramMatch == "exact")
            return paramsLen == processParamsLen && (processParams is null || parameters[..processParamsLen].SequenceEqual(processParams));
        if (processParams is null)
            return true;
        if (paramMatch == "partial")
            return parameters[..processParamsLen].SequenceEqual(processParams);
        return processParamsLen == 1 || parameters[..(processParamsLen - 1)].SequenceEqual(processParams.AsSpan(0, processParamsLen - 1));
    }
}
