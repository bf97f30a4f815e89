using System.Text;
using KeepAlive.Config.Host;
using Tmds.Linux;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="IHostFacts"/> read from the running Linux system: interfaces from /sys/class/net, executables from the
/// file system (stat for owner and mode of the file and every directory above it, as keepalived's script security
/// checks), users and groups from /etc/passwd and /etc/group.
/// </summary>
public sealed class LinuxHostFacts : IHostFacts
{
    private const uint IffLoopback = 0x8;
    private const uint IffMulticast = 0x1000;
    private readonly string _sysClassNet;
    private readonly string _etc;

    public LinuxHostFacts(string sysClassNet = "/sys/class/net", string etc = "/etc")
    {
        _sysClassNet = sysClassNet;
        _etc = etc;
    }

    public string ShortHostName
    {
        get
        {
            var name = Environment.MachineName;
            int dot = name.IndexOf('.');
            return dot < 0 ? name : name[..dot];
        }
    }

    public bool RunningAsRoot => LibC.geteuid() == 0;

    public InterfaceFacts? FindInterface(string name)
    {
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
            return null;
        var dir = Path.Combine(_sysClassNet, name);
        if (!Directory.Exists(dir))
            return null;
        uint flags = ReadHex(Path.Combine(dir, "flags"));
        int mtu = (int)ReadDecimal(Path.Combine(dir, "mtu"), 1500);
        return new InterfaceFacts(name, (flags & IffLoopback) != 0, (flags & IffMulticast) != 0, mtu);
    }

    public FileFacts FindExecutable(string command)
    {
        string? path = command.Contains('/') ? command : SearchPath(command);
        if (path is null || !TryStat(path, out var mode, out var uid, out var gid) || (mode & 0xF000) != 0x8000)
            return new FileFacts(command, false, false, false);
        bool executable = (mode & 0b001_001_001) != 0;
        bool writable = WritableByNonRoot(mode, uid, gid);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        while (!writable && dir is not null)
        {
            if (TryStat(dir, out var dmode, out var duid, out var dgid))
            {
                // A sticky directory writable by others (like /tmp) still cannot have our file replaced by them.
                bool sticky = (dmode & 0x200) != 0;
                writable = !sticky && WritableByNonRoot(dmode, duid, dgid);
            }
            dir = Path.GetDirectoryName(dir);
        }
        return new FileFacts(command, true, executable, writable);
    }

    public bool UserExists(string name) => NameInFile(Path.Combine(_etc, "passwd"), name);

    public bool GroupExists(string name) => NameInFile(Path.Combine(_etc, "group"), name);

    private static bool WritableByNonRoot(uint mode, uint uid, uint gid) =>
        (mode & 0x2) != 0 || ((mode & 0x10) != 0 && gid != 0) || ((mode & 0x80) != 0 && uid != 0);

    private static string? SearchPath(string command)
    {
        var pathVar = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var dir in pathVar.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static unsafe bool TryStat(string path, out uint mode, out uint uid, out uint gid)
    {
        mode = uid = gid = 0;
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        stat st;
        fixed (byte* p = bytes)
        {
            if (LibC.stat(p, &st) != 0)
                return false;
        }
        mode = (uint)st.st_mode;
        uid = (uint)st.st_uid;
        gid = (uint)st.st_gid;
        return true;
    }

    private static uint ReadHex(string file)
    {
        try
        {
            var text = File.ReadAllText(file).Trim();
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                text = text[2..];
            return uint.TryParse(text, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long ReadDecimal(string file, long fallback)
    {
        try
        {
            return long.TryParse(File.ReadAllText(file).Trim(), out var v) ? v : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
    }

    private static bool NameInFile(string file, string name)
    {
        try
        {
            return File.ReadLines(file).Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
