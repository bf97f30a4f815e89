using System.Net;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// VRRPv2 "auth_type AH": the instance's adverts leave as whole IPv4 packets protected by <see cref="VrrpAh"/>
/// (TTL 255, our source, the group or each unicast peer; one sequence number and IP identification per advert, shared
/// by its unicast copies), numbered by the instance's <see cref="VrrpAhSequence"/>, which survives state changes,
/// reloads and restarts of this actor (it lives in <see cref="VrrpInstanceMemory"/>) and follows what the instance
/// accepts as keepalived's counter does.
/// </summary>
public sealed partial class VrrpInstanceActor
{
    /// <summary>The sequence number of the advert being stepped (null: not an AH advert).</summary>
    private uint? _heardAh;

    private bool UsesAh => _setup.Authentication.Type == VrrpAuthType.IpsecAh;

    /// <summary>An accepted advert: its AH number moves the counter (before the machine steps on it).</summary>
    private void HeardAh(AdvertIn advert)
    {
        _heardAh = advert.AhSequence;
        if (UsesAh && advert.AhSequence is { } sequence)
            _memory.AhSequence.Accepted(sequence, backup: _state.State == VrrpState.Backup);
    }

    /// <summary>Before a step's effects run: an instance becoming MASTER resets a cycled counter before its first
    /// advert as MASTER (keepalived vrrp_state_goto_master), which the machine emits ahead of the transition.</summary>
    private void BeforeEffects(IReadOnlyList<VrrpEffect> effects)
    {
        if (UsesAh && effects.Any(e => e is VrrpEffect.Transition { To: VrrpState.Master }))
            _memory.AhSequence.EnteringMaster();
    }

    /// <summary>The AH side of an effect: a MASTER hearing a lower priority syncs above its number; one stepping
    /// down for a higher one is no longer cycled.</summary>
    private void PerformAh(VrrpEffect effect)
    {
        if (!UsesAh)
            return;
        switch (effect)
        {
            case VrrpEffect.LowerPriorityAdvertSeen when _heardAh is { } heard:
                _memory.AhSequence.LowerPrioritySeen(heard);
                break;
            case VrrpEffect.Transition { From: VrrpState.Master, To: VrrpState.Backup, Reason: VrrpReason.HigherPriorityAdvert or VrrpReason.EqualPriorityHigherAddress }:
                _memory.AhSequence.HigherPrioritySeen();
                break;
        }
    }

    /// <summary>Wraps <paramref name="message"/> (a VRRPv2 message with auth type 2) for each destination and hands
    /// the packets to the I/O actor.</summary>
    private void SendAh(ReadOnlySpan<byte> message)
    {
        uint sequence = _memory.AhSequence.Next();
        ushort ipId = _memory.AhSequence.NextIpId();
        Span<byte> key = stackalloc byte[VrrpConstants.V2AuthDataLength];
        _setup.Authentication.WriteKey(key);
        Span<byte> source = stackalloc byte[16];
        Span<byte> target = stackalloc byte[16];
        bool unicast = _setup.UnicastPeers.Count > 0;
        IReadOnlyList<IPAddress> destinations = unicast ? _setup.UnicastPeers : [_setup.Destination];
        foreach (var destination in destinations)
        {
            var packet = new byte[VrrpAh.IpHeaderLength + VrrpAh.AhHeaderLength + message.Length];
            if (!_setup.Source.TryWriteBytes(source, out int s) || !destination.TryWriteBytes(target, out int t)
                || !VrrpAh.TryBuild(packet, source[..s], target[..t], ipId, VrrpConstants.Ttl, unicast, key, sequence, message, out int n))
            {
                _log.Error("{Instance}: cannot build an AH advert from {Source} to {Destination} (IPv4 only)", _setup.Name, _setup.Source, destination);
                continue;
            }
            Emit(packet.AsSpan(0, n), _setup.Source, destination);
        }
    }
}
