using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Scripts;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Vrrp;

namespace KeepAlive.Actors.Node;

/// <summary>What one rehearsal went through (the states each policy reached), so a test can tell it covered the
/// takeover path and not a shortcut.</summary>
public sealed record RehearsalReport(IReadOnlyList<VrrpState> Standalone, IReadOnlyList<VrrpState> Member, IReadOnlyList<VrrpState> Group, int NotifyFifoLines,
    int FramesFlushed);

/// <summary>
/// Runs the decisions of a failover once, on made-up instances, before any real one needs them: the first takeover of
/// a fresh process must be as quick as the next. ReadyToRun code covers our own methods, but the framework's generic
/// types instantiated over our value types (the sync group's and the notifier's immutable maps of member and memo
/// structs, LINQ over them) and a few comparers are compiled only when first used — measured on a backup taking over
/// 50 instances in a sync group: 78 methods compiled at Tier 0 on the takeover path, ~20 ms (DOTNET_JitStdOutFile).
/// <para>Pure: the machine (<see cref="VrrpMachine"/>), the group (<see cref="SyncGroupPolicy"/>) and the notifier's
/// policy (<see cref="NotifyPolicy"/>) are stepped through start, master-down, takeover alone and as a group, a
/// lower and a higher advert, fault and recovery, a lost address and shutdown. Nothing is sent or stored; it is
/// safe on any thread, alongside the real node.</para>
/// </summary>
public static class TakeoverRehearsal
{
    private const long Second = VrrpTimers.MicrosPerSecond;

    /// <summary>Rehearses with <paramref name="template"/>'s timing and version (any instance's settings; a default
    /// VRRPv3 one when the node has none).</summary>
    public static RehearsalReport Run(VrrpSettings? template = null)
    {
        var settings = (template ?? Default) with { WantsMaster = false, Priority = 100, Preempt = true, PreemptDelayMicros = 0 };
        var standalone = RehearseInstance(settings with { InSyncGroup = false });
        var member = RehearseInstance(settings with { InSyncGroup = true });
        var group = RehearseGroup();
        int fifo = RehearseNotify();
        int frames = RehearseFrames();
        return new RehearsalReport(standalone, member, group, fifo, frames);
    }

    private static VrrpSettings Default { get; } = new()
    {
        Version = 3,
        Vrid = 1,
        Priority = 100,
        AdvertIntervalMicros = Second,
        PrimaryAddress = [192, 0, 2, 1],
    };

    private static List<VrrpState> RehearseInstance(VrrpSettings s)
    {
        var state = VrrpMachineState.Initial(s);
        var visited = new List<VrrpState> { state.State };
        long now = 0;
        long generation = 0;

        void Apply(VrrpInput input)
        {
            (state, var effects) = VrrpMachine.Step(state, input, s);
            foreach (var effect in effects)
            {
                if (effect is VrrpEffect.StartTimer { Timer: VrrpTimer.MasterDown } t)
                    generation = t.Generation;
                if (effect is VrrpEffect.WantMaster)
                    (state, _) = VrrpMachine.Step(state, new VrrpInput.ForceState(now, VrrpState.Master), s);
            }
            if (visited[^1] != state.State)
                visited.Add(state.State);
        }

        byte[] higher = [192, 0, 2, 200];
        Apply(new VrrpInput.Start(now));
        Apply(new VrrpInput.AdvertReceived(now += Second, 200, Centiseconds(s), higher));
        now += 4 * Second;
        Apply(new VrrpInput.TimerFired(now, VrrpTimer.MasterDown, generation));
        Apply(new VrrpInput.AdvertReceived(now += 1000, 50, Centiseconds(s), higher));
        Apply(new VrrpInput.PriorityChanged(now += 1000, 90));
        Apply(new VrrpInput.AdvertReceived(now += 1000, 200, Centiseconds(s), higher));
        Apply(new VrrpInput.AdvertReceived(now += 1000, 0, Centiseconds(s), higher));
        Apply(new VrrpInput.TimerFired(now += 4 * Second, VrrpTimer.MasterDown, generation));
        Apply(new VrrpInput.AddressLost(now += 1000));
        Apply(new VrrpInput.FaultChanged(now += 1000, true));
        Apply(new VrrpInput.FaultChanged(now += 1000, false));
        Apply(new VrrpInput.ForceState(now += 1000, VrrpState.Master));
        Apply(new VrrpInput.Shutdown(now + 1000));
        return visited;
    }

