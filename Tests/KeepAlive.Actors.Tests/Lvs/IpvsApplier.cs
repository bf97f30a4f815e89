using KeepAlive.Actors.Lvs;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>A strict in-memory IPVS table for the reconciler tests: it applies ops the way the kernel would and throws
/// on what the kernel would refuse (adding what exists, editing or deleting what does not, deleting a service that
/// still has destinations — the reconciler promises destinations go first).</summary>
internal sealed class IpvsApplier
{
    private readonly List<IpvsServiceKey> _order = [];
    private readonly Dictionary<IpvsServiceKey, (IpvsService Service, List<IpvsDestination> Destinations)> _services = [];

    public IpvsApplier(IEnumerable<IpvsServiceState> observed)
    {
        foreach (var s in observed)
        {
            _order.Add(s.Key);
            _services.Add(s.Key, (s.Service, s.Destinations.ToList()));
        }
    }

    public void Apply(IEnumerable<IpvsOp> ops)
    {
        foreach (var op in ops)
            Apply(op);
    }

    public void Apply(IpvsOp op)
    {
        var key = op.Key;
        var exists = _services.TryGetValue(key, out var entry);
        switch (op)
        {
            case IpvsOp.AddService a:
                if (exists)
                    throw new InvalidOperationException($"{key}: Service already exists");
                _order.Add(key);
                _services.Add(key, (a.Service, []));
                return;
            case IpvsOp.EditService e:
                Require(exists, key);
                _services[key] = (e.Service, entry.Destinations);
                return;
            case IpvsOp.DeleteService:
                Require(exists, key);
                if (entry.Destinations.Count != 0)
                    throw new InvalidOperationException($"{key}: deleted with {entry.Destinations.Count} destinations left");
                _services.Remove(key);
                _order.Remove(key);
                return;
        }
        Require(exists, key);
        var dests = entry.Destinations;
        var (d, verb) = op switch
        {
            IpvsOp.AddDestination x => (x.Destination, 'a'),
            IpvsOp.EditDestination x => (x.Destination, 'e'),
            IpvsOp.DeleteDestination x => (x.Destination, 'd'),
            _ => throw new InvalidOperationException(op.ToString()),
        };
        var index = dests.FindIndex(x => IpvsDestinationKey.Of(x) == IpvsDestinationKey.Of(d));
        switch (verb)
        {
            case 'a' when index >= 0:
                throw new InvalidOperationException($"{key} {IpvsDestinationKey.Of(d)}: Destination already exists");
            case 'a':
                dests.Add(d);
                break;
            case 'e' or 'd' when index < 0:
                throw new InvalidOperationException($"{key} {IpvsDestinationKey.Of(d)}: No such destination");
            case 'e':
                dests[index] = d;
                break;
            default:
                dests.RemoveAt(index);
                break;
        }
    }

    public IReadOnlyList<IpvsServiceState> Table => _order.Select(k => new IpvsServiceState(_services[k].Service, _services[k].Destinations.ToList())).ToList();

    private static void Require(bool exists, IpvsServiceKey key)
    {
        if (!exists)
            throw new InvalidOperationException($"{key}: No such service");
    }
}
