using System.Net.Sockets;
using System.Text;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// Opens the socket of one check as keepalived's layer4.c does (socket_bind_connect, udp_bind_connect): SO_MARK for
/// <c>fwmark</c>, SO_BINDTODEVICE for <c>bind_if</c>, bind to <c>bindto</c>/<c>bind_port</c>, then connect, so only
/// the target's datagrams reach it. For UDP_CHECK it also sets IP_RECVERR/IPV6_RECVERR, as keepalived does, so that
/// every ICMP destination-unreachable (not only port unreachable) fails the next receive. Managed sockets only:
/// the options are plain setsockopt values (Linux numbers below). Never throws: a failure is a reason to report.
/// </summary>
public static class ProbeSocket
{
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;
    private const int SoMark = 36;
    private const int SolIp = 0;
    private const int IpRecvErr = 11;
    private const int SolIpv6 = 41;
    private const int Ipv6RecvErr = 25;

    /// <summary>A socket set up for <paramref name="target"/>, or null with <paramref name="error"/> saying which
    /// step failed (keepalived logs these and counts the check as failed).</summary>
    /// <param name="target">Where to, and the options.</param>
    /// <param name="type">Datagram or raw.</param>
    /// <param name="protocol">UDP, ICMP, ICMPv6.</param>
    /// <param name="receiveErrors">Set IP_RECVERR / IPV6_RECVERR (UDP_CHECK).</param>
    /// <param name="error">Which step failed, and why.</param>
    /// <param name="connect">Connect to the target (UDP and TCP checks); a raw ICMP socket is connected too, which
    /// makes the kernel deliver only the target's packets.</param>
    public static Socket? Open(ProbeTarget target, SocketType type, ProtocolType protocol, bool receiveErrors, bool connect, out string? error)
    {
        ArgumentNullException.ThrowIfNull(target);
        Socket? socket = null;
        string step = "socket";
        try
        {
            socket = new Socket(target.Remote.AddressFamily, type, protocol);
            if (receiveErrors)
            {
                step = "IP_RECVERR";
                if (target.Remote.AddressFamily == AddressFamily.InterNetwork)
                    SetInt(socket, SolIp, IpRecvErr, 1);
                else
                    SetInt(socket, SolIpv6, Ipv6RecvErr, 1);
            }
            if (target.Fwmark is { } mark)
            {
                step = $"fwmark {mark} (SO_MARK)";
                SetInt(socket, SolSocket, SoMark, unchecked((int)mark));
            }
            if (target.Interface is { } name)
            {
                step = $"bind_if {name} (SO_BINDTODEVICE)";
                var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
                Encoding.UTF8.GetBytes(name, bytes);
                socket.SetRawSocketOption(SolSocket, SoBindToDevice, bytes);
            }
            if (target.Local is { } local)
            {
                step = $"bind to {local}";
                socket.Bind(local);
            }
            if (connect)
            {
                step = $"connect to {target.Remote}";
                socket.Connect(target.Remote);
            }
            error = null;
            return socket;
        }
        catch (SocketException e)
        {
            socket?.Dispose();
            error = $"{step}: {e.Message} ({e.SocketErrorCode})";
            return null;
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException or NotSupportedException or PlatformNotSupportedException)
        {
            socket?.Dispose();
            error = $"{step}: {e.Message}";
            return null;
        }
    }

    private static void SetInt(Socket socket, int level, int name, int value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(bytes, value);
        socket.SetRawSocketOption(level, name, bytes);
    }
}
