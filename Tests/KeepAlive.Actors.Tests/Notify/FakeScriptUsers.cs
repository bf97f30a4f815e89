using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Notify;

/// <summary>A passwd/group table: users with their primary gid, groups, and whether keepalived_script exists.</summary>
public sealed class FakeScriptUsers(Dictionary<string, (uint Uid, uint Gid)> users, Dictionary<string, uint> groups, ScriptIdentity us) : IScriptUsers
{
    public ScriptIdentity? Resolve(string user, string? group, out string? error)
    {
        if (!users.TryGetValue(user, out var u))
        {
            error = $"no user {user}";
            return null;
        }
        uint gid = u.Gid;
        if (group is not null && !groups.TryGetValue(group, out gid))
        {
            error = $"no group {group}";
            return null;
        }
        error = null;
        return new ScriptIdentity(u.Uid, gid);
    }

    public ScriptIdentity DefaultIdentity(out bool isKeepalivedScriptUser)
    {
        isKeepalivedScriptUser = users.TryGetValue("keepalived_script", out var ks);
        return isKeepalivedScriptUser ? new ScriptIdentity(ks.Uid, ks.Gid) : us;
    }
}
