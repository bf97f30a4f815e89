using System.Buffers.Binary;
using System.Text;

namespace KeepAlive.Kernel.Ports;

/// <summary>One <c>struct inotify_event</c>: the watch, the event bits, the rename cookie and the name inside the
/// watched directory (empty for the directory itself).</summary>
public readonly record struct InotifyEvent(int Watch, uint Mask, uint Cookie, string Name);

/// <summary>What an inotify event means for one tracked file (keepalived track_file.c process_inotify).</summary>
public enum TrackedFileChange
{
    /// <summary>Not about the file, or not an event keepalived acts on.</summary>
    None,

    /// <summary>Written and closed, or moved in: read it again.</summary>
    Reread,

    /// <summary>Deleted or moved away: counts 0 without reading.</summary>
    Gone,

    /// <summary>The kernel's queue overflowed (IN_Q_OVERFLOW): events were lost, read it again (keepalived logs
    /// "Unknown inotify event" and loses the change; rereading is the repair).</summary>
    Overflow,

    /// <summary>The directory's watch ended (IN_IGNORED: deleted or unmounted): no more events will come.</summary>
    WatchEnded,
}

/// <summary>
/// The bytes read from an inotify descriptor (linux/inotify.h, host byte order), and keepalived's rules for a
/// track_file watched through its directory with <c>IN_CLOSE_WRITE | IN_DELETE | IN_MOVE</c>:
/// <code>
/// inotify_event: s32 wd, u32 mask, u32 cookie, u32 len, char name[len]   (name NUL-padded; len 0 for the dir itself)
/// </code>
/// Pure.
/// </summary>
public static class InotifyEventCodec
{
    public const uint InModify = 0x2;
    public const uint InCloseWrite = 0x8;
    public const uint InMovedFrom = 0x40;
    public const uint InMovedTo = 0x80;
    public const uint InCreate = 0x100;
    public const uint InDelete = 0x200;
    public const uint InUnmount = 0x2000;
    public const uint InQueueOverflow = 0x4000;
    public const uint InIgnored = 0x8000;
    public const uint InIsDirectory = 0x40000000;

    /// <summary>The mask keepalived asks for on the file's directory.</summary>
    public const uint TrackFileMask = InCloseWrite | InDelete | InMovedFrom | InMovedTo;

    /// <summary>The fixed part of an event.</summary>
    public const int HeaderLength = 16;

    /// <summary>Splits one read's bytes into events; a truncated tail is dropped (the kernel never sends one).</summary>
    public static List<InotifyEvent> Decode(ReadOnlySpan<byte> buffer)
    {
        var events = new List<InotifyEvent>();
        while (buffer.Length >= HeaderLength)
        {
            int wd = BinaryPrimitives.ReadInt32LittleEndian(buffer);
            uint mask = BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]);
            uint cookie = BinaryPrimitives.ReadUInt32LittleEndian(buffer[8..]);
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(buffer[12..]);
            if (len > (uint)(buffer.Length - HeaderLength))
                break;
            var name = buffer.Slice(HeaderLength, (int)len);
            var nul = name.IndexOf((byte)0);
            if (nul >= 0)
                name = name[..nul];
            events.Add(new InotifyEvent(wd, mask, cookie, Encoding.UTF8.GetString(name)));
            buffer = buffer[(HeaderLength + (int)len)..];
        }
        return events;
    }

    /// <summary>keepalived's process_inotify for the file named <paramref name="fileName"/> in the watched directory:
    /// directories are skipped; only delete, close-after-write and moves count, and only for that name.</summary>
    public static TrackedFileChange Classify(InotifyEvent e, string fileName)
    {
        if ((e.Mask & InQueueOverflow) != 0)
            return TrackedFileChange.Overflow;
        if ((e.Mask & InIgnored) != 0)
            return TrackedFileChange.WatchEnded;
        if ((e.Mask & InIsDirectory) != 0 || (e.Mask & TrackFileMask) == 0 || !string.Equals(e.Name, fileName, StringComparison.Ordinal))
            return TrackedFileChange.None;
        return (e.Mask & (InMovedFrom | InDelete)) != 0 ? TrackedFileChange.Gone : TrackedFileChange.Reread;
    }
}
