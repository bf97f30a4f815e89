using System.Net.Sockets;
using System.Security.Cryptography;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// DNS_CHECK (keepalived 2.2.7 check/check_dns.c): one UDP socket per check, set up like socket_bind_connect
/// (fwmark, bind_if, bindto, connect to the target), one query (<see cref="DnsQuery"/>: a fresh random id, the
/// configured <c>type</c> and <c>name</c>), then datagrams are read until one is our answer or
/// <c>connect_timeout</c> passes: our answer with RCODE 0 passes, with another RCODE fails ("rcode = 3
/// (NXDOMAIN)"); a read error (ICMP port unreachable: connection refused) fails; the deadline fails ("read
/// timeout"). Datagrams that are not our answer are ignored, as dns_recv_thread does. keepalived's defaults (type
/// SOA, name "" = the root, retry 3, delay_before_retry = delay_loop) come from the config binder.
/// </summary>
public sealed class DnsProbe : SocketProbe
{
    private const int ReceiveBuffer = 4096;
    private readonly byte[] _wireName;
    private readonly ushort _type;

    private DnsProbe(ProbeTarget target, byte[] wireName, ushort type, string describe)
        : base(target, describe, SocketType.Dgram, ProtocolType.Udp, receiveErrors: false, "connection error", "failed to read socket")
    {
        _wireName = wireName;
        _type = type;
    }
    /// <summary>The probe of <paramref name="checker"/>; null with <paramref name="error"/> when its type or name
    /// cannot be queried or its target options are inconsistent. No host service is needed.</summary>
    public static IHealthProbe? TryCreate(DnsCheckConfig checker, ProbeContext context, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        if (DnsQuery.TypeCode(checker.Type) is not { } type)
        {
            error = $"DNS_CHECK: unknown type {checker.Type}";
            return null;
        }
        if (DnsQuery.EncodeName(checker.Name, out error) is not { } wireName)
        {
            error = "DNS_CHECK: " + error;
            return null;
        }
        if (ProbeTarget.Of(checker, context, out error) is not { } target)
            return null;
        var name = checker.Name.Length == 0 ? "." : checker.Name;
        return new DnsProbe(target, wireName, type, $"DNS_CHECK {checker.Type.ToUpperInvariant()} {name} on {target.Describe("udp")}");
    }

    /// <inheritdoc />
    protected override async Task<ProbeResult> ExchangeAsync(Socket socket, CancellationToken token)
    {
        ushort id = (ushort)RandomNumberGenerator.GetInt32(0, 0x10000);
        var query = DnsQuery.Encode(id, _wireName, _type);
        int sent = await socket.SendAsync(query, SocketFlags.None, token).ConfigureAwait(false);
        if (sent != query.Length)
            return ProbeResult.Fail("failed to write all of the datagram");
        var buffer = new byte[ReceiveBuffer];
        while (true)
        {
            int received = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
            var verdict = DnsQuery.Inspect(buffer.AsSpan(0, received), id, _wireName, _type);
            if (verdict.Kind == DnsReplyKind.Passed)
                return ProbeResult.Pass(verdict.Reason);
            if (verdict.Kind == DnsReplyKind.Failed)
                return ProbeResult.Fail("read error occurred: " + verdict.Reason);
        }
    }

    /// <inheritdoc />
    protected override ProbeResult OnTimeout() => ProbeDeadline.TimedOut(Target.Timeout, "no answer");
}
