using System.Net;
using System.Net.Sockets;
using KeepAlive.Kernel.Ports;
using KeepAlive.Kernel.Wire.Netlink.Nftables;
using static KeepAlive.Kernel.Wire.Netlink.Nftables.NftConstants;

namespace KeepAlive.Kernel.Linux;

/// <summary>
/// <see cref="IVipFirewall"/> on nf_tables over netlink (as keepalived does with libnftnl; no <c>nft</c> binary
/// needed). Each change is one batch, applied by the kernel all or none. A family's table is built in one batch that
/// adds, deletes and re-adds it with every address blocked and every VMAC known, so whatever a killed predecessor
/// left is replaced atomically and a rebuild (table deleted behind our back by <c>nft flush ruleset</c>, or a reload
/// that changed the priority) never shows an empty drop set. The use_vmac sets and rules are added to a table the
/// first time it has a VMAC (keepalived <c>nft_setup_igmp</c>), so a kernel without <c>dup</c> or <c>oifkind</c>
/// only fails the VMAC part. Not thread-safe: one owner (the netlink effector).
/// </summary>
public sealed class NftablesVipFirewall : IVipFirewall, IDisposable
{
    private const int ENOENT = 2;
    private const byte NdNeighborSolicit = 135, NdNeighborAdvert = 136;
    private const string VipSet = "vips", VmacMap = "vmac_map", VmacSet = "vmac_set";
    private static readonly byte[] Families = [FamilyIPv4, FamilyIPv6];

    private readonly NetlinkSocket? _socket;
    private readonly KernelResult _openError;
    private readonly HashSet<IPAddress> _blocked = new();
    private readonly Dictionary<string, VmacFirewallLink> _vmacs = new(StringComparer.Ordinal);
    private readonly HashSet<(byte Family, string Table)> _built = new();
    private readonly HashSet<(byte Family, string Table)> _vmacRules = new();
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

    public IReadOnlyCollection<VmacFirewallLink> Vmacs => _vmacs.Values.ToList();

    public KernelResult Apply(VipFirewallSettings settings, IReadOnlyCollection<IPAddress> block, IReadOnlyCollection<IPAddress> unblock)
    {
        foreach (var family in Families)
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
        foreach (var family in Families)
        {
            var result = DeleteTable(settings.Table, family);
            if (!result.IsOk && result.Errno != ENOENT)
                return result;
            Forget(family, settings.Table);
            _blocked.RemoveWhere(a => FamilyOf(a) == family);
        }
        _vmacs.Clear();
        return KernelResult.Ok;
    }

    public KernelResult AddVmac(VipFirewallSettings settings, VmacFirewallLink link)
    {
        if (_socket is null)
            return _openError;
        _vmacs.TryGetValue(link.Name, out var previous);
        _vmacs[link.Name] = link;
        foreach (var family in Families.Where(f => Has(link.Families, f) || (previous is not null && Has(previous.Families, f))))
        {
            var before = previous is not null && Has(previous.Families, family) ? previous : null;
            var result = ChangeVmac(settings, family, before, Has(link.Families, family) ? link : null);
            if (!result.IsOk && !(result.Errno == ENOENT && !Has(link.Families, family)))
            {
                if (previous is null)
                    _vmacs.Remove(link.Name);
                else
                    _vmacs[link.Name] = previous;
                return result;
            }
        }
        return KernelResult.Ok;
    }

    public KernelResult RemoveVmac(VipFirewallSettings settings, string name)
    {
        if (_socket is null)
            return _openError;
        if (!_vmacs.TryGetValue(name, out var link))
            return KernelResult.Ok;
        foreach (var family in Families.Where(f => Has(link.Families, f) && _vmacRules.Contains((f, settings.Table))))
        {
            var result = ChangeVmac(settings, family, link, null);
            if (!result.IsOk && result.Errno != ENOENT)             // gone with its table: nothing left to remove
                return result;
        }
        _vmacs.Remove(name);
        return KernelResult.Ok;
    }

    public KernelResult Move(VipFirewallSettings from, VipFirewallSettings to)
    {
        if (from == to)
            return KernelResult.Ok;
        if (_socket is null)
            return _openError;
        var moving = Families.Where(f => _built.Contains((f, from.Table))).ToList();
        var built = new List<byte>();
        foreach (var family in moving)
        {
            var result = Build(to, family, Held(family));
            if (!result.IsOk)
            {
                // from's tables still protect everything; take back what was built under the new name.
                if (to.Table != from.Table)
                {
                    foreach (var done in built)
                    {
                        DeleteTable(to.Table, done);
                        Forget(done, to.Table);
                    }
                }
                return result;
            }
            built.Add(family);
        }
        if (to.Table == from.Table)
            return KernelResult.Ok;                                  // rebuilt in place: one atomic batch each
        foreach (var family in moving)
        {
            var result = DeleteTable(from.Table, family);
            Forget(family, from.Table);
            if (!result.IsOk && result.Errno != ENOENT)
                return result;
        }
        return KernelResult.Ok;
    }

    public void Dispose() => _socket?.Dispose();

