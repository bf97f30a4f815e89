namespace KeepAlive.Kernel.Ports;

/// <summary>
/// What the kernel has, as seen through its events: links by index and addresses, kept current by
/// <see cref="Apply"/>. A <see cref="KernelEvent.Resync"/> (events were lost) marks the view stale until the owner
/// re-reads the kernel and calls <see cref="Reset"/>. Pure; not thread-safe (one owner).
/// </summary>
public sealed class KernelStateView
{
    private readonly Dictionary<int, LinkState> _links = new();
    private readonly HashSet<AddressKey> _addressKeys = new();
    private readonly Dictionary<AddressKey, InterfaceAddress> _addresses = new();

    /// <summary>True after a Resync until the next <see cref="Reset"/>.</summary>
    public bool Stale { get; private set; } = true;

    public IReadOnlyCollection<LinkState> Links => _links.Values;

    public IReadOnlyCollection<InterfaceAddress> Addresses => _addresses.Values;

    public bool Has(InterfaceAddress address) => _addressKeys.Contains(address.Key);

    /// <summary>Replaces the view with a fresh read of the kernel.</summary>
    public void Reset(IEnumerable<LinkState> links, IEnumerable<InterfaceAddress> addresses)
    {
        _links.Clear();
        _addresses.Clear();
        _addressKeys.Clear();
        foreach (var l in links)
            _links[l.Index] = l;
        foreach (var a in addresses)
        {
            _addresses[a.Key] = a;
            _addressKeys.Add(a.Key);
        }
        Stale = false;
    }

    /// <summary>Applies one event; returns false for a Resync (the owner must re-read and <see cref="Reset"/>).</summary>
    public bool Apply(KernelEvent e)
    {
        switch (e)
        {
            case KernelEvent.LinkChanged c:
                _links[c.Link.Index] = c.Link;
                return true;
            case KernelEvent.LinkRemoved r:
                _links.Remove(r.Index);
                foreach (var key in _addressKeys.Where(k => k.Interface == r.Name).ToList())
                {
                    _addressKeys.Remove(key);
                    _addresses.Remove(key);
                }
                return true;
            case KernelEvent.AddressAdded a:
                _addresses[a.Address.Key] = a.Address;
                _addressKeys.Add(a.Address.Key);
                return true;
            case KernelEvent.AddressRemoved a:
                _addresses.Remove(a.Address.Key);
                _addressKeys.Remove(a.Address.Key);
                return true;
            case KernelEvent.Resync:
                Stale = true;
                return false;
            default:
                return true;
        }
    }
}
