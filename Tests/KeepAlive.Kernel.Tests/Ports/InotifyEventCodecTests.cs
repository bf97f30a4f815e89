using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

/// <summary>inotify_event bytes written out by hand from linux/inotify.h (x86-64, little endian; the kernel pads a
/// name with NULs to a multiple of 16 bytes, the codec takes any len), and keepalived's process_inotify rules.</summary>
public class InotifyEventCodecTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c) && c != '|')));

    [Fact]
    public void Events_with_and_without_names_are_split()
    {
        // wd 1, IN_CLOSE_WRITE, cookie 0, len 16, "state\0" padded | wd 1, IN_MOVED_TO, cookie 0x2a, len 4, "f\0\0\0"
        // | wd 1, IN_IGNORED (0x8000), len 0
        var bytes = Hex("01000000 08000000 00000000 10000000 7374617465" + new string('0', 22)
            + "|01000000 80000000 2a000000 04000000 66000000"
            + "|01000000 00800000 00000000 00000000");
        Assert.Equal(
            [new InotifyEvent(1, InotifyEventCodec.InCloseWrite, 0, "state"), new InotifyEvent(1, InotifyEventCodec.InMovedTo, 42, "f"), new InotifyEvent(1, InotifyEventCodec.InIgnored, 0, "")],
            InotifyEventCodec.Decode(bytes));
    }

    [Fact]
    public void A_truncated_event_is_dropped()
    {
        var bytes = Hex("01000000 08000000 00000000 10000000 7374");   // len says 16, 2 bytes present
        Assert.Empty(InotifyEventCodec.Decode(bytes));
        Assert.Empty(InotifyEventCodec.Decode(Hex("01000000 08000000")));
    }

    [Theory]
    [InlineData(InotifyEventCodec.InCloseWrite, "state", TrackedFileChange.Reread)]
    [InlineData(InotifyEventCodec.InMovedTo, "state", TrackedFileChange.Reread)]
    [InlineData(InotifyEventCodec.InMovedFrom, "state", TrackedFileChange.Gone)]
    [InlineData(InotifyEventCodec.InDelete, "state", TrackedFileChange.Gone)]
    [InlineData(InotifyEventCodec.InCloseWrite, "other", TrackedFileChange.None)]
    [InlineData(InotifyEventCodec.InCloseWrite, "stat", TrackedFileChange.None)]
    [InlineData(InotifyEventCodec.InModify, "state", TrackedFileChange.None)]       // mid-write: never read
    [InlineData(InotifyEventCodec.InCreate, "state", TrackedFileChange.None)]       // empty until closed
    [InlineData(InotifyEventCodec.InDelete | InotifyEventCodec.InIsDirectory, "state", TrackedFileChange.None)]
    [InlineData(InotifyEventCodec.InQueueOverflow, "", TrackedFileChange.Overflow)]
    [InlineData(InotifyEventCodec.InIgnored, "", TrackedFileChange.WatchEnded)]
    public void Only_deletes_moves_and_closed_writes_of_the_file_count(uint mask, string name, TrackedFileChange expected)
    {
        Assert.Equal(expected, InotifyEventCodec.Classify(new InotifyEvent(1, mask, 0, name), "state"));
    }
}
