namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// One VRRP instance's decisions (vrrp-rules.md "Timers", "State machine", "Address-plane behaviour"; keepalived
/// 2.2.7 vrrp.c / vrrp_scheduler.c): <c>Step(state, input, settings) → (state', effects)</c>. Pure: no clock (inputs
/// carry the time), no I/O, no Akka; the actor performs the effects in order.
/// </summary>
public static class VrrpMachine
{
    /// <summary>Applies one input.</summary>
    public static (VrrpMachineState State, IReadOnlyList<VrrpEffect> Effects) Step(VrrpMachineState state, VrrpInput input, VrrpSettings settings)
    {
        var effects = new List<VrrpEffect>(4);
        if (state.Resigned && input is not VrrpInput.Shutdown)
            return (state, effects);                             // stopping: only the Shutdown is left to take
        var next = input switch
        {
            VrrpInput.Start s => OnStart(state, s, settings, effects),
            VrrpInput.AdvertReceived a => OnAdvert(state, a, settings, effects),
            VrrpInput.TimerFired t => OnTimer(state, t, settings, effects),
            VrrpInput.PriorityChanged p => OnPriority(state, p, settings, effects),
            VrrpInput.FaultChanged f => OnFault(state, f, settings, effects),
            VrrpInput.ForceState f => OnForce(state, f, settings, effects),
            VrrpInput.AddressLost l => OnAddressLost(state, l, settings, effects),
            VrrpInput.Shutdown s => OnShutdown(state, s, effects),
            VrrpInput.Resign => OnResign(state, effects),
            VrrpInput.Reconfigured r => OnReconfigured(state, r, settings, effects),
            _ => state,
        };
        return (next, effects);
    }

    // ------------------------------------------------------------------ inputs

    private static VrrpMachineState OnStart(VrrpMachineState s, VrrpInput.Start input, VrrpSettings settings, List<VrrpEffect> fx)
    {
        if (s.State != VrrpState.Initialize)
            return s;
        s = s with { Faulted = input.Faulted, EffectivePriority = s.EffectivePriority };
        if (input.Faulted)
            return Transition(s, VrrpState.Fault, VrrpReason.FaultRaised, fx);
        // V3-S1: only the owner that wants MASTER becomes MASTER at once; everyone else waits as BACKUP (V3-S2), a
        // sync-group member that wants MASTER for one interval and the minimal skew.
        if (settings.IsOwner && settings.WantsMaster)
            return BecomeMaster(s, VrrpReason.OwnerStartup, settings, fx);
        long down = settings.InSyncGroup && settings.WantsMaster
            ? settings.AdvertIntervalMicros + VrrpTimers.MinimumSkewMicros(settings.Version, settings.AdvertIntervalMicros)
            : Down(s.EffectivePriority, settings.AdvertIntervalMicros, settings);
        s = s with { MasterAdverIntervalMicros = settings.AdvertIntervalMicros };
        s = Transition(s, VrrpState.Backup, VrrpReason.Startup, fx);
        return StartDown(s, input.Now, down, fx);
    }

    private static VrrpMachineState OnAdvert(VrrpMachineState s, VrrpInput.AdvertReceived a, VrrpSettings settings, List<VrrpEffect> fx)
    {
        if (s.State is not (VrrpState.Backup or VrrpState.Master))
            return s;
        if (a.Priority == 255 && s.EffectivePriority == 255)
        {
            // Two owners: keepalived logs a configuration error and yields to 254.
            fx.Add(new VrrpEffect.OwnerConflict());
            s = s with { EffectivePriority = 254 };
        }
        return s.State == VrrpState.Backup ? BackupHears(s, a, settings, fx) : MasterHears(s, a, settings, fx);
    }

