using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using KeepAlive.Privileged.Tests.Kernel;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Lvs.Probes;

/// <summary>
/// A namespace of ours (ka-probe-…) where backends listen and probes connect: lo is up; eth0 (a veth whose peer has
/// no address) holds <see cref="Local"/>/24, so <see cref="Silent"/> never answers ARP and a connect to it times
/// out; there is no default route, so <see cref="Unroutable"/> is unreachable at once. Probe sockets are made inside
/// the namespace by <see cref="Sockets"/>; backends listen on 127.0.0.1 there. Everything goes with the namespace.
/// </summary>
public sealed class NetProbeLab : IDisposable
{
    public static readonly IPAddress Local = IPAddress.Parse("10.211.0.1");
    public static readonly IPAddress Silent = IPAddress.Parse("10.211.0.99");
    public static readonly IPAddress Unroutable = IPAddress.Parse("10.99.99.99");

    private readonly List<IDisposable> _owned = [];

    public NetProbeLab(ITestOutputHelper output)
    {
        Output = output;
        Namespace = new NetworkNamespace("probe", "eth0");
        try
        {
            Ip("addr", "add", $"{Local}/24", "dev", "eth0");
        }
        catch
        {
            Namespace.Dispose();
            throw;
        }
    }

    public NetworkNamespace Namespace { get; }

    public ITestOutputHelper Output { get; }

    /// <summary>Sockets made inside the namespace (a socket stays where it was created).</summary>
    public ProbeSocketFactory Sockets => family => NamespaceThread.Run(Namespace.Name, () => new Socket(family, SocketType.Stream, ProtocolType.Tcp));

    public void Ip(params string[] args)
    {
        var (code, text) = Privilege.Run("ip", new[] { "-n", Namespace.Name }.Concat(args), TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"ip {string.Join(' ', args)}: {text}");
    }

    public string Exec(string file, params string[] args)
    {
        var (code, text) = Namespace.Exec(file, args, TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"{file} {string.Join(' ', args)}: {text}");
        return text;
    }

    /// <summary>A backend on <paramref name="address"/> (127.0.0.1 by default) that runs <paramref name="serve"/> for
    /// each connection it accepts.</summary>
    public ScriptedServer Serve(Func<Socket, CancellationToken, Task> serve, IPAddress? address = null)
    {
        var listener = NamespaceThread.Run(Namespace.Name, () =>
        {
            var bind = address ?? IPAddress.Loopback;
            var s = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(bind, 0));
            s.Listen(16);
            return s;
        });
        var server = new ScriptedServer(listener, serve);
        _owned.Add(server);
        return server;
    }

    /// <summary>Runs one check and logs what it took.</summary>
    public async Task<(ProbeResult Result, TimeSpan Took)> CheckAsync(IHealthProbe probe, string what)
    {
        var watch = Stopwatch.StartNew();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await probe.CheckAsync(guard.Token);
        watch.Stop();
        Output.WriteLine($"{what}: {probe.Describe} -> {(result.Result.Success ? "pass" : "fail")} ({result.Result.Reason}) in {watch.Elapsed.TotalMilliseconds:0} ms");
        return (result, watch.Elapsed);
    }

    public static CheckerCommon Common(IPEndPoint target, double timeoutSeconds = 2) => new()
    {
        ConnectIp = target.Address,
        ConnectPort = target.Port,
        ConnectTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        DelayLoop = TimeSpan.FromSeconds(6),
    };

    public static ProbeContext Context(SslConfig? ssl = null, string? realServerVhost = null, string? virtualServerVhost = null) => new(
        new VirtualServerConfig { Key = new VirtualServerKey.Address(IPAddress.Parse("10.0.0.10"), 80, LvsProtocol.Tcp), Virtualhost = virtualServerVhost },
        new RealServerConfig { Address = IPAddress.Parse("10.0.0.21"), Port = 80, Virtualhost = realServerVhost },
        ssl,
        new GlobalDefs());

    public void Dispose()
    {
        foreach (var o in _owned)
            o.Dispose();
        Namespace.Dispose();
    }
}

/// <summary>A listening socket of a test and its accept loop; each connection is served by the test's script.</summary>
public sealed class ScriptedServer : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private int _accepted;

    public ScriptedServer(Socket listener, Func<Socket, CancellationToken, Task> serve)
    {
        _listener = listener;
        Endpoint = (IPEndPoint)listener.LocalEndPoint!;
        _ = Task.Run(() => AcceptLoop(serve));
    }

    public IPEndPoint Endpoint { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptLoop(Func<Socket, CancellationToken, Task> serve)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        await serve(client, _stop.Token);
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
                    {
                        // The probe went away or the test ended: nothing to serve.
                    }
                }
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
    }
}

/// <summary>What the probe test classes share: a fresh <see cref="NetProbeLab"/> per test (none when not root: the tests
/// skip first), and the pass/fail assertions with the time each check took.</summary>
public abstract class ProbeLabTests(ITestOutputHelper output) : IDisposable
{
    protected NetProbeLab Lab { get; } = Privilege.IsRoot ? new NetProbeLab(output) : null!;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Checks once; asserts a pass.</summary>
    protected async Task<TimeSpan> Passes(IHealthProbe probe, string what)
    {
        var (r, took) = await Lab.CheckAsync(probe, what);
        Assert.True(r.Result.Success, $"{what}: {r.Result.Reason}");
        return took;
    }

    /// <summary>Checks once; asserts a failure whose reason contains <paramref name="reason"/>, within the time
    /// bounds given.</summary>
    protected async Task<string> Fails(IHealthProbe probe, string what, string reason, double atLeastSeconds = 0, double atMostSeconds = 30)
    {
        var (r, took) = await Lab.CheckAsync(probe, what);
        Assert.False(r.Result.Success, $"{what} passed: {r.Result.Reason}");
        Assert.Contains(reason, r.Result.Reason);
        Assert.InRange(took, TimeSpan.FromSeconds(atLeastSeconds), TimeSpan.FromSeconds(atMostSeconds));
        return r.Result.Reason;
    }

    public void Dispose()
    {
        Lab?.Dispose();
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>What a test class owns besides the lab.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
