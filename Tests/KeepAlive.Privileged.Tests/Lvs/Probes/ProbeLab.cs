using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>Configs, timed checks from namespace A, and backends in namespace B for the probe tests.</summary>
internal static class ProbeLab
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static CheckerCommon Common(IPAddress target, int port, TimeSpan? timeout = null) => new()
    {
        ConnectIp = target,
        ConnectPort = port == 0 ? null : port,
        ConnectTimeout = timeout ?? Timeout,
    };

    public static ProbeContext Context(IPAddress realServer, int port, TimeSpan? delayLoop = null, long weight = 1, GlobalDefs? globals = null)
    {
        var rs = new RealServerConfig { Address = realServer, Port = port, Weight = weight };
        var vs = new VirtualServerConfig
        {
            Key = new VirtualServerKey.Address(IPAddress.Parse("10.7.0.100"), port, LvsProtocol.Udp),
            DelayLoop = delayLoop ?? TimeSpan.FromSeconds(60),
            RealServers = new[] { rs }.ToValueList(),
        };
        return new ProbeContext(vs, rs, null, globals ?? new GlobalDefs());
    }

    /// <summary>Runs <c>ip ARGS</c>; the test fails when it does.</summary>
    public static void Ip(params string[] args)
    {
        var (code, output) = Privilege.Run("ip", args, TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"ip {string.Join(' ', args)}: {output}");
    }

    /// <summary>In namespace <paramref name="ns"/> (ours) only: packets with firewall mark <paramref name="mark"/>
    /// are routed by table <paramref name="mark"/>, where 10.7.0.0/24 is unreachable.</summary>
    public static void MakeMarkUnreachable(string ns, int mark)
    {
        var m = mark.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Ip("-n", ns, "rule", "add", "fwmark", m, "table", m);
        Ip("-n", ns, "route", "add", "unreachable", "10.7.0.0/24", "table", m);
    }

    /// <summary>One check whose socket is opened in namespace A (the probe opens it before its first await), timed.</summary>
    public static async Task<(ProbeResult Result, TimeSpan Took)> CheckFromA(VethNamespacePair pair, IHealthProbe probe, ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        var task = pair.InA(() => probe.CheckAsync(CancellationToken.None));
        var result = await task.WaitAsync(TimeSpan.FromSeconds(20));
        var took = clock.Elapsed;
        output.WriteLine($"{probe.Describe}: {(result.Result.Success ? "UP" : "DOWN")} \"{result.Result.Reason}\" weight={result.DynamicWeight?.ToString() ?? "-"} in {took.TotalMilliseconds:0.0} ms");
        return (result, took);
    }
}

/// <summary>A UDP server in namespace B: answers each datagram with what <see cref="Answer"/> returns, and records who
/// sent what.</summary>
internal sealed class UdpResponder : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public UdpResponder(VethNamespacePair pair, IPEndPoint at, Func<byte[], IEnumerable<byte[]>> answer)
    {
        Answer = answer;
        _socket = pair.InB(() =>
        {
            var s = new Socket(at.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(at);
            return s;
        });
        _loop = Task.Run(RunAsync);
    }

    public Func<byte[], IEnumerable<byte[]>> Answer { get; set; }

    public ConcurrentQueue<(IPEndPoint From, byte[] Data)> Received { get; } = new();

    private async Task RunAsync()
    {
        var buffer = new byte[65536];
        var any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var data = buffer.AsSpan(0, got.ReceivedBytes).ToArray();
            var from = (IPEndPoint)got.RemoteEndPoint;
            Received.Enqueue((from, data));
            foreach (var reply in Answer(data))
                await _socket.SendToAsync(reply, SocketFlags.None, from);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}

/// <summary>Probe tests on the class's shared veth pair: probes run in A, servers listen in B on <see cref="Port"/>.</summary>
public abstract class SharedPairProbeTests : IClassFixture<VethPairFixture>
{
    protected SharedPairProbeTests(VethPairFixture fixture, ITestOutputHelper output, int port)
    {
        Fixture = fixture;
        Output = output;
        Port = port;
    }

    protected VethPairFixture Fixture { get; }

    protected ITestOutputHelper Output { get; }

    protected int Port { get; }

    /// <summary>Skips unless root, then makes the shared pair.</summary>
    protected void Ready()
    {
        Privilege.Require();
        _ = Fixture.Pair;
    }

    /// <summary>A UDP server in B at <paramref name="at"/>:<see cref="Port"/>.</summary>
    private protected UdpResponder Serve(IPAddress at, Func<byte[], IEnumerable<byte[]>> answer) => new(Fixture.Pair, new IPEndPoint(at, Port), answer);

    /// <summary>One timed check from A.</summary>
    protected Task<(ProbeResult Result, TimeSpan Took)> Check(IHealthProbe probe) => ProbeLab.CheckFromA(Fixture.Pair, probe, Output);
}
