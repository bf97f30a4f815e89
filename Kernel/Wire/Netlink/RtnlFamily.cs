using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Netlink;

/// <summary>AF_INET/AF_INET6 bytes and address sizes shared by the rtnetlink codecs.</summary>
internal static class RtnlFamily
{
    public static byte ToByte(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => NetlinkConstants.AfInet,
        AddressFamily.InterNetworkV6 => NetlinkConstants.AfInet6,
        _ => 0,
    };

    public static bool TryFromByte(byte family, out AddressFamily result)
    {
        result = family switch
        {
            NetlinkConstants.AfInet => AddressFamily.InterNetwork,
            NetlinkConstants.AfInet6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };
        return result != AddressFamily.Unspecified;
    }

    public static int AddressLength(byte family) => family == NetlinkConstants.AfInet6 ? 16 : 4;

    public static int MaxPrefix(byte family) => family == NetlinkConstants.AfInet6 ? 128 : 32;

    public static IPAddress Any(byte family) => family == NetlinkConstants.AfInet6 ? IPAddress.IPv6Any : IPAddress.Any;

    /// <summary>Reads an address attribute that must be exactly the family's size.</summary>
    public static NetlinkDecodeError TryAddress(in NetlinkAttribute attribute, byte family, out IPAddress? address)
    {
        address = null;
        if (attribute.Value.Length != AddressLength(family))
        {
            return NetlinkDecodeError.WrongAttributeLength;
        }

        address = new IPAddress(attribute.Value);
        return NetlinkDecodeError.None;
    }

    /// <summary>Reads a printable NUL-terminated string attribute.</summary>
    public static NetlinkDecodeError TryString(in NetlinkAttribute attribute, out string? value)
    {
        value = attribute.TryGetString(out var s) ? s : null;
        return value is null ? NetlinkDecodeError.InvalidValue : NetlinkDecodeError.None;
    }
}
