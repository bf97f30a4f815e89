using System.Net;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Tests.Vrrp;

/// <summary>Drives one machine in tests: steps inputs, keeps the last effects, fires the timer it last started.</summary>
public sealed class VrrpMachineHarness(VrrpSettings settings)
{
    public static readonly byte[] Ours = IPAddress.Parse("10.0.0.5").GetAddressBytes();
    public static readonly byte[] Lower = IPAddress.Parse("10.0.0.4").GetAddressBytes();
    public static readonly byte[] Higher = IPAddress.Parse("10.0.0.6").GetAddressBytes();

    public VrrpSettings Settings { get; } = settings;

    public VrrpMachineState State { get; private set; } = VrrpMachineState.Initial(settings);

    public IReadOnlyList<VrrpEffect> Effects { get; private set; } = [];

    public long Now { get; set; }

    public static VrrpSettings V2(int priority = 100, bool wantsMaster = false) => new()
    {
        Version = 2, Vrid = 51, Priority = priority, AdvertIntervalMicros = 1_000_000, PrimaryAddress = Ours, WantsMaster = wantsMaster || priority == 255,
    };

    public static VrrpSettings V3(int priority = 100, int intervalCs = 100) => new()
    {
        Version = 3, Vrid = 51, Priority = priority, AdvertIntervalMicros = intervalCs * 10_000L, PrimaryAddress = Ours, WantsMaster = priority == 255,
    };

    /// <summary>A machine started as BACKUP.</summary>
    public static VrrpMachineHarness Backup(VrrpSettings settings)
    {
        var m = new VrrpMachineHarness(settings);
        m.Start();
        Assert.Equal(VrrpState.Backup, m.State.State);
        return m;
    }

    /// <summary>A machine that became MASTER when its master-down timer ran out.</summary>
    public static VrrpMachineHarness Master(VrrpSettings settings)
    {
        var m = Backup(settings);
        m.Fire(VrrpTimer.MasterDown);
        Assert.Equal(VrrpState.Master, m.State.State);
        return m;
    }

    public IReadOnlyList<VrrpEffect> Step(VrrpInput input)
    {
        (State, Effects) = VrrpMachine.Step(State, input, Settings);
        return Effects;
    }

    public IReadOnlyList<VrrpEffect> Start(bool faulted = false) => Step(new VrrpInput.Start(Now, faulted));

    public IReadOnlyList<VrrpEffect> Advert(int priority, byte[]? source = null, int intervalCs = 100) =>
        Step(new VrrpInput.AdvertReceived(Now, priority, intervalCs, source ?? Higher));

    /// <summary>Moves time to the running timer's deadline and fires it.</summary>
    public IReadOnlyList<VrrpEffect> Fire(VrrpTimer timer, long? delayFromNow = null)
    {
        long generation = State.Timers[timer];
        Assert.True(generation != 0, $"{timer} is not running");
        if (delayFromNow is { } d)
            Now += d;
        else if (timer == VrrpTimer.MasterDown)
            Now = State.MasterDownDeadline;
        return Step(new VrrpInput.TimerFired(Now, timer, generation));
    }

    public long TimerDelay(VrrpTimer timer) =>
        Effects.OfType<VrrpEffect.StartTimer>().Last(t => t.Timer == timer).DelayMicros;

    public T Single<T>() where T : VrrpEffect => Assert.Single(Effects.OfType<T>());
}
