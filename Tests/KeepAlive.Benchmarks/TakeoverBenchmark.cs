using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Timing;
using KeepAlive.Config;
using KeepAlive.Config.Sources;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Benchmarks;

/// <summary>
/// The actors' share of a takeover (not a test; run: <c>dotnet run -c Release -- takeover [K] [reps]</c>): two nodes
/// in one process, as the service composes them (PreciseScheduler on timerfd, the VRRP dispatcher), on an in-memory
/// LAN with no delay and fake kernels, so no kernel or wire time is in the figures. Node A (priority 150) is master of
/// K VRRPv3 instances at 0.1 s (a sync group when K &gt; 1), node B (100) backs up. Each repetition cuts A off from B
/// and measures on B, from A's last advert B heard: its first advert minus Master_Down_Interval (the detection
/// lateness; keepalived's is ~0.3 ms in the lab), its K-th instance's first advert, and its K-th address add; then
/// heals the partition (A preempts) and waits for the next round.
/// </summary>
public static class TakeoverBenchmark
{
    public static int Run(string[] args)
    {
        int k = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
        int reps = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
        PreciseSchedulerSetup.WaiterFactory = () => new TimerFdDeadlineWaiter();
        var hocon = ConfigurationFactory.ParseString(string.Join('\n',
            PreciseSchedulerSetup.AkkaConfig, PreciseSchedulerSetup.VrrpDispatcherConfig,
            "akka.loglevel = WARNING", "akka.stdout-loglevel = WARNING", "akka.log-dead-letters = off"));
        using var system = ActorSystem.Create("takeover", hocon);
        var network = new InMemoryVrrpNetwork();
        var a = Node(system, network, "a", 1, Config(k, 150));
        var b = Node(system, network, "b", 2, Config(k, 100));
        var addressA = IPAddress.Parse("10.0.0.1");
        var addressB = IPAddress.Parse("10.0.0.2");
        Thread.Sleep(3000);                                                      // A master, B backup
        // MDI at B for A's advert interval 0.1 s: 3 × 100 ms + (256 − 100) × 100 ms / 256.
        double mdiMs = 300 + (256 - 100) * 100.0 / 256;
        var detect = new List<double>();
        var allAdverts = new List<double>();
        var allVips = new List<double>();
        for (int rep = 0; rep < reps; rep++)
        {
            a.Sockets.Clear();
            b.Sockets.Clear();
            b.Kernel.Clear();
            Thread.Sleep(250);                                                   // B hears A's adverts after the clear
            network.Partition(addressA, addressB);
            long cut = Stopwatch.GetTimestamp();
            Thread.Sleep(800);
            var lastFromA = b.Sockets.Received.Where(r => r.Source.Equals(addressA)).Select(r => r.At).DefaultIfEmpty(cut).Max();
            var sentByB = b.Sockets.Sent.Where(s => s.Priority > 0).OrderBy(s => s.At).ToList();
            var adds = b.Kernel.Adds.OrderBy(t => t).ToList();
            if (sentByB.Count == 0 || adds.Count < k)
            {
                Console.WriteLine($"rep {rep}: B did not take over ({sentByB.Count} adverts, {adds.Count} adds)");
                continue;
            }
            double first = Ms(sentByB[0].At - lastFromA);
            var firstPerVrid = sentByB.GroupBy(s => s.Vrid).Select(g => g.First().At).OrderBy(t => t).ToList();
            detect.Add(first - mdiMs);
            allAdverts.Add(Ms(firstPerVrid[^1] - sentByB[0].At));
            allVips.Add(Ms(adds[k - 1] - sentByB[0].At));
            network.Heal();
            Thread.Sleep(1500);                                                  // A preempts, B backs up again
        }
        detect.Sort();
        allAdverts.Sort();
        allVips.Sort();
        Console.WriteLine($"K={k} v3 0.1 s, {detect.Count} takeovers, ms (median / max):");
        Console.WriteLine($"  first advert after MDI  {Median(detect),8:F2} {detect.DefaultIfEmpty().Max(),8:F2}");
        Console.WriteLine($"  all {k} VRIDs advertised {Median(allAdverts),8:F2} {allAdverts.DefaultIfEmpty().Max(),8:F2}   (after the first advert)");
        Console.WriteLine($"  all {k} VIPs added       {Median(allVips),8:F2} {allVips.DefaultIfEmpty().Max(),8:F2}   (after the first advert)");
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Median(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];

    private static string Config(int k, int priority)
    {
        var text = new StringBuilder();
        if (k > 1)
            text.Append("vrrp_sync_group G {\n group {\n").Append(string.Concat(Enumerable.Range(1, k).Select(i => $"  VI_{i}\n"))).Append(" }\n}\n");
        for (int i = 1; i <= k; i++)
            text.Append($$"""
                vrrp_instance VI_{{i}} {
                  state BACKUP
                  interface eth0
                  virtual_router_id {{i}}
                  priority {{priority}}
                  version 3
                  advert_int 0.1
                  virtual_ipaddress { 10.1.{{i}}.100/24 }
                }

                """);
        return text.ToString();
    }

    private sealed record BenchNode(TimedSockets Sockets, TimedKernel Kernel);

    private static BenchNode Node(ActorSystem system, InMemoryVrrpNetwork network, string name, int octet, string config)
    {
        const string path = "/etc/keepalived/keepalived.conf";
        var loaded = ConfigLoader.Load(path, new InMemoryConfigSource().Add(path, config));
        if (loaded.HasErrors)
            throw new InvalidOperationException(string.Join('\n', loaded.Diagnostics));
        var address = IPAddress.Parse($"10.0.0.{octet}");
        var recording = new RecordingKernelPort().WithLink("eth0", mac: [2, 0, 0, 0, 0, (byte)octet]);
        recording.AddAddress(new InterfaceAddress("eth0", address, 24));
        var kernel = new TimedKernel(recording);
        var sockets = new TimedSockets(new InMemoryVrrpSocketFactory(network).Plug("eth0", "lan", 2, address));
        system.ActorOf(NodeRootActor.Props(new NodeSetup
        {
            Config = loaded.Config,
            VrrpDispatcher = PreciseSchedulerSetup.VrrpDispatcher,
            Kernel = kernel,
            Sockets = sockets,
            Clock = () => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency,
        }), "node-" + name);
        return new BenchNode(sockets, kernel);
    }

    private readonly record struct Seen(long At, IPAddress Source, byte Vrid, byte Priority);

    /// <summary>Timestamps every advert sent and received through the sockets it opens.</summary>
    private sealed class TimedSockets(IVrrpSocketFactory inner) : IVrrpSocketFactory
    {
        private readonly ConcurrentQueue<Seen> _sent = new();
        private readonly ConcurrentQueue<Seen> _received = new();

        public IReadOnlyList<Seen> Sent => _sent.ToArray();

        public IReadOnlyList<Seen> Received => _received.ToArray();

        public void Clear()
        {
            _sent.Clear();
            _received.Clear();
        }

        public KernelResult Open(VrrpSocketSpec spec, out IVrrpSocket? socket)
        {
            var r = inner.Open(spec, out var opened);
            socket = opened is null ? null : new Timed(opened, this);
            return r;
        }

        private sealed class Timed(IVrrpSocket socket, TimedSockets owner) : IVrrpSocket
        {
            public KernelResult Send(ReadOnlySpan<byte> payload, IPAddress source, IPAddress destination)
            {
                if (payload.Length > 2)
                    owner._sent.Enqueue(new Seen(Stopwatch.GetTimestamp(), source, payload[1], payload[2]));
                return socket.Send(payload, source, destination);
            }

            public bool TryReceive(Memory<byte> buffer, TimeSpan timeout, out VrrpDatagram datagram, out KernelResult error)
            {
                bool got = socket.TryReceive(buffer, timeout, out datagram, out error);
                if (got && datagram.Payload.Length > 2)
                    owner._received.Enqueue(new Seen(Stopwatch.GetTimestamp(), datagram.Source, datagram.Payload.Span[1], datagram.Payload.Span[2]));
                return got;
            }

            public void Dispose() => socket.Dispose();
        }
    }

    /// <summary>Timestamps every address add; everything else goes to the recording port unchanged.</summary>
    private sealed class TimedKernel(RecordingKernelPort inner) : DelegatingKernelPort(inner)
    {
        private readonly ConcurrentQueue<long> _adds = new();

        public IReadOnlyList<long> Adds => _adds.ToArray();

        public void Clear() => _adds.Clear();

        public override KernelResult AddAddress(InterfaceAddress address)
        {
            var r = Inner.AddAddress(address);
            _adds.Enqueue(Stopwatch.GetTimestamp());
            return r;
        }

        public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses)
        {
            var r = Inner.AddAddresses(addresses);
            long now = Stopwatch.GetTimestamp();
            foreach (var _ in addresses)
                _adds.Enqueue(now);
            return r;
        }
    }
}
