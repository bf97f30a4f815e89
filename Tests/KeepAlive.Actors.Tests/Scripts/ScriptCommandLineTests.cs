using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Config;
using KeepAlive.Config.Sources;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Actors.Tests.Scripts;

public class ScriptCommandLineTests
{
    /// <summary>A script line as written after its keyword, and the argv, user and group the real keepalived 2.2.7 gives
    /// it (recorded by Tests/KeepAlive.Privileged.Tests/Scripts/KeepalivedScriptQuotingOracleTests.cs).</summary>
    public sealed record LineCase(string Name, string Written, string[] Argv, string? User = null, string? Group = null)
    {
        public override string ToString() => Name;
    }

    public static readonly LineCase[] LineCases =
    [
        new("escaped double quotes inside double quotes group an argument", """
            "/x \"a b\" c"
            """, ["/x", "a b", "c"]),
        new("single quotes keep double quotes for the second split", """
            '/x "a b" c'
            """, ["/x", "a b", "c"]),
        new("double quotes keep single quotes for the second split", """
            "/x 'a b' c"
            """, ["/x", "a b", "c"]),
        new("escaped backslashes are halved at each split", """
            "/x a\\\\b c\\ d"
            """, ["/x", @"a\b", "c d"]),
        new("backslash t is a tab inside a word, a literal tab separates", "\"/x a\\\\tb\\tc 'p\tq'\"", ["/x", "a\tb", "c", "p\tq"]),
        new("quoted empty arguments are kept", """
            "/x '' y \"\""
            """, ["/x", "", "y", ""]),
        new("hex, octal and control escapes are decoded", """
            "/x \x41\101 \cA x\\y"
            """, ["/x", "AA", "\u0001", "xy"]),
        new("adjacent quoted parts join into one word", """
            "/x a"'b c'
            """, ["/x", "ab", "c"]),
        new("escaped hash inside double quotes is literal", """
            "/x \#x y#z"
            """, ["/x", "#x", "y#z"]),
        new("unquoted words after the command are the user and group", "/x root wheel", ["/x"], "root", "wheel"),
        new("an escaped blank outside quotes stays in the command", """
            /x\ a
            """, ["/x", "a"]),
        new("doubly escaped quotes reach the script", """
            "/x \\\"q\\\""
            """, ["/x", "\"q\""]),
        new("a single-quoted command takes a user after it", """
            '/x "a b" c' root
            """, ["/x", "a b", "c"], "root"),
    ];

    public static IEnumerable<object[]> AllLineCases() => LineCases.Select(c => new object[] { c });

    [Theory]
    [MemberData(nameof(AllLineCases))]
    public void Notify_line_splits_twice_into_keepaliveds_argv(LineCase c)
    {
        var spec = ScriptCommandLine.ParseNotifyLine("notify_master " + c.Written, out var error);
        Assert.Null(error);
        Assert.NotNull(spec);
        Assert.Equal(c.Argv, spec.Argv);
        Assert.Equal((c.User, c.Group), (spec.User, spec.Group));
    }

    [Theory]
    [MemberData(nameof(AllLineCases))]
    public void Configured_notify_script_runs_with_keepaliveds_argv(LineCase c)
    {
        const string path = "/etc/keepalived/keepalived.conf";
        var text = $"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {{\n 10.0.0.1\n }}\n notify_master {c.Written}\n}}\n";
        var loaded = ConfigLoader.Load(path, new InMemoryConfigSource().Add(path, text), new ConfigLoadOptions(new ReaderOptions()));
        var problems = new List<string>();
        var spec = NotifyPlanner.Script("VI_1", "notify_master", loaded.Config.VrrpInstances[0].NotifyMaster, problems);
        Assert.Empty(problems);
        Assert.NotNull(spec);
        Assert.Equal(c.Argv, spec.Argv);
        Assert.Equal((c.User, c.Group), (spec.User, spec.Group));
    }

    [Theory]
    [InlineData("/bin/check", new[] { "/bin/check" })]
    [InlineData("  /bin/check   a\tb  ", new[] { "/bin/check", "a", "b" })]
    [InlineData("/bin/x 'a b' \"c d\"", new[] { "/bin/x", "a b", "c d" })]
    [InlineData("/bin/x 'it\"s'", new[] { "/bin/x", "it\"s" })]
    [InlineData("/bin/x \"it's\"", new[] { "/bin/x", "it's" })]
    [InlineData("/bin/x pre'mid dle'post", new[] { "/bin/x", "premid dlepost" })]
    [InlineData("/bin/x ''", new[] { "/bin/x", "" })]
    [InlineData(@"/bin/x a\ b", new[] { "/bin/x", "a b" })]
    [InlineData(@"/bin/x \n\t\E", new[] { "/bin/x", "\n\t\x1b" })]
    [InlineData(@"/bin/x \x41\x4a", new[] { "/bin/x", "AJ" })]
    [InlineData(@"/bin/x \x414", new[] { "/bin/x", "\x14" })]
    [InlineData(@"/bin/x \101\0601", new[] { "/bin/x", "A01" })]
    [InlineData(@"/bin/x \cA\c", new[] { "/bin/x", "\u0001c" })]
    [InlineData(@"/bin/x \xg", new[] { "/bin/x", "xg" })]
    [InlineData(@"/bin/x 'a\'b'", new[] { "/bin/x", "a'b" })]
    [InlineData(@"/bin/x ab\0cd ef", new[] { "/bin/x", "ab", "ef" })]
    public void Splits_as_keepalived(string text, string[] expected) =>
        Assert.Equal(expected, ScriptCommandLine.Split(text).Words);

