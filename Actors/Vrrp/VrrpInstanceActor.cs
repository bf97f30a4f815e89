using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Timing;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Frames;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Vrrp;

/// <summary>Everything an instance actor needs from the configuration and the host.</summary>
public sealed record VrrpInstanceSetup
{
    public required string Name { get; init; }

    public required VrrpSettings Settings { get; init; }

    /// <summary>Where the VIPs live and their gratuitous ARPs / NAs leave (the VMAC with use_vmac:
    /// <see cref="Plane.InstancePlane.AddressInterface"/>).</summary>
    public required string Interface { get; init; }

    /// <summary>The MAC of <see cref="Interface"/> (the VMAC's with use_vmac).</summary>
    public required byte[] InterfaceMac { get; init; }

    /// <summary>Advert source (primary IPv4 or link-local).</summary>
    public required IPAddress Source { get; init; }

    /// <summary>The group or the unicast peer.</summary>
    public required IPAddress Destination { get; init; }

    /// <summary>The advertised VIPs.</summary>
    public required IReadOnlyList<InterfaceAddress> VirtualAddresses { get; init; }

    /// <summary>What MASTER holds: VIPs, eVIPs, virtual routes and rules (<see cref="Plane.InstancePlane.MasterSet"/>).
    /// Null: the VIPs alone.</summary>
    public KernelSet? MasterSet { get; init; }

    /// <summary>Addresses (no_track) whose removal by someone else does not take the instance out of MASTER.</summary>
    public IReadOnlySet<AddressKey> NotTracked { get; init; } = new HashSet<AddressKey>();

    public VrrpAuthentication Authentication { get; init; }

    public VrrpChecksumFlavour ChecksumFlavour { get; init; } = VrrpChecksumFlavour.PseudoHeader;

    public GratuitousProfile Gratuitous { get; init; } = GratuitousProfile.Keepalived;

    public bool UseVmac { get; init; }

    /// <summary>Unicast peers (adverts go to each); empty for multicast.</summary>
    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = [];

    /// <summary>The unicast peers with their TTL ranges, as the receive path checks them.</summary>
    public IReadOnlyList<VrrpPeer> PeerChecks { get; init; } = [];

    /// <summary>check_unicast_src: unicast adverts from anyone but a peer are dropped.</summary>
    public bool CheckUnicastSource { get; init; }

    /// <summary>Trackers whose first report the instance waits for before it leaves INIT (keepalived holds an
    /// instance in its initial state until every tracked vrrp_script has a first result: num_script_init).</summary>
    public IReadOnlyList<string> StartAfter { get; init; } = [];

    /// <summary>Why this instance cannot run (a missing interface or source address): it stays in FAULT.</summary>
    public string? ConfigFault { get; init; }

    /// <summary>The tracked objects (interfaces, scripts, files, processes) with this instance's weights.</summary>
    public IReadOnlyList<Tracking.TrackedBinding> Tracked { get; init; } = [];

    /// <summary>Where this instance's priority-0 advert waits for the node's stop (<see cref="GoodbyeRoster"/>); null:
    /// it sends it when it resigns.</summary>
    public GoodbyeRoster? Goodbyes { get; init; }

    /// <summary>Logs nothing (the node's rehearsal instance: <see cref="Node.ActorPathRehearsal"/>).</summary>
    public bool Quiet { get; init; }

    /// <summary>How long before the master-down deadline its tick is scheduled, the rest waited out on the CPU
    /// (<see cref="LazyDeadline"/>); 0 (specs on virtual time): the tick is scheduled for the deadline.</summary>
    public long MasterDownLeadMicros { get; init; }

    /// <summary>The grid a MASTER's periodic advert deadlines are rounded up to, so the node's instances send theirs in
    /// one wake-up of the timer thread (<see cref="VrrpInstanceActor.ScheduleAdvertFor"/>); 0 (specs on virtual time,
    /// which step whole intervals): none.</summary>
    public long AdvertGridMicros { get; init; }
}

/// <summary>Sent to the instance by trackers, the sync group and the node. <paramref name="HeadStart"/>: with a Force
/// to MASTER, the acquisition its sync group put in the takeover's batch on its behalf.</summary>
public sealed record InstanceCommand(VrrpInputKind Kind, int Value = 0, VrrpState State = VrrpState.Backup, HeadStart? HeadStart = null);

/// <summary>A sync group taking over put a member's set (<paramref name="Set"/>, the one the member sent with its wish)
/// in its takeover's <paramref name="Batch"/> as op <paramref name="OpId"/> (negative: the group's numbering), answered
/// to the member. The member sends the batch if no member has yet, then adopts the op as its own acquisition when it
/// becomes MASTER with that set, or releases the set when it does not.</summary>
public sealed record HeadStart(long OpId, KernelSet Set, Sync.HeadStartBatch Batch);