    private static int Centiseconds(VrrpSettings s) => (int)(s.AdvertIntervalMicros / VrrpTimers.MicrosPerCentisecond);

    private static List<VrrpState> RehearseGroup()
    {
        // More members than a vector holds ints: the group's ordering takes its vectorised path, as a real group of
        // that size does.
        var members = Enumerable.Range(0, 12).Select(i => $"rehearsal-{i}").ToArray();
        var group = SyncGroupState.Of(members);
        var visited = new List<VrrpState> { group.State };

        void Apply(SyncInput input)
        {
            (group, var orders) = SyncGroupPolicy.Step(group, input);
            foreach (var order in orders)
                (group, _) = SyncGroupPolicy.Step(group, new SyncInput.Changed(order.Member, order.State, VrrpReason.SyncGroup, false));
            if (visited[^1] != group.State)
                visited.Add(group.State);
        }

        foreach (var m in members)
            Apply(new SyncInput.Changed(m, VrrpState.Backup, VrrpReason.Startup, false));
        foreach (var m in members)
            Apply(new SyncInput.WantsMaster(m));
        Apply(new SyncInput.SawMaster(members[0]));
        Apply(new SyncInput.Changed(members[1], VrrpState.Backup, VrrpReason.HigherPriorityAdvert, false));
        foreach (var m in members)
            Apply(new SyncInput.WantsMaster(m));
        Apply(new SyncInput.Changed(members[2], VrrpState.Backup, VrrpReason.AddressDeleted, false));
        Apply(new SyncInput.Changed(members[0], VrrpState.Fault, VrrpReason.FaultRaised, true));
        Apply(new SyncInput.Changed(members[0], VrrpState.Backup, VrrpReason.FaultCleared, false));
        return visited;
    }

    private static int RehearseNotify()
    {
        const string instance = "rehearsal-a", groupName = "rehearsal-g";
        var plan = new NotifyPlan("rehearsal", [new InstanceNotifyPlan(instance, groupName, StateScripts.None, NotifyPriorityChanges: true)],
            [new GroupNotifyPlan(groupName, StateScripts.None)], ["/rehearsal"], null, new ScriptUserDefaults(null, null, false));
        var state = NotifyPolicyState.Empty;
        int lines = 0;
        NotifyEvent[] events =
        [
            new NotifyEvent.InstanceEntered(instance, NotifyState.Backup, 100, false),
            new NotifyEvent.GroupEntered(groupName, NotifyState.Backup),
            new NotifyEvent.GroupEntered(groupName, NotifyState.Master),
            new NotifyEvent.InstanceEntered(instance, NotifyState.Master, 100, true),
            new NotifyEvent.MasterRxLowerPriority(instance, 100),
            new NotifyEvent.PriorityChanged(instance, true, 90),
            new NotifyEvent.InstanceEntered(instance, NotifyState.Fault, 90, false),
            NotifyEvent.Shutdown.Instance,
        ];
        foreach (var e in events)
        {
            (state, var decision) = NotifyPolicy.Step(plan, state, e);
            lines += decision.FifoLines.Count;
        }
        return lines;
    }

    /// <summary>The effector's queue of gratuitous frames (its generic code over our result type), round-robin over
    /// two announcements; nothing is sent: the frames are counted.</summary>
    private static int RehearseFrames()
    {
        var pending = new PendingFrames<object>();
        byte[] frame = [0];
        pending.Add(new SendFrames(1, "rehearsal0", [frame, frame]), "a");
        pending.Add(new SendFrames(2, "rehearsal1", [frame]), "b");
        int sent = 0;
        var answers = pending.Flush((_, _) =>
        {
            sent++;
            return sent == 2 ? KernelResult.Fail(100, "rehearsal") : KernelResult.Ok;
        });
        int failed = 0;
        foreach (var (_, _, result) in answers)
            failed += result.IsOk ? 0 : 1;
        return sent - failed;
    }
}
