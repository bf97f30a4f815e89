using System.Net;
using System.Reflection;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Fakes;

/// <summary>
/// The inner port of decorator tests: it notes each call (member name and argument) and answers every member with
/// a value of its own, so <see cref="NotForwarded"/> can tell, member by member, whether a decorator passed the call,
/// its argument and the answer through. Default interface members (<see cref="Prepare"/>) are implemented here, so
/// a decorator that leaves one to the interface's default is caught. Not thread-safe.
/// </summary>
public sealed class ForwardingProbeKernelPort : IKernelPort
{
    private static readonly IReadOnlyList<LinkState> ProbeLinks = [new LinkState(7, "probe0", true, true, 1500, [2, 0, 0, 0, 0, 7])];
    private static readonly IReadOnlyList<InterfaceAddress> ProbeAddresses = [new InterfaceAddress("probe0", IPAddress.Parse("192.0.2.7"), 24)];
    private static readonly InterfaceAddress Address = new("probe0", IPAddress.Parse("192.0.2.1"), 24);
    private static readonly IReadOnlyList<InterfaceAddress> AddressList = [Address, new("probe0", IPAddress.Parse("192.0.2.2"), 24)];
    private static readonly RouteSpec Route = new(IPAddress.Parse("198.51.100.0"), 24, Interface: "probe0");
    private static readonly RuleSpec Rule = new(System.Net.Sockets.AddressFamily.InterNetwork, 100, 10);
    private static readonly MacvlanSpec Macvlan = new("vrrp.7", "probe0", [0, 0, 0x5e, 0, 1, 7]);
    private static readonly string[] Interfaces = ["probe0"];
    private static readonly byte[] Frame = [1, 2, 3, 4, 5];

    private readonly List<(string Member, object? Argument)> _calls = new();
    private readonly IDisposable _subscription = new Subscription();
    private readonly IIpvsPort _ipvs = new RecordingIpvs();
    private readonly IVipFirewall _firewall = new InMemoryVipFirewall();

    /// <summary>One call per member of <see cref="IKernelPort"/>, each with a fixed argument; the value returned is
    /// compared with what this probe answers.</summary>
    public static IReadOnlyDictionary<string, Func<IKernelPort, object?>> Calls { get; } = new Dictionary<string, Func<IKernelPort, object?>>
    {
        [nameof(AddAddress)] = p => p.AddAddress(Address),
        [nameof(AddAddresses)] = p => p.AddAddresses(AddressList),
        [nameof(RemoveAddress)] = p => p.RemoveAddress(Address),
        [nameof(AddRoute)] = p => p.AddRoute(Route),
        [nameof(RemoveRoute)] = p => p.RemoveRoute(Route),
        [nameof(AddRule)] = p => p.AddRule(Rule),
        [nameof(RemoveRule)] = p => p.RemoveRule(Rule),
        [nameof(CreateMacvlan)] = p => p.CreateMacvlan(Macvlan),
        [nameof(DeleteLink)] = p => p.DeleteLink(Macvlan.Name),
        [nameof(SendFrame)] = p => p.SendFrame("probe0", Frame),
        [nameof(Prepare)] = p => p.Prepare(Interfaces),
        [nameof(Links)] = p => (p.Links(out var links), links),
        [nameof(Addresses)] = p => (p.Addresses(out var addresses), addresses),
        [nameof(Ipvs)] = p => p.Ipvs,
        [nameof(Firewall)] = p => p.Firewall,
        [nameof(Subscribe)] = p => p.Subscribe(_ => { }),
    };

    /// <summary>The members <see cref="IKernelPort"/> declares (properties by their name), for checking that
    /// <see cref="Calls"/> covers them all.</summary>
    public static IReadOnlySet<string> Members { get; } = typeof(IKernelPort)
        .GetMembers(BindingFlags.Public | BindingFlags.Instance)
        .Where(m => m is PropertyInfo || m is MethodInfo { IsSpecialName: false })
        .Select(m => m.Name)
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Every call so far, in order: the member and the argument it was given.</summary>
    public IReadOnlyList<(string Member, object? Argument)> Received => _calls;

    public IIpvsPort Ipvs
    {
        get
        {
            _calls.Add((nameof(Ipvs), null));
            return _ipvs;
        }
    }

    public IVipFirewall Firewall
    {
        get
        {
            _calls.Add((nameof(Firewall), null));
            return _firewall;
        }
    }

