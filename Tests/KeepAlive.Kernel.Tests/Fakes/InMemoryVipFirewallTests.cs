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
}