    /// <summary>
    /// Whether handling <paramref name="a"/> again, at any later time, in <paramref name="s"/> — the state handling it
    /// left — would do nothing but push the master-down timer later: a BACKUP that accepted its master's advert (V3-S6)
    /// by priority, or because it may not preempt, with the interval it already adopted. Not a priority 0 (V3-S5),
    /// not a lower master accepted only while the preempt-delay window is open (that depends on the time), not while
    /// resigning. The receive side absorbs such repeats without waking the instance (<see cref="AdvertInbox"/>).
    /// </summary>
    public static bool RepeatsHarmlessly(VrrpMachineState s, VrrpInput.AdvertReceived a, VrrpSettings settings)
    {
        if (s.State != VrrpState.Backup || s.Resigned || a.Priority == 0 || s.MasterPriority != a.Priority)
            return false;
        bool byPriority = a.Priority >= s.EffectivePriority;
        if (!byPriority && (settings.Preempt || settings.IsOwner || settings.PreemptDelayMicros > 0))
            return false;
        long interval = settings.Version == 3 ? VrrpTimers.CentisecondsToMicros(a.IntervalCentiseconds) : s.MasterAdverIntervalMicros;
        return s.MasterAdverIntervalMicros == interval;
    }

    /// <summary>
    /// True when the advert timer's next expiry would do nothing but send an advert at the current priority and restart
    /// the timer (V3-S8): a MASTER, not resigning, that has not answered a lower-priority advert since its last periodic
    /// one (the expiry clears that). The timer thread may then send the same advert without waking the instance
    /// (<see cref="AdvertPacer"/>); the machine's own timer generation stays valid meanwhile.
    /// </summary>
    public static bool AdvertRepeatsHarmlessly(VrrpMachineState s) =>
        s.State == VrrpState.Master && !s.Resigned && !s.AnsweredLowerPriority && s.Timers.Advert != 0;

    private static VrrpMachineState BackupHears(VrrpMachineState s, VrrpInput.AdvertReceived a, VrrpSettings settings, List<VrrpEffect> fx)
    {
        // V3-S5: the master is leaving: take over after Skew_Time.
        if (a.Priority == 0)
            return StartDown(s, a.Now, VrrpTimers.SkewMicros(settings.Version, s.EffectivePriority, s.MasterAdverIntervalMicros), fx);

        bool windowOpen = settings.PreemptDelayMicros > 0 && (s.PreemptDelayUntil == 0 || s.PreemptDelayUntil > a.Now);
        // V3-S13: the owner preempts whatever Preempt_Mode says.
        if ((!settings.Preempt && !settings.IsOwner) || a.Priority >= s.EffectivePriority || windowOpen)
        {
            // V3-S6: accept the master; v3 adopts its interval.
            long interval = settings.Version == 3 ? VrrpTimers.CentisecondsToMicros(a.IntervalCentiseconds) : s.MasterAdverIntervalMicros;
            long until = s.PreemptDelayUntil;
            if (settings.PreemptDelayMicros > 0)
                until = a.Priority >= s.EffectivePriority ? 0 : until == 0 ? a.Now + settings.PreemptDelayMicros : until;
            s = s with { MasterAdverIntervalMicros = interval, PreemptDelayUntil = until, MasterPriority = a.Priority, LowerMasterHeardAt = 0 };
            if (settings.InSyncGroup)
                fx.Add(new VrrpEffect.MasterSeen());
            return StartDown(s, a.Now, Down(s.EffectivePriority, interval, settings), fx);
        }
        // V3-S7: lower priority while we may preempt: ignore it; the running timer makes us MASTER.
        return s with { LowerMasterHeardAt = a.Now };
    }