    /// <summary>
    /// The members of <see cref="IKernelPort"/> that <paramref name="decorate"/>'s port does not pass through to the
    /// port it wraps, in <see cref="Calls"/> order: the call did not arrive (once, with its argument), or its answer
    /// did not come back.
    /// </summary>
    public static IReadOnlyList<string> NotForwarded(Func<IKernelPort, IKernelPort> decorate)
    {
        var missing = new List<string>();
        foreach (var (member, call) in Calls)
        {
            var probe = new ForwardingProbeKernelPort();
            var port = decorate(probe);
            probe._calls.Clear();                           // what the decorator asked while being built
            var answer = call(port);
            bool arrived = probe._calls.Count == 1 && probe._calls[0].Member == member && Equals(probe._calls[0].Argument, ExpectedArgument(member));
            if (!arrived || !Equals(answer, probe.Answer(member)))
                missing.Add(member);
        }
        return missing;
    }

    public KernelResult AddAddress(InterfaceAddress address) => Called(nameof(AddAddress), address);

    private readonly IReadOnlyList<KernelResult> _batchAnswer = [KernelResult.Fail(1000, "probe AddAddresses 1"), KernelResult.Fail(1001, "probe AddAddresses 2")];

    public IReadOnlyList<KernelResult> AddAddresses(IReadOnlyList<InterfaceAddress> addresses)
    {
        _calls.Add((nameof(AddAddresses), addresses));
        return _batchAnswer;
    }

    public KernelResult RemoveAddress(InterfaceAddress address) => Called(nameof(RemoveAddress), address);

    public KernelResult AddRoute(RouteSpec route) => Called(nameof(AddRoute), route);

    public KernelResult RemoveRoute(RouteSpec route) => Called(nameof(RemoveRoute), route);

    public KernelResult AddRule(RuleSpec rule) => Called(nameof(AddRule), rule);

    public KernelResult RemoveRule(RuleSpec rule) => Called(nameof(RemoveRule), rule);

    public KernelResult CreateMacvlan(MacvlanSpec link) => Called(nameof(CreateMacvlan), link);

    public KernelResult DeleteLink(string name) => Called(nameof(DeleteLink), name);

    public KernelResult SendFrame(string interfaceName, ReadOnlySpan<byte> frame) =>
        Called(nameof(SendFrame), $"{interfaceName} {Convert.ToHexString(frame)}");

    public KernelResult Prepare(IReadOnlyCollection<string> interfaces) => Called(nameof(Prepare), interfaces);

    public KernelResult Links(out IReadOnlyList<LinkState> links)
    {
        links = ProbeLinks;
        return Called(nameof(Links), null);
    }

    public KernelResult Addresses(out IReadOnlyList<InterfaceAddress> addresses)
    {
        addresses = ProbeAddresses;
        return Called(nameof(Addresses), null);
    }

    public IDisposable Subscribe(Action<KernelEvent> onEvent)
    {
        _calls.Add((nameof(Subscribe), null));
        return _subscription;
    }

    private static object? ExpectedArgument(string member) => member switch
    {
        nameof(AddAddress) or nameof(RemoveAddress) => Address,
        nameof(AddAddresses) => AddressList,
        nameof(AddRoute) or nameof(RemoveRoute) => Route,
        nameof(AddRule) or nameof(RemoveRule) => Rule,
        nameof(CreateMacvlan) => Macvlan,
        nameof(DeleteLink) => Macvlan.Name,
        nameof(SendFrame) => $"probe0 {Convert.ToHexString(Frame)}",
        nameof(Prepare) => Interfaces,
        _ => null,
    };

    /// <summary>What this probe answers to <paramref name="member"/>: a failure naming it (an errno no other member
    /// gives), the probe's own lists, IPVS, firewall and subscription.</summary>
    private object? Answer(string member) => member switch
    {
        nameof(Links) => (Result(member), ProbeLinks),
        nameof(Addresses) => (Result(member), ProbeAddresses),
        nameof(Ipvs) => _ipvs,
        nameof(Firewall) => _firewall,
        nameof(Subscribe) => _subscription,
        nameof(AddAddresses) => _batchAnswer,
        _ => Result(member),
    };

    private KernelResult Called(string member, object? argument)
    {
        _calls.Add((member, argument));
        return Result(member);
    }

    private static KernelResult Result(string member) =>
        KernelResult.Fail(1000 + Calls.Keys.TakeWhile(k => k != member).Count(), $"probe: {member}");

    private sealed class Subscription : IDisposable
    {
        public void Dispose() { }
    }
}
