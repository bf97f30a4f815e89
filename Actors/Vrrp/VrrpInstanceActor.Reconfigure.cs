using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>A reload changed this instance (same reload key, so the same actor): apply <paramref name="Setup"/> and
/// <paramref name="Links"/> from now on and keep the runtime state (VRRP state, timers' phase, counters).</summary>
public sealed record Reconfigure(VrrpInstanceSetup Setup, VrrpInstanceLinks Links);

/// <summary>A reload removed this instance (keepalived <c>clear_diff_vrrp</c>): a MASTER sends priority 0 and
/// releases what it holds; the notifier is told DELETED (FAULT without notify_deleted; nothing for an instance in FAULT)
/// instead of STOP; the I/O actor forgets it. Answered with <see cref="InstanceStopped"/> once the release is queued.</summary>
public sealed record RemoveInstance
{
    public static RemoveInstance Instance { get; } = new();
}

/// <summary>What an instance actor keeps across its restarts: the setup and links of the last reload (null: those of
/// its Props) and its AH sequence counter.</summary>
public sealed class VrrpInstanceMemory
{
    internal (VrrpInstanceSetup Setup, VrrpInstanceLinks Links)? Current { get; set; }

    /// <summary>The IPsec AH sequence counter (keepalived keeps it across reloads too).</summary>
    internal VrrpAhSequence AhSequence { get; } = new();

    /// <summary>The receive side's shortcut for repeated adverts (one per instance; reset by each incarnation).</summary>
    internal AdvertInbox? Inbox { get; set; }
}

/// <summary>
/// Reload of a running instance (keepalived vrrp.c <c>clear_diff_vrrp</c> and <c>restore_vrrp_state</c>): the
/// state is kept; new priority, interval, preemption and tracking weights apply from now
/// (<see cref="VrrpInput.Reconfigured"/>: never a transition by itself); a MASTER whose set changed makes the effector
/// hold exactly the new set (<see cref="ReplaceAddresses"/>: only the difference is added and removed) and sends
/// gratuitous ARPs / NAs for the added addresses only; the I/O actor gets the new registration when it changed. A
/// failed replacement was rolled back by the effector: it is retried every <see cref="ReacquireAfter"/> while MASTER;
/// an instance that left MASTER meanwhile releases what the old set had and the new one has not.
/// </summary>
public sealed partial class VrrpInstanceActor
{
    private readonly VrrpInstanceMemory _memory;
    private readonly Dictionary<string, Tracking.TrackedStatus> _known = new(StringComparer.Ordinal);
    private long _replaceOp;
    private KernelSet _stale = KernelSet.Empty;

    private sealed record RetryReplace
    {
        public static RetryReplace Instance { get; } = new();
    }

    private void ReceiveReconfigure()
    {
        Receive<Reconfigure>(OnReconfigure);
        Receive<OpCompleted>(d => d.OpId == _replaceOp, OnReplaced);
        Receive<RetryReplace>(_ => OnRetryReplace());
        Receive<RemoveInstance>(_ => OnRemove());
    }

    /// <summary>The receive registration of the current setup.</summary>
    private RegisterInstance Registration()
    {
        var s = _setup.Settings;
        bool unicast = _setup.UnicastPeers.Count > 0;
        var context = new VrrpReceiveContext((byte)s.Version, _setup.Source, unicast ? _setup.Source : _setup.Destination, 255, CheckTtl: !unicast,
            ChecksumFlavour: _setup.ChecksumFlavour, ChecksumPolicy: VrrpChecksumPolicy.Detect, Authentication: _setup.Authentication);
        return new RegisterInstance(s.Vrid, context, new VrrpInstanceReceiveSettings(s.Vrid, (byte)s.Priority,
            (int)(s.AdvertIntervalMicros / VrrpTimers.MicrosPerCentisecond), _vipBytes), _setup.PeerChecks, _setup.CheckUnicastSource)
        {
            Inbox = _inbox,
        };
    }

