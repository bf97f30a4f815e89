namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>What a VRRP checksum covers (vrrp-rules.md V3-C1..V3-C3, V2-C1; golden/vrrp "Checksum findings").</summary>
public enum VrrpChecksumFlavour
{
    /// <summary>The VRRP message alone: every VRRPv2 advert, and VRRPv3 over IPv4 under RFC 9568.</summary>
    MessageOnly,

    /// <summary>The IP pseudo-header (real source and destination) plus the message: VRRPv3 over IPv6 always, and
    /// VRRPv3 over IPv4 as keepalived and FRR send it by default (RFC 5798 §5.2.8).</summary>
    PseudoHeader,

    /// <summary>keepalived's pre-1.3.6 unicast form (<c>old_unicast_checksum</c>): the IPv4 pseudo-header with
    /// 224.0.0.18 as destination even when the advert is sent to a unicast peer.</summary>
    OldUnicastPseudoHeader,
}

/// <summary>Which flavours a receiver accepts for VRRPv3 over IPv4.</summary>
public enum VrrpChecksumPolicy
{
    /// <summary>Only the flavour we send.</summary>
    Strict,

    /// <summary>Any of the three; the decode reports which one matched (a per-peer fact for the status endpoint).</summary>
    Detect,
}
