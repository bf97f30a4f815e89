using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// Interface facts a VRRP socket needs, read in the network namespace of the calling thread: the index (if_nametoindex,
/// an ioctl on a socket) and the addresses (getifaddrs, a netlink dump). /sys/class/net is not used here because it
/// shows the namespace sysfs was mounted in, not the thread's.
/// </summary>
public static class LinuxInterfaces
{
    /// <summary>IFNAMSIZ: interface names are at most 15 bytes plus the NUL.</summary>
    public const int MaxNameBytes = 15;

    /// <summary>The kernel's index of <paramref name="name"/>; ENODEV (or EINVAL for an impossible name) otherwise.</summary>
    public static unsafe KernelResult TryGetIndex(string name, out int index)
    {
        index = 0;
        int length = Encoding.UTF8.GetByteCount(name);
        if (length is 0 or > MaxNameBytes || name.Contains('\0'))
            return Errno.Failure(Errno.EINVAL, $"interface name '{name}' is not 1..{MaxNameBytes} bytes");
        Span<byte> cName = stackalloc byte[MaxNameBytes + 1];
        cName.Clear();
        Encoding.UTF8.GetBytes(name, cName);
        fixed (byte* p = cName)
        {
            uint found = if_nametoindex(p);
            if (found == 0)
                return Errno.LastFailure($"if_nametoindex {name}");
            index = (int)found;
        }
        return KernelResult.Ok;
    }

    /// <summary>The first IPv4 address of the interface (keepalived's default advert source), or null.</summary>
    public static IPAddress? PrimaryIPv4(string name) =>
        Addresses(name).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>The first IPv6 link-local address of the interface with its scope id set to the interface index (the
    /// source of VRRPv3/IPv6 adverts, RFC 5798 §5.1.2.1), or null.</summary>
    public static IPAddress? LinkLocalIPv6(string name) =>
        Addresses(name).FirstOrDefault(a => a.IsIPv6LinkLocal);

    private static IEnumerable<IPAddress> Addresses(string name)
    {
        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == name);
        return nic is null ? [] : nic.GetIPProperties().UnicastAddresses.Select(u => u.Address);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe uint if_nametoindex(byte* name);
}
