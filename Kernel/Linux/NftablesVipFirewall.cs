using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Netlink.Nftables;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="IVipFirewall"/> on nf_tables over netlink (as keepalived does with libnftnl; no <c>nft</c> binary
/// needed). Each change is one batch, applied by the kernel all or none. A family's table is built on first use in
/// one batch that adds, deletes and re-adds it, so whatever a killed predecessor left is replaced atomically. If the
/// table disappears behind our back (<c>nft flush ruleset</c>), the next change rebuilds it with every address this
/// firewall holds. Not thread-safe: one owner (the netlink effector).
/// </summary>
public sealed class NftablesVipFirewall : IVipFirewall, IDisposable
{
    private const int ENOENT = 2;
    private const byte NdNeighborSolicit = 135, NdNeighborAdvert = 136;
    private const string VipSet = "vips";

    private readonly NetlinkSocket? _socket;
    private readonly KernelResult _openError;
    private readonly HashSet<IPAddress> _blocked = new();
    private readonly HashSet<(byte Family, string Table)> _built = new();
    private readonly byte[] _buffer = new byte[64 * 1024];

    private NftablesVipFirewall(NetlinkSocket? socket, KernelResult openError)
    {
        _socket = socket;
        _openError = openError;
    }

    /// <summary>Opens the netfilter netlink socket in the calling thread's network namespace. A kernel without
    /// nfnetlink gives a firewall whose every change fails with that reason.</summary>
    public static NftablesVipFirewall Open()
    {
        var opened = NetlinkSocket.Open(NetlinkSocket.ProtocolNetfilter, 0, 0, out var socket);
        return new NftablesVipFirewall(socket, opened.IsOk ? KernelResult.Ok
            : KernelResult.Fail(opened.Errno, $"nftables is not available: {opened.Message}"));
    }

    /// <summary>A firewall whose every change fails with <paramref name="why"/>.</summary>
    public static NftablesVipFirewall Unavailable(KernelResult why) => new(null, why);

    public IReadOnlyCollection<IPAddress> Blocked => _blocked.ToList();

    public KernelResult Apply(VipFirewallSettings settings, IReadOnlyCollection<IPAddress> block, IReadOnlyCollection<IPAddress> unblock)
    {
        foreach (var family in new[] { FamilyIPv4, FamilyIPv6 })
        {
            var add = block.Where(a => FamilyOf(a) == family && !_blocked.Contains(a)).Distinct().ToList();
            var remove = unblock.Where(a => FamilyOf(a) == family && _blocked.Contains(a)).Distinct().ToList();
            if (add.Count == 0 && remove.Count == 0)
                continue;
            var result = ApplyFamily(settings, family, add, remove);
            if (!result.IsOk)
                return result;
        }
        return KernelResult.Ok;
    }

    public KernelResult Remove(VipFirewallSettings settings)
    {
        if (_socket is null)
            return _openError;
        foreach (var family in new[] { FamilyIPv4, FamilyIPv6 })
        {
            var result = DeleteTable(settings.Table, family);
            if (!result.IsOk && result.Errno != ENOENT)
                return result;
            _built.Remove((family, settings.Table));
            _blocked.RemoveWhere(a => FamilyOf(a) == family);
        }
        return KernelResult.Ok;
    }

    public void Dispose() => _socket?.Dispose();

    private KernelResult ApplyFamily(VipFirewallSettings settings, byte family, List<IPAddress> add, List<IPAddress> remove)
    {
        if (_socket is null)
            return _openError;
        if (!_built.Contains((family, settings.Table)))
        {
            var built = Build(settings, family);
            if (!built.IsOk)
                return built;
        }
        string doing = $"nftables {Name(family)} {settings.Table}: block {add.Count}, unblock {remove.Count} address(es)";
        var result = SendElements(settings.Table, family, add, remove, doing);
        if (result.Errno == ENOENT)
        {
            // The table or an element went away behind our back: rebuild with what we hold and what is asked.
            var keep = _blocked.Where(a => FamilyOf(a) == family).Except(remove).Union(add).ToList();
            var rebuilt = Build(settings, family);
            if (!rebuilt.IsOk)
                return rebuilt;
            result = keep.Count == 0 ? KernelResult.Ok : SendElements(settings.Table, family, keep, [], doing);
            if (result.IsOk)
                _blocked.UnionWith(keep);
            return result;
        }
        if (result.IsOk)
        {
            _blocked.UnionWith(add);
            _blocked.ExceptWith(remove);
        }
        return result;
    }

    private KernelResult Build(VipFirewallSettings settings, byte family)
    {
        var table = settings.Table;
        var writer = new NftBatchWriter(_buffer, _socket!.ReserveSequences(32), _socket.PortId);
        writer.Begin();
        writer.AddTable(family, table);
        writer.DeleteTable(family, table);
        writer.AddTable(family, table);
        writer.AddBaseChain(family, table, "in", HookLocalIn, settings.Priority);
        writer.AddBaseChain(family, table, "out", HookLocalOut, settings.Priority);
        writer.AddAddressSet(family, table, VipSet, 1);
        if (family == FamilyIPv6)
        {
            foreach (var chain in new[] { "in", "out" })
            {
                writer.AddIcmpv6AcceptRule(table, chain, NdNeighborSolicit);
                writer.AddIcmpv6AcceptRule(table, chain, NdNeighborAdvert);
            }
        }
        writer.AddAddressDropRule(family, table, "in", VipSet, matchDestination: true);
        writer.AddAddressDropRule(family, table, "out", VipSet, matchDestination: false);
        writer.End();
        var result = Send(ref writer, $"create nftables table {Name(family)} {table}");
        if (result.IsOk)
        {
            _built.Add((family, table));
            _blocked.RemoveWhere(a => FamilyOf(a) == family);
        }
        return result;
    }

    private KernelResult SendElements(string table, byte family, List<IPAddress> add, List<IPAddress> remove, string doing)
    {
        var writer = new NftBatchWriter(_buffer, _socket!.ReserveSequences(4), _socket.PortId);
        writer.Begin();
        if (add.Count > 0)
            writer.SetElements(family, table, VipSet, add, add: true);
        if (remove.Count > 0)
            writer.SetElements(family, table, VipSet, remove, add: false);
        writer.End();
        return Send(ref writer, doing);
    }

    private KernelResult DeleteTable(string table, byte family)
    {
        var writer = new NftBatchWriter(_buffer, _socket!.ReserveSequences(4), _socket.PortId);
        writer.Begin();
        writer.DeleteTable(family, table);
        writer.End();
        return Send(ref writer, $"delete table {Name(family)} {table}");
    }

    private KernelResult Send(ref NftBatchWriter writer, string doing) =>
        writer.Ok
            ? _socket!.RequestBatch(writer.Written, writer.FirstSequence + 1, writer.AckedMessages, doing)
            : KernelResult.Fail(90, $"{doing}: the batch does not fit {_buffer.Length} bytes");

    private static byte FamilyOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? FamilyIPv4 : FamilyIPv6;

    private static string Name(byte family) => family == FamilyIPv4 ? "ip" : "ip6";
}
