using System.Collections.Immutable;
using System.Net;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// What an instance actor has seen, for its report: keepalived's counters (since start and since STATS_CLEAR), the
/// last transition, the last advert of each router heard and who the master is. Owned by the actor (single-threaded);
/// fed with each machine step and each advert, it decides nothing. Peers are bounded: a flood of spoofed sources
/// keeps only the <see cref="MaxPeers"/> most recent. An advert from a router already known allocates nothing.
/// </summary>
public sealed class InstanceObservations(IPAddress ownAddress)
{
    /// <summary>The most routers remembered.</summary>
    public const int MaxPeers = 16;

    private readonly Counters _sinceClear = new();
    private readonly Counters _lifetime = new();
    private readonly PeerTable _peers = new(MaxPeers);
    private IPAddress? _lastHeard;

    /// <summary>The last transition, if any.</summary>
    public TransitionRecord? LastTransition { get; private set; }

    /// <summary>Adverts sent by the timer thread (<see cref="SentRepeats"/>) since the instance started.</summary>
    public long Paced { get; private set; }

    /// <summary>Who is MASTER as far as we know.</summary>
    public IPAddress? MasterAddress { get; private set; }

    /// <summary>keepalived's counters since the last <see cref="Clear"/>.</summary>
    public VrrpInstanceStats Stats => _sinceClear.ToStats();

    /// <summary>The counters since the actor started.</summary>
    public VrrpInstanceStats Totals => _lifetime.ToStats();

    /// <summary>The last advert of each router, newest first.</summary>
    public ImmutableArray<PeerAdvert> Peers => _peers.Snapshot();

    /// <summary>A valid advert arrived (before the machine sees it); <paramref name="count"/> > 1: the last of as
    /// many identical ones (absorbed by the receive side).</summary>
    public void Heard(AdvertIn advert, long nowMicros, DateTimeOffset wall, long count = 1)
    {
        _lastHeard = _peers.Heard(advert.Source, advert.Priority, advert.IntervalCentiseconds, advert.ChecksumFlavour, advert.TtlOrHopLimit, wall, nowMicros);
        _sinceClear.AdvertRcvd += count;
        _lifetime.AdvertRcvd += count;
        if (advert.Priority == 0)
        {
            _sinceClear.PriZeroRcvd += count;
            _lifetime.PriZeroRcvd += count;
        }
    }

    /// <summary>Adverts the timer thread sent for the instance (<see cref="AdvertPacer"/>): never priority 0.</summary>
    public void SentRepeats(long count)
    {
        Paced += count;
        _sinceClear.AdvertSent += count;
        _lifetime.AdvertSent += count;
    }

    /// <summary>One machine step happened: count what it sent and changed, and follow the master.</summary>
    public void Stepped(VrrpInput input, VrrpMachineState after, IReadOnlyList<VrrpEffect> effects, DateTimeOffset wall)
    {
        bool acceptedMaster = false;
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case VrrpEffect.SendAdvert send:
                    Both(c => c.AdvertSent++);
                    if (send.Priority == 0)
                        Both(c => c.PriZeroSent++);
                    break;
                case VrrpEffect.Transition t:
                    LastTransition = new TransitionRecord(t.From, t.To, t.Reason, wall, input.Now);
                    if (t.To == VrrpState.Master)
                        Both(c => c.BecomeMaster++);
                    if (t.From == VrrpState.Master && t.To is VrrpState.Backup or VrrpState.Fault)
                        Both(c => c.ReleaseMaster++);
                    break;
                case VrrpEffect.StartTimer { Timer: VrrpTimer.MasterDown }:
                    acceptedMaster = true;
                    break;
            }
        }
        if (after.State == VrrpState.Master)
            MasterAddress = ownAddress;
        else if (after.State != VrrpState.Backup)
            MasterAddress = null;
        else if (input is VrrpInput.AdvertReceived a && acceptedMaster)
            MasterAddress = a.Priority == 0 ? null : _lastHeard;       // a priority-0 advert: the master is leaving
        else if (effects.Any(e => e is VrrpEffect.Transition))
            MasterAddress = null;                                        // just entered BACKUP: not heard anyone yet
    }

    /// <summary>STATS_CLEAR.</summary>
    public void Clear() => _sinceClear.Reset();

    private void Both(Action<Counters> change)
    {
        change(_sinceClear);
        change(_lifetime);
    }

    private sealed class Counters
    {
        public long AdvertRcvd;
        public long AdvertSent;
        public long BecomeMaster;
        public long ReleaseMaster;
        public long PriZeroRcvd;
        public long PriZeroSent;

        public void Reset() => AdvertRcvd = AdvertSent = BecomeMaster = ReleaseMaster = PriZeroRcvd = PriZeroSent = 0;

        public VrrpInstanceStats ToStats() => VrrpInstanceStats.Zero with
        {
            AdvertRcvd = AdvertRcvd, AdvertSent = AdvertSent, BecomeMaster = BecomeMaster, ReleaseMaster = ReleaseMaster,
            PriZeroRcvd = PriZeroRcvd, PriZeroSent = PriZeroSent,
        };
    }
}