/// <summary>The inputs an instance accepts from outside (adverts and timers come their own way).</summary>
public enum VrrpInputKind
{
    Shutdown,
    Fault,
    FaultCleared,
    Priority,
    Force,

    /// <summary>Another member of the sync group lost an address: leave MASTER as if this one had.</summary>
    SiblingAddressLost,
}

/// <summary>Published on the event stream at every transition.</summary>
/// <summary>Published on the event stream and sent to the instance's notifier at every transition, in order.</summary>
/// <param name="Instance">The vrrp_instance name.</param>
/// <param name="Vrid">Its VRID.</param>
/// <param name="Family">Its address family.</param>
/// <param name="From">The state it left.</param>
/// <param name="To">The state it entered.</param>
/// <param name="Reason">Why.</param>
/// <param name="Priority">The effective priority at the transition (keepalived's notify and FIFO priority).</param>
public sealed record InstanceStateChanged(string Instance, byte Vrid, AddressFamily Family, VrrpState From, VrrpState To, VrrpReason Reason, int Priority);

/// <summary>The node is stopping: leave as on SIGTERM (a MASTER sends priority 0 and releases its addresses), then
/// answer <see cref="InstanceStopped"/> once every effect has been handed on (the effector has the release queued).</summary>
public sealed record StopInstance
{
    public static StopInstance Instance { get; } = new();
}

/// <summary>The node is about to stop (<see cref="StopInstance"/> follows): a MASTER sends its priority-0 advert now,
/// keeping its addresses until the stop; the instance takes nothing else but the stop from now on
/// (<see cref="VrrpInput.Resign"/>). Told to every instance before any is stopped, so every priority 0 is on the wire
/// before the first release and the rest of the node's stop work. No answer.</summary>
public sealed record ResignInstance
{
    public static ResignInstance Instance { get; } = new();
}

/// <summary>The answer to <see cref="StopInstance"/>.</summary>
public sealed record InstanceStopped(string Instance);

/// <summary>Asks an instance for its state.</summary>
public sealed record GetInstanceStatus
{
    public static GetInstanceStatus Instance { get; } = new();
}

/// <summary>An instance's state as its status request sees it.</summary>
/// <param name="Name">The vrrp_instance name.</param>
/// <param name="State">Its state.</param>
/// <param name="EffectivePriority">Configured priority with every tracker's contribution, clamped.</param>
/// <param name="MasterPriority">The priority of the master it last heard.</param>
/// <param name="Transitions">Transitions since the actor (re)started.</param>
/// <param name="OwnFault">One of its own fault sources fails (not merely forced to FAULT by its sync group).</param>
public sealed record InstanceStatus(string Name, VrrpState State, int EffectivePriority, int MasterPriority, long Transitions, bool OwnFault = false);

/// <summary>
/// One vrrp_instance: feeds adverts, timer firings and commands to <see cref="VrrpMachine"/> and performs its effects
/// — timers with IWithTimers (a generation in each message, stale firings are ignored by the machine), adverts through
/// its I/O actor, addresses and gratuitous frames through the effector. Thin: no protocol decision is made here.
/// </summary>
public sealed partial class VrrpInstanceActor : ReceiveActor, IWithTimers
{
    private VrrpInstanceSetup _setup;
    private IActorRef _io;

    /// <summary>The I/O actor's send side once it answered the registration (until then adverts go through it).</summary>
    private AdvertChannel? _channel;

    /// <summary>The last send failure logged (a failing interface fails every advert: logged once until a send works).</summary>
    private int _sendErrno;
    private readonly IActorRef _effector;
    private IActorRef? _syncGroup;
    private VrrpInstanceLinks _links;
    private readonly Func<long> _clock;
    private readonly ILoggingAdapter _log;
    private byte[] _vipBytes;
    private byte[][] _gratuitous;
    private KernelSet _masterSet;
    private readonly byte[] _advert = new byte[1500];
    private VrrpMachineState _state;
    private long _nextOp;
    private long _transitions;

