using System.Net.Sockets;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// UDP_CHECK (keepalived 2.2.7 check/check_udp.c, core/layer4.c udp_bind_connect, udp_socket_state,
/// udp_socket_error): a UDP socket with IP_RECVERR, fwmark, bindto, connected to the target, sends the payload
/// (<see cref="UdpReplyRule.Payload"/>) and waits up to <c>connect_timeout</c>:
/// <list type="bullet">
/// <item>an ICMP destination unreachable (port, host, network...) fails: the connected socket's read reports it;</item>
/// <item>a reply passes, unless <c>require_reply</c> gave a pattern the reply does not match
/// (<see cref="UdpReplyRule.Mismatch"/>);</item>
/// <item>silence until the deadline passes without <c>require_reply</c> and fails with it.</item>
/// </list>
/// As keepalived's udp_bind_connect, <c>bind_if</c> is not used (<see cref="ProbeTarget.Of"/>), except for a link-local
/// target.
/// </summary>
public sealed class UdpProbe : SocketProbe
{
    private const int MaxDatagram = 65536;
    private readonly byte[] _payload;
    private readonly bool _requireReply;
    private readonly UdpReplyRule? _rule;

    private UdpProbe(ProbeTarget target, byte[] payload, bool requireReply, UdpReplyRule? rule, string describe)
        : base(target, describe, SocketType.Dgram, ProtocolType.Udp, receiveErrors: true, "UDP connect error", "UDP connection failed")
    {
        _payload = payload;
        _requireReply = requireReply;
        _rule = rule;
    }
    /// <summary>The probe of <paramref name="checker"/>; null with <paramref name="error"/> when its payload is not
    /// hex or its target options are inconsistent. No host service is needed.</summary>
    public static IHealthProbe? TryCreate(UdpCheckConfig checker, ProbeContext context, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        if (UdpReplyRule.Payload(checker.Payload) is not { } payload)
        {
            error = $"UDP_CHECK: the payload '{checker.Payload}' is not hex";
            return null;
        }
        if (ProbeTarget.Of(checker, context, out error) is not { } target)
            return null;
        var rule = checker.RequireReply ? UdpReplyRule.From(checker.ReplyPattern, checker.MinReplyLength, checker.MaxReplyLength) : null;
        return new UdpProbe(target, payload, checker.RequireReply, rule, $"UDP_CHECK on {target.Describe("udp")}");
    }

    /// <inheritdoc />
    protected override async Task<ProbeResult> ExchangeAsync(Socket socket, CancellationToken token)
    {
        int sent = await socket.SendAsync(_payload, SocketFlags.None, token).ConfigureAwait(false);
        if (sent != _payload.Length)
            return ProbeResult.Fail($"UDP send error: {sent} of {_payload.Length} bytes sent");
        // A full-size buffer: a datagram is never truncated, so a too-long reply is seen as one.
        var buffer = new byte[MaxDatagram];
        int received = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
        if (_rule?.Mismatch(buffer.AsSpan(0, received)) is { } why)
            return ProbeResult.Fail(why);
        return ProbeResult.Pass("reply received");
    }

    /// <inheritdoc />
    protected override ProbeResult OnTimeout() => _requireReply
        ? ProbeDeadline.TimedOut(Target.Timeout, "no reply (require_reply)")
        : ProbeResult.Pass($"no reply and no ICMP error within {Target.Timeout.TotalMilliseconds:0} ms");
}
