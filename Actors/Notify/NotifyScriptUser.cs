using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>
/// Who a notify script runs as (lib/notify.c notify_script_init): its own <c>USER [GROUP]</c>; otherwise the default
/// script user — global <c>script_user USER [GROUP]</c> when set (a user that does not exist drops every script that
/// relies on it), else <c>keepalived_script</c> when it exists, else the user we run as, except that with
/// enable_script_security a missing keepalived_script drops the script ("Unable to set default user").
/// </summary>
public static class NotifyScriptUser
{
    /// <summary>The identity, or null with <paramref name="error"/> when keepalived would ignore the script.</summary>
    public static ScriptIdentity? Resolve(ScriptSpec script, ScriptUserDefaults defaults, IScriptUsers users, out string? error)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(users);
        if (script.User is { } user)
            return Named(users, user, script.Group, out error);
        if (defaults.User is { } defaultUser)
            return Named(users, defaultUser, defaults.Group, out error);
        var identity = users.DefaultIdentity(out var isKeepalivedScript);
        if (!isKeepalivedScript && defaults.ScriptSecurity)
        {
            error = "Unable to set default user keepalived_script for script (enable_script_security and no script_user)";
            return null;
        }
        error = null;
        return identity;
    }

    private static ScriptIdentity? Named(IScriptUsers users, string user, string? group, out string? error)
    {
        var id = users.Resolve(user, group, out error);
        if (id is null)
            error = $"Invalid user/group {user}{(group is null ? "" : ":" + group)}: {error}";
        return id;
    }
}
