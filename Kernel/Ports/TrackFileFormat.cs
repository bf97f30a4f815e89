using System.Globalization;

namespace KeepAlive.Kernel.Ports;

/// <summary>What <c>init_file</c> does to the file at start (<see cref="TrackFileFormat.DecideInit"/>).</summary>
public enum TrackFileInitAction
{
    /// <summary>Leave the file as it is.</summary>
    None,

    /// <summary>Write the init value (through a temporary file renamed over it).</summary>
    Write,

    /// <summary>It exists and is not a regular file: "Cannot initialise track file - it is not a regular file".</summary>
    NotRegular,
}

/// <summary>
/// keepalived 2.2.7's reading and writing of a track_file (trackers/track_file.c). Pure.
/// <list type="bullet">
/// <item><c>process_track_file</c> reads at most 127 bytes and converts them with <c>strtol(buf, NULL, 0)</c>:
/// leading blanks are skipped, a sign is allowed, <c>0x</c> means hex and a leading <c>0</c> octal, the number
/// stops at the first character that is not a digit (the rest is ignored), and no digits at all is 0. An empty file
/// is 0. A number that overflows <c>long</c>, or lies outside −2³¹..2³¹ (sic: INT32_MAX + 1 is accepted), is
/// logged and ignored: the previous value stays.</item>
/// <item><c>track_file_end_handler</c>: <c>init_file</c> writes <c>"%d\n"</c> when the file does not exist;
/// with <c>overwrite</c> it also replaces an existing regular file, but never on a reload.</item>
/// </list>
/// </summary>
public static class TrackFileFormat
{
    /// <summary>keepalived reads into a 128-byte buffer and keeps one byte for the NUL.</summary>
    public const int ReadLimit = 127;

    /// <summary>The file's content (as read; only the first <see cref="ReadLimit"/> bytes count) as keepalived sees it:
    /// <see cref="TrackedFileReadingKind.Number"/> or <see cref="TrackedFileReadingKind.Invalid"/>.</summary>
    public static TrackedFileReading Parse(ReadOnlySpan<byte> content)
    {
        if (content.Length > ReadLimit)
            content = content[..ReadLimit];
        var nul = content.IndexOf((byte)0);
        if (nul >= 0)
            content = content[..nul];
        if (!StrtolBase0(content, out var value))
            return new TrackedFileReading(TrackedFileReadingKind.Invalid, 0, "number out of range (strtol: ERANGE)");
        if (value < int.MinValue || value > (long)int.MaxValue + 1)
            return new TrackedFileReading(TrackedFileReadingKind.Invalid, 0, $"invalid number {value.ToString(CultureInfo.InvariantCulture)}");
        return TrackedFileReading.Number(value);
    }

    /// <summary>What <c>init_file</c> writes: <c>fprintf(tf, "%d\n", value)</c>.</summary>
    public static string Render(int value) => value.ToString(CultureInfo.InvariantCulture) + "\n";

    /// <summary>Whether <c>init_file</c> writes, given what <c>stat</c> found.</summary>
    /// <param name="init">The configured init.</param>
    /// <param name="exists">stat succeeded.</param>
    /// <param name="isRegularFile">S_ISREG when it exists.</param>
    public static TrackFileInitAction DecideInit(TrackedFileInit init, bool exists, bool isRegularFile)
    {
        ArgumentNullException.ThrowIfNull(init);
        if (!exists)
            return TrackFileInitAction.Write;
        if (!init.Overwrite)
            return TrackFileInitAction.None;
        return isRegularFile ? TrackFileInitAction.Write : TrackFileInitAction.NotRegular;
    }

    /// <summary>glibc <c>strtol(s, NULL, 0)</c> in the C locale on a 64-bit long; false on ERANGE.</summary>
    private static bool StrtolBase0(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        int i = 0;
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
            i++;
        bool negative = false;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
        {
            negative = s[i] == '-';
            i++;
        }
        int radix = 10;
        if (i < s.Length && s[i] == '0')
        {
            bool hexPrefix = i + 2 < s.Length && (s[i + 1] == 'x' || s[i + 1] == 'X') && Digit(s[i + 2]) < 16;
            if (hexPrefix)
            {
                radix = 16;
                i += 2;
            }
            else
            {
                radix = 8;
            }
        }
        ulong magnitude = 0;
        bool overflow = false;
        for (; i < s.Length; i++)
        {
            int d = Digit(s[i]);
            if (d >= radix)
                break;
            if (magnitude > (ulong.MaxValue - (ulong)d) / (ulong)radix)
                overflow = true;
            else
                magnitude = magnitude * (ulong)radix + (ulong)d;
        }
        ulong limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (overflow || magnitude > limit)
            return false;
        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    private static int Digit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'Z' => c - 'A' + 10,
        _ => int.MaxValue,
    };
}
