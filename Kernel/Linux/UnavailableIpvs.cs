using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Kernel.Linux;

/// <summary>The IPVS port when its generic netlink socket could not even be opened: every call returns that error.</summary>
internal sealed class UnavailableIpvs(KernelResult error) : IIpvsPort
{
    public KernelResult Info(out IpvsInfo? info)
    {
        info = null;
        return error;
    }

    public KernelResult AddService(IpvsService service) => error;

    public KernelResult EditService(IpvsService service) => error;

    public KernelResult DeleteService(IpvsService service) => error;

    public KernelResult Flush() => error;

    public KernelResult AddDestination(IpvsService service, IpvsDestination destination) => error;

    public KernelResult EditDestination(IpvsService service, IpvsDestination destination) => error;

    public KernelResult DeleteDestination(IpvsService service, IpvsDestination destination) => error;

    public KernelResult Services(out IReadOnlyList<IpvsServiceEntry> services)
    {
        services = [];
        return error;
    }

    public KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations)
    {
        destinations = [];
        return error;
    }

    public KernelResult Timeouts(out IpvsTimeouts? timeouts)
    {
        timeouts = null;
        return error;
    }

    public KernelResult SetTimeouts(IpvsTimeouts timeouts) => error;

    public KernelResult Zero(IpvsService? service) => error;

    public KernelResult StartDaemon(IpvsDaemon daemon) => error;

    public KernelResult StopDaemon(IpvsSyncState state) => error;

    public KernelResult Daemons(out IReadOnlyList<IpvsDaemon> daemons)
    {
        daemons = [];
        return error;
    }
}
