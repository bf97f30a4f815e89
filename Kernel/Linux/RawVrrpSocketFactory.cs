using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>Opens <see cref="RawVrrpSocket"/>s in the calling thread's network namespace.</summary>
public sealed class RawVrrpSocketFactory : IVrrpSocketFactory
{
    public KernelResult Open(VrrpSocketSpec spec, out IVrrpSocket? socket)
    {
        var opened = RawVrrpSocket.Open(spec.Interface, spec.Family, spec.Multicast ? VrrpSocketOptions.Multicast : VrrpSocketOptions.Unicast);
        socket = opened.Socket;
        return opened.Error;
    }
}
