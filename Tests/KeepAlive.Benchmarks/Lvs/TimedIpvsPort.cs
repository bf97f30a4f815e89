using System.Diagnostics;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Benchmarks.Lvs;

/// <summary>
/// The IPVS port of the benchmarks: the in-memory IPVS of the tests (<see cref="Kernel.Fakes.RecordingIpvs"/>, which
/// answers as the kernel does and logs each change) with a count and the time of the last change added. Reads are not
/// counted: only what ipvsadm would call a command.
/// </summary>
public sealed class TimedIpvsPort(IIpvsPort inner) : IIpvsPort
{
    private long _changes;
    private long _lastChange;

    /// <summary>Changes issued so far.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>Stopwatch timestamp of the last change (0: none yet).</summary>
    public long LastChange => Interlocked.Read(ref _lastChange);

    public KernelResult Info(out IpvsInfo? info) => inner.Info(out info);

    public KernelResult AddService(IpvsService service) => Change(inner.AddService(service));

    public KernelResult EditService(IpvsService service) => Change(inner.EditService(service));

    public KernelResult DeleteService(IpvsService service) => Change(inner.DeleteService(service));

    public KernelResult Flush() => Change(inner.Flush());

    public KernelResult AddDestination(IpvsService service, IpvsDestination destination) => Change(inner.AddDestination(service, destination));

    public KernelResult EditDestination(IpvsService service, IpvsDestination destination) => Change(inner.EditDestination(service, destination));

    public KernelResult DeleteDestination(IpvsService service, IpvsDestination destination) => Change(inner.DeleteDestination(service, destination));

    public KernelResult Services(out IReadOnlyList<IpvsServiceEntry> services) => inner.Services(out services);

    public KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations) => inner.Destinations(service, out destinations);

    public KernelResult Timeouts(out IpvsTimeouts? timeouts) => inner.Timeouts(out timeouts);

    public KernelResult SetTimeouts(IpvsTimeouts timeouts) => Change(inner.SetTimeouts(timeouts));

    public KernelResult Zero(IpvsService? service) => Change(inner.Zero(service));

    public KernelResult StartDaemon(IpvsDaemon daemon) => Change(inner.StartDaemon(daemon));

    public KernelResult StopDaemon(IpvsSyncState state) => Change(inner.StopDaemon(state));

    public KernelResult Daemons(out IReadOnlyList<IpvsDaemon> daemons) => inner.Daemons(out daemons);

    private KernelResult Change(KernelResult result)
    {
        Interlocked.Increment(ref _changes);
        Interlocked.Exchange(ref _lastChange, Stopwatch.GetTimestamp());
        return result;
    }
}
