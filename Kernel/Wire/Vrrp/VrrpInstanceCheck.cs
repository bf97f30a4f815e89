namespace KeepAlive.Kernel.Wire.Vrrp;

/// <summary>What a receiving instance knows of itself for the checks that need its configuration.</summary>
/// <param name="Vrid">Its VRID.</param>
/// <param name="Priority">Its configured priority (255: it owns the addresses).</param>
/// <param name="IntervalCentiseconds">Its advertisement interval.</param>
/// <param name="Addresses">Its virtual addresses pre-serialised in advert order (4 or 16 bytes each).</param>
/// <param name="CheckAddresses">keepalived checks the address list of v2 adverts unless vrrp_skip_check_adv_addr.</param>
public readonly record struct VrrpInstanceReceiveSettings(byte Vrid, byte Priority, int IntervalCentiseconds, ReadOnlyMemory<byte> Addresses, bool CheckAddresses = true);

/// <summary>Findings that are logged (and counted) without dropping the advert.</summary>
[Flags]
public enum VrrpAdvertNotes
{
    None = 0,

    /// <summary>We own the addresses (priority 255) and someone else advertises them (V3-R6, erratum 8298: log).</summary>
    OwnerConflict = 1,

    /// <summary>A v3 advert's interval differs from ours: logged, and a backup adopts it (V3-R8).</summary>
    IntervalMismatch = 2,

    /// <summary>The advert's address list differs from ours: logged (V3-R8) — a v2 advert from a non-owner is dropped instead.</summary>
    AddressMismatch = 4,
}

/// <summary>
/// The receive checks that need the instance's configuration, after <see cref="VrrpCodec.TryDecode"/> accepted the
/// packet (vrrp-rules.md V3-R5, V3-R6, V3-R8, V2-R1; keepalived vrrp.c vrrp_check_packet). Pure.
/// </summary>
public static class VrrpInstanceCheck
{
    /// <summary>Finds the instance an advert is for among those configured on the receiving interface and family
    /// (V3-R5): its index in <paramref name="configuredVrids"/>, or -1 with <see cref="VrrpDiscard.UnknownVrid"/>.</summary>
    public static VrrpDiscard Route(in VrrpAdvert advert, ReadOnlySpan<byte> configuredVrids, out int index)
    {
        index = configuredVrids.IndexOf(advert.Vrid);
        return index < 0 ? VrrpDiscard.UnknownVrid : VrrpDiscard.None;
    }

    /// <summary>Checks an advert against the instance it was routed to. A discard drops it; notes are logged.</summary>
    public static VrrpDiscard Check(in VrrpAdvert advert, ReadOnlySpan<byte> packet, in VrrpInstanceReceiveSettings settings, out VrrpAdvertNotes notes)
    {
        notes = VrrpAdvertNotes.None;
        if (advert.Vrid != settings.Vrid)
            return VrrpDiscard.UnknownVrid;

        // V2-R1: a v2 interval must equal ours (keepalived drops it to avoid two masters); V3-R8: v3 only logs.
        if (advert.IntervalCentiseconds != settings.IntervalCentiseconds)
        {
            if (advert.Version == 2)
                return VrrpDiscard.IntervalMismatch;
            notes |= VrrpAdvertNotes.IntervalMismatch;
        }

        // V3-R6: owner conflict is logged, not dropped (erratum 8298).
        if (settings.Priority == VrrpConstants.OwnerPriority && advert.Priority != 0)
            notes |= VrrpAdvertNotes.OwnerConflict;

        // V3-R8 / V2-R1: compare the address list; keepalived drops a mismatching v2 advert unless it comes from the
        // owner (priority 255) or the check is off, and only logs for v3.
        if (!SameAddresses(advert, packet, settings.Addresses.Span))
        {
            notes |= VrrpAdvertNotes.AddressMismatch;
            if (advert.Version == 2 && settings.CheckAddresses && advert.Priority != VrrpConstants.OwnerPriority)
                return VrrpDiscard.AddressMismatch;
        }
        return VrrpDiscard.None;
    }

    private static bool SameAddresses(in VrrpAdvert advert, ReadOnlySpan<byte> packet, ReadOnlySpan<byte> ours)
    {
        int length = advert.AddressCount * advert.AddressLength;
        if (ours.Length != length)
            return false;
        var theirs = packet.Slice(VrrpConstants.HeaderLength, length);
        // Order does not matter: every address of theirs is one of ours (counts are equal).
        for (int i = 0; i < advert.AddressCount; i++)
        {
            var address = theirs.Slice(i * advert.AddressLength, advert.AddressLength);
            bool found = false;
            for (int j = 0; j < advert.AddressCount && !found; j++)
                found = address.SequenceEqual(ours.Slice(j * advert.AddressLength, advert.AddressLength));
            if (!found)
                return false;
        }
        return true;
    }
}
