namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>Why a received packet was not accepted as an advert, in the order the checks run (vrrp-rules.md
/// "Receive validation"; the first failing check decides). Every value is a counter on the status endpoint.</summary>
public enum VrrpDiscard
{
    /// <summary>Accepted.</summary>
    None = 0,

    /// <summary>TTL / hop limit is not 255 (V3-R1; not checked for unicast when configured so, as keepalived).</summary>
    BadTtl,

    /// <summary>Not the configured version, or VRRPv2 over IPv6 (V3-R2, V2-F1).</summary>
    BadVersion,

    /// <summary>Type is not 1, advertisement (V3-R2).</summary>
    BadType,

    /// <summary>Shorter than the header, or not exactly the header plus Count addresses (plus v2's 8 auth bytes):
    /// a CARP packet, which shares protocol 112 and the first byte with VRRPv2, ends here or at the checksum (V3-R3, V3-R9).</summary>
    BadLength,

    /// <summary>The checksum does not match in any accepted flavour (V3-R4).</summary>
    BadChecksum,

    /// <summary>Advertisement interval 0 (V3-R7, erratum 8301).</summary>
    ZeroInterval,

    /// <summary>No addresses (V3-R7, erratum 8299: ignored).</summary>
    NoAddresses,

    /// <summary>VRRPv2 auth type differs from the configured one, or is not 0, 1 or 2 (V2-R1).</summary>
    AuthTypeMismatch,

    /// <summary>VRRPv2 simple password differs, or AH failed (V2-R1).</summary>
    AuthFailure,

    // ---- VRRPv2 auth_type AH (VrrpAh, before the VRRP message is decoded; keepalived counts the first three as
    // auth_failure)

    /// <summary>The AH integrity check value does not match: a wrong password or an altered packet.</summary>
    AhBadIcv,

    /// <summary>The AH SPI is not the sender's address.</summary>
    AhBadSpi,

    /// <summary>The AH sequence number is not above the last one accepted from the sender for the VRID: a replay.</summary>
    AhReplay,

    /// <summary>An AH packet protecting another protocol (keepalived drops it silently).</summary>
    AhOtherProtocol,

    // ---- checks against the receiving instance (VrrpInstanceCheck)

    /// <summary>No instance with this VRID on the receiving interface and family (V3-R5).</summary>
    UnknownVrid,

    /// <summary>A v2 advert whose interval differs from ours (V2-R1).</summary>
    IntervalMismatch,

    /// <summary>A v2 advert from a non-owner whose address list differs from ours (V2-R1, keepalived).</summary>
    AddressMismatch,

    // ---- unicast checks (keepalived-reference.md §3.4 items 11 and 14; VrrpPeerCheck)

    /// <summary>A multicast advert for a unicast instance, or a unicast one for a multicast instance
    /// ("Expected unicast packet but received multicast packet" and the reverse).</summary>
    WrongDestinationKind,

    /// <summary>With check_unicast_src: the source is not one of the unicast peers.</summary>
    NotAPeer,

    /// <summary>The TTL / hop limit is outside the peer's configured min_ttl..max_ttl.</summary>
    PeerTtlOutOfRange,
}
