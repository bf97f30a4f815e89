using KeepAlive.Config.Binding;
using KeepAlive.Config.Model;

namespace KeepAlive.Config.Tests.Binding;

/// <summary>
/// Script lines as keepalived 2.2.7 reads them (ValueReader.Script): the line is split again with quotes and escapes,
/// word 1 is the command string (<see cref="NotifyScript.Command"/>), which keepalived splits once more into argv
/// (<see cref="NotifyScript.Argv"/>). Every argv here was recorded from the real keepalived
/// (Tests/KeepAlive.Privileged.Tests/Scripts/KeepalivedScriptQuotingOracleTests.cs).
/// </summary>
public class ValueReaderScriptTests
{
    /// <summary>One script line: what follows the keyword in the file, and what keepalived makes of it.</summary>
    public sealed record Case(string Name, string Written, string Command, string? User, string? Group, string[] Argv)
    {
        public override string ToString() => Name;
    }

    private const string Tab = "\t";

    public static readonly Case[] Cases =
    [
        new("escaped double quotes inside double quotes group an argument", """
            "/x \"a b\" c"
            """, """/x "a b" c""", null, null, ["/x", "a b", "c"]),
        new("single quotes keep double quotes for the second split", """
            '/x "a b" c'
            """, """/x "a b" c""", null, null, ["/x", "a b", "c"]),
        new("double quotes keep single quotes for the second split", """
            "/x 'a b' c"
            """, "/x 'a b' c", null, null, ["/x", "a b", "c"]),
        new("escaped backslashes are halved at each split", """
            "/x a\\\\b c\\ d"
            """, """/x a\\b c\ d""", null, null, ["/x", @"a\b", "c d"]),
        new("backslash t is a tab inside a word, a literal tab separates", $"\"/x a\\\\tb\\tc 'p{Tab}q'\"",
            $"/x a\\tb{Tab}c 'p{Tab}q'", null, null, ["/x", $"a{Tab}b", "c", $"p{Tab}q"]),
        new("quoted empty arguments are kept", """
            "/x '' y \"\""
            """, """/x '' y "" """.TrimEnd(), null, null, ["/x", "", "y", ""]),
        new("hex, octal and control escapes are decoded", """
            "/x \x41\101 \cA x\\y"
            """, "/x AA \u0001 x\\y", null, null, ["/x", "AA", "\u0001", "xy"]),
        new("adjacent quoted parts join into one word", """
            "/x a"'b c'
            """, "/x ab c", null, null, ["/x", "ab", "c"]),
        new("escaped hash inside double quotes is literal", """
            "/x \#x y#z"
            """, "/x #x y#z", null, null, ["/x", "#x", "y#z"]),
        new("unquoted words after the command are the user and group", "/x root wheel", "/x", "root", "wheel", ["/x"]),
        new("an escaped blank outside quotes stays in the command", """
            /x\ a
            """, "/x a", null, null, ["/x", "a"]),
        new("doubly escaped quotes reach the script", """
            "/x \\\"q\\\""
            """, """/x \"q\" """.TrimEnd(), null, null, ["/x", "\"q\""]),
        new("a single-quoted command takes a user after it", """
            '/x "a b" c' root
            """, """/x "a b" c""", "root", null, ["/x", "a b", "c"]),
    ];

    public static IEnumerable<object[]> AllCases() => Cases.Select(c => new object[] { c });

