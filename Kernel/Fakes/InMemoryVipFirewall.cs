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
            if (_failures > 0)
            {
                _failures--;
                _log.Add($"fail {settings.Table} +{block.Count} -{unblock.Count}");
                return KernelResult.Fail(_failErrno, $"nftables {settings.Table}: injected failure");
            }
            if (!_tables.TryGetValue(settings.Table, out var set))
                _tables[settings.Table] = set = new HashSet<IPAddress>();
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
            if (_tables.Remove(settings.Table))
                _log.Add($"remove {settings.Table}");
            return KernelResult.Ok;
        }
    }
}
