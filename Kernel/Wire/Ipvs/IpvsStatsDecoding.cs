using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Reads a STATS (u32 counters, u64 byte counts) or STATS64 (all u64) nest; each value is taken by its size.</summary>
internal static class IpvsStatsDecoding
{
    public static NetlinkDecodeError TryParse(NetlinkAttributeReader attributes, out IpvsStats stats)
    {
        stats = default;
        Span<ulong> values = stackalloc ulong[11];
        values.Clear();
        while (attributes.TryRead(out var a))
        {
            if (a.Type is < IpvsConstants.StatsAttrConns or > IpvsConstants.StatsAttrOutBps)
            {
                continue;
            }

            if (a.TryGetU64(out var v64))
            {
                values[a.Type] = v64;
            }
            else if (a.TryGetU32(out var v32))
            {
                values[a.Type] = v32;
            }
            else
            {
                return NetlinkDecodeError.WrongAttributeLength;
            }
        }

        if (attributes.Error != NetlinkDecodeError.None)
        {
            return attributes.Error;
        }

        stats = new IpvsStats(values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8], values[9], values[10]);
        return NetlinkDecodeError.None;
    }
}