    private static VrrpMachineState MasterHears(VrrpMachineState s, VrrpInput.AdvertReceived a, VrrpSettings settings, List<VrrpEffect> fx)
    {
        // V3-S10: someone left: answer at once.
        if (a.Priority == 0)
        {
            fx.Add(new VrrpEffect.SendAdvert(s.EffectivePriority));
            return Start(s, VrrpTimer.Advert, settings.AdvertIntervalMicros, fx);
        }
        int address = a.SourceAddress.AsSpan().SequenceCompareTo(settings.PrimaryAddress);
        bool higher = a.Priority > s.EffectivePriority;
        bool tieLost = a.Priority == s.EffectivePriority && address > 0;
        if (higher || tieLost)
        {
            // V3-S11: step down (no priority 0 is sent), adopt the v3 interval, wait as BACKUP.
            long interval = settings.Version == 3 ? VrrpTimers.CentisecondsToMicros(a.IntervalCentiseconds) : settings.AdvertIntervalMicros;
            s = LeaveMaster(s, fx, sendPriorityZero: false);
            s = s with { MasterAdverIntervalMicros = interval, MasterPriority = a.Priority };
            s = Transition(s, VrrpState.Backup, higher ? VrrpReason.HigherPriorityAdvert : VrrpReason.EqualPriorityHigherAddress, fx);
            return StartDown(s, a.Now, Down(s.EffectivePriority, interval, settings), fx);
        }
        if (a.Priority == s.EffectivePriority && address == 0)
            return s;                                        // our own advert looped back: nothing to do
        // V3-S12: a lower-priority master.
        fx.Add(new VrrpEffect.LowerPriorityAdvertSeen(a.Priority));
        switch (settings.Profile)
        {
            case VrrpProfile.Keepalived when !settings.LowerPriorityNoAdvert && !s.AnsweredLowerPriority:
                fx.Add(new VrrpEffect.SendAdvert(s.EffectivePriority));
                return s with { AnsweredLowerPriority = true };
            case VrrpProfile.Rfc9568:
                fx.Add(new VrrpEffect.SendAdvert(s.EffectivePriority));
                return Start(s, VrrpTimer.Advert, settings.AdvertIntervalMicros, fx);
        }
        return s;
    }

    private static VrrpMachineState OnTimer(VrrpMachineState s, VrrpInput.TimerFired t, VrrpSettings settings, List<VrrpEffect> fx)
    {
        if (t.Generation == 0 || s.Timers[t.Timer] != t.Generation)
            return s;                                        // stale: the timer was restarted or cancelled since
        s = s with { Timers = s.Timers.With(t.Timer, 0) };
        switch (t.Timer)
        {
            case VrrpTimer.MasterDown when s.State == VrrpState.Backup:
                if (settings.InSyncGroup)
                {
                    // The group decides; keep waiting meanwhile (keepalived re-arms the timer).
                    fx.Add(new VrrpEffect.WantMaster());
                    return StartDown(s, t.Now, Down(s.EffectivePriority, s.MasterAdverIntervalMicros, settings), fx);
                }
                return BecomeMaster(s, VrrpReason.MasterDown, settings, fx, t.Now);   // V3-S4
            case VrrpTimer.Advert when s.State == VrrpState.Master:
                fx.Add(new VrrpEffect.SendAdvert(s.EffectivePriority));                      // V3-S8
                return Start(s with { AnsweredLowerPriority = false }, VrrpTimer.Advert, settings.AdvertIntervalMicros, fx);
            case VrrpTimer.GarpDelay when s.State == VrrpState.Master:
                fx.Add(new VrrpEffect.Announce(settings.GarpMasterRepeat));
                return s;
            case VrrpTimer.GarpRefresh when s.State == VrrpState.Master:
                fx.Add(new VrrpEffect.Announce(settings.GarpRefreshRepeat));
                return Start(s, VrrpTimer.GarpRefresh, settings.GarpRefreshMicros, fx);
            default:
                return s;
        }
    }

    private static VrrpMachineState OnPriority(VrrpMachineState s, VrrpInput.PriorityChanged p, VrrpSettings settings, List<VrrpEffect> fx)
    {
        if (settings.IsOwner)
            return s;                                        // the owner's 255 never changes
        int priority = Math.Clamp(p.EffectivePriority, EffectivePriority.Min, EffectivePriority.Max);
        if (priority == s.EffectivePriority)
            return s;
        if (s.State == VrrpState.Backup && s.Timers.MasterDown != 0)
        {
            // keepalived shifts the pending expiry by the change of the master-down interval.
            long shift = Down(priority, s.MasterAdverIntervalMicros, settings) - Down(s.EffectivePriority, s.MasterAdverIntervalMicros, settings);
            s = s with { EffectivePriority = priority };
            return StartDown(s, p.Now, Math.Max(0, s.MasterDownDeadline + shift - p.Now), fx);
        }
        return s with { EffectivePriority = priority };
    }

