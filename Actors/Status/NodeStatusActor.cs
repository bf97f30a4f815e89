using System.Collections.Immutable;
using Akka.Actor;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Sync;
using KeepAlive.Actors.Timing;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Actors.Status;

/// <summary>
/// One status request (short-lived, one per request): asks the node for its children, then every instance, I/O
/// actor, sync group and the effector at once, and answers with a <see cref="NodeStatusReport"/> when all have answered
/// or when the deadline passes — then the children that did not answer are listed in
/// <see cref="NodeStatusReport.Missing"/> instead of failing the request. It stops after answering. With
/// <see cref="ClearNodeStats"/> it tells every instance and I/O actor to zero keepalived's counters instead.
/// </summary>
public sealed class NodeStatusActor : ReceiveActor, IWithTimers
{
    private const string DeadlineKey = "deadline";
    private readonly IActorRef _node;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<IActorRef, string> _pending = new();
    private readonly Dictionary<string, InstanceReport> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IoStatus> _io = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SyncGroupStatus> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VirtualServerReport> _virtualServers = new(StringComparer.Ordinal);
    private EffectorStatus? _effector;
    private NodeChildren? _children;
    private IActorRef _requester = ActorRefs.Nobody;

    public NodeStatusActor(IActorRef node, TimeSpan timeout)
    {
        _node = node;
        _timeout = timeout;
        Receive<CollectNodeStatus>(_ => Start(Gathering));
        Receive<ClearNodeStats>(_ => Start(Clearing));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A request against <paramref name="node"/>; children that have not answered after
    /// <paramref name="timeout"/> are reported missing.</summary>
    public static Props Props(IActorRef node, TimeSpan timeout) => Akka.Actor.Props.Create(() => new NodeStatusActor(node, timeout));

    private sealed record Deadline
    {
        public static Deadline Instance { get; } = new();
    }

    private void Start(Action next)
    {
        _requester = Sender;
        Timers.StartSingleTimer(DeadlineKey, Deadline.Instance, _timeout);
        _node.Tell(GetNodeChildren.Instance);
        Become(() =>
        {
            Receive<NodeChildren>(c =>
            {
                _children = c;
                Become(next);
            });
            Receive<Deadline>(_ =>
            {
                if (next == Clearing)
                {
                    _requester.Tell(new NodeStatsCleared(0));              // the node did not answer: nobody was told
                    Context.Stop(Self);
                }
                else
                {
                    Finish(["node"]);
                }
            });
        });
    }

    private void Gathering()
    {
        var c = _children!;
        foreach (var i in c.Plan.Instances)
            Ask(c, i.ChildName, GetInstanceReport.Instance);
        foreach (var io in c.Plan.Io)
            Ask(c, io.ChildName, GetIoStatus.Instance);
        foreach (var g in c.Plan.Groups)
            Ask(c, g.ChildName, GetSyncGroupStatus.Instance);
        Ask(c, ActorNames.Effector, GetEffectorStatus.Instance);
        foreach (var vs in c.Children.Keys.Where(IsVirtualServer))
            Ask(c, vs, KeepAlive.Actors.Lvs.GetVirtualServerStatus.Instance);
        Receive<VirtualServerReport>(r => Answered(n => _virtualServers[n] = r));
        Receive<InstanceReport>(r => Answered(n => _instances[n] = r));
        Receive<IoStatus>(r => Answered(n => _io[n] = r));
        Receive<SyncGroupStatus>(r => Answered(n => _groups[n] = r));
        Receive<EffectorStatus>(r => Answered(_ => _effector = r));
        Receive<Deadline>(_ => Finish(_pending.Values.Order(StringComparer.Ordinal)));
        if (_pending.Count == 0)
            Finish([]);
    }

    private void Clearing()
    {
        var c = _children!;
        int told = 0;
        foreach (var i in c.Plan.Instances.Where(i => c.Children.ContainsKey(i.ChildName)))
        {
            c.Children[i.ChildName].Tell(ClearInstanceStats.Instance);
            told++;
        }
        foreach (var io in c.Plan.Io.Where(io => c.Children.ContainsKey(io.ChildName)))
        {
            c.Children[io.ChildName].Tell(ClearIoStats.Instance);
            told++;
        }
        _requester.Tell(new NodeStatsCleared(told));
        Context.Stop(Self);
    }

    private void Ask(NodeChildren c, string child, object question)
    {
        if (!c.Children.TryGetValue(child, out var actor))
            return;                                                  // not running (e.g. no socket): nothing to ask
        _pending[actor] = child;
        actor.Tell(question);
    }

    private void Answered(Action<string> keep)
    {
        if (!_pending.Remove(Sender, out var name))
            return;                                                  // not one we asked, or answered twice
        keep(name);
        if (_pending.Count == 0)
            Finish([]);
    }

    private void Finish(IEnumerable<string> missing)
    {
        Timers.CancelAll();
        _requester.Tell(Build([.. missing]));
        Context.Stop(Self);
    }

    private NodeStatusReport Build(ImmutableArray<string> missing)
    {
        var at = Context.System.Scheduler.Now.ToUniversalTime();
        var lateness = (Context.System.Scheduler as PreciseScheduler)?.Lateness.Snapshot();
        if (_children is null)
            return new NodeStatusReport { At = at, Missing = missing, TimerLateness = lateness };
        var plan = _children.Plan;
        var instances = plan.Instances
            .Where(i => _instances.ContainsKey(i.ChildName))
            .Select(i => WithDiscards(_instances[i.ChildName], _io.GetValueOrDefault(i.IoChild)))
            .ToImmutableArray();
        var io = plan.Io
            .Where(p => _io.ContainsKey(p.ChildName))
            .Select(p =>
            {
                var s = _io[p.ChildName];
                return new IoReport(p.ChildName, p.Spec.Interface, p.Spec.Family, p.Spec.Multicast, s.Received, s.Sent, s.SendFailures, s.Discards.ToImmutableSortedDictionary())
                {
                    Ah = p.Spec.Ah,
                    Absorbed = s.Absorbed,
                };
            })
            .ToImmutableArray();
        var groups = plan.Groups
            .Where(g => _groups.ContainsKey(g.ChildName))
            .Select(g => new SyncGroupReport(g.Config.Name, _groups[g.ChildName].State, [.. g.Config.Members]))
            .ToImmutableArray();
        var effector = _effector is null ? null : new EffectorReport(_effector.Applied, _effector.Failed,
            _effector.Held.ToImmutableSortedDictionary(h => h.Key, h => h.Value.Count, StringComparer.Ordinal),
            _effector.OpDurations.ToImmutableSortedDictionary(StringComparer.Ordinal));
        return new NodeStatusReport
        {
            At = at,
            VirtualServers = [.. _virtualServers.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Value)],
            Instances = instances,
            Io = io,
            SyncGroups = groups,
            Effector = effector,
            TimerLateness = lateness,
            Missing = missing,
        };
    }

