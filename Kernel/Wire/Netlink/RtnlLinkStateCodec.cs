using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>RTM_NEWLINK on an existing interface that only changes IFF_UP (ip link set DEV up|down).</summary>
public static class RtnlLinkStateCodec
{
    /// <summary>RTM_NEWLINK with NLM_F_REQUEST|ACK: ifinfomsg { index, flags = up ? IFF_UP : 0, change = IFF_UP }.</summary>
    public static void WriteSetUp(ref NetlinkWriter writer, int index, bool up, uint sequence)
    {
        Span<byte> header = stackalloc byte[RtnlConstants.IfInfoMsgLength];
        header.Clear();
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], up ? RtnlConstants.IffUp : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], RtnlConstants.IffUp);
        writer.BeginMessage(RtnlConstants.NewLink, RtnlFlags.Do, sequence, 0);
        writer.WriteRaw(header);
        writer.EndMessage();
    }
}
