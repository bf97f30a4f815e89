namespace KeepAlive.Actors.Vrrp;

/// <summary>The generation of each timer (0: not running). A firing whose generation is not the current one is stale.</summary>
public readonly record struct VrrpTimerGenerations(long Advert, long MasterDown, long GarpDelay, long GarpRefresh)
{
    public long this[VrrpTimer timer] => timer switch
    {
        VrrpTimer.Advert => Advert,
        VrrpTimer.MasterDown => MasterDown,
        VrrpTimer.GarpDelay => GarpDelay,
        _ => GarpRefresh,
    };

    public VrrpTimerGenerations With(VrrpTimer timer, long generation) => timer switch
    {
        VrrpTimer.Advert => this with { Advert = generation },
        VrrpTimer.MasterDown => this with { MasterDown = generation },
        VrrpTimer.GarpDelay => this with { GarpDelay = generation },
        _ => this with { GarpRefresh = generation },
    };
}

/// <summary>An instance's machine state: immutable, replaced by each step.</summary>
/// <param name="State">RFC state plus FAULT / stopped.</param>
/// <param name="EffectivePriority">Priority after tracking (255 only for the owner).</param>
/// <param name="MasterAdverIntervalMicros">Master_Adver_Interval: ours, or (v3 BACKUP) the master's.</param>
/// <param name="MasterDownDeadline">When the running master-down timer expires (monotonic µs).</param>
/// <param name="PreemptDelayUntil">End of an open preempt_delay window; 0 when none is open.</param>
/// <param name="Timers">Current generation per timer.</param>
/// <param name="NextGeneration">The next generation to hand out.</param>
/// <param name="Faulted">A fault source is failing.</param>
/// <param name="MasterPriority">The last accepted master's priority (status), or -1.</param>
public sealed record VrrpMachineState(
    VrrpState State,
    int EffectivePriority,
    long MasterAdverIntervalMicros,
    long MasterDownDeadline,
    long PreemptDelayUntil,
    VrrpTimerGenerations Timers,
    long NextGeneration,
    bool Faulted,
    int MasterPriority)
{
    /// <summary>A MASTER has answered a lower-priority advert since its last periodic advert (keepalived answers every
    /// one; here at most one per advert interval, so a flood of forged lower-priority adverts is not amplified onto
    /// the LAN while a real lower-priority master still hears us at once).</summary>
    public bool AnsweredLowerPriority { get; init; }

    /// <summary>When a BACKUP that may preempt last ignored a lower-priority advert (monotonic µs; 0: none since it last
    /// accepted a master or became MASTER). Recent enough at the master-down timer, it means the timer fired to
    /// preempt a master that is alive and still holds the addresses.</summary>
    public long LowerMasterHeardAt { get; init; }

    /// <summary>The instance resigned (<see cref="VrrpInput.Resign"/>): a MASTER has sent its priority 0 and holds its
    /// addresses until the Shutdown; nothing but the Shutdown moves it any more.</summary>
    public bool Resigned { get; init; }

    /// <summary>The state before <see cref="VrrpInput.Start"/>.</summary>
    public static VrrpMachineState Initial(VrrpSettings settings) =>
        new(VrrpState.Initialize, settings.Priority, settings.AdvertIntervalMicros, 0, 0, default, 1, false, -1);
}
