using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Reads the attributes of a destination nest. The kernel sends ADDR_FAMILY after ADDR, so the address is
/// resolved once the whole nest is read.</summary>
internal static class IpvsDestinationDecoding
{
    public static NetlinkDecodeError TryParse(NetlinkAttributeReader attributes, out IpvsDestinationEntry? entry)
    {
        entry = null;
        ReadOnlySpan<byte> address = default;
        var hasAddress = false;
        ushort? af = null, port = null;
        uint? forwarding = null, weight = null;
        uint upper = 0, lower = 0, active = 0, inactive = 0, persistent = 0;
        byte tunnelType = 0;
        ushort tunnelPort = 0, tunnelFlags = 0;
        IpvsStats stats32 = default, stats64 = default;
        var has64 = false;
        while (attributes.TryRead(out var a))
        {
            var ok = true;
            switch (a.Type)
            {
                case IpvsConstants.DestAttrAddr:
                    address = a.Value;
                    hasAddress = true;
                    break;
                case IpvsConstants.DestAttrAddrFamily:
                    ok = a.TryGetU16(out var f);
                    af = f;
                    break;
                case IpvsConstants.DestAttrPort:
                    ok = a.TryGetBe16(out var p);
                    port = p;
                    break;
                case IpvsConstants.DestAttrFwdMethod:
                    ok = a.TryGetU32(out var fw);
                    forwarding = fw & IpvsConstants.ForwardMask;
                    break;
                case IpvsConstants.DestAttrWeight:
                    ok = a.TryGetU32(out var w);
                    weight = w;
                    break;
                case IpvsConstants.DestAttrUThresh: ok = a.TryGetU32(out upper); break;
                case IpvsConstants.DestAttrLThresh: ok = a.TryGetU32(out lower); break;
                case IpvsConstants.DestAttrActiveConns: ok = a.TryGetU32(out active); break;
                case IpvsConstants.DestAttrInactConns: ok = a.TryGetU32(out inactive); break;
                case IpvsConstants.DestAttrPersistConns: ok = a.TryGetU32(out persistent); break;
                case IpvsConstants.DestAttrTunType: ok = a.TryGetU8(out tunnelType); break;
                case IpvsConstants.DestAttrTunPort: ok = a.TryGetBe16(out tunnelPort); break;
                case IpvsConstants.DestAttrTunFlags: ok = a.TryGetU16(out tunnelFlags); break;
                case IpvsConstants.DestAttrStats:
                    ok = IpvsStatsDecoding.TryParse(a.Nested, out stats32) == NetlinkDecodeError.None;
                    break;
                case IpvsConstants.DestAttrStats64:
                    ok = IpvsStatsDecoding.TryParse(a.Nested, out stats64) == NetlinkDecodeError.None;
                    has64 = true;
                    break;
            }

            if (!ok)
            {
                return NetlinkDecodeError.WrongAttributeLength;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        if (!hasAddress || af is null || port is null || forwarding is null || weight is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        if (!IpvsReplies.TryFamily(af.Value, out var family) || forwarding > 3 || weight > int.MaxValue || tunnelType > 2 || tunnelFlags > 2)
        {
            return NetlinkDecodeError.InvalidValue;
        }

        var ip = IpvsReplies.Address(address, family);
        if (ip is null)
        {
            return NetlinkDecodeError.WrongAttributeLength;
        }

        var destination = new IpvsDestination(ip, port.Value)
        {
            Forwarding = (IpvsForwarding)forwarding.Value,
            Weight = (int)weight.Value,
            TunnelType = (IpvsTunnelType)tunnelType,
            TunnelPort = tunnelPort,
            TunnelChecksum = (IpvsTunnelChecksum)tunnelFlags,
            UpperThreshold = upper,
            LowerThreshold = lower,
        };
        entry = new IpvsDestinationEntry(destination, active, inactive, persistent, has64 ? stats64 : stats32);
        return NetlinkDecodeError.None;
    }
}
