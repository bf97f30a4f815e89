using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Lvs;
using KeepAlive.Kernel.Fakes;
using IpvsServiceKey = KeepAlive.Actors.Lvs.IpvsServiceKey;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Effector;

public sealed class EffectorIpvsSpecs : TestKit
{
    private static readonly IpvsService Web = new() { Family = AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse("10.0.0.10"), Port = 80, Scheduler = "rr" };
    private static readonly IpvsDestination Rs1 = new(IPAddress.Parse("192.168.1.1"), 80) { Weight = 3 };
    private static readonly IpvsDestination Rs2 = new(IPAddress.Parse("192.168.1.2"), 80);

    private static ImmutableArray<IpvsOp> Create() =>
        [new IpvsOp.AddService(Web), new IpvsOp.AddDestination(Web, Rs1), new IpvsOp.AddDestination(Web, Rs2)];

    [Fact]
    public void Must_apply_ops_in_order_and_show_them_in_the_table_it_reads_back_as_owned()
    {
        var kernel = new RecordingKernelPort();
        var owned = new List<IReadOnlyCollection<IpvsServiceKey>>();
        var memory = new EffectorMemory { OwnedIpvsChanged = o => owned.Add(o) };
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel, memory));

        effector.Tell(new ApplyIpvsOps(1, "vs-a", Create()));
        var applied = ExpectMsg<IpvsOpsApplied>();
        Assert.True(applied.AllOk);
        Assert.Equal(Create(), applied.Outcomes.Select(o => o.Op));

        effector.Tell(GetIpvsTable.Instance);
        var table = ExpectMsg<IpvsTableSnapshot>();
        Assert.True(table.Result.IsOk);
        var service = Assert.Single(table.Services);
        Assert.Equal([Rs1, Rs2], service.Destinations.OrderBy(d => d.Address.ToString()));
        Assert.Equal([IpvsServiceKey.Of(Web)], table.Owned);
        Assert.Equal([IpvsServiceKey.Of(Web)], Assert.Single(owned));
        Assert.Equal(["add service Tcp 10.0.0.10:80: ok", "add destination 192.168.1.1:80 to Tcp 10.0.0.10:80: ok", "add destination 192.168.1.2:80 to Tcp 10.0.0.10:80: ok"],
            kernel.RecordingIpvs.Log);
    }

    [Fact]
    public void Must_report_a_failing_op_and_still_apply_the_ones_after_it()
    {
        var kernel = new RecordingKernelPort();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        kernel.RecordingIpvs.InjectFault(IpvsOperation.AddDestination, 12);

        effector.Tell(new ApplyIpvsOps(7, "vs-a", Create()));
        var applied = ExpectMsg<IpvsOpsApplied>(a => a.OpId == 7);
        Assert.False(applied.AllOk);
        Assert.Equal([0, 12, 0], applied.Outcomes.Select(o => o.Result.Errno));

        // The effector is still there and serves the next request.
        effector.Tell(new ApplyIpvsOps(8, "vs-a", [new IpvsOp.AddDestination(Web, Rs1)]));
        Assert.True(ExpectMsg<IpvsOpsApplied>(a => a.OpId == 8).AllOk);
        kernel.Ipvs.Destinations(Web, out var now);
        Assert.Equal(2, now.Count);
    }

    [Fact]
    public void Must_answer_every_op_with_the_load_ip_vs_error_when_the_kernel_has_no_ipvs()
    {
        var kernel = new RecordingKernelPort();
        kernel.RecordingIpvs.Available = false;
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));

        effector.Tell(new ApplyIpvsOps(1, "vs-a", Create()));
        var applied = ExpectMsg<IpvsOpsApplied>();
        Assert.All(applied.Outcomes, o => Assert.Contains("modprobe ip_vs", o.Result.Message, StringComparison.Ordinal));
        effector.Tell(GetIpvsTable.Instance);
        var table = ExpectMsg<IpvsTableSnapshot>();
        Assert.False(table.Result.IsOk);
        Assert.Empty(table.Services);
        Assert.Empty(table.Owned);
    }

    [Fact]
    public void Must_treat_removing_what_is_already_gone_as_done_and_forget_its_ownership()
    {
        var kernel = new RecordingKernelPort();
        var memory = new EffectorMemory();
        memory.OwnedIpvs.Add(IpvsServiceKey.Of(Web));
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel, memory));

        effector.Tell(new ApplyIpvsOps(1, "node", [new IpvsOp.DeleteDestination(Web, Rs1), new IpvsOp.DeleteService(Web)]));
        Assert.True(ExpectMsg<IpvsOpsApplied>().AllOk);
        effector.Tell(GetIpvsTable.Instance);
        Assert.Empty(ExpectMsg<IpvsTableSnapshot>().Owned);
    }

    [Fact]
    public void Must_set_the_timeouts_and_start_and_stop_the_sync_daemon()
    {
        var kernel = new RecordingKernelPort();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));

        effector.Tell(new SetIpvsTimeouts(1, new IpvsTimeouts(7200, 0, 60)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        effector.Tell(new StartIpvsSyncDaemon(2, new IpvsDaemon(IpvsSyncState.Backup, "eth0", 5)));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        effector.Tell(new StopIpvsSyncDaemon(3, IpvsSyncState.Master));      // not running: fine
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        effector.Tell(new StartIpvsSyncDaemon(4, new IpvsDaemon(IpvsSyncState.Backup, "eth0", 5)));
        Assert.Equal(17, ExpectMsg<OpCompleted>().Result.Errno);             // already running: the kernel's EEXIST

        kernel.Ipvs.Timeouts(out var timeouts);
        Assert.Equal(new IpvsTimeouts(7200, 120, 60), timeouts);
        kernel.Ipvs.Daemons(out var daemons);
        Assert.Equal(IpvsSyncState.Backup, Assert.Single(daemons).State);
    }

    [Fact]
    public void Must_put_back_the_kernels_own_timeouts_as_they_were_before_its_first_change()
    {
        var kernel = new RecordingKernelPort();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel));
        IpvsTimeouts Now()
        {
            kernel.Ipvs.Timeouts(out var t);
            return t!;
        }

        effector.Tell(new RestoreIpvsTimeouts(1));                           // never changed: nothing to put back
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.DoesNotContain(kernel.RecordingIpvs.Log, l => l.Contains("timeouts", StringComparison.Ordinal));

        effector.Tell(new SetIpvsTimeouts(2, new IpvsTimeouts(7200, 0, 60)));
        ExpectMsg<OpCompleted>();
        effector.Tell(new SetIpvsTimeouts(3, new IpvsTimeouts(0, 30, 0)));    // a reload: the original stays the first one
        ExpectMsg<OpCompleted>();
        Assert.Equal(new IpvsTimeouts(7200, 30, 60), Now());

        effector.Tell(new RestoreIpvsTimeouts(4));
        Assert.True(ExpectMsg<OpCompleted>().Result.IsOk);
        Assert.Equal(new IpvsTimeouts(900, 120, 300), Now());               // the fake kernel's defaults
    }
}
