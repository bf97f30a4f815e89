using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Frames;

/// <summary>The virtual router MAC (vrrp-rules.md V3-F4): 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6.</summary>
public static class VirtualMac
{
    public const int Length = 6;

    /// <summary>Writes the virtual MAC of <paramref name="vrid"/> for <paramref name="family"/> into 6 bytes.</summary>
    public static void Write(Span<byte> destination, byte vrid, AddressFamily family)
    {
        destination[0] = 0x00;
        destination[1] = 0x00;
        destination[2] = 0x5e;
        destination[3] = 0x00;
        destination[4] = family == AddressFamily.InterNetworkV6 ? (byte)0x02 : (byte)0x01;
        destination[5] = vrid;
    }

    /// <summary>The virtual MAC as a new array (configuration time, not the hot path).</summary>
    public static byte[] For(byte vrid, AddressFamily family)
    {
        var mac = new byte[Length];
        Write(mac, vrid, family);
        return mac;
    }
}
