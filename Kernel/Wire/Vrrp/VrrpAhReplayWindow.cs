using System.Buffers.Binary;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>
/// The receive side of VRRPv2 AH on one socket: <see cref="VrrpAh.Verify"/> (ICV, SPI) plus the replay check
/// against the last sequence number accepted from the same sender for the same VRID (keepalived keeps one number per
/// instance; per sender and VRID accepts exactly the same authentic streams and does not let one sender's number
/// hide another's). State is created only for packets whose ICV verified, so only holders of the key can add
/// senders, and it is bounded: beyond <see cref="Capacity"/> senders the least recently accepted one is forgotten
/// (a forgotten sender's next authentic advert is accepted again). Pure; not thread-safe (one actor owns it).
/// </summary>
public sealed class VrrpAhReplayWindow
{
    /// <summary>Senders remembered per socket by default: far more routers than one VRRP LAN has.</summary>
    public const int DefaultCapacity = 256;

    private readonly Dictionary<(uint Source, byte Vrid), (uint Sequence, long Used)> _last = new();
    private long _uses;

    /// <summary>A window remembering at most <paramref name="capacity"/> senders (at least 1).</summary>
    public VrrpAhReplayWindow(int capacity = DefaultCapacity) => Capacity = Math.Max(1, capacity);

    /// <summary>The most senders remembered.</summary>
    public int Capacity { get; }

    /// <summary>Senders remembered now.</summary>
    public int Count => _last.Count;

    /// <summary>The last sequence number accepted from <paramref name="source"/> (4 bytes) for <paramref name="vrid"/>;
    /// 0 for a sender not remembered.</summary>
    public uint LastAccepted(ReadOnlySpan<byte> source, byte vrid) =>
        source.Length == 4 && _last.TryGetValue((BinaryPrimitives.ReadUInt32BigEndian(source), vrid), out var e) ? e.Sequence : 0;

    /// <summary>Checks <paramref name="packet"/> (a whole IPv4 packet) for the instance of <paramref name="vrid"/>
    /// keyed by <paramref name="key"/>; when it is authentic and new its number is remembered as the sender's last.</summary>
    public VrrpAhResult Verify(ReadOnlySpan<byte> packet, byte vrid, bool unicast, ReadOnlySpan<byte> key, out int vrrpOffset, out uint sequence)
    {
        vrrpOffset = 0;
        sequence = 0;
        if (packet.Length < VrrpAh.IpHeaderLength)
            return VrrpAhResult.Malformed;
        var source = packet.Slice(12, 4);
        var result = VrrpAh.Verify(packet, unicast, key, LastAccepted(source, vrid), out vrrpOffset, out sequence);
        if (result == VrrpAhResult.Ok)
            Remember(BinaryPrimitives.ReadUInt32BigEndian(source), vrid, sequence);
        return result;
    }

    private void Remember(uint source, byte vrid, uint sequence)
    {
        var key = (source, vrid);
        if (!_last.ContainsKey(key) && _last.Count >= Capacity)
        {
            var oldest = _last.MinBy(e => e.Value.Used).Key;
            _last.Remove(oldest);
        }
        _last[key] = (sequence, ++_uses);
    }
}
