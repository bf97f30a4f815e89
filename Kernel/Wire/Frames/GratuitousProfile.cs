namespace KeepAlive.Kernel.Wire.Frames;

/// <summary>
/// Which gratuitous ARP / unsolicited NA a master sends (vrrp-rules.md V3-S1, V3-A4). The two profiles differ only
/// in the sender MAC and the NA router flag.
/// </summary>
public enum GratuitousProfile
{
    /// <summary>keepalived 2.2.7's frames, byte for byte (golden/vrrp 07 and 09): the interface MAC (the virtual MAC
    /// only with use_vmac), NA flags R=0 S=0 O=1.</summary>
    Keepalived,

    /// <summary>RFC 5798/9568: always the virtual router MAC, NA flags R=1 S=0 O=1.</summary>
    Rfc,
}
