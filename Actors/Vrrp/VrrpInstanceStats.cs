using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// keepalived 2.2.7's per-instance counters (vrrp_stats in vrrp.h; the names of keepalived.json's "stats"), zeroed by
/// STATS_CLEAR. Receive errors come from the I/O actor's discards for the instance's VRID
/// (<see cref="WithDiscards"/>); keepalived's <c>invalid_authtype</c> (type above 2) is counted with
/// <c>authtype_mismatch</c> by our codec, so it stays 0.
/// </summary>
public sealed record VrrpInstanceStats(
    long AdvertRcvd,
    long AdvertSent,
    long BecomeMaster,
    long ReleaseMaster,
    long PacketLenErr,
    long AdvertIntervalErr,
    long IpTtlErr,
    long InvalidTypeRcvd,
    long AddrListErr,
    long InvalidAuthtype,
    long AuthtypeMismatch,
    long AuthFailure,
    long PriZeroRcvd,
    long PriZeroSent)
{
    public static VrrpInstanceStats Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The counters with the receive errors of <paramref name="discards"/> (the I/O actor's count for this
    /// instance's VRID) added in keepalived's categories; reasons keepalived has no counter for are left out.</summary>
    public VrrpInstanceStats WithDiscards(IReadOnlyDictionary<VrrpDiscard, long> discards)
    {
        long Get(VrrpDiscard d) => discards.TryGetValue(d, out var n) ? n : 0;
        return this with
        {
            PacketLenErr = PacketLenErr + Get(VrrpDiscard.BadLength),
            AdvertIntervalErr = AdvertIntervalErr + Get(VrrpDiscard.IntervalMismatch),
            IpTtlErr = IpTtlErr + Get(VrrpDiscard.BadTtl) + Get(VrrpDiscard.PeerTtlOutOfRange),
            InvalidTypeRcvd = InvalidTypeRcvd + Get(VrrpDiscard.BadType),
            AddrListErr = AddrListErr + Get(VrrpDiscard.AddressMismatch),
            AuthtypeMismatch = AuthtypeMismatch + Get(VrrpDiscard.AuthTypeMismatch),
            AuthFailure = AuthFailure + Get(VrrpDiscard.AuthFailure) + Get(VrrpDiscard.AhBadIcv) + Get(VrrpDiscard.AhBadSpi) + Get(VrrpDiscard.AhReplay),
        };
    }

    /// <summary>The counters as keepalived.json names them, in its order.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Named() =>
    [
        new("advert_rcvd", AdvertRcvd), new("advert_sent", AdvertSent), new("become_master", BecomeMaster),
        new("release_master", ReleaseMaster), new("packet_len_err", PacketLenErr), new("advert_interval_err", AdvertIntervalErr),
        new("ip_ttl_err", IpTtlErr), new("invalid_type_rcvd", InvalidTypeRcvd), new("addr_list_err", AddrListErr),
        new("invalid_authtype", InvalidAuthtype), new("authtype_mismatch", AuthtypeMismatch), new("auth_failure", AuthFailure),
        new("pri_zero_rcvd", PriZeroRcvd), new("pri_zero_sent", PriZeroSent),
    ];
}
