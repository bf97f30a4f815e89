using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// One simulated host's VRRP sockets on an <see cref="InMemoryVrrpNetwork"/>: each interface of the host is plugged
/// into a segment with an address (<see cref="Plug"/>); opening a socket attaches it there. Opening an interface
/// that is not plugged fails with ENODEV, as the kernel does; <see cref="FailNextOpens"/> injects other failures.
/// </summary>
public sealed class InMemoryVrrpSocketFactory(InMemoryVrrpNetwork network) : IVrrpSocketFactory
{
    private const int ENODEV = 19;
    private readonly object _gate = new();
    private readonly Dictionary<string, List<(string Segment, int Index, IPAddress Address)>> _plugs = new(StringComparer.Ordinal);
    private int _failures;
    private int _errno;

    /// <summary>Sockets opened so far.</summary>
    public int Opened { get; private set; }

    /// <summary>Plugs <paramref name="interfaceName"/> into <paramref name="segment"/> with <paramref name="address"/>
    /// (one per family).</summary>
    public InMemoryVrrpSocketFactory Plug(string interfaceName, string segment, int interfaceIndex, IPAddress address)
    {
        lock (_gate)
        {
            if (!_plugs.TryGetValue(interfaceName, out var list))
                _plugs[interfaceName] = list = [];
            list.Add((segment, interfaceIndex, address));
        }
        return this;
    }

    /// <summary>The next <paramref name="times"/> opens fail with <paramref name="errno"/>.</summary>
    public void FailNextOpens(int errno, int times = 1)
    {
        lock (_gate)
        {
            _errno = errno;
            _failures = times;
        }
    }

    public KernelResult Open(VrrpSocketSpec spec, out IVrrpSocket? socket)
    {
        socket = null;
        (string Segment, int Index, IPAddress Address) plug;
        lock (_gate)
        {
            if (_failures > 0)
            {
                _failures--;
                return KernelResult.Fail(_errno, $"socket for {spec.Interface} (injected)");
            }
            if (!_plugs.TryGetValue(spec.Interface, out var list) || !list.Any(p => p.Address.AddressFamily == spec.Family))
                return KernelResult.Fail(ENODEV, $"no interface {spec.Interface} for {spec.Family}");
            plug = list.First(p => p.Address.AddressFamily == spec.Family);
            Opened++;
        }
        socket = network.Attach(plug.Segment, plug.Index, plug.Address, spec.Ah);
        return KernelResult.Ok;
    }
}
