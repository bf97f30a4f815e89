using System.Net;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Fakes;

/// <summary>The fake firewall keeps the Linux one's semantics (NftablesVipFirewallTests, privileged): idempotent
/// changes, absent tables removable, a failed change changes nothing.</summary>
public sealed class InMemoryVipFirewallTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1"), B = IPAddress.Parse("fd00::1");
    private static readonly VipFirewallSettings Settings = new();

    [Fact]
    public void Blocking_and_unblocking_are_idempotent()
    {
        var f = new InMemoryVipFirewall();
        Assert.True(f.Apply(Settings, [A, B], []).IsOk);
        Assert.True(f.Apply(Settings, [A], []).IsOk);
        Assert.Equal(new HashSet<IPAddress> { A, B }, f.Tables["keepalived"]);
        Assert.True(f.Apply(Settings, [], [A, A]).IsOk);
        Assert.True(f.Apply(Settings, [], [A]).IsOk);
        Assert.Equal([B], f.Blocked);
        Assert.True(f.Remove(Settings).IsOk);
        Assert.True(f.Remove(Settings).IsOk);
        Assert.Empty(f.Blocked);
        Assert.Equal(["block keepalived 10.0.0.1", "block keepalived fd00::1", "unblock keepalived 10.0.0.1", "remove keepalived"], f.Log);
    }

    [Fact]
    public void A_failed_change_changes_nothing()
    {
        var f = new InMemoryVipFirewall();
        Assert.True(f.Apply(Settings, [A], []).IsOk);
        f.FailNext(errno: 1);
        var failed = f.Apply(Settings, [B], [A]);
        Assert.Equal(1, failed.Errno);
        Assert.Equal([A], f.Blocked);
        Assert.True(f.Apply(Settings, [B], []).IsOk);
    }

    [Fact]
    public void Vmacs_are_kept_per_table_and_forgotten_on_remove()
    {
        var f = new InMemoryVipFirewall();
        var link = new VmacFirewallLink("vrrp.7", 9, 2, new VmacFamilies(true, false));
        Assert.True(f.AddVmac(Settings, link).IsOk);
        Assert.True(f.AddVmac(Settings, link).IsOk);
        Assert.Equal([link], f.VmacTables["keepalived"]);
        Assert.True(f.RemoveVmac(Settings, "vrrp.7").IsOk);
        Assert.True(f.RemoveVmac(Settings, "vrrp.7").IsOk);
        Assert.Empty(f.Vmacs);
        Assert.Equal(["vmac keepalived vrrp.7 9:2 igmp", "forget vmac keepalived vrrp.7"], f.Log);
    }

    [Fact]
    public void A_move_takes_addresses_and_vmacs_to_the_new_table_and_a_failed_one_changes_nothing()
    {
        var f = new InMemoryVipFirewall();
        var link = new VmacFirewallLink("vrrp.7", 9, 2, new VmacFamilies(true, true));
        Assert.True(f.Apply(Settings, [A, B], []).IsOk);
        Assert.True(f.AddVmac(Settings, link).IsOk);
        var renamed = new VipFirewallSettings("other", -5);
        f.FailNext();
        Assert.False(f.Move(Settings, renamed).IsOk);
        Assert.Equal(["keepalived"], f.Tables.Keys);
        Assert.True(f.Move(Settings, renamed).IsOk);
        Assert.Equal(["other"], f.Tables.Keys);
        Assert.Equal(new HashSet<IPAddress> { A, B }, f.Tables["other"]);
        Assert.Equal([link], f.VmacTables["other"]);
        Assert.True(f.Move(renamed, renamed with { Priority = 3 }).IsOk);
        Assert.Equal(new HashSet<IPAddress> { A, B }, f.Tables["other"]);
    }
}