    private static VrrpMachineState OnFault(VrrpMachineState s, VrrpInput.FaultChanged f, VrrpSettings settings, List<VrrpEffect> fx)
    {
        if (f.Faulted == s.Faulted || s.State == VrrpState.Stopped)
            return s with { Faulted = f.Faulted };
        s = s with { Faulted = f.Faulted };
        if (s.State == VrrpState.Initialize)
            return s;
        if (f.Faulted)
            return EnterFault(s, VrrpReason.FaultRaised, fx);
        return s.State == VrrpState.Fault ? LeaveFault(s, f.Now, VrrpReason.FaultCleared, settings, fx) : s;
    }

    private static VrrpMachineState OnForce(VrrpMachineState s, VrrpInput.ForceState f, VrrpSettings settings, List<VrrpEffect> fx)
    {
        switch (f.State)
        {
            case VrrpState.Master when s.State == VrrpState.Backup && !s.Faulted:
                return BecomeMaster(s, VrrpReason.SyncGroup, settings, fx, f.Now);
            case VrrpState.Backup when s.State == VrrpState.Master:
                s = LeaveMaster(s, fx, sendPriorityZero: false);
                s = Transition(s with { MasterAdverIntervalMicros = settings.AdvertIntervalMicros }, VrrpState.Backup, VrrpReason.SyncGroup, fx);
                return StartDown(s, f.Now, Down(s.EffectivePriority, settings.AdvertIntervalMicros, settings), fx);
            case VrrpState.Backup when s.State == VrrpState.Fault && !s.Faulted:
                return LeaveFault(s, f.Now, VrrpReason.SyncGroup, settings, fx);
            case VrrpState.Fault when s.State is VrrpState.Master or VrrpState.Backup:
                return EnterFault(s, VrrpReason.SyncGroup, fx);
            default:
                return s;
        }
    }

    /// <summary>keepalived_netlink.c <c>set_vrrp_backup</c>: <c>vrrp_state_leave_master(vrrp, true)</c> (priority 0,
    /// rules, routes and addresses removed, BACKUP), then a master-down timer of Skew_Time alone.</summary>
    private static VrrpMachineState OnAddressLost(VrrpMachineState s, VrrpInput.AddressLost l, VrrpSettings settings, List<VrrpEffect> fx)
    {
        if (s.State != VrrpState.Master)
            return s;
        s = LeaveMaster(s, fx, sendPriorityZero: true);
        s = Transition(s, VrrpState.Backup, l.Sibling ? VrrpReason.SyncGroup : VrrpReason.AddressDeleted, fx);
        return StartDown(s, l.Now, VrrpTimers.SkewMicros(settings.Version, s.EffectivePriority, s.MasterAdverIntervalMicros), fx);
    }

    private static VrrpMachineState OnShutdown(VrrpMachineState s, VrrpInput.Shutdown _, List<VrrpEffect> fx)
    {
        if (s.State == VrrpState.Stopped)
            return s;
        if (s.State == VrrpState.Master)
            s = LeaveMaster(s, fx, sendPriorityZero: !s.Resigned);                              // V3-S9
        else
            s = CancelAll(s, fx);                                                               // V3-S3
        return Transition(s, VrrpState.Stopped, VrrpReason.Shutdown, fx);
    }

    private static VrrpMachineState OnResign(VrrpMachineState s, List<VrrpEffect> fx)
    {
        if (s.State == VrrpState.Stopped)
            return s;
        s = CancelAll(s, fx);
        if (s.State == VrrpState.Master)
            fx.Add(new VrrpEffect.SendAdvert(0));                                               // V3-S9, ahead of the release
        return s with { Resigned = true };
    }

