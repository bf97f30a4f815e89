using System.Buffers.Binary;
using System.Net;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// DNS_CHECK against a DNS responder written here, in namespace B (10.7.0.2:5353), probed from namespace A over a
/// veth pair: NOERROR passes, NXDOMAIN fails, stray datagrams (wrong id, another question) are ignored, silence fails
/// at connect_timeout, a closed port fails at once (ICMP port unreachable).
/// </summary>
[Collection("privileged")]
public sealed class DnsProbeTests : SharedPairProbeTests
{
    public DnsProbeTests(VethPairFixture fixture, ITestOutputHelper output)
        : base(fixture, output, 5353)
    {
    }

    /// <summary>The query turned into a response: QR and RA set, <paramref name="rcode"/>, one answer claimed.</summary>
    private static byte[] Respond(byte[] query, int rcode, ushort? id = null)
    {
        var reply = (byte[])query.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), (ushort)(0x8180 | rcode));
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(6), rcode == 0 ? (ushort)1 : (ushort)0);
        if (id is { } other)
            BinaryPrimitives.WriteUInt16BigEndian(reply, other);
        return reply;
    }

    private IHealthProbe Probe(IPAddress target, int port, string type = "A", string name = "www.example.com")
    {
        var probe = DnsProbe.TryCreate(new DnsCheckConfig(ProbeLab.Common(target, port), type, name, default), ProbeLab.Context(target, port), out var error);
        Assert.Null(error);
        return probe!;
    }

    [SkippableFact]
    public async Task A_noerror_answer_passes_and_the_query_is_keepalived_query()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, q => [Respond(q, 0)]);
        using var probe = Probe(VethNamespacePair.IPv4B, Port);
        var (result, took) = await Check(probe);
        Assert.True(result.Result.Success, result.Result.Reason);
        Assert.True(took < TimeSpan.FromMilliseconds(1500));
        var (from, query) = Assert.Single(server.Received);
        Assert.Equal(VethNamespacePair.IPv4A, from.Address);
        Assert.Equal(0x0100, BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(2))); // RD only
        Assert.Equal(DnsQuery.Encode(BinaryPrimitives.ReadUInt16BigEndian(query), DnsQuery.EncodeName("www.example.com", out _)!, 1), query);
    }

    [SkippableFact]
    public async Task Each_check_uses_a_fresh_id()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, q => [Respond(q, 0)]);
        using var probe = Probe(VethNamespacePair.IPv4B, Port);
        for (int i = 0; i < 4; i++)
            Assert.True((await Check(probe)).Result.Result.Success);
        var ids = server.Received.Select(r => BinaryPrimitives.ReadUInt16BigEndian(r.Data)).Distinct().Count();
        Assert.True(ids >= 3, $"{ids} distinct ids in 4 queries");
    }

    [SkippableFact]
    public async Task Nxdomain_fails_naming_the_rcode()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, q => [Respond(q, 3)]);
        using var probe = Probe(VethNamespacePair.IPv4B, Port);
        var (result, _) = await Check(probe);
        Assert.False(result.Result.Success);
        Assert.Contains("NXDOMAIN", result.Result.Reason);
    }

    [SkippableFact]
    public async Task Stray_answers_are_ignored_and_the_real_one_counts()
    {
        Ready();
        // First a wrong id with NXDOMAIN, then a truncated datagram, then an answer to another name, then ours.
        using var server = Serve(VethNamespacePair.IPv4B, q =>
        {
            var otherName = DnsQuery.Encode(BinaryPrimitives.ReadUInt16BigEndian(q), DnsQuery.EncodeName("evil.example", out _)!, 1);
            return [Respond(q, 3, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(q) ^ 1)), q[..5], Respond(otherName, 3), Respond(q, 0)];
        });
        using var probe = Probe(VethNamespacePair.IPv4B, Port);
        var (result, _) = await Check(probe);
        Assert.True(result.Result.Success, result.Result.Reason);
    }

    [SkippableFact]
    public async Task A_silent_server_fails_at_connect_timeout()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, _ => []);
        using var probe = Probe(VethNamespacePair.IPv4B, Port);
        var (result, took) = await Check(probe);
        Assert.False(result.Result.Success);
        Assert.Contains("timed out", result.Result.Reason);
        Assert.InRange(took, ProbeLab.Timeout - TimeSpan.FromMilliseconds(50), ProbeLab.Timeout + TimeSpan.FromMilliseconds(1500));
        Assert.Single(server.Received);
    }

    [SkippableFact]
    public async Task A_closed_port_fails_at_once_and_ipv6_works_too()
    {
        Ready();
        using (var closed = Probe(VethNamespacePair.IPv4B, Port + 1))
        {
            var (result, took) = await Check(closed);
            Assert.False(result.Result.Success);
            Assert.Contains("refused", result.Result.Reason);
            Assert.True(took < TimeSpan.FromMilliseconds(1500));
        }
        using var server = Serve(VethNamespacePair.IPv6B, q => [Respond(q, 0)]);
        using var probe = Probe(VethNamespacePair.IPv6B, Port, "AAAA");
        Assert.True((await Check(probe)).Result.Result.Success);
    }

    [SkippableFact]
    public async Task Bindto_and_bind_port_set_the_source_of_the_query()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, q => [Respond(q, 0)]);
        var common = ProbeLab.Common(VethNamespacePair.IPv4B, Port) with { BindTo = VethNamespacePair.IPv4A, BindPort = 40053, BindInterface = VethNamespacePair.InterfaceA };
        using var probe = DnsProbe.TryCreate(new DnsCheckConfig(common, "SOA", "", default), ProbeLab.Context(VethNamespacePair.IPv4B, Port), out _)!;
        Assert.True((await Check(probe)).Result.Result.Success);
        Assert.Equal(new IPEndPoint(VethNamespacePair.IPv4A, 40053), Assert.Single(server.Received).From);
    }

    [SkippableFact]
    public async Task Cancelling_a_waiting_check_ends_it_at_once_as_cancelled()
    {
        Ready();
        using var server = Serve(VethNamespacePair.IPv4B, _ => []);
        var common = ProbeLab.Common(VethNamespacePair.IPv4B, Port, TimeSpan.FromSeconds(10));
        using var probe = DnsProbe.TryCreate(new DnsCheckConfig(common, "A", "x", default), ProbeLab.Context(VethNamespacePair.IPv4B, Port), out _)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await Fixture.Pair.InA(() => probe.CheckAsync(cts.Token)).WaitAsync(TimeSpan.FromSeconds(5));
        Output.WriteLine($"{result.Result.Reason} after {clock.Elapsed.TotalMilliseconds:0.0} ms");
        Assert.Equal("cancelled", result.Result.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }
}