    public VrrpInstanceActor(VrrpInstanceSetup setup, VrrpInstanceLinks links, Func<long> clock, VrrpInstanceMemory? memory = null)
    {
        _memory = memory ?? new VrrpInstanceMemory();
        (setup, links) = _memory.Current ?? (setup, links);     // a restart after a reload runs the reloaded setup
        _setup = setup;
        _masterDown = new LazyDeadline(setup.MasterDownLeadMicros);
        _log = setup.Quiet ? Akka.Event.NoLogger.Instance : Context.GetLogger();
        _links = links;
        _io = links.Io;
        _effector = links.Effector;
        _syncGroup = links.SyncGroup;
        _clock = clock;
        _state = VrrpMachineState.Initial(setup.Settings);
        _vipBytes = setup.VirtualAddresses.SelectMany(a => a.Address.GetAddressBytes()).ToArray();
        _masterSet = setup.MasterSet ?? KernelSet.Of(setup.VirtualAddresses);
        _gratuitous = BuildGratuitous(setup, _masterSet);
        _observations = new InstanceObservations(setup.Source);
        _inbox = _memory.Inbox ??= new AdvertInbox(clock);
        _inbox.Reset();                                         // nothing a former incarnation published is repeated
        Receive<AdvertIn>(a =>
        {
            long now = _clock();
            // The advert's time is its arrival (the kernel's receive timestamp), not when this thread got to it — up to a
            // limit: after a stall the socket holds adverts of the seconds before, and dating the first one back fully
            // would expire the master-down timer before its successors are read.
            long age = Math.Min(a.Age.Ticks, ArrivalBackdateLimit.Ticks) / TimeSpan.TicksPerMicrosecond;
            Hear(a, now - Math.Max(0, age), 1, now);
        });
        Receive<Tick>(OnTick);
        Receive<AdvertChannelOffer>(o =>
        {
            if (Sender.Equals(_io))
                _channel = o.Channel;
        });
        Receive<InstanceCommand>(OnCommand);
        Receive<ResignInstance>(_ => Step(new VrrpInput.Resign(_clock())));
        Receive<StopInstance>(_ =>
        {
            Step(new VrrpInput.Shutdown(_clock()));
            Sender.Tell(new InstanceStopped(_setup.Name));
        });
        ReceiveReconfigure();
        Receive<OpCompleted>(OnOpCompleted);
        Receive<HeldAdvertDue>(_ => SendHeldAdvert(_syncGroup is null ? "its addresses were not confirmed in time" : "its sync group's addresses were not all confirmed in time"));
        Receive<Sync.ReleaseHeldAdverts>(_ => SendHeldAdvert());
        Receive<HeldAddressLost>(OnAddressLost);
        Receive<Reacquire>(_ =>
        {
            if (_state.State != VrrpState.Master)
                return;
            _log.Info("{Instance}: acquiring its addresses again", _setup.Name);
            Perform(new VrrpEffect.AcquireAddresses());
            Perform(new VrrpEffect.Announce(_setup.Settings.GarpMasterRepeat));
        });
        Receive<Tracking.TrackerReport>(OnTracker);
        Receive<Tracking.TrackedStatus>(OnTracked);
        Receive<GetInstanceStatus>(_ => Sender.Tell(new InstanceStatus(_setup.Name, _state.State, _state.EffectivePriority, _state.MasterPriority, _transitions, _state.Faulted)));
        ReceiveReportQueries();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(VrrpInstanceSetup setup, VrrpInstanceLinks links, Func<long> clock)
    {
        var memory = new VrrpInstanceMemory();
        return Akka.Actor.Props.Create(() => new VrrpInstanceActor(setup, links, clock, memory));
    }

    private sealed record Tick(VrrpTimer Timer, long Generation);

    /// <summary>The master-down timer, re-armed by every advert a backup hears, is armed lazily (see
    /// <see cref="LazyDeadline"/>): about one scheduled tick per Master_Down_Interval instead of one per advert.</summary>
    private readonly LazyDeadline _masterDown;

    /// <summary>The most an advert is dated back to its arrival: more than a receive thread's wake-up (0.1–1 ms on the
    /// lab's VM), far less than any master-down interval (3 adverts of at least 10 ms).</summary>
    public static readonly TimeSpan ArrivalBackdateLimit = TimeSpan.FromMilliseconds(5);

    /// <summary>The time of the input being stepped: the master-down deadline counts from it.</summary>
    private long _stepNow;

    private void OnTick(Tick t)
    {
        long now = _clock();
        if (t.Timer != VrrpTimer.MasterDown)
        {
            if (t.Timer != VrrpTimer.Advert || IsAdvertTick(t))
                Step(new VrrpInput.TimerFired(now, t.Timer, t.Generation));
            return;
        }
        if (_masterDownWake is not { } wake || !ReferenceEquals(t, wake.Tick))
            return;                                        // a cancelled or replaced wake's tick
        _masterDownWake = null;
        switch (_masterDown.Fired(now))
        {
            case LazyTickOutcome.Due:
                if (_masterDown.DueIn > 0)
                    now = WaitUntil(now + _masterDown.DueIn);
                Step(new VrrpInput.TimerFired(now, VrrpTimer.MasterDown, _masterDown.Generation));
                break;
            case LazyTickOutcome.Rearm:
                ScheduleMasterDown();
                break;
        }
    }

    /// <summary>The pending master-down tick (null: none), scheduled with <see cref="_masterDownCancel"/>.</summary>
    private MasterDownWake? _masterDownWake;
    private ICancelable? _masterDownCancel;

    /// <summary>The master-down delay the current step armed (0: none): what a repeat of the advert it handled would
    /// arm again, for <see cref="AdvertInbox.TryDefer"/>.</summary>
    private long _armedDownMicros;

    /// <summary>Schedules the master-down tick for <see cref="LazyDeadline.Remaining"/>, replacing any pending one. Not
    /// an IWithTimers timer: the tick must be able to wait on the timer thread for adverts the instance has not seen
    /// (<see cref="MasterDownWake"/>).</summary>
    private void ScheduleMasterDown()
    {
        CancelMasterDown();
        var wake = new MasterDownWake(Self, new Tick(VrrpTimer.MasterDown, _masterDown.Generation), _inbox, _setup.MasterDownLeadMicros);
        var cancel = new Cancelable(Context.System.Scheduler);
        _masterDownWake = wake;
        _masterDownCancel = cancel;
        Context.System.Scheduler.ScheduleDeferrable(Micros(_masterDown.Remaining), wake, cancel);
    }

    private void CancelMasterDown()
    {
        _masterDownCancel?.Cancel();
        _masterDownCancel = null;
        _masterDownWake = null;
    }

    protected override void PostStop()
    {
        CancelMasterDown();
        CancelAdvert();
        _pacer.Revoke();
        _setup.Goodbyes?.Remove(_pacer);
        base.PostStop();
    }

    private static TimeSpan Micros(long micros) => TimeSpan.FromTicks(Math.Max(1, micros) * 10);

    /// <summary>Spins until the clock reaches <paramref name="deadline"/> (<see cref="LazyDeadline.DueIn"/> away: at
    /// most the master-down lead, once per expiry); returns the clock then.</summary>
    private long WaitUntil(long deadline)
    {
        long now = _clock();
        while (now < deadline)
        {
            Thread.SpinWait(20);
            now = _clock();
        }
        return now;
    }

    protected override void PreStart()
    {
        _setup.Goodbyes?.Add(_pacer);
        _syncGroup?.Tell(new Sync.JoinSyncGroup(_setup.Name));
        _io.Tell(Registration());
        foreach (var other in _masterSet.Addresses.Where(a => a.Interface != _setup.Interface))
            _log.Info("{Instance}: {Address} is not on {Interface}: no gratuitous ARP/NA is sent for it", _setup.Name, other, _setup.Interface);
        if (_setup.ConfigFault is not null)
            _log.Error("{Instance}: {Fault}; staying in FAULT", _setup.Name, _setup.ConfigFault);
        _awaiting = new HashSet<string>(_setup.StartAfter, StringComparer.Ordinal);
        if (_awaiting.Count == 0)
            Step(new VrrpInput.Start(_clock(), Faulted: _setup.ConfigFault is not null));
        else
            _log.Info("{Instance}: waiting in INIT for the first result of {Trackers}", _setup.Name, string.Join(", ", _awaiting));
        // Trackers answer with what they know now; a restarted instance learns its faults and weights again.
        foreach (var tracker in _links.Trackers ?? [])
            tracker.Tell(Tracking.QueryTracked.Instance);
    }

    private HashSet<string> _awaiting = [];

    /// <summary>Starts the machine once the last awaited tracker has reported, with the fault state they give.</summary>
    private void StartWhenReported(string tracker)
    {
        if (_awaiting.Count == 0 || !_awaiting.Remove(tracker) || _awaiting.Count > 0)
            return;
        Step(new VrrpInput.Start(_clock(), Faulted: _trackers.Values.Any(t => t.Faulting) || _setup.ConfigFault is not null));
    }

    /// <summary>A restarted instance starts afresh as BACKUP: whatever it held as MASTER is released first.</summary>
    protected override void PostRestart(Exception reason)
    {
        _log.Warning("{Instance}: restarted after {Error}; releasing its addresses and starting again as BACKUP", _setup.Name, reason.Message);
        _effector.Tell(new ReleaseAddresses(++_nextOp, _setup.Name, _masterSet));
        PreStart();
    }

    private void OnTracked(Tracking.TrackedStatus status)
    {
        _known[status.Tracker] = status;
        foreach (var binding in _setup.Tracked)
        {
            if (binding.Tracker == status.Tracker)
                OnTracker(new Tracking.TrackerReport(binding.Tracker, binding.Effect(status)));
        }
    }

    private void OnCommand(InstanceCommand c)
    {
        long now = _clock();
        if (c.HeadStart is { } headStart)
        {
            ForceWithHeadStart(now, c.State, headStart);
            return;
        }
        Step(c.Kind switch
        {
            VrrpInputKind.Shutdown => new VrrpInput.Shutdown(now),
            VrrpInputKind.Fault => new VrrpInput.FaultChanged(now, true),
            VrrpInputKind.FaultCleared => new VrrpInput.FaultChanged(now, false),
            VrrpInputKind.Priority => new VrrpInput.PriorityChanged(now, c.Value),
            VrrpInputKind.SiblingAddressLost => new VrrpInput.AddressLost(now, Sibling: true),
            _ => new VrrpInput.ForceState(now, c.State),
        });
    }

    private readonly Dictionary<string, Tracking.TrackerEffect> _trackers = new(StringComparer.Ordinal);

    /// <summary>Each tracker's current effect, for the status endpoint's explanation of the priority.</summary>
    public IReadOnlyDictionary<string, Tracking.TrackerEffect> Trackers => _trackers;

    private void OnTracker(Tracking.TrackerReport report)
    {
        bool wasFaulted = _trackers.Values.Any(t => t.Faulting) || _setup.ConfigFault is not null;
        int oldPriority = EffectivePriority.Compute(_setup.Settings.Priority, _trackers.Select(t => new PriorityContribution(t.Key, t.Value.Contribution)));
        _trackers[report.Tracker] = report.Effect;
        bool faulted = _trackers.Values.Any(t => t.Faulting) || _setup.ConfigFault is not null;
        int priority = EffectivePriority.Compute(_setup.Settings.Priority, _trackers.Select(t => new PriorityContribution(t.Key, t.Value.Contribution)));
        long now = _clock();
        if (priority != oldPriority)
        {
            _log.Info("{Instance}: changing effective priority from {Old} to {New} ({Tracker})", _setup.Name, oldPriority, priority, report.Tracker);
            Step(new VrrpInput.PriorityChanged(now, priority));
            _links.Notifier?.Tell(new Notify.InstancePriorityChanged(_setup.Name, _state.State == VrrpState.Master, priority));
        }
        if (faulted != wasFaulted)
            Step(new VrrpInput.FaultChanged(now, faulted));
        StartWhenReported(report.Tracker);
    }

    /// <summary>keepalived_netlink.c <c>netlink_if_address_filter</c>: a VIP or eVIP (not no_track) of a MASTER was
    /// deleted: go BACKUP (the machine ignores it in any other state).</summary>
    private void OnAddressLost(HeldAddressLost lost)
    {
        if (lost.Owner != _setup.Name || _setup.NotTracked.Contains(lost.Address.Key))
            return;
        _log.Warning("{Instance}: {Address} was removed by someone else", _setup.Name, lost.Address);
        Step(new VrrpInput.AddressLost(_clock()));
    }

    /// <summary>Retry interval of a failed acquisition while MASTER.</summary>
    public static readonly TimeSpan ReacquireAfter = TimeSpan.FromSeconds(1);

    private sealed record Reacquire
    {
        public static Reacquire Instance { get; } = new();
    }

    private long _acquireOp;

    /// <summary>Preempting a live master, the first advert is held: until this acquisition completes, and in a sync
    /// group until the group releases every member (<see cref="Sync.HeldAdvertBarrier"/>).</summary>
    private bool _holdingAdvert;
    private long _advertAfterOp;
    private int _heldAdvertPriority;

    /// <summary>The longest the preempting advert waits for its addresses: half an advert interval, at most 100 ms.</summary>
    private TimeSpan HeldAdvertBound => TimeSpan.FromTicks(Math.Min(Micros(_setup.Settings.AdvertIntervalMicros).Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks));

    private sealed record HeldAdvertDue
    {
        public static HeldAdvertDue Instance { get; } = new();
    }

    private void HoldAdvert(int priority)
    {
        _holdingAdvert = true;
        _advertAfterOp = _acquireOp;
        _heldAdvertPriority = priority;
        Timers.StartSingleTimer(HeldAdvertDue.Instance, HeldAdvertDue.Instance, HeldAdvertBound);
        _syncGroup?.Tell(new Sync.MemberAdvertHeld(_setup.Name, Confirmed: false));
    }

    /// <summary>The held acquisition completed: alone, the advert leaves; in a sync group, the group is told and the
    /// advert waits for its release.</summary>
    private void HeldAcquisitionDone()
    {
        if (_syncGroup is null)
            SendHeldAdvert();
        else
            _syncGroup.Tell(new Sync.MemberAdvertHeld(_setup.Name, Confirmed: true));
    }

    private void SendHeldAdvert(string? late = null)
    {
        if (!_holdingAdvert)
            return;
        _holdingAdvert = false;
        _advertAfterOp = 0;
        Timers.Cancel(HeldAdvertDue.Instance);
        if (_state.State != VrrpState.Master)
            return;
        if (late is not null)
            _log.Warning("{Instance}: preempting: the first advert leaves now, {Reason}", _setup.Name, late);
        SendAdvert(_heldAdvertPriority);
    }

    /// <summary>The sync group's acquisition for this member, while its Force to MASTER is stepped.</summary>
    private HeadStart? _headStart;

    /// <summary>The answer to a group's acquisition that arrived before the Force that names it (another member sent
    /// the batch and the effector answered before this one read its order).</summary>
    private OpCompleted? _earlyHeadStartAnswer;

    /// <summary>A Force to MASTER whose addresses the group already asked for: becoming MASTER adopts that acquisition
    /// (see <see cref="Perform"/>); not becoming MASTER (a fault, a stop, already MASTER) gives back what it added.</summary>
    private void ForceWithHeadStart(long now, VrrpState state, HeadStart headStart)
    {
        bool wasMaster = _state.State == VrrpState.Master;
        _headStart = headStart;
        Step(new VrrpInput.ForceState(now, state));
        bool adopted = _headStart is null;
        _headStart = null;
        if (adopted)
        {
            if (_earlyHeadStartAnswer is { } early && early.OpId == headStart.OpId)
            {
                _earlyHeadStartAnswer = null;
                OnOpCompleted(early);
            }
            return;
        }
        headStart.Batch.EnsureSent();                              // the other members' sets; and before what follows
        if (wasMaster && _state.State == VrrpState.Master)
        {
            // It held its set already; the group's add found it in place, unless a reload changed it since the wish.
            if (!ReferenceEquals(headStart.Set, _masterSet))
                _effector.Tell(new ReplaceAddresses(++_nextOp, _setup.Name, _masterSet));
            return;
        }
        _log.Info("{Instance}: not MASTER on its sync group's order ({State}); releasing what the group acquired for it", _setup.Name, _state.State);
        _effector.Tell(new ReleaseAddresses(++_nextOp, _setup.Name, headStart.Set));
        _syncGroup?.Tell(new Sync.HeadStartReturned(_setup.Name));
    }

    private void OnOpCompleted(OpCompleted done)
    {
        if (done.OpId < 0 && done.OpId != _acquireOp)
        {
            _earlyHeadStartAnswer = done;                          // a group's acquisition: adopted, or given back, by its Force
            return;
        }
        if (_holdingAdvert && done.OpId == _advertAfterOp)
            HeldAcquisitionDone();
        if (done.Result.IsOk)
            return;
        _log.Warning("{Instance}: kernel op {Op} failed: {Result}", _setup.Name, done.OpId, done.Result);
        // A MASTER without its addresses black-holes traffic: the effector rolled the whole set back, so try again
        // (the adverts keep going; a peer with its addresses in place is no better off if we step down).
        if (done.OpId == _acquireOp && _state.State == VrrpState.Master)
            Timers.StartSingleTimer(Reacquire.Instance, Reacquire.Instance, ReacquireAfter);
    }

    /// <summary>An advert that arrived at <paramref name="arrival"/> (<paramref name="count"/> > 1: the last of as many
    /// identical ones absorbed by the <see cref="AdvertInbox"/>). When a repeat of it would change nothing but the
    /// master-down deadline, repeats are absorbed from now on.</summary>
    private void Hear(AdvertIn a, long arrival, long count, long now)
    {
        _observations.Heard(a, arrival, Wall - TimeSpan.FromTicks(Math.Max(0, now - arrival) * TimeSpan.TicksPerMicrosecond), count);
        HeardAh(a);
        var input = new VrrpInput.AdvertReceived(arrival, a.Priority, a.IntervalCentiseconds, a.Source);
        Step(input);
        if (a.AhSequence is null && VrrpMachine.RepeatsHarmlessly(_state, input, _setup.Settings))
            _inbox.Publish(a, _armedDownMicros);
    }

    /// <summary>The repeats the receive thread absorbed since the last message, handled as the last of them.</summary>
    private void TakeAbsorbed()
    {
        if (_inbox.TryDrain(out var a, out long arrival, out long count))
            Hear(a, arrival, count, _clock());
    }

    /// <summary>Absorbed repeats are taken before every message (a master-down tick sees the deadline they moved), and
    /// again after it: one absorbed while the message was handled, before a step revoked the shortcut, is not left
    /// waiting for the next message. The timer thread's steady adverts stop for the message and resume after it.</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        TakeAbsorbed();
        HoldPacer();
        bool handled = base.AroundReceive(receive, message);
        TakeAbsorbed();
        ReleasePacer();
        return handled;
    }