    /// <summary>A reload (keepalived <c>restore_vrrp_state</c>: a matched instance keeps its state). No transition is
    /// ever made here: a lower priority on a MASTER shows in its next advert and the peers decide (V3-S11 on their
    /// side); a BACKUP's pending master-down expiry moves by the change of the master-down interval. A MASTER whose
    /// advert interval changed sends an advert with it at once and keeps that cadence; otherwise its advert timer
    /// keeps its phase. garp_master_refresh is re-armed when it changed.</summary>
    private static VrrpMachineState OnReconfigured(VrrpMachineState s, VrrpInput.Reconfigured r, VrrpSettings settings, List<VrrpEffect> fx)
    {
        var old = r.Previous;
        int priority = settings.IsOwner ? 255 : Math.Clamp(r.EffectivePriority, EffectivePriority.Min, EffectivePriority.Max);
        bool intervalChanged = settings.AdvertIntervalMicros != old.AdvertIntervalMicros;
        switch (s.State)
        {
            case VrrpState.Master:
                s = s with { EffectivePriority = priority, MasterAdverIntervalMicros = settings.AdvertIntervalMicros };
                if (intervalChanged)
                {
                    fx.Add(new VrrpEffect.SendAdvert(priority));
                    s = Start(s, VrrpTimer.Advert, settings.AdvertIntervalMicros, fx);
                }
                if (settings.GarpRefreshMicros != old.GarpRefreshMicros)
                    s = settings.GarpRefreshMicros > 0 ? Start(s, VrrpTimer.GarpRefresh, settings.GarpRefreshMicros, fx) : Cancel(s, VrrpTimer.GarpRefresh, fx);
                return s;
            case VrrpState.Backup:
                // v2 (and a v3 backup that still uses its own interval) waits on its configured interval.
                long before = s.MasterAdverIntervalMicros;
                long interval = settings.Version == 2 || before == old.AdvertIntervalMicros ? settings.AdvertIntervalMicros : before;
                long shift = Down(priority, interval, settings) - VrrpTimers.MasterDownMicros(old.Version, s.EffectivePriority, before, old.DownTimerAdverts);
                s = s with { EffectivePriority = priority, MasterAdverIntervalMicros = interval };
                if (shift == 0 || s.Timers.MasterDown == 0)
                    return s;
                return StartDown(s, r.Now, Math.Max(0, s.MasterDownDeadline + shift - r.Now), fx);
            default:
                return s with { EffectivePriority = priority };
        }
    }

    // ------------------------------------------------------------------ transitions

    private static VrrpMachineState BecomeMaster(VrrpMachineState s, VrrpReason reason, VrrpSettings settings, List<VrrpEffect> fx, long now = 0)
    {
        s = Cancel(s, VrrpTimer.MasterDown, fx);
        if (PreemptingALiveMaster(s, now, settings))
        {
            // The old master still holds the addresses and lets go when it hears us: take them first, then tell it
            // (keepalived tells it first and leaves the VIPs on neither node while it adds them: ~5 ms with 50).
            fx.Add(new VrrpEffect.AcquireAddresses());
            fx.Add(new VrrpEffect.SendAdvert(s.EffectivePriority) { AfterAcquisition = true });
        }
        else
        {
            // The advert first, so the other backups hear of us at once (keepalived vrrp_state_master_tx); the
            // addresses before the announcements that name them (V3-A5).
            fx.Add(new VrrpEffect.SendAdvert(s.EffectivePriority));
            fx.Add(new VrrpEffect.AcquireAddresses());
        }
        fx.Add(new VrrpEffect.Announce(settings.GarpMasterRepeat));
        s = s with { MasterAdverIntervalMicros = settings.AdvertIntervalMicros, PreemptDelayUntil = 0, MasterPriority = -1, LowerMasterHeardAt = 0 };
        s = Transition(s, VrrpState.Master, reason, fx);
        s = Start(s, VrrpTimer.Advert, settings.AdvertIntervalMicros, fx);
        if (settings.GarpMasterDelayMicros > 0)
            s = Start(s, VrrpTimer.GarpDelay, settings.GarpMasterDelayMicros, fx);
        if (settings.GarpRefreshMicros > 0)
            s = Start(s, VrrpTimer.GarpRefresh, settings.GarpRefreshMicros, fx);
        return s;
    }

