using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>lib/notify.c notify_script_init, set_default_script_user, get_default_script_user.</summary>
public class NotifyScriptUserTests
{
    private static readonly ScriptIdentity Us = new(0, 0);

    private static FakeScriptUsers Users(bool keepalivedScript) => new(
        new Dictionary<string, (uint, uint)> { ["nobody"] = (65534, 65534), ["ka"] = (900, 900) }
            .Concat(keepalivedScript ? [KeyValuePair.Create("keepalived_script", (901u, 901u))] : [])
            .ToDictionary(),
        new Dictionary<string, uint> { ["ops"] = 50 },
        Us);

    [Theory]
    // own user [group]
    [InlineData("nobody", null, null, null, false, false, 65534u, 65534u)]
    [InlineData("nobody", "ops", null, null, true, false, 65534u, 50u)]
    // script_user [group]
    [InlineData(null, null, "ka", null, false, false, 900u, 900u)]
    [InlineData(null, null, "ka", "ops", true, false, 900u, 50u)]
    // keepalived_script, else us, unless script security
    [InlineData(null, null, null, null, true, false, 901u, 901u)]
    [InlineData(null, null, null, null, false, false, 0u, 0u)]
    [InlineData(null, null, null, null, true, true, 901u, 901u)]
    public void A_script_runs_as_its_user_else_script_user_else_keepalived_script_else_us(
        string? user, string? group, string? scriptUser, string? scriptGroup, bool keepalivedScript, bool security, uint uid, uint gid)
    {
        var id = NotifyScriptUser.Resolve(new ScriptSpec(["/x"], user, group), new ScriptUserDefaults(scriptUser, scriptGroup, security), Users(keepalivedScript), out var error);
        Assert.Null(error);
        Assert.Equal(new ScriptIdentity(uid, gid), id);
    }

    [Theory]
    [InlineData("ghost", null, null, false, "ghost")]
    [InlineData("nobody", "ghosts", null, false, "ghosts")]
    [InlineData(null, null, "ghost", false, "ghost")]
    [InlineData(null, null, null, true, "keepalived_script")]
    public void Keepalived_ignores_a_script_whose_user_cannot_be_set(string? user, string? group, string? scriptUser, bool security, string mentioned)
    {
        var id = NotifyScriptUser.Resolve(new ScriptSpec(["/x"], user, group), new ScriptUserDefaults(scriptUser, null, security), Users(false), out var error);
        Assert.Null(id);
        Assert.Contains(mentioned, error, StringComparison.Ordinal);
    }
}