    private static string Vi(string body) =>
        $"vrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {{\n 10.0.0.1/24\n }}\n{body}\n}}\n";

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Notify_line_gives_keepalived_command_user_and_argv(Case c)
    {
        var r = TestConfig.Load(Vi(" notify_master " + c.Written));
        var script = Assert.Single(r.Config.VrrpInstances).NotifyMaster;
        Assert.NotNull(script);
        Assert.Equal((c.Command, c.User, c.Group), (script.Command, script.User, script.Group));
        Assert.Equal(c.Argv, script.Argv);
        Assert.Equal(c.Argv[0], script.Executable);
        Assert.DoesNotContain(r.Diagnostics, d => d.Code is "KA2023" or "KA2024" or "KA1006");
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Vrrp_script_line_gives_keepalived_command_and_argv_without_a_user(Case c)
    {
        var r = TestConfig.Load("vrrp_script chk {\n script " + c.Written + "\n}\n");
        var script = Assert.Single(r.Config.VrrpScripts).Script;
        Assert.NotNull(script);
        Assert.Equal((c.Command, (string?)null, (string?)null), (script.Command, script.User, script.Group));
        Assert.Equal(c.Argv, script.Argv);
        Assert.Equal(c.User is not null, r.Diagnostics.Any(d => d.Descriptor == BinderCodes.ExtraArguments));
    }

    [Fact]
    public void Misc_path_line_is_split_like_a_vrrp_script()
    {
        var r = TestConfig.Load("""
            virtual_server 10.0.0.1 80 {
                real_server 10.0.0.2 80 {
                    MISC_CHECK {
                        misc_path '/bin/check "a b"' extra
                    }
                }
            }
            """);
        var misc = Assert.IsType<MiscCheckConfig>(Assert.Single(Assert.Single(Assert.Single(r.Config.VirtualServers).RealServers).Checkers));
        Assert.Equal("""/bin/check "a b" """.TrimEnd(), misc.Path!.Command);
        Assert.Equal(["/bin/check", "a b"], misc.Path.Argv);
        Assert.Null(misc.Path.User);
        Assert.Contains(r.Diagnostics, d => d.Descriptor == BinderCodes.ExtraArguments && d.Message.Contains("'extra'", StringComparison.Ordinal));
    }

    /// <summary>Every script keyword of every block goes through the same re-split.</summary>
    [Theory]
    [InlineData("global_defs", "startup_script")]
    [InlineData("global_defs", "shutdown_script")]
    [InlineData("global_defs", "notify_fifo_script")]
    [InlineData("global_defs", "vrrp_notify_fifo_script")]
    [InlineData("global_defs", "lvs_notify_fifo_script")]
    [InlineData("vrrp_instance", "notify_master")]
    [InlineData("vrrp_instance", "notify_backup")]
    [InlineData("vrrp_instance", "notify_fault")]
    [InlineData("vrrp_instance", "notify_stop")]
    [InlineData("vrrp_instance", "notify")]
    [InlineData("vrrp_instance", "notify_deleted")]
    [InlineData("vrrp_instance", "notify_master_rx_lower_pri")]
    [InlineData("vrrp_sync_group", "notify_master")]
    [InlineData("vrrp_sync_group", "notify_backup")]
    [InlineData("vrrp_sync_group", "notify_fault")]
    [InlineData("vrrp_sync_group", "notify_stop")]
    [InlineData("vrrp_sync_group", "notify")]
    [InlineData("virtual_server", "quorum_up")]
    [InlineData("virtual_server", "quorum_down")]
    [InlineData("real_server", "notify_up")]
    [InlineData("real_server", "notify_down")]
    public void Every_script_keyword_reads_single_quotes_and_escaped_double_quotes(string block, string keyword)
    {
        const string line = """'/x "a b"' root""";
        var text = block switch
        {
            "global_defs" => $"global_defs {{\n {keyword} {line}\n}}\n",
            "vrrp_instance" => Vi($" {keyword} {line}"),
            "vrrp_sync_group" => Vi("") + $"vrrp_sync_group G {{\n group {{\n VI_1\n }}\n {keyword} {line}\n}}\n",
            "virtual_server" => $"virtual_server 10.0.0.1 80 {{\n {keyword} {line}\n real_server 10.0.0.2 80 {{\n }}\n}}\n",
            _ => $"virtual_server 10.0.0.1 80 {{\n real_server 10.0.0.2 80 {{\n {keyword} {line}\n }}\n}}\n",
        };
        var c = TestConfig.Load(text).Config;
        var g = c.Globals;
        NotifyScript? script = (block, keyword) switch
        {
            ("global_defs", "startup_script") => g.StartupScript,
            ("global_defs", "shutdown_script") => g.ShutdownScript,
            ("global_defs", "notify_fifo_script") => g.NotifyFifoScript,
            ("global_defs", "vrrp_notify_fifo_script") => g.VrrpNotifyFifoScript,
            ("global_defs", _) => g.LvsNotifyFifoScript,
            ("vrrp_instance", "notify_master") => c.VrrpInstances[0].NotifyMaster,
            ("vrrp_instance", "notify_backup") => c.VrrpInstances[0].NotifyBackup,
            ("vrrp_instance", "notify_fault") => c.VrrpInstances[0].NotifyFault,
            ("vrrp_instance", "notify_stop") => c.VrrpInstances[0].NotifyStop,
            ("vrrp_instance", "notify") => c.VrrpInstances[0].Notify,
            ("vrrp_instance", "notify_deleted") => c.VrrpInstances[0].NotifyDeleted,
            ("vrrp_instance", _) => c.VrrpInstances[0].NotifyMasterRxLowerPri,
            ("vrrp_sync_group", "notify_master") => c.SyncGroups[0].NotifyMaster,
            ("vrrp_sync_group", "notify_backup") => c.SyncGroups[0].NotifyBackup,
            ("vrrp_sync_group", "notify_fault") => c.SyncGroups[0].NotifyFault,
            ("vrrp_sync_group", "notify_stop") => c.SyncGroups[0].NotifyStop,
            ("vrrp_sync_group", _) => c.SyncGroups[0].Notify,
            ("virtual_server", "quorum_up") => c.VirtualServers[0].QuorumUp,
            ("virtual_server", _) => c.VirtualServers[0].QuorumDown,
            (_, "notify_up") => c.VirtualServers[0].RealServers[0].NotifyUp,
            _ => c.VirtualServers[0].RealServers[0].NotifyDown,
        };
        Assert.NotNull(script);
        Assert.Equal(("""/x "a b" """.TrimEnd(), "root"), (script.Command, script.User));
        Assert.Equal(["/x", "a b"], script.Argv);
    }

    [Fact]
    public void A_definition_is_substituted_before_the_line_is_split_again()
    {
        var r = TestConfig.Load("$S=\"/x \\\"a b\\\"\" root\n" + Vi(" notify_master $S"));
        var script = r.Config.VrrpInstances[0].NotifyMaster!;
        Assert.Equal(("""/x "a b" """.TrimEnd(), "root"), (script.Command, script.User));
        Assert.Equal(["/x", "a b"], script.Argv);
    }

    [Fact]
    public void A_brace_after_the_script_is_not_part_of_its_line()
    {
        var r = TestConfig.Load("vrrp_script chk {\n script '/x \"a b\"' }\n");
        Assert.Equal(["/x", "a b"], Assert.Single(r.Config.VrrpScripts).Script!.Argv);
    }

    [Theory]
    [InlineData("a hash inside single quotes starts a comment, leaving the quote open", "'/x #y'", "KA2023")]
    [InlineData("an unmatched quote inside the command", "\"/x 'a\"", "KA2023")]
    [InlineData("an empty command", "\"\"", "KA2024")]
    [InlineData("a blank command", "\"  \"", "KA2024")]
    [InlineData("a trailing backslash", "/x\\", "KA2024")]
    public void A_line_keepalived_cannot_split_drops_the_script(string what, string written, string code)
    {
        var r = TestConfig.Load(Vi(" notify_master " + written));
        Assert.True(r.Config.VrrpInstances[0].NotifyMaster is null, what);
        var d = r.Single(code);
        Assert.Equal((7, 2), (d.Span.Line, d.Span.Column));
    }

    [Fact]
    public void A_script_without_a_command_still_stops_keepalived()
    {
        var r = TestConfig.Load(Vi(" notify_master"));
        Assert.Null(r.Config.VrrpInstances[0].NotifyMaster);
        Assert.Contains(r.Diagnostics, d => d.Descriptor == BinderCodes.MissingParameter);
    }
}
