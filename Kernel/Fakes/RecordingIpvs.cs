using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// An in-memory IPVS with the kernel's answers (as the golden ipvsadm captures show them): EEXIST "Service already
/// exists" / "Destination already exists", ESRCH "No such service" / "Service not defined", ENOENT "No such
/// destination", ENOENT for an unknown scheduler; <see cref="Available"/> false answers as a kernel without ip_vs.
/// Operations are logged. Thread-safe.
/// </summary>
public sealed class RecordingIpvs : IIpvsPort
{
    private const int ENOENT = 2, ESRCH = 3, EEXIST = 17;
    private static readonly HashSet<string> Schedulers = new(StringComparer.Ordinal) { "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos" };

    private readonly object _gate = new();
    private readonly Dictionary<IpvsServiceKey, (IpvsService Service, Dictionary<(System.Net.IPAddress, ushort), IpvsDestination> Destinations)> _services = new();
    private readonly List<string> _log = new();
    private readonly Dictionary<IpvsSyncState, IpvsDaemon> _daemons = new();
    private readonly Dictionary<IpvsOperation, (int Errno, int Times)> _faults = new();
    private IpvsTimeouts _timeouts = new(900, 120, 300);

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> fail with <paramref name="errno"/>
    /// (and change nothing), as a kernel that refuses them would.</summary>
    public void InjectFault(IpvsOperation operation, int errno, int times = 1)
    {
        lock (_gate)
            _faults[operation] = (errno, times);
    }

