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

    private delegate NetlinkDecodeError ReplyParser<T>(NetlinkMessage message, ushort familyId, out T? value) where T : class;

    /// <summary>Runs a request and keeps every reply message <paramref name="parse"/> accepts.</summary>
    private KernelResult Collect<T>(IpvsOperation operation, RequestWriter write, string doing, ReplyParser<T> parse, out List<T> found) where T : class
    {
        var items = new List<T>();
        var r = Do(operation, write, doing, m =>
        {
            if (parse(m, _family, out var item) == NetlinkDecodeError.None && item is not null)
                items.Add(item);
        });
        found = items;
        return r;
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
        var r = Collect<IpvsInfo>(IpvsOperation.GetInfo, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetInfo(ref w, f, s), "IPVS info", IpvsReplies.TryParseInfo, out var found);
        info = found.LastOrDefault();
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
        var r = Collect<IpvsServiceEntry>(IpvsOperation.GetService, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetServices(ref w, f, s), "list IPVS services", IpvsReplies.TryParseService, out var found);
        services = found;
        return r;
    }

    public KernelResult Destinations(IpvsService service, out IReadOnlyList<IpvsDestinationEntry> destinations)
    {
        var r = Collect<IpvsDestinationEntry>(IpvsOperation.GetDestination, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetDestinations(ref w, f, service, s), "list IPVS destinations", IpvsReplies.TryParseDestination, out var found);
        destinations = found;
        return r;
    }

    public KernelResult Timeouts(out IpvsTimeouts? timeouts)
    {
        var r = Collect<IpvsTimeouts>(IpvsOperation.GetConfig, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetTimeouts(ref w, f, s), "IPVS timeouts", IpvsReplies.TryParseTimeouts, out var found);
        timeouts = found.LastOrDefault();
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
        var r = Collect<IpvsDaemon>(IpvsOperation.GetDaemon, (ref NetlinkWriter w, ushort f, uint s) => IpvsRequests.WriteGetDaemons(ref w, f, s), "list IPVS sync daemons", IpvsReplies.TryParseDaemon, out var found);
        daemons = found;
        return r;
    }

    public void Dispose() => _socket.Dispose();
}
