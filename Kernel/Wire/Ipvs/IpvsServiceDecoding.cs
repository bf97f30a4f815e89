using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Reads the attributes of a service nest into an <see cref="IpvsService"/> and its counters.</summary>
internal static class IpvsServiceDecoding
{
    public static NetlinkDecodeError TryParse(NetlinkAttributeReader attributes, out IpvsService? service, out IpvsStats stats)
    {
        service = null;
        stats = default;
        ushort? af = null, protocol = null, port = null;
        uint? fwmark = null, timeout = null, netmask = null;
        uint flags = 0;
        string? scheduler = null, pe = null;
        ReadOnlySpan<byte> address = default;
        var hasAddress = false;
        IpvsStats stats32 = default, stats64 = default;
        bool has64 = false;
        var error = NetlinkDecodeError.None;
        while (attributes.TryRead(out var a))
        {
            switch (a.Type)
            {
                case IpvsConstants.SvcAttrAf:
                    af = a.TryGetU16(out var f) ? f : null;
                    error = af is null ? NetlinkDecodeError.WrongAttributeLength : error;
                    break;
                case IpvsConstants.SvcAttrProtocol:
                    protocol = a.TryGetU16(out var p) ? p : null;
                    error = protocol is null ? NetlinkDecodeError.WrongAttributeLength : error;
                    break;
                case IpvsConstants.SvcAttrAddr:
                    address = a.Value;
                    hasAddress = true;
                    break;
                case IpvsConstants.SvcAttrPort:
                    port = a.TryGetBe16(out var po) ? po : null;
                    error = port is null ? NetlinkDecodeError.WrongAttributeLength : error;
                    break;
                case IpvsConstants.SvcAttrFwmark:
                    fwmark = a.TryGetU32(out var m) ? m : null;
                    error = fwmark is null ? NetlinkDecodeError.WrongAttributeLength : error;
                    break;
                case IpvsConstants.SvcAttrSchedName:
                    error = ReadName(a, out scheduler);
                    break;
                case IpvsConstants.SvcAttrPeName:
                    error = ReadName(a, out pe);
                    break;
                case IpvsConstants.SvcAttrFlags:
                    error = a.Value.Length == 8 ? error : NetlinkDecodeError.WrongAttributeLength;
                    flags = a.Value.Length == 8 ? BinaryPrimitives.ReadUInt32LittleEndian(a.Value) : 0;
                    break;
                case IpvsConstants.SvcAttrTimeout:
                    timeout = a.TryGetU32(out var t) ? t : null;
                    error = timeout is null ? NetlinkDecodeError.WrongAttributeLength : error;
                    break;
                case IpvsConstants.SvcAttrNetmask:
                    netmask = a.TryGetU32(out var n) ? n : null;
                    error = netmask is null ? NetlinkDecodeError.WrongAttributeLength : error;
                    break;
                case IpvsConstants.SvcAttrStats:
                    error = IpvsStatsDecoding.TryParse(a.Nested, out stats32);
                    break;
                case IpvsConstants.SvcAttrStats64:
                    error = IpvsStatsDecoding.TryParse(a.Nested, out stats64);
                    has64 = true;
                    break;
            }

            if (error != NetlinkDecodeError.None)
            {
                return error;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        if (af is null || scheduler is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        if (!IpvsReplies.TryFamily(af.Value, out var family))
        {
            return NetlinkDecodeError.InvalidValue;
        }

        var v6 = family == 10;
        byte? prefix = null;
        if (netmask is { } mask)
        {
            if (!TryPrefix(mask, v6, out var length))
            {
                return NetlinkDecodeError.InvalidValue;
            }

            prefix = length == (v6 ? 128 : 32) ? null : length;
        }

        var builder = new IpvsService
        {
            Family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
            Scheduler = scheduler,
            SchedulerFlags = SchedulerFlags(flags),
            PersistenceTimeout = (flags & IpvsConstants.SvcFlagPersistent) != 0 ? timeout ?? 0 : null,
            NetmaskPrefixLength = prefix,
            OnePacket = (flags & IpvsConstants.SvcFlagOnePacket) != 0,
            PersistenceEngine = pe is { Length: > 0 } ? pe : null,
        };

        if (fwmark is { } mark and not 0)
        {
            service = builder with { FirewallMark = mark };
        }
        else
        {
            if (protocol is null || port is null || !hasAddress)
            {
                return NetlinkDecodeError.MissingAttribute;
            }

            var ip = IpvsReplies.Address(address, family);
            if (ip is null)
            {
                return NetlinkDecodeError.WrongAttributeLength;
            }

            if (protocol.Value is not ((ushort)IpvsProtocol.Tcp or (ushort)IpvsProtocol.Udp or (ushort)IpvsProtocol.Sctp))
            {
                return NetlinkDecodeError.InvalidValue;
            }

            service = builder with { Protocol = (IpvsProtocol)protocol.Value, Address = ip, Port = port.Value };
        }

        stats = has64 ? stats64 : stats32;
        return NetlinkDecodeError.None;
    }

    private static NetlinkDecodeError ReadName(in NetlinkAttribute attribute, out string? name)
    {
        name = attribute.Value.Length <= IpvsConstants.SchedNameMax && attribute.TryGetString(out var s) ? s : null;
        return name is null ? NetlinkDecodeError.InvalidValue : NetlinkDecodeError.None;
    }

    /// <summary>IPv4: a contiguous be32 mask (its bytes were read little-endian); IPv6: a prefix length.</summary>
    private static bool TryPrefix(uint raw, bool v6, out byte prefix)
    {
        prefix = 0;
        if (v6)
        {
            prefix = (byte)Math.Min(raw, 255u);
            return raw <= 128;
        }

        var mask = BinaryPrimitives.ReverseEndianness(raw);
        var ones = System.Numerics.BitOperations.PopCount(mask);
        var expected = ones == 0 ? 0u : uint.MaxValue << (32 - ones);
        prefix = (byte)ones;
        return mask == expected;
    }

    private static IpvsSchedulerFlags SchedulerFlags(uint flags)
    {
        var result = IpvsSchedulerFlags.None;
        if ((flags & IpvsConstants.SvcFlagSched1) != 0)
        {
            result |= IpvsSchedulerFlags.ShFallback;
        }

        if ((flags & IpvsConstants.SvcFlagSched2) != 0)
        {
            result |= IpvsSchedulerFlags.ShPort;
        }

        if ((flags & IpvsConstants.SvcFlagSched3) != 0)
        {
            result |= IpvsSchedulerFlags.Flag3;
        }

        return result;
    }
}
