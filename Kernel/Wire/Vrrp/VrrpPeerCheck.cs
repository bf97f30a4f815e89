using System.Net;
using System.Net.Sockets;

namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>A unicast peer as the receive path checks it: its address and the TTL / hop-limit range its adverts may
/// arrive with (<c>unicast_peer { ADDR min_ttl N max_ttl M }</c>; null bounds are open).</summary>
public sealed record VrrpPeer(IPAddress Address, int? MinTtl = null, int? MaxTtl = null);

/// <summary>
/// keepalived 2.2.7's checks of an advert's source and destination against the instance's mode (vrrp.c
/// vrrp_check_packet; keepalived-reference.md §3.4 items 11 and 14), run after the codec's: a unicast instance takes
/// only unicast adverts and a multicast one only multicast adverts; with <c>check_unicast_src</c> the source must be
/// one of the peers; a peer with a TTL range must be within it. Pure, allocation-free.
/// </summary>
public static class VrrpPeerCheck
{
    /// <param name="source">The advert's IP source.</param>
    /// <param name="destination">Its IP destination.</param>
    /// <param name="ttlOrHopLimit">As received.</param>
    /// <param name="peers">The instance's unicast peers; empty for a multicast instance.</param>
    /// <param name="checkSource">check_unicast_src (or vrrp_check_unicast_src).</param>
    public static VrrpDiscard Check(IPAddress source, IPAddress destination, int ttlOrHopLimit, IReadOnlyList<VrrpPeer> peers, bool checkSource)
    {
        Span<byte> first = stackalloc byte[16];
        bool multicast = destination.AddressFamily == AddressFamily.InterNetworkV6
            ? destination.IsIPv6Multicast
            : destination.TryWriteBytes(first, out _) && (first[0] & 0xf0) == 0xe0;
        bool unicastInstance = peers.Count > 0;
        if (multicast == unicastInstance)
            return VrrpDiscard.WrongDestinationKind;
        if (!unicastInstance)
            return VrrpDiscard.None;
        VrrpPeer? peer = null;
        foreach (var p in peers)
        {
            if (p.Address.Equals(source))
            {
                peer = p;
                break;
            }
        }
        if (peer is null)
            return checkSource ? VrrpDiscard.NotAPeer : VrrpDiscard.None;
        if ((peer.MinTtl is { } min && ttlOrHopLimit < min) || (peer.MaxTtl is { } max && ttlOrHopLimit > max))
            return VrrpDiscard.PeerTtlOutOfRange;
        return VrrpDiscard.None;
    }
}
