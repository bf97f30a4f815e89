using System.Net;
using KeepAlive.Kernel.Linux;
using KeepAlive.Kernel.Ports;
using Xunit.Abstractions;

namespace KeepAlive.Privileged.Tests.Kernel;

/// <summary>
/// What the nf_tables tests share: two namespaces of ours joined by a veth pair (made on first use, configured by
/// <see cref="Prepare"/>, deleted with everything in them at Dispose), firewalls opened in A, <c>nft</c> run in A,
/// pings from B.
/// </summary>
public abstract class NftablesNamespaceTest(ITestOutputHelper output) : IDisposable
{
    private readonly List<NftablesVipFirewall> _firewalls = [];
    private VethNamespacePair? _pair;

    protected ITestOutputHelper Output { get; } = output;

    protected VethNamespacePair Pair
    {
        get
        {
            if (_pair is not null)
                return _pair;
            _pair = new VethNamespacePair();
            Prepare(_pair);
            return _pair;
        }
    }

    public void Dispose()
    {
        foreach (var f in _firewalls)
            f.Dispose();
        _pair?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Addresses and links the test needs in the fresh namespaces.</summary>
    protected abstract void Prepare(VethNamespacePair pair);

    protected NftablesVipFirewall Open()
    {
        var firewall = Pair.InA(NftablesVipFirewall.Open);
        _firewalls.Add(firewall);
        return firewall;
    }

    /// <summary>B pings <paramref name="address"/> once (1 s).</summary>
    protected bool Reachable(IPAddress address)
    {
        var (code, text) = Pair.B.Exec("ping", ["-c", "1", "-W", "1", "-n", address.ToString()], TimeSpan.FromSeconds(10));
        Output.WriteLine($"ping {address}: {code} {text.Split('\n').FirstOrDefault(l => l.Contains("packet"))}");
        return code == 0;
    }

    /// <summary><c>nft ARGS</c> in A; its output.</summary>
    protected string Nft(params string[] args)
    {
        var (code, text) = Pair.A.Exec("nft", args, TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"nft {string.Join(' ', args)}: {text}");
        return text;
    }

    protected static void Run(NetworkNamespace ns, string file, params string[] args)
    {
        var (code, text) = ns.Exec(file, args, TimeSpan.FromSeconds(10));
        Assert.True(code == 0, $"{file} {string.Join(' ', args)}: {text}");
    }

    protected static void Check(KernelResult result) => Assert.True(result.IsOk, result.ToString());
}
