using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Netlink;

namespace KeepAlive.Kernel.Linux;

public sealed partial class LinuxKernelPort
{
    /// <summary>RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR.</summary>
    private const uint EventGroups = 0x1 | 0x10 | 0x100;
    private const int ENOBUFS = 105;

    private readonly NetlinkSocket _monitorSocket;

    /// <summary>Signalled to end the monitor's wait (an eventfd; invalid if eventfd failed, and the monitor then
    /// wakes once a second to notice a stop).</summary>
    private readonly FileDescriptorHandle _monitorStop = new(Tmds.Linux.LibC.eventfd(0, Tmds.Linux.LibC.EFD_CLOEXEC | Tmds.Linux.LibC.EFD_NONBLOCK));
    private readonly List<Action<KernelEvent>> _subscribers = new();
    private Thread? _monitor;
    private volatile bool _stopping;

    /// <summary>Events lost to a full buffer so far (each reported as a Resync).</summary>
    public long LostEventBursts { get; private set; }

    public IDisposable Subscribe(Action<KernelEvent> onEvent)
    {
        lock (_subscribers)
        {
            _subscribers.Add(onEvent);
            if (_monitor is null)
            {
                _monitor = new Thread(MonitorLoop) { IsBackground = true, Name = "netlink-monitor" };
                _monitor.Start();
            }
        }
        return new Subscription(this, onEvent);
    }

    private void MonitorLoop()
    {
        var names = new Dictionary<int, string>();
        // The thread wakes only for events: StopMonitor signals the eventfd. Without one, a timeout lets it notice the
        // stop, at a context switch a second.
        var wait = _monitorStop.IsInvalid ? TimeSpan.FromSeconds(1) : Timeout.InfiniteTimeSpan;
        var stop = _monitorStop.IsInvalid ? null : _monitorStop;
        while (!_stopping)
        {
            var events = new List<KernelEvent>();
            var r = _monitorSocket.ReceiveEvents(wait, m => Translate(m, names, events), stop);
            if (r.Errno == Errno.ECANCELED)
                return;
            if (r.Errno == ENOBUFS)
            {
                LostEventBursts++;
                events.Add(new KernelEvent.Resync());
            }
            else if (!r.IsOk && r.Errno != Errno.ETIMEDOUT)
            {
                if (_stopping || r.Errno == Errno.EBADF)
                    return;
                events.Add(new KernelEvent.Resync());
                Thread.Sleep(100);
            }
            foreach (var e in events)
                Publish(e);
        }
    }

    private void Translate(NetlinkMessage m, Dictionary<int, string> names, List<KernelEvent> events)
    {
        if (RtnlLinkCodec.TryParse(m, out var link, out bool linkRemoved) == NetlinkDecodeError.None)
        {
            if (linkRemoved)
            {
                names.Remove(link!.Index);
                events.Add(new KernelEvent.LinkRemoved(link.Index, link.Name));
            }
            else
            {
                names[link!.Index] = link.Name;
                events.Add(new KernelEvent.LinkChanged(ToPort(link)));
            }
            return;
        }
        if (RtnlAddressCodec.TryParse(m, out var address, out bool removed) == NetlinkDecodeError.None)
        {
            if (!names.TryGetValue(address!.InterfaceIndex, out var name))
            {
                // An interface the monitor has not seen yet: ask the kernel (through the request socket, which lives
                // in the port's namespace, unlike this thread).
                lock (_gate)
                {
                    if (!_disposed)
                        RememberLinks();
                    name = _nameByIndex.TryGetValue(address.InterfaceIndex, out var known) ? known : $"if{address.InterfaceIndex}";
                }
                names[address.InterfaceIndex] = name;
            }
            var port = ToPort(address, name);
            events.Add(removed ? new KernelEvent.AddressRemoved(port) : new KernelEvent.AddressAdded(port));
        }
    }

    private void Publish(KernelEvent e)
    {
        Action<KernelEvent>[] subscribers;
        lock (_subscribers)
            subscribers = _subscribers.ToArray();
        foreach (var s in subscribers)
            s(e);
    }

    private void StopMonitor()
    {
        _stopping = true;
        EventFdSignal.Signal(_monitorStop);
        Thread? monitor;
        lock (_subscribers)
            monitor = _monitor;
        monitor?.Join(TimeSpan.FromSeconds(2));
        _monitorStop.Dispose();
    }

    private sealed class Subscription(LinuxKernelPort port, Action<KernelEvent> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (port._subscribers)
                port._subscribers.Remove(handler);
        }
    }
}
