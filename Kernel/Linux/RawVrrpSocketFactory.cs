using System.Net.Sockets;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>Opens <see cref="RawVrrpSocket"/>s (IP protocol 112) and, for <see cref="VrrpSocketSpec.Ah"/>,
/// <see cref="RawAhVrrpSocket"/>s (IP protocol 51, IPv4 only) in the calling thread's network namespace.</summary>
public sealed class RawVrrpSocketFactory : IVrrpSocketFactory
{
    public KernelResult Open(VrrpSocketSpec spec, out IVrrpSocket? socket)
    {
        if (spec.Ah)
        {
            socket = null;
            return spec.Family == AddressFamily.InterNetwork
                ? RawAhVrrpSocket.Open(spec.Interface, spec.Multicast, out socket)
                : Errno.Failure(Errno.EINVAL, $"IPsec AH is VRRPv2, IPv4 only ({spec.Interface})");
        }
        var opened = RawVrrpSocket.Open(spec.Interface, spec.Family, spec.Multicast ? VrrpSocketOptions.Multicast : VrrpSocketOptions.Unicast);
        socket = opened.Socket;
        return opened.Error;
    }
}