    private readonly AdvertInbox _inbox;

    private void Step(VrrpInput input)
    {
        // Any step may change how a repeat would be handled. The timer thread may have moved the pending master-down
        // tick for adverts absorbed meanwhile: from now on the instance decides with the tick's true time.
        var (deferredTick, comesAt) = _inbox.Revoke();
        if (deferredTick is not null && ReferenceEquals(deferredTick, _masterDownWake?.Tick))
            _masterDown.Deferred(comesAt);
        _armedDownMicros = 0;
        _stepNow = input.Now;
        (_state, var effects) = VrrpMachine.Step(_state, input, _setup.Settings);
        _observations.Stepped(input, _state, effects, Wall);
        BeforeEffects(effects);
        foreach (var effect in effects)
            Perform(effect);
    }

    private void Perform(VrrpEffect effect)
    {
        PerformAh(effect);
        switch (effect)
        {
            case VrrpEffect.SendAdvert { Priority: 0 } when _goodbyeOnWire:
                break;                                             // the node's stop sent it already (GoodbyeRoster)
            case VrrpEffect.SendAdvert { AfterAcquisition: true } send when _acquireOp != 0:
                HoldAdvert(send.Priority);
                break;
            case VrrpEffect.SendAdvert send when _holdingAdvert && send.Priority != 0 && _state.State == VrrpState.Master:
                _heldAdvertPriority = send.Priority;               // an answer to the old master's advert: the held one is it
                break;
            case VrrpEffect.SendAdvert send:
                SendHeldAdvert();                                  // anything later goes after the held one
                SendAdvert(send.Priority);
                break;
            case VrrpEffect.StartTimer { Timer: VrrpTimer.MasterDown } down:
                _armedDownMicros = down.DelayMicros;
                if (_masterDown.Arm(_stepNow, down.DelayMicros, down.Generation, _clock()))
                    ScheduleMasterDown();
                break;
            case VrrpEffect.StartTimer { Timer: VrrpTimer.Advert } advert:
                ScheduleAdvert(advert);
                break;
            case VrrpEffect.StartTimer start:
                Timers.StartSingleTimer(start.Timer, new Tick(start.Timer, start.Generation), Micros(start.DelayMicros));
                break;
            case VrrpEffect.CancelTimer cancel:
                if (cancel.Timer == VrrpTimer.MasterDown)
                {
                    _masterDown.Cancel();
                    CancelMasterDown();
                }
                else if (cancel.Timer == VrrpTimer.Advert)
                {
                    CancelAdvert();
                }
                else
                {
                    Timers.Cancel(cancel.Timer);
                }
                break;
            case VrrpEffect.AcquireAddresses when _headStart is { } head:
                _headStart = null;
                head.Batch.EnsureSent();                           // after the advert, unless preempting
                if (ReferenceEquals(head.Set, _masterSet))
                {
                    _acquireOp = head.OpId;                        // the group's acquisition is this one
                    break;
                }
                // A reload changed the set after the wish the group acted on: hold exactly the current one.
                _acquireOp = ++_nextOp;
                _effector.Tell(new ReplaceAddresses(_acquireOp, _setup.Name, _masterSet));
                break;
            case VrrpEffect.AcquireAddresses:
                _acquireOp = ++_nextOp;
                _effector.Tell(new AcquireAddresses(_acquireOp, _setup.Name, _masterSet));
                break;
            case VrrpEffect.ReleaseAddresses:
                _effector.Tell(new ReleaseAddresses(++_nextOp, _setup.Name, _masterSet));
                break;
            case VrrpEffect.Announce announce:
                Announce(announce.Count);
                break;
            case VrrpEffect.Transition t:
                _transitions++;
                _log.Info("{Instance} (VRID {Vrid} {Family}) {From} -> {To}: {Reason}", _setup.Name, _setup.Settings.Vrid, _setup.Source.AddressFamily, t.From, t.To, t.Reason);
                LogKeepalivedLine(t);
                var changed = new InstanceStateChanged(_setup.Name, _setup.Settings.Vrid, _setup.Source.AddressFamily, t.From, t.To, t.Reason, _state.EffectivePriority);
                Context.System.EventStream.Publish(changed);
                _links.Notifier?.Tell(changed);
                _syncGroup?.Tell(new Sync.SyncInput.Changed(_setup.Name, t.To, t.Reason, _state.Faulted));
                break;
            case VrrpEffect.WantMaster:
                _syncGroup?.Tell(new Sync.SyncInput.WantsMaster(_setup.Name, _masterSet));
                break;
            case VrrpEffect.MasterSeen:
                _syncGroup?.Tell(new Sync.SyncInput.SawMaster(_setup.Name));
                break;
            case VrrpEffect.LowerPriorityAdvertSeen:
                _links.Notifier?.Tell(new Notify.MasterReceivedLowerPriority(_setup.Name, _state.EffectivePriority));
                break;
            case VrrpEffect.OwnerConflict:
                _log.Error("{Instance}: another router also claims to own the addresses of VRID {Vrid}; yielding to priority 254", _setup.Name, _setup.Settings.Vrid);
                break;
        }
    }

