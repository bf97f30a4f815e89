using System.Net.Sockets;

namespace KeepAlive.Kernel.Ports;

/// <summary>What kind of VRRP socket to open on an interface.</summary>
/// <param name="Interface">The interface (a VMAC link for use_vmac instances that do not send through the base).</param>
/// <param name="Family">IPv4 or IPv6.</param>
/// <param name="Multicast">Join the VRRP group (224.0.0.18 / ff02::12); false for instances with unicast peers.</param>
/// <param name="Ah">VRRPv2 "auth_type AH" (IPv4 only): an IP protocol 51 socket whose datagrams are whole IPv4 packets
/// in both directions — <see cref="IVrrpSocket.Send"/> takes the packet <see cref="Wire.Vrrp.VrrpAh.TryBuild"/> made,
/// <see cref="IVrrpSocket.TryReceive"/> gives the packet with its IP header for <see cref="Wire.Vrrp.VrrpAh.Verify"/>.
/// keepalived opens such a socket for AH instances; it coexists with the protocol 112 one on the same interface.</param>
public sealed record VrrpSocketSpec(string Interface, AddressFamily Family, bool Multicast, bool Ah = false);

/// <summary>Opens VRRP sockets. Never throws for kernel failures: a missing interface or privilege is the result's
/// error and <c>socket</c> is null.</summary>
public interface IVrrpSocketFactory
{
    KernelResult Open(VrrpSocketSpec spec, out IVrrpSocket? socket);
}
