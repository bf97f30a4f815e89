namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>What an instance puts in its adverts (the addresses travel separately, pre-serialised once per
/// configuration, so encoding allocates nothing).</summary>
/// <param name="Version">2 or 3.</param>
/// <param name="Vrid">1..255.</param>
/// <param name="Priority">0..255 (0: leaving; 255: owner).</param>
/// <param name="IntervalCentiseconds">v2: a whole number of seconds × 100 (1..255 s); v3: 1..4095 cs.</param>
/// <param name="Authentication">VRRPv2 only.</param>
/// <param name="ChecksumFlavour">VRRPv3 over IPv4 only (v2 is always message-only, IPv6 always pseudo-header).</param>
public readonly record struct VrrpAdvertSpec(
    byte Version,
    byte Vrid,
    byte Priority,
    int IntervalCentiseconds,
    VrrpAuthentication Authentication = default,
    VrrpChecksumFlavour ChecksumFlavour = VrrpChecksumFlavour.PseudoHeader);

/// <summary>Why an advert could not be encoded (a programming or configuration error, never a wire event).</summary>
public enum VrrpEncodeError
{
    None = 0,
    BufferTooSmall,
    BadVersion,
    BadVrid,
    BadAddressCount,
    BadInterval,
    FamilyMismatch,
}
