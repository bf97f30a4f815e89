using System.Net.Sockets;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Wire.Ipvs;

/// <summary>Which service attributes a request carries (ipvsadm's choices, reproduced for byte equality).</summary>
internal enum ServiceForm
{
    /// <summary>NEW/SET_SERVICE: everything.</summary>
    Full,

    /// <summary>Dest commands, DEL_SERVICE, ZERO: key, empty scheduler, flags 0, timeout 0, full netmask.</summary>
    Identity,

    /// <summary>GET_SERVICE of one service: as Identity but netmask 0.</summary>
    Lookup,

    /// <summary>GET_DEST: AF and protocol/address/port or fwmark only.</summary>
    Key,
}

/// <summary>Writes CMD_ATTR_SERVICE nests.</summary>
internal static class IpvsServiceEncoding
{
    public static void Write(ref NetlinkWriter writer, IpvsService service, ServiceForm form)
    {
        var v6 = service.Family == AddressFamily.InterNetworkV6;
        var nest = writer.BeginNest(IpvsConstants.CmdAttrService, setNestedFlag: true);
        writer.WriteU16(IpvsConstants.SvcAttrAf, v6 ? (ushort)10 : (ushort)2);
        if (service.IsFirewallMark)
        {
            writer.WriteU32(IpvsConstants.SvcAttrFwmark, service.FirewallMark);
        }
        else
        {
            writer.WriteU16(IpvsConstants.SvcAttrProtocol, (ushort)service.Protocol);
            if (service.Address is { } address)
            {
                writer.WriteAddress(IpvsConstants.SvcAttrAddr, address, IpvsConstants.AddressFieldLength);
            }
            else
            {
                writer.WriteBytes(IpvsConstants.SvcAttrAddr, stackalloc byte[IpvsConstants.AddressFieldLength]);
            }

            writer.WriteBe16(IpvsConstants.SvcAttrPort, service.Port);
        }

        if (form != ServiceForm.Key)
        {
            var full = form == ServiceForm.Full;
            writer.WriteString(IpvsConstants.SvcAttrSchedName, full ? service.Scheduler : string.Empty);
            if (full && service.PersistenceEngine is { Length: > 0 } pe)
            {
                writer.WriteString(IpvsConstants.SvcAttrPeName, pe);
            }

            Span<byte> flags = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(flags, full ? WireFlags(service) : 0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(flags[4..], uint.MaxValue);
            writer.WriteBytes(IpvsConstants.SvcAttrFlags, flags);
            writer.WriteU32(IpvsConstants.SvcAttrTimeout, full ? service.PersistenceTimeout ?? 0 : 0);
            var maxPrefix = v6 ? 128 : 32;
            var prefix = form switch
            {
                ServiceForm.Full => Math.Min(service.NetmaskPrefixLength ?? maxPrefix, maxPrefix),
                ServiceForm.Lookup => 0,
                _ => maxPrefix,
            };
            if (v6)
            {
                writer.WriteU32(IpvsConstants.SvcAttrNetmask, (uint)prefix);
            }
            else
            {
                writer.WriteBe32(IpvsConstants.SvcAttrNetmask, prefix == 0 ? 0 : uint.MaxValue << (32 - prefix));
            }
        }

        writer.EndNest(nest);
    }

    public static uint WireFlags(IpvsService service)
    {
        var flags = 0u;
        if (service.PersistenceTimeout is not null)
        {
            flags |= IpvsConstants.SvcFlagPersistent;
        }

        if (service.OnePacket)
        {
            flags |= IpvsConstants.SvcFlagOnePacket;
        }

        if (service.SchedulerFlags.HasFlag(IpvsSchedulerFlags.ShFallback))
        {
            flags |= IpvsConstants.SvcFlagSched1;
        }

        if (service.SchedulerFlags.HasFlag(IpvsSchedulerFlags.ShPort))
        {
            flags |= IpvsConstants.SvcFlagSched2;
        }

        if (service.SchedulerFlags.HasFlag(IpvsSchedulerFlags.Flag3))
        {
            flags |= IpvsConstants.SvcFlagSched3;
        }

        return flags;
    }
}

/// <summary>Writes CMD_ATTR_DEST nests in ipvsadm 1.31's attribute order.</summary>
internal static class IpvsDestinationEncoding
{
    public static void Write(ref NetlinkWriter writer, IpvsDestination destination)
    {
        var nest = writer.BeginNest(IpvsConstants.CmdAttrDest, setNestedFlag: true);
        writer.WriteU16(IpvsConstants.DestAttrAddrFamily, destination.Family == AddressFamily.InterNetworkV6 ? (ushort)10 : (ushort)2);
        writer.WriteAddress(IpvsConstants.DestAttrAddr, destination.Address, IpvsConstants.AddressFieldLength);
        writer.WriteBe16(IpvsConstants.DestAttrPort, destination.Port);
        writer.WriteU32(IpvsConstants.DestAttrFwdMethod, (uint)destination.Forwarding);
        writer.WriteU32(IpvsConstants.DestAttrWeight, (uint)destination.Weight);
        writer.WriteU8(IpvsConstants.DestAttrTunType, (byte)destination.TunnelType);
        writer.WriteBe16(IpvsConstants.DestAttrTunPort, destination.TunnelPort);
        writer.WriteU16(IpvsConstants.DestAttrTunFlags, (ushort)destination.TunnelChecksum);
        writer.WriteU32(IpvsConstants.DestAttrUThresh, destination.UpperThreshold);
        writer.WriteU32(IpvsConstants.DestAttrLThresh, destination.LowerThreshold);
        writer.EndNest(nest);
    }
}
