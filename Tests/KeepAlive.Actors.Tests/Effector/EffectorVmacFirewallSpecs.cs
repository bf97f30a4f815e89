using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;
using MacvlanMode = KeepAlive.Kernel.Wire.Netlink.MacvlanMode;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>The firewall's use_vmac entries and a reload's table change through the effector: a created VMAC is
/// handed to the firewall with the kernel's indexes, taken out before the link is deleted; a changed table is moved
/// (the VIPs blocked there follow), a failed move keeps the running table in use.</summary>
public sealed class EffectorVmacFirewallSpecs : TestKit
{
    private static readonly VipFirewallSettings Settings = new("ka_spec");
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.100");
    private static readonly MacvlanSpec Vmac = new("vrrp.7", "eth0", [0, 0, 0x5e, 0, 1, 7], MacvlanMode.Private);

    private (IActorRef, RecordingKernelPort) Effector()
    {
        var kernel = new RecordingKernelPort().WithLink("lo").WithLink("eth0");
        return (Sys.ActorOf(NetlinkEffectorActor.Props(kernel, null, KernelSet.Empty, (Settings, false))), kernel);
    }

    private static KernelSet Set(IPAddress vip) => new([new InterfaceAddress("eth0", vip, 32)], [], []) { Blocked = [vip] };

    [Fact]
    public void A_vmac_s_reports_are_moved_with_the_kernel_s_indexes_until_the_link_is_removed()
    {
        var (effector, kernel) = Effector();
        effector.Tell(new EnsureMacvlan(1, "vrrp.7", Vmac) { Firewall = new VmacFamilies(true, false) });
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        kernel.Links(out var links);
        var expected = new VmacFirewallLink("vrrp.7", links.Single(l => l.Name == "vrrp.7").Index, links.Single(l => l.Name == "eth0").Index, new VmacFamilies(true, false));
        Assert.Equal([expected], kernel.RecordingFirewall.VmacTables["ka_spec"]);

        effector.Tell(new RemoveMacvlan(2, "vrrp.7", "vrrp.7"));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Empty(kernel.RecordingFirewall.Vmacs);
        Assert.Equal(["vmac ka_spec vrrp.7 3:2 igmp", "forget vmac ka_spec vrrp.7"], kernel.RecordingFirewall.Log);
    }

    [Fact]
    public void A_restarted_effector_that_creates_a_lost_vmac_again_hands_the_firewall_its_new_index()
    {
        var kernel = new RecordingKernelPort().WithLink("lo").WithLink("eth0");
        var crashing = new CrashingKernelPort(kernel, crashFirstSend: false);
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(crashing, null, KernelSet.Empty, (Settings, false)));
        effector.Tell(new EnsureMacvlan(1, "vrrp.7", Vmac) { Firewall = new VmacFamilies(false, true) });
        ExpectMsg<OpCompleted>();
        kernel.DeleteLink("vrrp.7");                                     // behind its back
        crashing.CrashNext = true;
        effector.Tell(new SendFrames(2, "eth0", [new byte[60]]));        // the effector crashes and is restarted
        AwaitAssert(() =>
        {
            kernel.Links(out var links);
            var index = Assert.Single(links, l => l.Name == "vrrp.7").Index;
            Assert.Equal(index, Assert.Single(kernel.RecordingFirewall.Vmacs).Index);
            Assert.NotEqual(3, index);
        }, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_vmac_without_reports_to_move_is_not_handed_to_the_firewall()
    {
        var (effector, kernel) = Effector();
        effector.Tell(new EnsureMacvlan(1, "vrrp.7", Vmac));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        effector.Tell(new RemoveMacvlan(2, "vrrp.7", "vrrp.7"));
        ExpectMsg<OpCompleted>();
        Assert.Empty(kernel.RecordingFirewall.Log);
    }

    /// <summary>Blocks the VIP, changes the settings to <paramref name="to"/> (the move failing when told), releases
    /// the VIP: the move's errno and the firewall's log.</summary>
    private (int MoveErrno, IReadOnlyList<string> Log, IReadOnlyCollection<string> Tables) BlockChangeRelease(VipFirewallSettings to, bool failMove = false)
    {
        var (effector, kernel) = Effector();
        effector.Tell(new AcquireAddresses(1, "VI_1", Set(A)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        if (failMove)
            kernel.RecordingFirewall.FailNext();
        effector.Tell(new ChangeFirewall(9, to, true));
        int errno = ExpectMsg<OpCompleted>(m => m.OpId == 9).Result.Errno;
        effector.Tell(new ReleaseAddresses(2, "VI_1", Set(A)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        return (errno, kernel.RecordingFirewall.Log, kernel.RecordingFirewall.Tables.Keys.ToList());
    }

    [Fact]
    public void A_reload_s_new_table_gets_the_blocked_vips_and_later_blocks()
    {
        var (errno, log, tables) = BlockChangeRelease(new VipFirewallSettings("ka_new", -5));
        Assert.Equal(0, errno);
        Assert.Equal(["ka_new"], tables);
        Assert.Equal(["block ka_spec 10.0.0.100", "move ka_spec/-1 -> ka_new/-5", "unblock ka_new 10.0.0.100"], log);
    }

    [Fact]
    public void A_failed_move_keeps_the_running_table_in_use()
    {
        var (errno, log, tables) = BlockChangeRelease(new VipFirewallSettings("ka_new"), failMove: true);
        Assert.Equal(105, errno);
        Assert.Equal(["ka_spec"], tables);
        Assert.Equal(["block ka_spec 10.0.0.100", "fail move ka_spec -> ka_new", "unblock ka_spec 10.0.0.100"], log);
    }

    [Fact]
    public void Unchanged_settings_move_nothing()
    {
        var (errno, log, _) = BlockChangeRelease(Settings);
        Assert.Equal(0, errno);
        Assert.Equal(["block ka_spec 10.0.0.100", "unblock ka_spec 10.0.0.100"], log);
    }
}
