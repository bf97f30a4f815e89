using System.Net;
using Akka.Actor;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Node;

/// <summary>What an actor-path rehearsal went through: the states the rehearsal instance reported and the adverts it put
/// on its in-memory network (priority 0 included), so a test can tell it covered takeover and stop.</summary>
public sealed record ActorRehearsalReport(IReadOnlyList<VrrpState> States, int Adverts, int PriorityZeroAdverts);

/// <summary>
/// Runs one instance actor, its I/O actor, its sync group and a netlink effector through a takeover and a stop, on an in-memory network
/// and over a recording kernel port, so the first real takeover and the first SIGTERM of a fresh process do not pay for
/// the first use of their precompiled code (measured in the lab: a fresh backup's first takeover followed the
/// master-down interval by 1.9 ms against 1.0 ms for its next ones, and the real effector's first acquisition took
/// 1.3 ms of runtime work before its netlink request; <see cref="TakeoverRehearsal"/> covers the pure decisions, this
/// covers the actors' side: effects, advert encoding, the I/O actor's channel, the sync group's decision and head
/// start (its first real one took 0.18 ms to build the 50-member batch in the lab, most of the time between the last
/// member's wish and the first advert), the effector's acquisition, answer and frames). Nothing reaches the kernel, the
/// wire, the notifier or the log: the instance is <see cref="VrrpInstanceSetup.Quiet"/>, the group quiet, the addresses
/// documentation ones (192.0.2.0/24) and the effector's kernel a <see cref="RecordingKernelPort"/>.
/// </summary>
public static class ActorPathRehearsal
{
    /// <summary>Rehearses with <paramref name="template"/>'s version and interval on <paramref name="dispatcher"/> (the
    /// VRRP actors' one; null: the default), the effector on <paramref name="effectorDispatcher"/>. Stops its actors
    /// before it returns; throws only on a timeout.</summary>
    public static async Task<ActorRehearsalReport> RunAsync(ActorSystem system, VrrpSettings template, string? dispatcher, Func<long> clock, TimeSpan timeout,
        string? effectorDispatcher = null)
    {
        var network = new InMemoryVrrpNetwork();
        var source = IPAddress.Parse("192.0.2.2");
        var socket = network.Attach("rehearsal", 1, source);
        var id = Guid.NewGuid().ToString("N")[..8];
        Props OnDispatcher(Props p) => dispatcher is null ? p : p.WithDispatcher(dispatcher);
        var io = system.ActorOf(OnDispatcher(VrrpIoActor.Props(socket)), $"rehearsal-io-{id}");
        var kernel = new RecordingKernelPort().WithLink("rehearsal0");
        var effectorProps = NetlinkEffectorActor.Props(kernel, new EffectorMemory());
        var effector = system.ActorOf(effectorDispatcher is null ? effectorProps : effectorProps.WithDispatcher(effectorDispatcher), $"rehearsal-effector-{id}");
        var group = system.ActorOf(OnDispatcher(Sync.SyncGroupActor.Props("rehearsal", ["rehearsal"], effector: effector, quiet: true)), $"rehearsal-group-{id}");
        var setup = new VrrpInstanceSetup
        {
            Name = "rehearsal",
            Quiet = true,
            Settings = template with { Vrid = 1, Priority = 100, PrimaryAddress = source.GetAddressBytes(), GarpMasterDelayMicros = 0, GarpRefreshMicros = 0, InSyncGroup = true },
            Interface = "rehearsal0",
            InterfaceMac = [2, 0, 0, 0, 0, 1],
            Source = source,
            Destination = IPAddress.Parse("224.0.0.18"),
            VirtualAddresses = [new InterfaceAddress("rehearsal0", IPAddress.Parse("192.0.2.1"), 32)],
        };
        var set = KernelSet.Of(setup.VirtualAddresses);
        setup = setup with { MasterSet = set };
        var instance = system.ActorOf(OnDispatcher(VrrpInstanceActor.Props(setup, new VrrpInstanceLinks(io, effector, group), clock)), $"rehearsal-vrrp-{id}");
        var states = new List<VrrpState>();
        try
        {
            states.Add(await Until(instance, s => s != VrrpState.Initialize, timeout).ConfigureAwait(false));
            // The instance registered with the I/O actor when it started; once the I/O actor has answered this, its
            // channel offer is in the instance's mailbox ahead of what follows (it would meet a stopped instance).
            await io.Ask<IoStatus>(GetIoStatus.Instance, timeout).ConfigureAwait(false);
            // As a sync group takes over: the member's wish (its master-down interval ran out) completes the group, whose
            // order carries the batch with the set, which the instance sends and adopts. The group heard the member's
            // BACKUP before the status answer above, so before this.
            group.Tell(new Sync.SyncInput.WantsMaster(setup.Name, set));
            states.Add(await Until(instance, s => s == VrrpState.Master, timeout).ConfigureAwait(false));
            // Its acquisition answered before it stops, so no answer meets a stopped instance (a dead letter is logged).
            while (!(await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, timeout).ConfigureAwait(false)).Held.ContainsKey(setup.Name))
                await Task.Delay(5).ConfigureAwait(false);
            await instance.Ask<InstanceStopped>(StopInstance.Instance, timeout).ConfigureAwait(false);
            // The release it sent on its way out is answered (into its mailbox, ahead of the stop below) before this.
            await effector.Ask<EffectorStatus>(GetEffectorStatus.Instance, timeout).ConfigureAwait(false);
            states.Add(await Until(instance, s => s == VrrpState.Stopped, timeout).ConfigureAwait(false));
            var sent = network.Sent;
            return new ActorRehearsalReport(states, sent.Count, sent.Count(d => d.Payload.Length > 2 && d.Payload.Span[2] == 0));
        }
        finally
        {
            // The instance first, so nothing it sends on its way out meets a stopped effector (a dead letter is logged).
            await StopAsync(instance, timeout).ConfigureAwait(false);
            await StopAsync(io, timeout).ConfigureAwait(false);
            await StopAsync(group, timeout).ConfigureAwait(false);
            await StopAsync(effector, timeout).ConfigureAwait(false);
            socket.Dispose();
        }
    }

    private static async Task<VrrpState> Until(IActorRef instance, Func<VrrpState, bool> reached, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await instance.Ask<InstanceStatus>(GetInstanceStatus.Instance, timeout).ConfigureAwait(false);
            if (reached(status.State))
                return status.State;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the rehearsal instance stayed {status.State}");
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(IActorRef actor, TimeSpan timeout)
    {
        try
        {
            await actor.GracefulStop(timeout).ConfigureAwait(false);
        }
        catch (TaskCanceledException)
        {
            // It stops anyway; only the order is lost.
        }
    }
}
