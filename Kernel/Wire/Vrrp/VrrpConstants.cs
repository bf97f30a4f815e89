using System.Net;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>Numbers of the VRRP wire format (RFC 3768 §5, RFC 5798 §5; vrrp-rules.md V3-F1, V3-F2, V3-F5, V2-F1).</summary>
public static class VrrpConstants
{
    /// <summary>IP protocol number of VRRP (V3-F1).</summary>
    public const byte ProtocolNumber = 112;

    /// <summary>TTL / hop limit of every advert sent, and required of every advert received (V3-F2, V3-R1).</summary>
    public const byte Ttl = 255;

    /// <summary>The only packet type: advertisement (V3-F5).</summary>
    public const byte TypeAdvertisement = 1;

    /// <summary>The fixed header: version/type, VRID, priority, count, auth type + interval (v2) or reserved +
    /// max advert interval (v3), checksum.</summary>
    public const int HeaderLength = 8;

    /// <summary>VRRPv2's trailing authentication data (V2-F1).</summary>
    public const int V2AuthDataLength = 8;

    /// <summary>The 12-bit Max Adver Int of v3, in centiseconds.</summary>
    public const int MaxV3IntervalCentiseconds = 4095;

    /// <summary>Priority of the address owner (V3-F6).</summary>
    public const byte OwnerPriority = 255;

    /// <summary>Priority of an advert sent by a master that is leaving (V3-F6).</summary>
    public const byte LeavingPriority = 0;

    /// <summary>Count IPvX Addr is one byte.</summary>
    public const int MaxAddresses = 255;

    /// <summary>224.0.0.18 (V3-F1).</summary>
    public static IPAddress MulticastGroupV4 { get; } = IPAddress.Parse("224.0.0.18");

    /// <summary>ff02::12 (V3-F1).</summary>
    public static IPAddress MulticastGroupV6 { get; } = IPAddress.Parse("ff02::12");
}
