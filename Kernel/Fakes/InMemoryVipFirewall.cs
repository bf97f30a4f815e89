using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// nf_tables drop sets in memory, with the Linux firewall's semantics (idempotent block/unblock, tables per settings,
/// removal of absent tables allowed) and failure injection: <see cref="FailNext"/> fails the next changes with an
/// errno and changes nothing, as the kernel's all-or-none batch does. Operations are logged. Thread-safe.
/// </summary>
public sealed class InMemoryVipFirewall : IVipFirewall
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<IPAddress>> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, VmacFirewallLink>> _vmacs = new(StringComparer.Ordinal);
    private readonly List<string> _log = new();
    private int _failures;
    private int _failErrno;

    /// <summary>Blocked addresses by table name.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<IPAddress>> Tables
    {
        get
        {
            lock (_gate)
                return _tables.ToDictionary(t => t.Key, t => (IReadOnlySet<IPAddress>)new HashSet<IPAddress>(t.Value), StringComparer.Ordinal);
        }
    }

    public IReadOnlyCollection<IPAddress> Blocked
    {
        get
        {
            lock (_gate)
                return _tables.Values.SelectMany(t => t).Distinct().ToList();
        }
    }

    public IReadOnlyCollection<VmacFirewallLink> Vmacs
    {
        get
        {
            lock (_gate)
                return _vmacs.Values.SelectMany(t => t.Values).ToList();
        }
    }

    /// <summary>The VMACs whose reports are moved, by table name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<VmacFirewallLink>> VmacTables
    {
        get
        {
            lock (_gate)
                return _vmacs.ToDictionary(t => t.Key, t => (IReadOnlyList<VmacFirewallLink>)t.Value.Values.ToList(), StringComparer.Ordinal);
        }
    }

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_gate)
                return _log.ToList();
        }
    }

    /// <summary>The next <paramref name="count"/> changes fail with <paramref name="errno"/> (ENOBUFS by default).</summary>
    public void FailNext(int count = 1, int errno = 105)
    {
        lock (_gate)
        {
            _failures = count;
            _failErrno = errno;
        }
    }

    public KernelResult Apply(VipFirewallSettings settings, IReadOnlyCollection<IPAddress> block, IReadOnlyCollection<IPAddress> unblock)
    {
        lock (_gate)
        {
            if (Failed($"{settings.Table} +{block.Count} -{unblock.Count}", settings, out var failure))
                return failure;
            var set = Table(settings.Table);
            foreach (var a in block)
            {
                if (set.Add(a))
                    _log.Add($"block {settings.Table} {a}");
            }
            foreach (var a in unblock)
            {
                if (set.Remove(a))
                    _log.Add($"unblock {settings.Table} {a}");
            }
            return KernelResult.Ok;
        }
    }

    public KernelResult Remove(VipFirewallSettings settings)
    {
        lock (_gate)
        {
            _vmacs.Remove(settings.Table);
            if (_tables.Remove(settings.Table))
                _log.Add($"remove {settings.Table}");
            return KernelResult.Ok;
        }
    }

    public KernelResult AddVmac(VipFirewallSettings settings, VmacFirewallLink link)
    {
        lock (_gate)
        {
            if (Failed($"{settings.Table} vmac {link.Name}", settings, out var failure))
                return failure;
            Table(settings.Table);
            if (!_vmacs.TryGetValue(settings.Table, out var links))
                _vmacs[settings.Table] = links = new Dictionary<string, VmacFirewallLink>(StringComparer.Ordinal);
            if (!links.TryGetValue(link.Name, out var known) || known != link)
                _log.Add($"vmac {settings.Table} {link.Name} {link.Index}:{link.BaseIndex}{(link.Families.IPv4 ? " igmp" : "")}{(link.Families.IPv6 ? " mld" : "")}");
            links[link.Name] = link;
            return KernelResult.Ok;
        }
    }

    public KernelResult RemoveVmac(VipFirewallSettings settings, string name)
    {
        lock (_gate)
        {
            if (Failed($"{settings.Table} -vmac {name}", settings, out var failure))
                return failure;
            if (_vmacs.TryGetValue(settings.Table, out var links) && links.Remove(name))
                _log.Add($"forget vmac {settings.Table} {name}");
            return KernelResult.Ok;
        }
    }

    /// <summary>The new table gets every address and VMAC of the old one, then the old one goes (a different name);
    /// a failure leaves the old table as it was.</summary>
    public KernelResult Move(VipFirewallSettings from, VipFirewallSettings to)
    {
        lock (_gate)
        {
            if (from == to || !_tables.TryGetValue(from.Table, out var blocked))
                return KernelResult.Ok;
            if (Failed($"move {from.Table} -> {to.Table}", to, out var failure))
                return failure;
            _log.Add($"move {from.Table}/{from.Priority} -> {to.Table}/{to.Priority}");
            if (from.Table == to.Table)
                return KernelResult.Ok;
            Table(to.Table).UnionWith(blocked);
            if (_vmacs.Remove(from.Table, out var links))
                _vmacs[to.Table] = links;
            _tables.Remove(from.Table);
            return KernelResult.Ok;
        }
    }

    private HashSet<IPAddress> Table(string name)
    {
        if (!_tables.TryGetValue(name, out var set))
            _tables[name] = set = new HashSet<IPAddress>();
        return set;
    }

    private bool Failed(string what, VipFirewallSettings settings, out KernelResult failure)
    {
        failure = KernelResult.Ok;
        if (_failures <= 0)
            return false;
        _failures--;
        _log.Add($"fail {what}");
        failure = KernelResult.Fail(_failErrno, $"nftables {settings.Table}: injected failure");
        return true;
    }
}