    private void OnReconfigure(Reconfigure r)
    {
        var old = _setup;
        var oldLinks = _links;
        var change = VrrpReconfiguration.Between(old, r.Setup);
        bool wasFaulted = Faulted;
        int oldPriority = _state.EffectivePriority;

        _setup = r.Setup with { StartAfter = old.StartAfter };
        if (!ReferenceEquals(old.Goodbyes, _setup.Goodbyes))
        {
            old.Goodbyes?.Remove(_pacer);
            _setup.Goodbyes?.Add(_pacer);
        }
        _links = r.Links;
        _io = r.Links.Io;
        _syncGroup = r.Links.SyncGroup;
        _vipBytes = _setup.VirtualAddresses.SelectMany(a => a.Address.GetAddressBytes()).ToArray();
        _masterSet = _setup.MasterSet ?? KernelSet.Of(_setup.VirtualAddresses);
        _gratuitous = BuildGratuitous(_setup, _masterSet);
        _memory.Current = (_setup, _links);
        _log.Info("{Instance}: reloaded{Renamed} (state {State} kept)", _setup.Name, change.Renamed ? $" (was {old.Name})" : "", _state.State);

        if (!oldLinks.Io.Equals(_io))
        {
            oldLinks.Io.Tell(new UnregisterInstance(old.Settings.Vrid, Self));
            _channel = null;                                   // the new I/O actor offers its own
        }
        if (change.RegistrationChanged || !oldLinks.Io.Equals(_io))
            _io.Tell(Registration());

        // Before any step: the machine may leave MASTER below (a new fault), and then releases the new set.
        if (_state.State == VrrpState.Master && (!change.MasterSet.IsEmpty || change.Renamed))
        {
            _stale = change.MasterSet.Removed;
            _replaceOp = ++_nextOp;
            _effector.Tell(new ReplaceAddresses(_replaceOp, _setup.Name, _masterSet, change.Renamed ? old.Name : null));
            var added = BuildGratuitous(_setup, change.MasterSet.Added);
            if (added.Length > 0)
            {
                var frames = Enumerable.Repeat(added, Math.Max(1, _setup.Settings.GarpMasterRepeat)).SelectMany(f => f).ToList();
                _effector.Tell(new SendFrames(++_nextOp, _setup.Interface, frames));
            }
        }

        // Tracking: forget what is no longer tracked, weigh what is known with the new weights, ask the new trackers.
        foreach (var dropped in change.DroppedTrackers)
            _trackers.Remove(dropped);
        foreach (var (tracker, effect) in VrrpReconfiguration.Effects(_setup.Tracked, _known))
            _trackers[tracker] = effect;
        foreach (var tracker in (_links.Trackers ?? []).Where(t => !(oldLinks.Trackers ?? []).Contains(t)))
            tracker.Tell(Tracking.QueryTracked.Instance);

        int priority = EffectivePriority.Compute(_setup.Settings.Priority, _trackers.Select(t => new PriorityContribution(t.Key, t.Value.Contribution)));
        long now = _clock();
        Step(new VrrpInput.Reconfigured(now, priority, old.Settings));
        if (_state.EffectivePriority != oldPriority)
        {
            _log.Info("{Instance}: effective priority {Old} -> {New} after reload", _setup.Name, oldPriority, _state.EffectivePriority);
            _links.Notifier?.Tell(new Notify.InstancePriorityChanged(_setup.Name, _state.State == VrrpState.Master, _state.EffectivePriority));
        }
        if (Faulted != wasFaulted)
            Step(new VrrpInput.FaultChanged(now, Faulted));
        if (_syncGroup is not null && (!Equals(oldLinks.SyncGroup, _syncGroup) || change.Renamed))
        {
            // A new group (or a new name in it) learns of the member and where it stands now.
            _syncGroup.Tell(new Sync.JoinSyncGroup(_setup.Name));
            _syncGroup.Tell(new Sync.SyncInput.Changed(_setup.Name, _state.State, VrrpReason.Startup, Faulted));
        }
    }

    private void OnRemove()
    {
        var notifier = _links.Notifier;
        bool wasFault = _state.State == VrrpState.Fault;
        _links = _links with { Notifier = null };          // DELETED, not STOP
        Step(new VrrpInput.Shutdown(_clock()));
        if (_stale.Count > 0)
            _effector.Tell(new ReleaseAddresses(++_nextOp, _setup.Name, _stale));
        _stale = KernelSet.Empty;
        notifier?.Tell(new Notify.InstanceDeleted(_setup.Name, wasFault, _state.EffectivePriority));
        _io.Tell(new UnregisterInstance(_setup.Settings.Vrid, Self));
        _log.Info("{Instance}: removed by the reload", _setup.Name);
        Sender.Tell(new InstanceStopped(_setup.Name));
    }

    private bool Faulted => _trackers.Values.Any(t => t.Faulting) || _setup.ConfigFault is not null;

    private void OnReplaced(OpCompleted done)
    {
        if (done.Result.IsOk)
        {
            _stale = KernelSet.Empty;
            return;
        }
        _log.Warning("{Instance}: kernel op {Op} (the reloaded set) failed: {Result}; retrying in {Delay}", _setup.Name, done.OpId, done.Result, ReacquireAfter);
        Timers.StartSingleTimer(RetryReplace.Instance, RetryReplace.Instance, ReacquireAfter);
    }

    private void OnRetryReplace()
    {
        if (_state.State == VrrpState.Master)
        {
            _replaceOp = ++_nextOp;
            _effector.Tell(new ReplaceAddresses(_replaceOp, _setup.Name, _masterSet));
            return;
        }
        // It left MASTER (and released the new set): what only the old set had may still be held.
        if (_stale.Count > 0)
            _effector.Tell(new ReleaseAddresses(++_nextOp, _setup.Name, _stale));
        _stale = KernelSet.Empty;
        _replaceOp = 0;
    }
}