    /// <summary>False: a kernel without the ip_vs module.</summary>
    public bool Available { get; set; } = true;

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_gate)
                return _log.ToList();
        }
    }

    public KernelResult Info(out IpvsInfo? info)
    {
        info = Available ? new IpvsInfo(0x010201, 4096) : null;
        return Available ? KernelResult.Ok : IIpvsPort.NotAvailable;
    }

    public KernelResult AddService(IpvsService service) => Do(IpvsOperation.AddService, $"add service {Describe(service)}", () =>
    {
        if (!Schedulers.Contains(service.Scheduler))
            return Fail(IpvsOperation.AddService, ENOENT);
        var key = IpvsServiceKey.Of(service);
        if (_services.ContainsKey(key))
            return Fail(IpvsOperation.AddService, EEXIST);
        _services[key] = (service, new());
        return KernelResult.Ok;
    });

    public KernelResult EditService(IpvsService service) => Do(IpvsOperation.EditService, $"edit service {Describe(service)}", () =>
    {
        var key = IpvsServiceKey.Of(service);
        if (!_services.TryGetValue(key, out var entry))
            return Fail(IpvsOperation.EditService, ESRCH);
        if (!Schedulers.Contains(service.Scheduler))
            return Fail(IpvsOperation.EditService, ENOENT);
        _services[key] = (service, entry.Destinations);
        return KernelResult.Ok;
    });

    public KernelResult DeleteService(IpvsService service) => Do(IpvsOperation.DeleteService, $"delete service {Describe(service)}", () =>
        _services.Remove(IpvsServiceKey.Of(service)) ? KernelResult.Ok : Fail(IpvsOperation.DeleteService, ESRCH));

    public KernelResult Flush() => Do(IpvsOperation.Flush, "flush", () =>
    {
        _services.Clear();
        return KernelResult.Ok;
    });

    public KernelResult AddDestination(IpvsService service, IpvsDestination destination) => Do(IpvsOperation.AddDestination, $"add destination {destination.Address}:{destination.Port} to {Describe(service)}", () =>
    {
        if (!_services.TryGetValue(IpvsServiceKey.Of(service), out var entry))
            return Fail(IpvsOperation.AddDestination, ESRCH);
        if (!entry.Destinations.TryAdd((destination.Address, destination.Port), destination))
            return Fail(IpvsOperation.AddDestination, EEXIST);
        return KernelResult.Ok;
    });

    public KernelResult EditDestination(IpvsService service, IpvsDestination destination) => Do(IpvsOperation.EditDestination, $"edit destination {destination.Address}:{destination.Port} of {Describe(service)}", () =>
    {
        if (!_services.TryGetValue(IpvsServiceKey.Of(service), out var entry))
            return Fail(IpvsOperation.EditDestination, ESRCH);
        if (!entry.Destinations.ContainsKey((destination.Address, destination.Port)))
            return Fail(IpvsOperation.EditDestination, ENOENT);
        entry.Destinations[(destination.Address, destination.Port)] = destination;
        return KernelResult.Ok;
    });

    public KernelResult DeleteDestination(IpvsService service, IpvsDestination destination) => Do(IpvsOperation.DeleteDestination, $"delete destination {destination.Address}:{destination.Port} of {Describe(service)}", () =>
    {
        if (!_services.TryGetValue(IpvsServiceKey.Of(service), out var entry))
            return Fail(IpvsOperation.DeleteDestination, ESRCH);
        return entry.Destinations.Remove((destination.Address, destination.Port)) ? KernelResult.Ok : Fail(IpvsOperation.DeleteDestination, ENOENT);
    });

    public KernelResult Services(out IReadOnlyList<IpvsServiceEntry> services)
    {
        lock (_gate)
        {
            services = _services.Values.Select(e => new IpvsServiceEntry(e.Service, default)).ToList();
            return Available ? KernelResult.Ok : IIpvsPort.NotAvailable;
        }
    }

    public KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations)
    {
        lock (_gate)
        {
            destinations = [];
            if (!Available)
                return IIpvsPort.NotAvailable;
            if (!_services.TryGetValue(IpvsServiceKey.Of(service), out var entry))
                return Fail(IpvsOperation.GetDestination, ESRCH);
            destinations = entry.Destinations.Values.Select(d => new IpvsDestinationEntry(d, 0, 0, 0, default)).ToList();
            return KernelResult.Ok;
        }
    }

    public KernelResult Timeouts(out IpvsTimeouts? timeouts)
    {
        lock (_gate)
            timeouts = Available ? _timeouts : null;
        return Available ? KernelResult.Ok : IIpvsPort.NotAvailable;
    }

    public KernelResult SetTimeouts(IpvsTimeouts timeouts) => Do(IpvsOperation.SetConfig, $"set timeouts {timeouts}", () =>
    {
        // ipvsadm --set: 0 keeps the current value.
        _timeouts = new IpvsTimeouts(timeouts.Tcp == 0 ? _timeouts.Tcp : timeouts.Tcp, timeouts.TcpFin == 0 ? _timeouts.TcpFin : timeouts.TcpFin,
            timeouts.Udp == 0 ? _timeouts.Udp : timeouts.Udp);
        return KernelResult.Ok;
    });

    public KernelResult Zero(IpvsService? service) => Do(IpvsOperation.Zero, "zero", () =>
        service is null || _services.ContainsKey(IpvsServiceKey.Of(service)) ? KernelResult.Ok : Fail(IpvsOperation.Zero, ESRCH));

    public KernelResult StartDaemon(IpvsDaemon daemon) => Do(IpvsOperation.StartDaemon, $"start daemon {daemon.State}", () =>
        _daemons.TryAdd(daemon.State, daemon) ? KernelResult.Ok : Fail(IpvsOperation.StartDaemon, EEXIST));

    public KernelResult StopDaemon(IpvsSyncState state) => Do(IpvsOperation.StopDaemon, $"stop daemon {state}", () =>
        _daemons.Remove(state) ? KernelResult.Ok : Fail(IpvsOperation.StopDaemon, ESRCH));

    public KernelResult Daemons(out IReadOnlyList<IpvsDaemon> daemons)
    {
        lock (_gate)
            daemons = _daemons.Values.ToList();
        return Available ? KernelResult.Ok : IIpvsPort.NotAvailable;
    }

    private KernelResult Do(IpvsOperation operation, string what, Func<KernelResult> apply)
    {
        lock (_gate)
        {
            var result = !Available ? IIpvsPort.NotAvailable : Faulted(operation) is { } fault ? fault : apply();
            _log.Add($"{what}: {result}");
            return result;
        }
    }

    private KernelResult? Faulted(IpvsOperation operation)
    {
        if (!_faults.TryGetValue(operation, out var fault) || fault.Times <= 0)
            return null;
        _faults[operation] = (fault.Errno, fault.Times - 1);
        return Fail(operation, fault.Errno);
    }

    private static KernelResult Fail(IpvsOperation operation, int errno) => KernelResult.Fail(errno, IpvsErrorText.Describe(operation, errno));

    private static string Describe(IpvsService s) => s.IsFirewallMark ? $"fwmark {s.FirewallMark}" : $"{s.Protocol} {s.Address}:{s.Port}";
}
