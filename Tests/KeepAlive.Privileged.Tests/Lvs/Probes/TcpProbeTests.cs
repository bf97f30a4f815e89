using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>TCP_CHECK against real sockets in a namespace of ours: up, refused, silent, unroutable, bindto, fwmark.</summary>
[Collection("privileged")]
public sealed class TcpProbeTests(ITestOutputHelper output) : ProbeLabTests(output)
{
    private IHealthProbe Probe(CheckerCommon common) =>
        TcpProbe.TryCreate(new TcpCheckConfig(common, default), NetProbeLab.Context(), Lab.Sockets, out var error) ?? throw new InvalidOperationException(error);

    private static Task Idle(Socket s, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);

    [SkippableFact]
    public async Task A_listening_backend_passes()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Idle);
        Assert.True(await Passes(Probe(NetProbeLab.Common(server.Endpoint)), "listening") < TimeSpan.FromSeconds(1));
    }

    [SkippableFact]
    public async Task A_closed_port_fails_at_once_as_refused()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Idle);
        var closed = new IPEndPoint(IPAddress.Loopback, server.Endpoint.Port);
        server.Dispose();
        await Fails(Probe(NetProbeLab.Common(closed)), "closed port", "refused", atMostSeconds: 1);
    }

    [SkippableFact]
    public async Task A_silent_address_fails_at_connect_timeout()
    {
        Privilege.Require("ip");
        await Fails(Probe(NetProbeLab.Common(new IPEndPoint(NetProbeLab.Silent, 80), timeoutSeconds: 1)), "silent address", "timeout connecting after 1 s", 0.9, 2.5);
    }

    [SkippableFact]
    public async Task An_unroutable_address_fails_at_once_as_unreachable()
    {
        Privilege.Require("ip");
        await Fails(Probe(NetProbeLab.Common(new IPEndPoint(NetProbeLab.Unroutable, 80))), "unroutable", "unreachable", atMostSeconds: 1);
    }

    [SkippableFact]
    public async Task Bindto_and_bind_port_set_the_source_the_backend_sees()
    {
        Privilege.Require("ip");
        var seen = new TaskCompletionSource<EndPoint?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Lab.Serve((s, ct) =>
        {
            seen.TrySetResult(s.RemoteEndPoint);
            return Task.CompletedTask;
        }, NetProbeLab.Local);
        await Passes(Probe(NetProbeLab.Common(server.Endpoint) with { BindTo = NetProbeLab.Local, BindPort = 41234 }), "bindto");
        Assert.Equal(new IPEndPoint(NetProbeLab.Local, 41234), await seen.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [SkippableFact]
    public async Task Fwmark_marks_the_check_connection()
    {
        Privilege.Require("ip", "nft");
        var server = Lab.Serve(Idle);
        // Only packets carrying mark 7 are rejected: the marked check fails, the unmarked one passes.
        Lab.Exec("nft", "add", "table", "inet", "kaprobe");
        Lab.Exec("nft", "add", "chain", "inet", "kaprobe", "out", "{ type filter hook output priority 0 ; }");
        Lab.Exec("nft", "add", "rule", "inet", "kaprobe", "out", "meta", "mark", "7", "tcp", "dport", server.Endpoint.Port.ToString(), "reject", "with", "tcp", "reset");
        await Passes(Probe(NetProbeLab.Common(server.Endpoint)), "no mark");
        await Fails(Probe(NetProbeLab.Common(server.Endpoint) with { Fwmark = 7 }), "fwmark 7", "refused");
    }

    [SkippableFact]
    public async Task Bind_if_to_a_device_without_the_route_fails_with_the_reason()
    {
        Privilege.Require("ip");
        var server = Lab.Serve(Idle);
        // The backend is on lo; bound to eth0 the connection cannot reach it.
        await Passes(Probe(NetProbeLab.Common(server.Endpoint) with { BindInterface = "lo" }), "bind_if lo");
        await Fails(Probe(NetProbeLab.Common(server.Endpoint, timeoutSeconds: 1) with { BindInterface = "eth0" }), "bind_if eth0", "timeout connecting", atMostSeconds: 2.5);
    }

    [SkippableFact]
    public async Task Cancelling_ends_a_check_early_as_a_failure()
    {
        Privilege.Require("ip");
        var probe = Probe(NetProbeLab.Common(new IPEndPoint(NetProbeLab.Silent, 80), timeoutSeconds: 5));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var r = await probe.CheckAsync(cancel.Token);
        Output.WriteLine($"cancelled after {watch.ElapsedMilliseconds} ms: {r.Result.Reason}");
        Assert.False(r.Result.Success);
        Assert.Contains("cancelled", r.Result.Reason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
    }
}
