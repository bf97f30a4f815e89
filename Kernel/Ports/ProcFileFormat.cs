using System.Text;

namespace KeepAlive.Kernel.Ports;

/// <summary>The text of /proc/PID/stat, /proc/PID/comm and /proc/PID/cmdline (proc(5)) turned into values. Pure;
/// tolerant of anything a process can put there (comm may hold spaces, parentheses and newlines; cmdline may hold any
/// bytes but NUL, and need not end in NUL once a process rewrites it). Bytes that are not UTF-8 become U+FFFD.</summary>
public static class ProcFileFormat
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Reads comm and the state letter from /proc/PID/stat, <c>pid (comm) S ppid ...</c>. comm is whatever
    /// lies between the first '(' and the last ')' — it can itself contain ')' (keepalived's own scan stops at the
    /// first ')', which misreads such names; the kernel's format is only unambiguous from the last one).</summary>
    public static bool TryParseStat(ReadOnlySpan<byte> stat, out string comm, out char state)
    {
        comm = string.Empty;
        state = '\0';
        var open = stat.IndexOf((byte)'(');
        var close = stat.LastIndexOf((byte)')');
        if (open < 0 || close < open || close + 2 >= stat.Length || stat[close + 1] != (byte)' ')
            return false;
        comm = Utf8.GetString(stat[(open + 1)..close]);
        state = (char)stat[close + 2];
        return true;
    }

    /// <summary>Whether a /proc state letter is a process that is gone but not reaped (Z zombie, X dead): keepalived
    /// skips zombies, their command line is empty and they run nothing.</summary>
    public static bool IsDead(char state) => state is 'Z' or 'X' or 'x';

    /// <summary>/proc/PID/comm: the name and one newline.</summary>
    public static string ParseComm(ReadOnlySpan<byte> comm)
    {
        if (!comm.IsEmpty && comm[^1] == (byte)'\n')
            comm = comm[..^1];
        return Utf8.GetString(comm);
    }

    /// <summary>/proc/PID/cmdline: argv, NUL-separated and normally NUL-terminated. Empty for kernel threads and
    /// zombies. The final NUL ends the last argument; an argument list that lost it (setproctitle) still yields its
    /// last argument; empty arguments in between are kept.</summary>
    public static IReadOnlyList<string> ParseCommandLine(ReadOnlySpan<byte> cmdline)
    {
        if (cmdline.IsEmpty)
            return [];
        if (cmdline[^1] == 0)
            cmdline = cmdline[..^1];
        var argv = new List<string>();
        while (true)
        {
            var nul = cmdline.IndexOf((byte)0);
            if (nul < 0)
            {
                argv.Add(Utf8.GetString(cmdline));
                return argv;
            }
            argv.Add(Utf8.GetString(cmdline[..nul]));
            cmdline = cmdline[(nul + 1)..];
        }
    }

    /// <summary>Whether a /proc directory entry names a process: all digits, no leading zero, fits an int.</summary>
    public static bool TryParsePid(ReadOnlySpan<char> name, out int pid)
    {
        pid = 0;
        if (name.IsEmpty || name.Length > 10 || name[0] is < '1' or > '9')
            return false;
        long value = 0;
        foreach (var c in name)
        {
            if (c is < '0' or > '9')
                return false;
            value = (value * 10) + (c - '0');
        }
        if (value > int.MaxValue)
            return false;
        pid = (int)value;
        return true;
    }
}