    [Theory]
    [InlineData("/bin/x 'open")]
    [InlineData("/bin/x \"open")]
    [InlineData(@"/bin/x trailing\")]
    [InlineData("")]
    [InlineData(" \t\n")]
    public void Rejects_what_keepalived_drops(string text)
    {
        var words = ScriptCommandLine.Split(text);
        Assert.False(words.Ok);
        Assert.Empty(words.Words);
    }

    [Fact]
    public void Notify_line_is_split_twice_and_takes_user_and_group()
    {
        var spec = ScriptCommandLine.ParseNotifyLine("notify_master \"/etc/ka/m.sh up 'two words'\" ka_user ka_group", out var error);
        Assert.Null(error);
        Assert.NotNull(spec);
        Assert.Equal(["/etc/ka/m.sh", "up", "two words"], spec.Argv);
        Assert.Equal("ka_user", spec.User);
        Assert.Equal("ka_group", spec.Group);
    }

    [Fact]
    public void Unquoted_notify_arguments_become_the_user()
    {
        var spec = ScriptCommandLine.ParseNotifyLine("notify_master /etc/ka/m.sh arg", out _);
        Assert.NotNull(spec);
        Assert.Equal(["/etc/ka/m.sh"], spec.Argv);
        Assert.Equal("arg", spec.User);
        Assert.Null(spec.Group);
    }

    [Fact]
    public void Vrrp_script_line_ignores_extra_words()
    {
        var spec = ScriptCommandLine.ParseVrrpScriptLine("script \"/usr/bin/killall -0 haproxy\" extra", out _);
        Assert.NotNull(spec);
        Assert.Equal(["/usr/bin/killall", "-0", "haproxy"], spec.Argv);
        Assert.Null(spec.User);
    }

    [Fact]
    public void Keyword_without_command_is_an_error()
    {
        Assert.Null(ScriptCommandLine.ParseNotifyLine("notify", out var error));
        Assert.NotNull(error);
        Assert.Null(ScriptCommandLine.ParseNotifyLine("notify \"  \"", out error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Renders_like_cmd_str()
    {
        Assert.Equal("'/bin/x' 'a b' ''", ScriptCommandLine.Render(["/bin/x", "a b", ""]));
        Assert.Equal("</dev/tcp/127.0.0.1/80", ScriptCommandLine.Render(["</dev/tcp/127.0.0.1/80"]));
        Assert.True(ScriptCommandLine.IsShellRedirectionTest(["< /dev/tcp/1.2.3.4/80"]));
        Assert.False(ScriptCommandLine.IsShellRedirectionTest(["<x"]));
        Assert.False(ScriptCommandLine.IsShellRedirectionTest(["/bin/true"]));
    }

    [Fact]
    public void Hostile_input_never_throws_and_is_bounded()
    {
        var rng = new Random(1234);
        const string alphabet = "ab '\"\\xc0n7\t\n$;|&`";
        for (var n = 0; n < 20_000; n++)
        {
            var chars = new char[rng.Next(0, 40)];
            for (var i = 0; i < chars.Length; i++)
                chars[i] = rng.Next(10) == 0 ? (char)rng.Next(0, 0x3000) : alphabet[rng.Next(alphabet.Length)];
            var text = new string(chars);
            var words = ScriptCommandLine.Split(text);
            if (!words.Ok)
                Assert.Empty(words.Words);
            Assert.All(words.Words, w => Assert.True(w.Length <= text.Length));
            Assert.All(words.Words, w => Assert.DoesNotContain('\0', w));
        }
        Assert.False(ScriptCommandLine.Split(new string('a', ScriptCommandLine.MaxLength + 1)).Ok);
    }

    [Fact]
    public void Hostile_notify_lines_give_a_script_or_an_error()
    {
        var rng = new Random(99);
        const string alphabet = "notify \"'\\/xb$\t";
        for (var n = 0; n < 20_000; n++)
        {
            var chars = new char[rng.Next(0, 50)];
            for (var i = 0; i < chars.Length; i++)
                chars[i] = alphabet[rng.Next(alphabet.Length)];
            var spec = ScriptCommandLine.ParseNotifyLine(new string(chars), out var error);
            Assert.True(spec is null ? error is not null : error is null && spec.Argv.Count > 0);
        }
    }

    [Fact]
    public void Shell_metacharacters_are_plain_argument_text()
    {
        var words = ScriptCommandLine.Split("/bin/echo '$(reboot)' ;rm `x` |y").Words;
        Assert.Equal(["/bin/echo", "$(reboot)", ";rm", "`x`", "|y"], words);
    }
}
