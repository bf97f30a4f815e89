using System.Net;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Reads the attributes of a daemon nest (STATE, MCAST_IFN, SYNC_ID required; the rest optional).</summary>
internal static class IpvsDaemonDecoding
{
    public static NetlinkDecodeError TryParse(NetlinkAttributeReader attributes, out IpvsDaemon? daemon)
    {
        daemon = null;
        uint? state = null, syncId = null;
        string? ifname = null;
        ushort? maxLength = null, port = null;
        byte? ttl = null;
        IPAddress? group = null;
        while (attributes.TryRead(out var a))
        {
            var ok = true;
            switch (a.Type)
            {
                case IpvsConstants.DaemonAttrState:
                    ok = a.TryGetU32(out var s);
                    state = s;
                    break;
                case IpvsConstants.DaemonAttrMcastIfn:
                    var named = a.TryGetString(out var n);
                    ok = named && a.Value.Length <= 16;
                    ifname = ok ? n : null;
                    break;
                case IpvsConstants.DaemonAttrSyncId:
                    ok = a.TryGetU32(out var id);
                    syncId = id;
                    break;
                case IpvsConstants.DaemonAttrSyncMaxLen:
                    ok = a.TryGetU16(out var ml);
                    maxLength = ml;
                    break;
                case IpvsConstants.DaemonAttrMcastPort:
                    ok = a.TryGetU16(out var mp);
                    port = mp;
                    break;
                case IpvsConstants.DaemonAttrMcastTtl:
                    ok = a.TryGetU8(out var t);
                    ttl = t;
                    break;
                case IpvsConstants.DaemonAttrMcastGroup:
                    ok = a.Value.Length == 4;
                    group = ok ? new IPAddress(a.Value) : null;
                    break;
                case IpvsConstants.DaemonAttrMcastGroup6:
                    ok = a.Value.Length == 16;
                    group = ok ? new IPAddress(a.Value) : null;
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

        if (state is null || ifname is null || syncId is null)
        {
            return NetlinkDecodeError.MissingAttribute;
        }

        if (state is not (1 or 2))
        {
            return NetlinkDecodeError.InvalidValue;
        }

        daemon = new IpvsDaemon((IpvsSyncState)state.Value, ifname, syncId.Value)
        {
            MaxLength = maxLength,
            Group = group,
            Port = port,
            Ttl = ttl,
        };
        return NetlinkDecodeError.None;
    }
}
