using System.Runtime.InteropServices;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary><see cref="IScriptUsers"/> through glibc's getpwnam_r/getgrnam_r (so NSS sources count, as in keepalived).</summary>
public sealed unsafe class LinuxScriptUsers : IScriptUsers
{
    private const int ERANGE = 34;

    // struct passwd / struct group on LP64: pw_uid at 16, pw_gid at 20; gr_gid at 16.
    private const int PasswdSize = 48;
    private const int GroupSize = 32;

    public ScriptIdentity? Resolve(string user, string? group, out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        if (!TryUser(user, out var uid, out var gid, out error))
            return null;
        if (group is not null)
        {
            if (!TryGroup(group, out gid, out error))
                return null;
        }
        error = null;
        return new ScriptIdentity(uid, gid);
    }

    public ScriptIdentity DefaultIdentity(out bool isKeepalivedScriptUser)
    {
        isKeepalivedScriptUser = TryUser("keepalived_script", out var uid, out var gid, out _);
        return isKeepalivedScriptUser ? new ScriptIdentity(uid, gid) : new ScriptIdentity(ScriptNative.geteuid(), ScriptNative.getegid());
    }

    private static bool TryUser(string name, out uint uid, out uint gid, out string? error)
    {
        uid = gid = 0;
        if (name.Contains('\0'))
        {
            error = "a user name cannot contain NUL";
            return false;
        }
        var record = stackalloc byte[PasswdSize];
        var rc = Lookup(name, record, static (n, r, b, l, res) => getpwnam_r(n, r, b, l, res), out var found);
        if (rc != 0 || !found)
        {
            error = rc != 0 ? $"cannot resolve user '{name}': {ScriptNative.Error(rc)}" : $"user '{name}' does not exist";
            return false;
        }
        uid = *(uint*)(record + 16);
        gid = *(uint*)(record + 20);
        error = null;
        return true;
    }

    private static bool TryGroup(string name, out uint gid, out string? error)
    {
        gid = 0;
        if (name.Contains('\0'))
        {
            error = "a group name cannot contain NUL";
            return false;
        }
        var record = stackalloc byte[GroupSize];
        var rc = Lookup(name, record, static (n, r, b, l, res) => getgrnam_r(n, r, b, l, res), out var found);
        if (rc != 0 || !found)
        {
            error = rc != 0 ? $"cannot resolve group '{name}': {ScriptNative.Error(rc)}" : $"group '{name}' does not exist";
            return false;
        }
        gid = *(uint*)(record + 16);
        error = null;
        return true;
    }

    private delegate int Getter(byte* name, byte* record, byte* buffer, nuint length, void** result);

    private static int Lookup(string name, byte* record, Getter getter, out bool found)
    {
        var cname = ScriptNative.Utf8(name);
        try
        {
            for (nuint length = 1024; length <= 1 << 20; length *= 4)
            {
                var buffer = (byte*)NativeMemory.Alloc(length);
                try
                {
                    void* result = null;
                    var rc = getter(cname, record, buffer, length, &result);
                    if (rc == ERANGE)
                        continue;
                    found = rc == 0 && result != null;
                    return rc;
                }
                finally
                {
                    NativeMemory.Free(buffer);
                }
            }
            found = false;
            return ERANGE;
        }
        finally
        {
            Marshal.FreeCoTaskMem((nint)cname);
        }
    }

    [DllImport("libc")]
    private static extern int getpwnam_r(byte* name, byte* pwd, byte* buf, nuint buflen, void** result);

    [DllImport("libc")]
    private static extern int getgrnam_r(byte* name, byte* grp, byte* buf, nuint buflen, void** result);
}