    /// <summary>A lower-priority master was heard within the last master-down interval: it is alive (a dead master's
    /// last advert had our priority or more, or it would not have held the timer back).</summary>
    private static bool PreemptingALiveMaster(VrrpMachineState s, long now, VrrpSettings settings) =>
        s.LowerMasterHeardAt != 0 && now - s.LowerMasterHeardAt <= Down(s.EffectivePriority, s.MasterAdverIntervalMicros, settings);

    private static VrrpMachineState LeaveMaster(VrrpMachineState s, List<VrrpEffect> fx, bool sendPriorityZero)
    {
        s = CancelAll(s, fx);
        if (sendPriorityZero)
            fx.Add(new VrrpEffect.SendAdvert(0));
        fx.Add(new VrrpEffect.ReleaseAddresses());
        return s;
    }

    private static VrrpMachineState EnterFault(VrrpMachineState s, VrrpReason reason, List<VrrpEffect> fx)
    {
        if (s.State == VrrpState.Fault)
            return s;
        // keepalived: a MASTER going to FAULT sends priority 0 and releases everything.
        s = s.State == VrrpState.Master ? LeaveMaster(s, fx, sendPriorityZero: true) : CancelAll(s, fx);
        return Transition(s, VrrpState.Fault, reason, fx);
    }

    private static VrrpMachineState LeaveFault(VrrpMachineState s, long now, VrrpReason reason, VrrpSettings settings, List<VrrpEffect> fx)
    {
        long down = settings.IsOwner && settings.WantsMaster
            ? settings.AdvertIntervalMicros + VrrpTimers.SkewMicros(settings.Version, s.EffectivePriority, settings.AdvertIntervalMicros)
            : Down(s.EffectivePriority, settings.AdvertIntervalMicros, settings);
        s = Transition(s with { MasterAdverIntervalMicros = settings.AdvertIntervalMicros }, VrrpState.Backup, reason, fx);
        return StartDown(s, now, down, fx);
    }

    private static VrrpMachineState Transition(VrrpMachineState s, VrrpState to, VrrpReason reason, List<VrrpEffect> fx)
    {
        fx.Add(new VrrpEffect.Transition(s.State, to, reason));
        return s with { State = to };
    }

    // ------------------------------------------------------------------ timers

    private static long Down(int priority, long intervalMicros, VrrpSettings settings) =>
        VrrpTimers.MasterDownMicros(settings.Version, priority, intervalMicros, settings.DownTimerAdverts);

    private static VrrpMachineState StartDown(VrrpMachineState s, long now, long delay, List<VrrpEffect> fx) =>
        Start(s, VrrpTimer.MasterDown, delay, fx) with { MasterDownDeadline = now + delay };

    private static VrrpMachineState Start(VrrpMachineState s, VrrpTimer timer, long delay, List<VrrpEffect> fx)
    {
        long generation = s.NextGeneration;
        fx.Add(new VrrpEffect.StartTimer(timer, generation, delay));
        return s with { Timers = s.Timers.With(timer, generation), NextGeneration = generation + 1 };
    }

    private static VrrpMachineState Cancel(VrrpMachineState s, VrrpTimer timer, List<VrrpEffect> fx)
    {
        if (s.Timers[timer] == 0)
            return s;
        fx.Add(new VrrpEffect.CancelTimer(timer));
        return s with { Timers = s.Timers.With(timer, 0) };
    }

    private static VrrpMachineState CancelAll(VrrpMachineState s, List<VrrpEffect> fx)
    {
        foreach (var timer in Enum.GetValues<VrrpTimer>())
            s = Cancel(s, timer, fx);
        return s;
    }
}
