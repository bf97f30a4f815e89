using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>An instance joins its interface's I/O actor: adverts for <paramref name="Vrid"/> go to the sender.</summary>
/// <param name="Vrid">The VRID.</param>
/// <param name="Context">Codec settings (version, authentication, checksum flavour...).</param>
/// <param name="Check">The instance checks (interval, addresses).</param>
/// <param name="Peers">Its unicast peers with their TTL ranges (empty: a multicast instance).</param>
/// <param name="CheckUnicastSource">check_unicast_src: adverts from other sources are dropped.</param>
public sealed record RegisterInstance(byte Vrid, VrrpReceiveContext Context, VrrpInstanceReceiveSettings Check, IReadOnlyList<VrrpPeer>? Peers = null, bool CheckUnicastSource = false)
{
    /// <summary>Where the receive thread notes the repeats of the instance's steady advert instead of telling it
    /// (<see cref="AdvertInbox"/>); null: every advert is told.</summary>
    public AdvertInbox? Inbox { get; init; }
}

/// <summary>A valid advert for the instance (the codec and the instance checks passed).</summary>
/// <param name="Priority">Advertised priority.</param>
/// <param name="IntervalCentiseconds">Advertised interval.</param>
/// <param name="Source">Source address bytes (network order).</param>
/// <param name="Notes">What the checks noticed without discarding it.</param>
/// <param name="ChecksumFlavour">The checksum flavour the advert was accepted with.</param>
/// <param name="TtlOrHopLimit">Its IPv4 TTL or IPv6 hop limit (-1: not known).</param>
public sealed record AdvertIn(int Priority, int IntervalCentiseconds, byte[] Source, VrrpAdvertNotes Notes, VrrpChecksumFlavour ChecksumFlavour, int TtlOrHopLimit = -1)
{
    /// <summary>The IPsec AH sequence number of an AH advert (null without AH): the instance's own counter follows it.</summary>
    public uint? AhSequence { get; init; }

    /// <summary>How long before the I/O actor read it the advert reached the socket (<see cref="KeepAlive.Kernel.Ports.VrrpDatagram.Age"/>).</summary>
    public TimeSpan Age { get; init; }
}

/// <summary>Send these advert bytes: a VRRP message, or for an AH instance the whole IPv4 packet
/// (<see cref="VrrpAh.TryBuild"/>).</summary>
public sealed record SendAdvertBytes(byte[] Payload, IPAddress Source, IPAddress Destination);

/// <summary>The I/O actor's answer to <see cref="RegisterInstance"/>: its socket's send side, for the instance to send
/// its adverts itself.</summary>
public sealed record AdvertChannelOffer(AdvertChannel Channel);

/// <summary>Asks the I/O actor for its counters.</summary>
public sealed record GetIoStatus
{
    public static GetIoStatus Instance { get; } = new();
}

/// <summary>Adverts received, sent and discarded per reason.</summary>
public sealed record IoStatus(long Received, long Sent, long SendFailures, IReadOnlyDictionary<VrrpDiscard, long> Discards)
{
    /// <summary>The discards whose VRID has a registered instance, per VRID, since the actor's first start.</summary>
    public IReadOnlyDictionary<byte, IReadOnlyDictionary<VrrpDiscard, long>> DiscardsByVrid { get; init; } =
        new Dictionary<byte, IReadOnlyDictionary<VrrpDiscard, long>>();

    /// <summary>The same since the last <see cref="ClearIoStats"/> (keepalived's STATS_CLEAR).</summary>
    public IReadOnlyDictionary<byte, IReadOnlyDictionary<VrrpDiscard, long>> DiscardsByVridSinceClear { get; init; } =
        new Dictionary<byte, IReadOnlyDictionary<VrrpDiscard, long>>();

    /// <summary>Of <see cref="Received"/>, the repeats of an instance's steady advert the receive thread absorbed into
    /// its <see cref="AdvertInbox"/> instead of telling it.</summary>
    public long Absorbed { get; init; }

    /// <summary>The socket's interface.</summary>
    public string Interface { get; init; } = "";

    /// <summary>The socket's family.</summary>
    public System.Net.Sockets.AddressFamily Family { get; init; }
}

/// <summary>STATS_CLEAR: zero the per-VRID discard counters kept for keepalived's stats (totals stay).</summary>
public sealed record ClearIoStats
{
    public static ClearIoStats Instance { get; } = new();
}

/// <summary>The instance <paramref name="Instance"/> no longer uses this I/O actor (it stopped on reload, or moved to
/// another one): adverts for <paramref name="Vrid"/> are no longer routed to it. A registration of another actor for
/// the VRID stays.</summary>
public sealed record UnregisterInstance(byte Vrid, Akka.Actor.IActorRef Instance);
