using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using KeepAlive.Actors.Lvs;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Effector;

/// <summary>The IPVS half of the effector: ordered op lists from the virtual servers, table reads, lvs_timeouts and
/// the sync daemon, all through <see cref="IKernelPort.Ipvs"/>.</summary>
public sealed partial class NetlinkEffectorActor
{
    private const int ENOENT = 2, ESRCH = 3;

    private void ReceiveIpvs()
    {
        Receive<ApplyIpvsOps>(ApplyIpvs);
        Receive<GetIpvsTable>(_ => Sender.Tell(ReadIpvsTable()));
        Receive<SetIpvsTimeouts>(SetTimeouts);
        Receive<RestoreIpvsTimeouts>(RestoreTimeouts);
        Receive<StartIpvsSyncDaemon>(d => CompleteIpvs(d.OpId, "node", "started the IPVS sync daemon", IpvsCommandText.StartDaemon(d.Daemon), _kernel.Ipvs.StartDaemon(d.Daemon)));
        Receive<StopIpvsSyncDaemon>(d =>
        {
            var r = _kernel.Ipvs.StopDaemon(d.State);
            CompleteIpvs(d.OpId, "node", "stopped the IPVS sync daemon", IpvsCommandText.StopDaemon(d.State), r.Errno == ESRCH ? KernelResult.Ok : r);
        });
    }

    /// <summary>The first set reads the kernel's values first, so that stop can put them back.</summary>
    private void SetTimeouts(SetIpvsTimeouts t)
    {
        if (_memory.OriginalIpvsTimeouts is null)
        {
            var read = _kernel.Ipvs.Timeouts(out var original);
            if (read.IsOk && original is not null)
                _memory.OriginalIpvsTimeouts = original;
            else
                _log.Warning("cannot read the kernel's IPVS timeouts before changing them ({0}); they will not be put back at stop", read);
        }
        CompleteIpvs(t.OpId, "node", "set the IPVS timeouts", IpvsCommandText.SetTimeouts(t.Timeouts), _kernel.Ipvs.SetTimeouts(t.Timeouts));
    }

    private void RestoreTimeouts(RestoreIpvsTimeouts r)
    {
        if (_memory.OriginalIpvsTimeouts is not { } original)
        {
            Sender.Tell(new OpCompleted(r.OpId, KernelResult.Ok));
            return;
        }
        var result = _kernel.Ipvs.SetTimeouts(original);
        if (result.IsOk)
            _memory.OriginalIpvsTimeouts = null;
        CompleteIpvs(r.OpId, "node", "put back the kernel's IPVS timeouts", IpvsCommandText.SetTimeouts(original), result);
    }

    private void CompleteIpvs(long opId, string owner, string action, string what, KernelResult result)
    {
        Log(owner, action, what, result);
        Count(result);
        Sender.Tell(new OpCompleted(opId, result));
    }

    /// <summary>Every op is tried; a failure is logged and reported, never thrown (the virtual server decides to resync).</summary>
    private void ApplyIpvs(ApplyIpvsOps apply)
    {
        var outcomes = ImmutableArray.CreateBuilder<IpvsOpOutcome>(apply.Ops.Length);
        var ownershipChanged = false;
        foreach (var op in apply.Ops)
        {
            var r = Apply(op);
            Count(r);
            if (r.IsOk)
                _log.Debug("{0}: {1}", apply.Owner, Text(op));
            else
                _log.Warning("{0}: {1} failed: {2}", apply.Owner, Text(op), r);
            if (r.IsOk && op is IpvsOp.AddService)
                ownershipChanged |= _memory.OwnedIpvs.Add(op.Key);
            else if (r.IsOk && op is IpvsOp.DeleteService)
                ownershipChanged |= _memory.OwnedIpvs.Remove(op.Key);
            outcomes.Add(new IpvsOpOutcome(op, r));
        }
        if (ownershipChanged)
            _memory.OwnedIpvsChanged?.Invoke(_memory.OwnedIpvs.ToList());
        Sender.Tell(new IpvsOpsApplied(apply.OpId, outcomes.MoveToImmutable()));
    }

    /// <summary>One op; removing what is already gone is success (idempotent, as releasing addresses).</summary>
    private KernelResult Apply(IpvsOp op)
    {
        var ipvs = _kernel.Ipvs;
        return op switch
        {
            IpvsOp.AddService a => ipvs.AddService(a.Service),
            IpvsOp.EditService e => ipvs.EditService(e.Service),
            IpvsOp.DeleteService d => Gone(ipvs.DeleteService(d.Service)),
            IpvsOp.AddDestination a => ipvs.AddDestination(a.Service, a.Destination),
            IpvsOp.EditDestination e => ipvs.EditDestination(e.Service, e.Destination),
            IpvsOp.DeleteDestination d => Gone(ipvs.DeleteDestination(d.Service, d.Destination)),
            _ => KernelResult.Fail(22, $"unknown IPVS op {op.GetType().Name}"),
        };
    }

    private static KernelResult Gone(KernelResult r) => r.Errno is ESRCH or ENOENT ? KernelResult.Ok : r;

    /// <summary>The ipvsadm command line of an op (the log and <c>--dry-run</c> speak the same language).</summary>
    public static string Text(IpvsOp op) => op switch
    {
        IpvsOp.AddService a => IpvsCommandText.AddService(a.Service),
        IpvsOp.EditService e => IpvsCommandText.EditService(e.Service),
        IpvsOp.DeleteService d => IpvsCommandText.DeleteService(d.Service),
        IpvsOp.AddDestination a => IpvsCommandText.AddDestination(a.Service, a.Destination),
        IpvsOp.EditDestination e => IpvsCommandText.EditDestination(e.Service, e.Destination),
        IpvsOp.DeleteDestination d => IpvsCommandText.DeleteDestination(d.Service, d.Destination),
        _ => op.GetType().Name,
    };

    private IpvsTableSnapshot ReadIpvsTable()
    {
        var owned = _memory.OwnedIpvs.ToImmutableHashSet();
        var r = _kernel.Ipvs.Services(out var services);
        if (!r.IsOk)
            return new IpvsTableSnapshot(r, [], owned);
        var table = ImmutableArray.CreateBuilder<IpvsServiceState>(services.Count);
        foreach (var entry in services)
        {
            var d = _kernel.Ipvs.Destinations(entry.Service, out var destinations);
            if (!d.IsOk && d.Errno != ESRCH)            // a service removed between the two reads is simply gone
                return new IpvsTableSnapshot(d, [], owned);
            if (d.IsOk)
                table.Add(new IpvsServiceState(entry.Service, destinations.Select(x => x.Destination).ToList()));
        }
        return new IpvsTableSnapshot(KernelResult.Ok, table.ToImmutable(), owned);
    }
}