    private void SendAdvert(int priority) => EncodeAdverts(priority, _emit ??= Emit);

    private AdvertSink? _emit;

    /// <summary>Encodes the advert at <paramref name="priority"/> and hands each datagram to <paramref name="sink"/>:
    /// one to the multicast group, or one per unicast peer; with AH, the AH datagram is sent at once. False when it
    /// cannot be encoded (logged).</summary>
    private bool EncodeAdverts(int priority, AdvertSink sink)
    {
        var s = _setup.Settings;
        var spec = new VrrpAdvertSpec((byte)s.Version, s.Vrid, (byte)priority, (int)(s.AdvertIntervalMicros / VrrpTimers.MicrosPerCentisecond),
            _setup.Authentication, _setup.ChecksumFlavour);
        if (!VrrpCodec.TryEncode(_advert, spec, _vipBytes, _setup.Source, _setup.Destination, out int n, out var error))
        {
            _log.Error("{Instance}: cannot encode an advert: {Error}", _setup.Name, error);
            return false;
        }
        var message = _advert.AsSpan(0, n);
        if (UsesAh)
        {
            SendAh(message);
            return true;
        }
        if (_setup.UnicastPeers.Count == 0)
        {
            sink(message, _setup.Source, _setup.Destination);
            return true;
        }
        var bytes = message.ToArray();                         // the buffer is encoded again per v3 peer below
        foreach (var peer in _setup.UnicastPeers)
        {
            // The IPv4/IPv6 pseudo-header checksum covers the destination: one encoding per peer (v3).
            if (s.Version == 3 && !peer.Equals(_setup.Destination)
                && VrrpCodec.TryEncode(_advert, spec, _vipBytes, _setup.Source, peer, out int m, out _))
                sink(_advert.AsSpan(0, m), _setup.Source, peer);
            else
                sink(bytes, _setup.Source, peer);
        }
        return true;
    }

