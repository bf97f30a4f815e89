using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// What a socket logs about the adverts it discards. keepalived logs every one, so a flood of bad packets floods the
/// log; here the first discard of each reason in an episode is logged at once (with its source), the rest are counted
/// and summed up in one line per summary period while they go on, and a quiet period ends the episode. Adverts for
/// VRIDs this host does not run, and IPsec AH packets of other protocols, are normal on a shared LAN: counted, never
/// logged. Pure: the owner's timer calls
/// <see cref="Summarise"/>.
/// </summary>
public sealed class DiscardLog
{
    private readonly HashSet<VrrpDiscard> _announced = [];
    private readonly SortedDictionary<VrrpDiscard, long> _pending = [];

    /// <summary>True while a summary is due (the owner keeps its timer running).</summary>
    public bool SummaryDue { get; private set; }

    /// <summary>Records a discard; returns the line to log now, or null. Nothing is formatted unless a line is due (a
    /// flood of bad packets must not cost a string each).</summary>
    public string? Discarded(VrrpDiscard reason, System.Net.IPAddress source, string where)
    {
        if (reason is VrrpDiscard.None or VrrpDiscard.UnknownVrid or VrrpDiscard.AhOtherProtocol)
            return null;
        SummaryDue = true;
        if (_announced.Add(reason))
            return $"{where}: discarded an advert from {source}: {Describe(reason)} (further discards are summed up periodically)";
        _pending[reason] = _pending.GetValueOrDefault(reason) + 1;
        return null;
    }

    /// <summary>The summary of the discards since the last line, or null after a quiet period (which ends the
    /// episode: the next discard is logged at once again).</summary>
    public string? Summarise(string where, TimeSpan period)
    {
        if (_pending.Count == 0)
        {
            _announced.Clear();
            SummaryDue = false;
            return null;
        }
        var line = $"{where}: {_pending.Values.Sum()} more adverts discarded in the last {period.TotalSeconds:0} s: "
            + string.Join(", ", _pending.Select(p => $"{Describe(p.Key)} {p.Value}"));
        _pending.Clear();
        return line;
    }

    /// <summary>keepalived's wording where it has one.</summary>
    public static string Describe(VrrpDiscard reason) => reason switch
    {
        VrrpDiscard.BadTtl => "invalid TTL/HL",
        VrrpDiscard.BadVersion => "invalid version",
        VrrpDiscard.BadType => "invalid packet type",
        VrrpDiscard.BadLength => "invalid packet length",
        VrrpDiscard.BadChecksum => "invalid checksum",
        VrrpDiscard.ZeroInterval => "advert interval 0",
        VrrpDiscard.AuthTypeMismatch => "auth type mismatch",
        VrrpDiscard.AuthFailure => "authentication failure",
        VrrpDiscard.AhBadIcv => "IPSEC-AH: invalid HMAC-MD5 value (fields mutated or bad password)",
        VrrpDiscard.AhBadSpi => "IPSEC-AH: invalid SPI value",
        VrrpDiscard.AhReplay => "IPSEC-AH: sequence number already processed",
        _ => reason.ToString(),
    };
}
