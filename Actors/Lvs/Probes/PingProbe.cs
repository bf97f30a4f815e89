using System.Net.Sockets;
using System.Security.Cryptography;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// PING_CHECK (keepalived 2.2.7 check/check_ping.c): one ICMP (IPv4) or ICMPv6 echo request to the real server (or
/// connect_ip), passing on the matching echo reply within <c>connect_timeout</c>, failing at the deadline or on a
/// destination unreachable about our request (<see cref="IcmpEcho"/>). A raw socket, connected to the target so the
/// kernel hands it only the target's ICMP, with our own identifier and a sequence number per check.
/// Differences from keepalived, on purpose: keepalived opens an unprivileged ping socket and, to be allowed to, rewrites
/// the host's net.ipv4.ping_group_range; a raw socket needs CAP_NET_RAW instead (the daemon has it for IPVS) and
/// changes no sysctl. As keepalived, bindto, bind_port, fwmark and bind_if are not used (<see cref="ProbeTarget.Of"/>),
/// except bind_if for a link-local target.
/// </summary>
public sealed class PingProbe : SocketProbe
{
    private const int ReceiveBuffer = 2048;
    private readonly bool _ipv6;
    private readonly ushort _identifier;
    private int _sequence;

    private PingProbe(ProbeTarget target, string describe)
        : base(target, describe, SocketType.Raw, target.Remote.AddressFamily == AddressFamily.InterNetworkV6 ? ProtocolType.IcmpV6 : ProtocolType.Icmp,
            receiveErrors: false, "ICMP socket error", "ICMP socket error")
    {
        _ipv6 = target.Remote.AddressFamily == AddressFamily.InterNetworkV6;
        _identifier = (ushort)RandomNumberGenerator.GetInt32(0, 0x10000);
        _sequence = RandomNumberGenerator.GetInt32(0, 0x10000);
    }
    /// <summary>The probe of <paramref name="checker"/>; null with <paramref name="error"/> when its target options
    /// are inconsistent. No host service is needed (the raw socket needs CAP_NET_RAW; without it each check fails,
    /// saying so).</summary>
    public static IHealthProbe? TryCreate(PingCheckConfig checker, ProbeContext context, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        if (ProbeTarget.Of(checker, context, out error) is not { } target)
            return null;
        return new PingProbe(target, $"PING_CHECK on {target.Describe("")}");
    }

    /// <inheritdoc />
    protected override async Task<ProbeResult> ExchangeAsync(Socket socket, CancellationToken token)
    {
        ushort sequence = (ushort)Interlocked.Increment(ref _sequence);
        var request = IcmpEcho.Request(_ipv6, _identifier, sequence);
        await socket.SendAsync(request, SocketFlags.None, token).ConfigureAwait(false);
        var buffer = new byte[ReceiveBuffer];
        while (true)
        {
            int received = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
            var verdict = IcmpEcho.Inspect(buffer.AsSpan(0, received), _ipv6, _identifier, sequence);
            if (verdict.Kind == IcmpReplyKind.EchoReply)
                return ProbeResult.Pass(verdict.Reason);
            if (verdict.Kind == IcmpReplyKind.Unreachable)
                return ProbeResult.Fail(verdict.Reason);
        }
    }

    /// <inheritdoc />
    protected override ProbeResult OnTimeout() => ProbeDeadline.TimedOut(Target.Timeout, "no echo reply");
}