    /// <summary>Sends one advert through the I/O actor's channel (or, until it answered the registration, through the
    /// I/O actor). A failure is logged once until a send works again or the error changes.</summary>
    private void Emit(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
    {
        if (_channel is not { } channel)
        {
            _io.Tell(new SendAdvertBytes(payload.ToArray(), source, destination));
            return;
        }
        var r = channel.Send(payload, source, destination);
        if (r.IsOk)
        {
            _sendErrno = 0;
        }
        else if (r.Errno != _sendErrno)
        {
            _sendErrno = r.Errno;
            _log.Warning("{Instance}: sending an advert to {Destination} failed: {Result}", _setup.Name, destination, r);
        }
    }

    private void Announce(int count)
    {
        if (_gratuitous.Length == 0)
            return;
        var frames = new List<byte[]>(_gratuitous.Length * count);
        for (int i = 0; i < count; i++)
            frames.AddRange(_gratuitous);
        _effector.Tell(new SendFrames(++_nextOp, _setup.Interface, frames));
    }

    /// <summary>One gratuitous ARP / unsolicited NA per VIP and eVIP on the instance's interface (keepalived
    /// vrrp_send_link_update): they depend only on the configuration, so they are built once.</summary>
    private static byte[][] BuildGratuitous(VrrpInstanceSetup setup, KernelSet masterSet)
    {
        var frames = new List<byte[]>();
        foreach (var vip in masterSet.Addresses.Where(a => a.Interface == setup.Interface))
        {
            bool v6 = vip.Address.AddressFamily == AddressFamily.InterNetworkV6;
            var mac = new byte[6];
            GratuitousFrames.SenderMac(mac, setup.Gratuitous, setup.InterfaceMac, setup.UseVmac, setup.Settings.Vrid, vip.Address.AddressFamily);
            var frame = new byte[GratuitousFrames.NeighborAdvertisementFrameLength];
            bool built = v6
                ? GratuitousFrames.TryBuildNeighborAdvertisement(frame, mac, vip.Address.GetAddressBytes(), setup.Gratuitous == GratuitousProfile.Rfc, out int n)
                : GratuitousFrames.TryBuildArp(frame, mac, vip.Address.GetAddressBytes(), out n);
            if (built)
                frames.Add(frame[..n]);
        }
        return [.. frames];
    }
}