    /// <summary>The I/O actor's discards for the instance's VRID, folded into keepalived's counters.</summary>
    /// <summary>The node's virtual server children (ActorNames.VirtualServer).</summary>
    private static bool IsVirtualServer(string child) => child.StartsWith("vs-", StringComparison.Ordinal);

    private static InstanceReport WithDiscards(InstanceReport r, IoStatus? io)
    {
        if (io is null)
            return r;
        var lifetime = io.DiscardsByVrid.GetValueOrDefault(r.Vrid) ?? new Dictionary<VrrpDiscard, long>();
        var sinceClear = io.DiscardsByVridSinceClear.GetValueOrDefault(r.Vrid) ?? new Dictionary<VrrpDiscard, long>();
        return r with
        {
            Discards = lifetime.ToImmutableSortedDictionary(),
            Totals = r.Totals.WithDiscards(lifetime),
            Stats = r.Stats.WithDiscards(sinceClear),
        };
    }
}

/// <summary>The API the controller uses: one short-lived <see cref="NodeStatusActor"/> per call.</summary>
public static class NodeStatus
{
    /// <summary>The node's report; children slower than <paramref name="timeout"/> are listed as missing.</summary>
    public static Task<NodeStatusReport> CollectAsync(IActorRefFactory system, IActorRef node, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var request = system.ActorOf(NodeStatusActor.Props(node, timeout));
        return request.Ask<NodeStatusReport>(CollectNodeStatus.Instance, timeout + TimeSpan.FromSeconds(5), cancellationToken);
    }

    /// <summary>STATS_CLEAR: every instance and I/O actor zeroes keepalived's counters.</summary>
    public static Task<NodeStatsCleared> ClearStatsAsync(IActorRefFactory system, IActorRef node, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var request = system.ActorOf(NodeStatusActor.Props(node, timeout));
        return request.Ask<NodeStatsCleared>(ClearNodeStats.Instance, timeout + TimeSpan.FromSeconds(5), cancellationToken);
    }
}
