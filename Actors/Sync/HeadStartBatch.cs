using Akka.Actor;
using KeepAlive.Actors.Effector;

namespace KeepAlive.Actors.Sync;

/// <summary>
/// The acquisitions of one sync-group takeover (<see cref="SyncGroupActor"/>'s head start), handed to the effector by
/// the first member that reads its order: right after its first advert has left — or just before, when preempting,
/// as its advert waits for the addresses anyway. Neither the group's decision nor that first advert waits for the
/// effector (measured in the lab: the group handing the batch over itself, before its orders, delayed the takeover's
/// first advert by about 0.3 ms; with a Context.Watch per member on that path, by 1.2 ms).
/// <para>Each member calls <see cref="EnsureSent"/> before it sends the effector anything about its head start, so
/// nothing it sends can overtake the batch (a release above all). The group withdraws the op of a member that stopped
/// before reading its order (<see cref="Withdraw"/>); once the batch has left, the group releases that member's set
/// instead.</para>
/// </summary>
public sealed class HeadStartBatch
{
    private readonly Lock _gate = new();
    private readonly IActorRef _effector;
    private readonly List<AcquireAddresses> _ops;
    private bool _sent;

    public HeadStartBatch(IActorRef effector, IEnumerable<AcquireAddresses> ops)
    {
        _effector = effector;
        _ops = new List<AcquireAddresses>(ops);
    }

    /// <summary>The ops in the batch now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _ops.Count;
        }
    }

    /// <summary>Sends the batch, unless it has been sent (or emptied) already.</summary>
    public void EnsureSent()
    {
        lock (_gate)
        {
            if (_sent)
                return;
            _sent = true;
            if (_ops.Count > 0)
                _effector.Tell(new AcquireAddressesTogether(_ops.ToArray()));
        }
    }

    /// <summary>Takes op <paramref name="opId"/> out of a batch not sent yet (true); false once the batch has left
    /// (what it acquired must be released).</summary>
    public bool Withdraw(long opId)
    {
        lock (_gate)
        {
            if (_sent)
                return false;
            _ops.RemoveAll(o => o.OpId == opId);
            return true;
        }
    }
}
