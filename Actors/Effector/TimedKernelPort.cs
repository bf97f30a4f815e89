using System.Diagnostics;
using KeepAlive.Actors.Status;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>
/// The effector's kernel port with every call timed into <see cref="KernelOpDurations"/> by operation (the
/// keepalive_kernel_op_duration_seconds histogram). A decorator, so that every call the effector makes is measured
/// without touching its logic; the histograms are lock-free and outlive the effector's restarts when the same
/// <see cref="KernelOpDurations"/> is handed to each incarnation.
/// </summary>
public sealed class TimedKernelPort(IKernelPort inner, KernelOpDurations durations) : DelegatingKernelPort(inner)
{
    public override KernelResult AddAddress(InterfaceAddress address) => Time("add_address", () => Inner.AddAddress(address));

    public override IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses)
    {
        long start = Stopwatch.GetTimestamp();
        var r = Inner.AddAddresses(addresses);
        durations.For("add_addresses").ObserveSince(start);
        return r;
    }

    public override KernelResult RemoveAddress(InterfaceAddress address) => Time("remove_address", () => Inner.RemoveAddress(address));

    public override KernelResult AddRoute(RouteSpec route) => Time("add_route", () => Inner.AddRoute(route));

    public override KernelResult RemoveRoute(RouteSpec route) => Time("remove_route", () => Inner.RemoveRoute(route));

    public override KernelResult AddRule(RuleSpec rule) => Time("add_rule", () => Inner.AddRule(rule));

    public override KernelResult RemoveRule(RuleSpec rule) => Time("remove_rule", () => Inner.RemoveRule(rule));

    public override KernelResult CreateMacvlan(MacvlanSpec link) => Time("create_macvlan", () => Inner.CreateMacvlan(link));

    public override KernelResult DeleteLink(string name) => Time("delete_link", () => Inner.DeleteLink(name));

    public override KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame)
    {
        long start = Stopwatch.GetTimestamp();
        var r = Inner.SendFrame(interfaceName, frame);
        durations.For("send_frame").ObserveSince(start);
        return r;
    }

    public override KernelResult Links(out IReadOnlyList<LinkState> links)
    {
        long start = Stopwatch.GetTimestamp();
        var r = Inner.Links(out links);
        durations.For("links").ObserveSince(start);
        return r;
    }

    public override KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses)
    {
        long start = Stopwatch.GetTimestamp();
        var r = Inner.Addresses(out addresses);
        durations.For("addresses").ObserveSince(start);
        return r;
    }

    // Prepare, Subscribe, Ipvs (the LVS actors hold their own timing) and Firewall are passed through untimed.

    private KernelResult Time(string op, Func<KernelResult> call)
    {
        long start = Stopwatch.GetTimestamp();
        var r = call();
        durations.For(op).ObserveSince(start);
        return r;
    }
}

/// <summary>One duration histogram per kernel operation name, created on first use (a fixed, small set of names).</summary>
public sealed class KernelOpDurations
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, LatencyHistogram> _byOp = new(StringComparer.Ordinal);

    /// <summary>The histogram of <paramref name="op"/>.</summary>
    public LatencyHistogram For(string op) => _byOp.GetOrAdd(op, _ => new LatencyHistogram());

    /// <summary>Every operation's histogram now, by name.</summary>
    public IReadOnlyDictionary<string, HistogramSnapshot> Snapshot() =>
        _byOp.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal);
}
