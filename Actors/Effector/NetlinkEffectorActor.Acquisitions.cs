using Akka.Actor;
using Akka.Event;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>
/// Acquisitions that arrive together are applied together: while more messages wait in the mailbox, an
/// <see cref="AcquireAddresses"/> is queued; the queue is applied when the mailbox is empty or before any other
/// message (a release, frames, an event), so nothing overtakes an acquisition queued before it. The addresses of
/// every queued acquisition that holds only addresses go to the kernel in one call (<see cref="IKernelPort.AddAddresses"/>:
/// one netlink round trip per 32 instead of one each — a 50-member sync group's takeover); each is then all-or-nothing
/// as when applied alone (a failed one removes what it added, unless another of the batch holds it). Acquisitions
/// with routes, rules or firewall drops take the single path.
/// </summary>
public sealed partial class NetlinkEffectorActor
{
    private readonly List<(AcquireAddresses Op, IActorRef ReplyTo)> _acquisitions = [];

    /// <summary>A crash must not swallow queued acquisitions: each is answered as failed (its instance tries again).</summary>
    protected override void PreRestart(Exception reason, object message)
    {
        foreach (var (op, replyTo) in _acquisitions)
            replyTo.Tell(new OpCompleted(op.OpId, KernelResult.Fail(11, $"the effector restarted ({reason.Message}) before applying it")));
        _acquisitions.Clear();
        base.PreRestart(reason, message);
    }

    private void Queue(AcquireAddresses op)
    {
        _acquisitions.Add((op, Sender));
        if (NothingElseWaiting())
            FlushAcquisitions();
    }

    private void FlushAcquisitions()
    {
        var queued = _acquisitions.ToArray();
        _acquisitions.Clear();
        int batchable = queued.Count(q => OnlyAddresses(q.Op.Set));
        if (batchable < 2)
        {
            foreach (var (op, replyTo) in queued)
                Acquire(op, replyTo);
            return;
        }
        // Op ids are per sender, so the queue's positions (not the ids) say whose results are whose.
        var addresses = new List<InterfaceAddress>();
        foreach (var (op, _) in queued)
        {
            if (OnlyAddresses(op.Set))
                addresses.AddRange(op.Set.Addresses);
        }
        var results = new KernelResult[addresses.Count];
        _kernel.AddAddresses(addresses, results);
        // What the acquisitions that fully succeeded hold: a failed one must not take those back.
        var kept = new HashSet<AddressKey>();
        int at = 0;
        foreach (var (op, _) in queued)
        {
            if (!OnlyAddresses(op.Set))
                continue;
            if (results.AsSpan(at, op.Set.Addresses.Count).ToArray().All(r => r.IsOk))
                kept.UnionWith(op.Set.Addresses.Select(a => a.Key));
            at += op.Set.Addresses.Count;
        }
        at = 0;
        foreach (var (op, replyTo) in queued)
        {
            if (!OnlyAddresses(op.Set))
            {
                Acquire(op, replyTo);
                continue;
            }
            Complete(op, replyTo, results.AsSpan(at, op.Set.Addresses.Count), kept);
            at += op.Set.Addresses.Count;
        }
    }

    private static bool OnlyAddresses(KernelSet set) => set.Routes.Count == 0 && set.Rules.Count == 0 && set.Blocked.Count == 0;

    /// <summary>One batched acquisition: held from now on when all its addresses are in; otherwise the ones it added
    /// (and no other acquisition of the batch holds) are removed again and the first failure is its answer — as
    /// <see cref="Acquire"/> does for one applied alone.</summary>
    private void Complete(AcquireAddresses op, IActorRef replyTo, ReadOnlySpan<KernelResult> results, HashSet<AddressKey> kept)
    {
        var holding = _memory.For(op.Owner);
        var failure = KernelResult.Ok;
        var undo = new KernelSetUndo();
        for (int i = 0; i < results.Length; i++)
        {
            var address = op.Set.Addresses[i];
            if (!results[i].IsOk)
            {
                if (failure.IsOk)
                    failure = results[i];
            }
            else if (!holding.Holds(address) && !kept.Contains(address.Key))
            {
                undo.Addresses.Add(address);
            }
        }
        if (!failure.IsOk)
        {
            undo.Undo(_kernel, op.Owner, _memory, _firewall);
            _memory.Prune();
            _failed++;
            _log.Warning("{Owner}: acquiring {Set} failed ({Result}); the {Count} objects added by this op were removed again", op.Owner, op.Set, failure, undo.Count);
            replyTo.Tell(new OpCompleted(op.OpId, failure));
            return;
        }
        holding.Add(op.Set);
        holding.Holder = replyTo;
        _applied++;
        replyTo.Tell(new OpCompleted(op.OpId, KernelResult.Ok));
    }
}
