namespace KeepAlive.Kernel.Ports;

/// <summary>Resolves keepalived's script user names the way it does at load (lib/notify.c set_uid_gid,
/// get_default_script_user).</summary>
public interface IScriptUsers
{
    /// <summary><c>USER [GROUP]</c>: the user's uid and primary gid, or the named group's gid. Names only (getpwnam/
    /// getgrnam), no numeric ids. Null with <paramref name="error"/> when the user or group does not exist.</summary>
    ScriptIdentity? Resolve(string user, string? group, out string? error);

    /// <summary>The default when no user is configured: <c>keepalived_script</c> if it exists, else who we are.
    /// (With <c>enable_script_security</c> keepalived treats a missing keepalived_script as an error; the caller decides.)</summary>
    ScriptIdentity DefaultIdentity(out bool isKeepalivedScriptUser);
}
