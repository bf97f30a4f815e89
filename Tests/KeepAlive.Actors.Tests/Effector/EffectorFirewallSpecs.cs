using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

/// <summary>The accept-mode firewall through the effector: a set's blocked VIPs are dropped before its addresses are
/// added and accepted again after they are removed; a failing firewall fails the acquire with nothing added; another
/// owner's block stays; a restarted effector puts blocks back; the node's stop removes the tables.</summary>
public sealed class EffectorFirewallSpecs : TestKit
{
    private static readonly VipFirewallSettings Settings = new("ka_spec");
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.100"), B = IPAddress.Parse("10.0.0.110");

    private static KernelSet Set(params IPAddress[] vips) =>
        new(vips.Select(v => new InterfaceAddress("eth0", v, 32)).ToList(), [], []) { Blocked = vips };

    private static List<string> Present(IKernelPort kernel)
    {
        kernel.Addresses(out var now);
        return now.Select(a => a.Address.ToString()).Order().ToList();
    }

    private (IActorRef, RecordingKernelPort) Effector(bool needed = false)
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        return (Sys.ActorOf(NetlinkEffectorActor.Props(kernel, null, KernelSet.Empty, (Settings, needed))), kernel);
    }

    [Fact]
    public void Blocked_vips_are_dropped_while_held_and_accepted_after_release()
    {
        var (effector, kernel) = Effector();
        effector.Tell(new AcquireAddresses(1, "VI_1", Set(A, B)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Equal(new HashSet<IPAddress> { A, B }, kernel.RecordingFirewall.Tables["ka_spec"]);
        Assert.Equal(["10.0.0.100", "10.0.0.110"], Present(kernel));
        Assert.Equal(["block ka_spec 10.0.0.100", "block ka_spec 10.0.0.110"], kernel.RecordingFirewall.Log);

        effector.Tell(new ReleaseAddresses(2, "VI_1", Set(A, B)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Empty(kernel.RecordingFirewall.Blocked);
        Assert.Empty(Present(kernel));
    }

    [Fact]
    public void A_failing_firewall_fails_the_acquire_and_adds_no_address()
    {
        var (effector, kernel) = Effector();
        kernel.RecordingFirewall.FailNext(errno: 1);
        effector.Tell(new AcquireAddresses(1, "VI_1", Set(A)));
        Assert.Equal(1, ExpectMsg<OpCompleted>().Result.Errno);
        Assert.Empty(Present(kernel));
        Assert.Empty(kernel.RecordingFirewall.Blocked);
    }

    [Fact]
    public void A_failed_address_add_takes_its_blocks_back()
    {
        var kernel = new RecordingKernelPort().WithLink("eth0");
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel, null, KernelSet.Empty, (Settings, false)));
        var set = new KernelSet([new InterfaceAddress("eth0", A, 32), new InterfaceAddress("missing0", B, 32)], [], []) { Blocked = [A, B] };
        effector.Tell(new AcquireAddresses(1, "VI_1", set));
        Assert.False(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Empty(kernel.RecordingFirewall.Blocked);
        Assert.Empty(Present(kernel));
    }

    [Fact]
    public void Another_owners_block_stays_and_a_reload_changes_only_the_difference()
    {
        var (effector, kernel) = Effector();
        effector.Tell(new AcquireAddresses(1, "VI_1", Set(A)));
        ExpectMsg<OpCompleted>();
        effector.Tell(new AcquireAddresses(2, "VI_2", Set(A, B)));
        ExpectMsg<OpCompleted>();
        effector.Tell(new ReleaseAddresses(3, "VI_2", Set(A, B)));
        ExpectMsg<OpCompleted>();
        Assert.Equal([A], kernel.RecordingFirewall.Blocked);

        effector.Tell(new ReplaceAddresses(4, "VI_1", Set(B)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Equal([B], kernel.RecordingFirewall.Blocked);
    }

    [Fact]
    public void The_stop_removes_the_tables_only_when_the_firewall_was_used()
    {
        var (unused, quiet) = Effector();
        unused.Tell(RemoveFirewallTables.Instance);
        unused.Tell(GetEffectorStatus.Instance);
        ExpectMsg<EffectorStatus>();
        Assert.DoesNotContain(quiet.RecordingFirewall.Log, l => l.StartsWith("remove", StringComparison.Ordinal));

        var (used, kernel) = Effector();
        used.Tell(new AcquireAddresses(1, "VI_1", Set(A)));
        ExpectMsg<OpCompleted>();
        used.Tell(RemoveFirewallTables.Instance);
        used.Tell(GetEffectorStatus.Instance);
        ExpectMsg<EffectorStatus>();
        Assert.Contains("remove ka_spec", kernel.RecordingFirewall.Log);
    }
}
