using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Tracking;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Tracking;

/// <summary>How a bound vrrp_script becomes what the tracker runs: words, user, timing, keepalived's system() path.</summary>
public class ScriptTrackerSettingsTests
{
    /// <summary>Users as a host's passwd and group files would list them.</summary>
    private sealed class Users : IScriptUsers
    {
        public List<(string User, string? Group)> Asked { get; } = [];

        public bool HasKeepalivedScript { get; init; }

        public ScriptIdentity? Resolve(string user, string? group, out string? error)
        {
            Asked.Add((user, group));
            uint? uid = user switch { "nobody" => 65534, "ka" => 990, _ => null };
            uint? gid = group switch { null => uid, "nogroup" => 65534, "wheel" => 10, _ => null };
            error = uid is null ? $"no user {user}" : gid is null ? $"no group {group}" : null;
            return error is null ? new ScriptIdentity(uid!.Value, gid!.Value) : null;
        }

        public ScriptIdentity DefaultIdentity(out bool isKeepalivedScriptUser)
        {
            isKeepalivedScriptUser = HasKeepalivedScript;
            return HasKeepalivedScript ? new ScriptIdentity(991, 991) : new ScriptIdentity(0, 0);
        }
    }

    private static VrrpScriptConfig Script(string command) =>
        new() { Name = "chk", Script = new NotifyScript(command, null, null, default) };

    [Fact]
    public void The_command_is_split_as_keepalived_does_and_the_timing_carried_over()
    {
        var config = Script("/usr/lib/ka/check 'two words' \\x41z") with
        {
            Interval = TimeSpan.FromSeconds(3), Timeout = TimeSpan.FromSeconds(2), Rise = 4, Fall = 5, InitFail = true, Weight = -20, WeightReverse = true,
        };
        var settings = ScriptTrackerSettings.From(config, new GlobalDefs(), new Users(), out var error);
        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.Equal(["/usr/lib/ka/check", "two words", "Az"], settings.Argv);
        Assert.Equal(new VrrpScriptSettings(3, 2, 4, 5, -20, true, true), settings.Health);
        Assert.False(settings.ThroughShell);
        var request = settings.Request;
        Assert.Equal((TimeSpan.FromSeconds(2), ScriptHealthPolicy.KillGrace), (request.Timeout, request.KillGrace));

        var untimed = ScriptTrackerSettings.From(Script("/bin/true") with { Interval = TimeSpan.FromSeconds(4) }, new GlobalDefs(), new Users(), out _);
        Assert.Equal(TimeSpan.FromSeconds(4), untimed!.Request.Timeout);         // no timeout: the interval
    }

    [Theory]
    [InlineData("ka", null, null, null, 990u, 990u)]             // the block's user
    [InlineData("ka", "wheel", "nobody", null, 990u, 10u)]        // the block's user wins over script_user
    [InlineData(null, null, "nobody", "nogroup", 65534u, 65534u)] // script_user [group]
    [InlineData(null, null, null, null, 0u, 0u)]                  // nobody named: who we are (no keepalived_script)
    public void The_user_is_the_blocks_else_script_user_else_the_default(string? user, string? group, string? scriptUser, string? scriptGroup, uint uid, uint gid)
    {
        var config = Script("/bin/true") with { User = user, Group = group };
        var globals = new GlobalDefs { ScriptUser = scriptUser, ScriptGroup = scriptGroup };
        var settings = ScriptTrackerSettings.From(config, globals, new Users(), out var error);
        Assert.Null(error);
        Assert.Equal(new ScriptIdentity(uid, gid), settings!.Identity);
    }

    [Fact]
    public void The_default_is_keepalived_script_when_it_exists_and_script_security_requires_it()
    {
        var settings = ScriptTrackerSettings.From(Script("/bin/true"), new GlobalDefs(), new Users { HasKeepalivedScript = true }, out _);
        Assert.Equal(new ScriptIdentity(991, 991), settings!.Identity);
        var secure = new GlobalDefs { EnableScriptSecurity = true };
        Assert.Equal(new ScriptIdentity(991, 991), ScriptTrackerSettings.From(Script("/bin/true"), secure, new Users { HasKeepalivedScript = true }, out _)!.Identity);
        Assert.Null(ScriptTrackerSettings.From(Script("/bin/true"), secure, new Users(), out var error));
        Assert.Contains("keepalived_script", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ghost", null)]
    [InlineData("ka", "ghosts")]
    public void A_user_or_group_that_does_not_exist_drops_the_script(string user, string? group)
    {
        var users = new Users();
        Assert.Null(ScriptTrackerSettings.From(Script("/bin/true") with { User = user, Group = group }, new GlobalDefs(), users, out var error));
        Assert.Contains("unable to set uid/gid", error, StringComparison.Ordinal);
        Assert.Equal((user, group), Assert.Single(users.Asked));
    }

    [Theory]
    [InlineData("/bin/check 'unterminated")]
    [InlineData("   ")]
    public void A_command_that_cannot_be_split_drops_the_script(string command)
    {
        Assert.Null(ScriptTrackerSettings.From(Script(command), new GlobalDefs(), new Users(), out var error));
        Assert.Contains("removing", error, StringComparison.Ordinal);
        Assert.Null(ScriptTrackerSettings.From(new VrrpScriptConfig { Name = "none" }, new GlobalDefs(), new Users(), out _));
    }

    [Fact]
    public void A_file_test_runs_through_the_shell_where_126_and_127_count_as_success()
    {
        var settings = ScriptTrackerSettings.From(Script("</dev/tcp/127.0.0.1/80"), new GlobalDefs(), new Users(), out _)!;
        Assert.True(settings.ThroughShell);
        Assert.Equal(["/bin/sh", "-c", "</dev/tcp/127.0.0.1/80"], settings.Argv);
        Assert.Equal(ScriptVerdict.Success, settings.Verdict(ScriptedScriptRunner.Exited(127)));
        Assert.Equal(ScriptVerdict.Success, settings.Verdict(ScriptedScriptRunner.Exited(126)));
        Assert.Equal(ScriptVerdict.Failure, settings.Verdict(ScriptedScriptRunner.Exited(2)));
        Assert.Equal(ScriptVerdict.TimedOut, settings.Verdict(ScriptedScriptRunner.TimedOut()));

        var direct = ScriptTrackerSettings.From(Script("/bin/check"), new GlobalDefs(), new Users(), out _)!;
        Assert.Equal(ScriptVerdict.Failure, direct.Verdict(ScriptedScriptRunner.Exited(127)));
    }
}
