using System.Net;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>
/// What the decoder needs beside the bytes: the version the instance runs, where the packet came from and went to
/// (for the v3 pseudo-header), its TTL / hop limit, and the checksum and authentication rules.
/// </summary>
/// <param name="Version">2 or 3: the configured version (V3-R2).</param>
/// <param name="Source">The IP source address of the packet.</param>
/// <param name="Destination">The IP destination (the multicast group, or our address for unicast).</param>
/// <param name="TtlOrHopLimit">As received; a negative value means unknown and skips the TTL check.</param>
/// <param name="CheckTtl">False skips V3-R1 (keepalived does not check it for unicast).</param>
/// <param name="ChecksumFlavour">The flavour we send for VRRPv3 over IPv4 (ignored for v2 and IPv6).</param>
/// <param name="ChecksumPolicy">Whether other v3/IPv4 flavours are accepted and reported.</param>
/// <param name="Authentication">The configured VRRPv2 authentication.</param>
/// <param name="AhVerified">True when <see cref="VrrpAh.Verify"/> accepted the AH header around this message.</param>
public readonly record struct VrrpReceiveContext(
    byte Version,
    IPAddress Source,
    IPAddress Destination,
    int TtlOrHopLimit,
    bool CheckTtl = true,
    VrrpChecksumFlavour ChecksumFlavour = VrrpChecksumFlavour.PseudoHeader,
    VrrpChecksumPolicy ChecksumPolicy = VrrpChecksumPolicy.Detect,
    VrrpAuthentication Authentication = default,
    bool AhVerified = false);