    private KernelResult ApplyFamily(VipFirewallSettings settings, byte family, List<IPAddress> add, List<IPAddress> remove)
    {
        if (_socket is null)
            return _openError;
        var keep = Held(family).Except(remove).Union(add).ToList();
        KernelResult result;
        if (!_built.Contains((family, settings.Table)))
            result = Build(settings, family, keep);
        else
        {
            result = SendElements(settings.Table, family, add, remove,
                $"nftables {Name(family)} {settings.Table}: block {add.Count}, unblock {remove.Count} address(es)");
            if (result.Errno == ENOENT)                              // the table or an element went away behind our back
                result = Build(settings, family, keep);
        }
        if (result.IsOk)
        {
            _blocked.RemoveWhere(a => FamilyOf(a) == family);
            _blocked.UnionWith(keep);
        }
        return result;
    }

    /// <summary>Adds <paramref name="add"/>'s entries to and removes <paramref name="remove"/>'s from the VMAC
    /// sets of <paramref name="family"/>, with the sets and rules if this table has none yet (or the whole table).</summary>
    private KernelResult ChangeVmac(VipFirewallSettings settings, byte family, VmacFirewallLink? remove, VmacFirewallLink? add)
    {
        var table = settings.Table;
        if (add is null && !_vmacRules.Contains((family, table)))
            return KernelResult.Ok;                                  // never had it
        if (!_built.Contains((family, table)))
            return Build(settings, family, Held(family));
        var writer = new NftBatchWriter(_buffer, _socket!.ReserveSequences(16), _socket.PortId);
        writer.Begin();
        bool rulesNew = add is not null && !_vmacRules.Contains((family, table));
        if (rulesNew)
            WriteVmacRules(ref writer, family, table);
        if (remove is not null && !rulesNew && (add is null || remove.Index != add.Index || remove.BaseIndex != add.BaseIndex))
            WriteVmacElements(ref writer, family, table, remove, add: false);
        if (add is not null)
            WriteVmacElements(ref writer, family, table, add, add: true);
        writer.End();
        var result = Send(ref writer, $"nftables {Name(family)} {table}: {(add is null ? $"forget VMAC {remove!.Name}" : $"move the reports of VMAC {add.Name}")}");
        if (result.IsOk && rulesNew)
            _vmacRules.Add((family, table));
        if (result.Errno == ENOENT && add is not null)
            result = Build(settings, family, Held(family));
        return result;
    }

    /// <summary>One batch: the family's table replaced by one with the chains, the drop set holding
    /// <paramref name="blocked"/>, and the VMAC sets and rules with every VMAC of the family.</summary>
    private KernelResult Build(VipFirewallSettings settings, byte family, List<IPAddress> blocked)
    {
        var table = settings.Table;
        var vmacs = _vmacs.Values.Where(v => Has(v.Families, family)).ToList();
        var writer = new NftBatchWriter(_buffer, _socket!.ReserveSequences(32 + 2 * vmacs.Count), _socket.PortId);
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
        if (blocked.Count > 0)
            writer.SetElements(family, table, VipSet, blocked, add: true);
        if (vmacs.Count > 0)
            WriteVmacRules(ref writer, family, table);
        foreach (var vmac in vmacs)
            WriteVmacElements(ref writer, family, table, vmac, add: true);
        writer.End();
        var result = Send(ref writer, $"create nftables table {Name(family)} {table}");
        if (result.IsOk)
        {
            _built.Add((family, table));
            if (vmacs.Count > 0)
                _vmacRules.Add((family, table));
            else
                _vmacRules.Remove((family, table));
        }
        return result;
    }

    private static void WriteVmacRules(ref NftBatchWriter writer, byte family, string table)
    {
        writer.AddInterfaceSet(family, table, VmacMap, 2, map: true);
        if (family == FamilyIPv6)
            writer.AddInterfaceSet(family, table, VmacSet, 3, map: false);
        writer.AddVmacReportMoveRule(family, table, "out", VmacMap);
        if (family == FamilyIPv6)
            writer.AddVmacRouterSolicitDropRule(table, "out", VmacSet);
    }

    private static void WriteVmacElements(ref NftBatchWriter writer, byte family, string table, VmacFirewallLink link, bool add)
    {
        writer.InterfaceElement(family, table, VmacMap, (uint)link.Index, (uint)link.BaseIndex, add);
        if (family == FamilyIPv6)
            writer.InterfaceElement(family, table, VmacSet, (uint)link.Index, 0, add);
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

    private List<IPAddress> Held(byte family) => _blocked.Where(a => FamilyOf(a) == family).ToList();

    private void Forget(byte family, string table)
    {
        _built.Remove((family, table));
        _vmacRules.Remove((family, table));
    }

    private static bool Has(VmacFamilies families, byte family) => family == FamilyIPv4 ? families.IPv4 : families.IPv6;

    private static byte FamilyOf(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? FamilyIPv4 : FamilyIPv6;

    private static string Name(byte family) => family == FamilyIPv4 ? "ip" : "ip6";
}
