using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Ipvs;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// IPVS over generic netlink. The "IPVS" family id is resolved on first use (it is dynamic); a kernel without ip_vs
/// answers ENOENT, which becomes <see cref="IIpvsPort.NotAvailable"/> for every call (resolution is retried, so
/// loading the module later works). Kernel errors get ipvsadm's wording. Serialised; one generic netlink socket.
/// </summary>
public sealed class LinuxIpvsPort : IIpvsPort, IDisposable
{
    private const int ENOENT = 2;
    private const int BufferBytes = 4096;
    private readonly object _gate = new();
    private readonly NetlinkSocket _socket;
    private ushort _family;

    internal LinuxIpvsPort(NetlinkSocket socket) => _socket = socket;

    /// <summary>Opens the port in the calling thread's network namespace.</summary>
    public static KernelResult Open(out LinuxIpvsPort? port)
    {
        port = null;
        var r = NetlinkSocket.Open(NetlinkSocket.ProtocolGeneric, 0, 0, out var socket);
        if (!r.IsOk)
            return r;
        port = new LinuxIpvsPort(socket!);
        return KernelResult.Ok;
    }

    private delegate void RequestWriter(ref NetlinkWriter writer, ushort family, uint sequence);

    private KernelResult Do(IpvsOperation operation, RequestWriter write, string doing, NetlinkReplyHandler? onData = null)
    {
        lock (_gate)
        {
            var resolved = Resolve();
            if (!resolved.IsOk)
                return resolved;
            Span<byte> buffer = stackalloc byte[BufferBytes];
            var writer = new NetlinkWriter(buffer);
            write(ref writer, _family, _socket.NextSequence());
            if (!writer.Ok)
                return KernelResult.Fail(90, $"{doing}: request does not fit {BufferBytes} bytes");
            var r = _socket.Request(writer.Written, onData, doing);
            return r.IsOk || r.Errno is 110 or 9 ? r : KernelResult.Fail(r.Errno, $"{doing}: {IpvsErrorText.Describe(operation, r.Errno)}");
        }
    }

    private KernelResult Resolve()
    {
        if (_family != 0)
            return KernelResult.Ok;
        Span<byte> buffer = stackalloc byte[256];
        var writer = new NetlinkWriter(buffer);
        IpvsRequests.WriteResolveFamily(ref writer, _socket.NextSequence());
        ushort id = 0;
        var r = _socket.Request(writer.Written, m =>
        {
            if (GenlControlCodec.TryParseFamily(m, out var family) == NetlinkDecodeError.None && family is not null)
                id = family.Id;
        }, "resolve the IPVS generic netlink family");
        if (r.Errno == ENOENT || (r.IsOk && id == 0))
            return IIpvsPort.NotAvailable;
        if (!r.IsOk)
            return r;
        _family = id;
        return KernelResult.Ok;
    }

    public KernelResult Info(out IpvsInfo? info)
    {
        IpvsInfo? found = null;
        var r = Do(IpvsOperation.GetInfo, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetInfo(ref w, f, s), "IPVS info", m =>
        {
            if (IpvsReplies.TryParseInfo(m, _family, out var i) == NetlinkDecodeError.None)
                found = i;
        });
        info = found;
        return r;
    }

    public KernelResult AddService(IpvsService service) =>
        Do(IpvsOperation.AddService, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteAddService(ref w, f, service, s), "add IPVS service");

    public KernelResult EditService(IpvsService service) =>
        Do(IpvsOperation.EditService, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteEditService(ref w, f, service, s), "edit IPVS service");

    public KernelResult DeleteService(IpvsService service) =>
        Do(IpvsOperation.DeleteService, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteDeleteService(ref w, f, service, s), "delete IPVS service");

    public KernelResult Flush() =>
        Do(IpvsOperation.Flush, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteFlush(ref w, f, s), "flush IPVS");

    public KernelResult AddDestination(IpvsService service, IpvsDestination destination) =>
        Do(IpvsOperation.AddDestination, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteAddDestination(ref w, f, service, destination, s), "add IPVS destination");

    public KernelResult EditDestination(IpvsService service, IpvsDestination destination) =>
        Do(IpvsOperation.EditDestination, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteEditDestination(ref w, f, service, destination, s), "edit IPVS destination");

    public KernelResult DeleteDestination(IpvsService service, IpvsDestination destination) =>
        Do(IpvsOperation.DeleteDestination, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteDeleteDestination(ref w, f, service, destination, s), "delete IPVS destination");

    public KernelResult Services(out IReadOnlyList<IpvsServiceEntry> services)
    {
        var found = new List<IpvsServiceEntry>();
        var r = Do(IpvsOperation.GetService, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetServices(ref w, f, s), "list IPVS services", m =>
        {
            if (IpvsReplies.TryParseService(m, _family, out var e) == NetlinkDecodeError.None && e is not null)
                found.Add(e);
        });
        services = found;
        return r;
    }

    public KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations)
    {
        var found = new List<IpvsDestinationEntry>();
        var r = Do(IpvsOperation.GetDestination, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetDestinations(ref w, f, service, s), "list IPVS destinations", m =>
        {
            if (IpvsReplies.TryParseDestination(m, _family, out var e) == NetlinkDecodeError.None && e is not null)
                found.Add(e);
        });
        destinations = found;
        return r;
    }

    public KernelResult Timeouts(out IpvsTimeouts? timeouts)
    {
        IpvsTimeouts? found = null;
        var r = Do(IpvsOperation.GetConfig, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetTimeouts(ref w, f, s), "IPVS timeouts", m =>
        {
            if (IpvsReplies.TryParseTimeouts(m, _family, out var t) == NetlinkDecodeError.None)
                found = t;
        });
        timeouts = found;
        return r;
    }

    public KernelResult SetTimeouts(IpvsTimeouts timeouts) =>
        Do(IpvsOperation.SetConfig, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteSetTimeouts(ref w, f, timeouts, s), "set IPVS timeouts");

    public KernelResult Zero(IpvsService? service) =>
        Do(IpvsOperation.Zero, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteZero(ref w, f, s, service), "zero IPVS counters");

    public KernelResult StartDaemon(IpvsDaemon daemon) =>
        Do(IpvsOperation.StartDaemon, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteStartDaemon(ref w, f, daemon, s), "start IPVS sync daemon");

    public KernelResult StopDaemon(IpvsSyncState state) =>
        Do(IpvsOperation.StopDaemon, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteStopDaemon(ref w, f, state, s), "stop IPVS sync daemon");

    public KernelResult Daemons(out IReadOnlyList<IpvsDaemon> daemons)
    {
        var found = new List<IpvsDaemon>();
        var r = Do(IpvsOperation.GetDaemon, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetDaemons(ref w, f, s), "list IPVS sync daemons", m =>
        {
            if (IpvsReplies.TryParseDaemon(m, _family, out var d) == NetlinkDecodeError.None && d is not null)
                found.Add(d);
        });
        daemons = found;
        return r;
    }

    public void Dispose() => _socket.Dispose();
}
