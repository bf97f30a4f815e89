using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Effector;
using KeepAlive.Actors.Lvs;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Actors.Node;
using KeepAlive.Actors.Notify;
using KeepAlive.Actors.Vrrp;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Fakes;
using KeepAlive.Kernel.Wire.Ipvs;
using static KeepAlive.Actors.Tests.Tracking.TrackerSpecKit;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>A virtual server with scripted probes, the real effector and the recording IPVS, in virtual time: what the
/// kernel table holds as servers fail, recover and flap, quorum and the sorry server, inhibit_on_failure, ha_suspend,
/// a reload, a refused op, and stopping.</summary>
public sealed class VirtualServerActorSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(VirtualTime, output: output)
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private sealed record Rig(IActorRef Vs, RecordingKernelPort Kernel, ScriptedProbes Probes, TestProbe Notifier, KeepAliveConfig Config);

    /// <summary>Two real servers .1 and .2 (and a sorry server .99 when asked) with one TCP_CHECK each: delay_loop 10,
    /// retry 1 (two failures take a server down), delay_before_retry 2.</summary>
    private static string Conf(string extra = "", string rsExtra = "", string sorry = "", int weight2 = 1) => $$"""
        virtual_server 10.0.0.10 80 {
            delay_loop 10
            lb_algo rr
            lb_kind NAT
            protocol TCP
            {{extra}}
            {{sorry}}
            real_server 192.168.1.1 80 {
                weight 1
                {{rsExtra}}
                notify_down "/bin/rs-down 1"
                TCP_CHECK {
                    retry 1
                    delay_before_retry 2
                }
            }
            real_server 192.168.1.2 80 {
                weight {{weight2}}
                {{rsExtra}}
                TCP_CHECK {
                    retry 1
                    delay_before_retry 2
                }
            }
        }
        """;

    private Rig Start(string conf, string? vipInstance = null, RecordingKernelPort? kernel = null, ScriptedProbes? probes = null, ImmutableArray<IpvsServiceState> observed = default)
    {
        var config = LvsConfig.Load(conf);
        kernel ??= new RecordingKernelPort();
        probes ??= new ScriptedProbes();
        var effector = Sys.ActorOf(NetlinkEffectorActor.Props(kernel), "effector");
        var notifier = CreateTestProbe();
        var setup = new VirtualServerSetup(config.VirtualServers[0], [.. config.VirtualServerGroups], effector, notifier.Ref, probes, null, config.Globals, observed, vipInstance)
        {
            Random = () => 0,
        };
        var vs = Sys.ActorOf(VirtualServerActor.Props(setup), "vs");
        return new Rig(vs, kernel, probes, notifier, config);
    }

    /// <summary>The destinations of the one service, "octet:weight" by address.</summary>
    private static string Pool(RecordingKernelPort kernel)
    {
        kernel.Ipvs.Services(out var services);
        if (services.Count == 0)
            return "(no service)";
        kernel.Ipvs.Destinations(Assert.Single(services).Service, out var destinations);
        return string.Join(',', destinations.Select(d => d.Destination).OrderBy(d => d.Address.GetAddressBytes()[3]).Select(d => $"{d.Address.GetAddressBytes()[3]}:{d.Weight}"));
    }

    private void ExpectPool(Rig rig, string pool) => AwaitAssert(() => Assert.Equal(pool, Pool(rig.Kernel)), Wait);

    /// <summary>Moves virtual time on and waits until the real server at <paramref name="address"/> has handled check
    /// number <paramref name="checks"/> (its result is in its mailbox before the check returns; a round trip waits it out).</summary>
    private void Advance(Rig rig, TimeSpan by, string address, int checks)
    {
        Clock.Advance(by);
        AwaitAssert(() => Assert.True(rig.Probes.Checks(address) >= checks, $"{address}: {rig.Probes.Checks(address)} checks"), Wait);
        Settle(rig, address);
    }

    private void Settle(Rig rig, string address)
    {
        Sys.ActorSelection(rig.Vs.Path / ActorNames.RealServer(new RealServerKey(IPAddress.Parse(address), 80))).Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
        rig.Vs.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
    }

    private static string Line(LvsNotification n) => n.FifoLine.TrimEnd('\n');

    /// <summary>The first check (one second after start) passes; the next comes after delay_loop. (keepalived takes a
    /// server down at once when its very first check fails.)</summary>
    private void FirstCheckPasses(Rig rig, string address) => Advance(rig, TimeSpan.FromSeconds(1), address, 1);

    [Fact]
    public void Must_take_a_failing_server_out_after_its_retries_and_put_it_back_when_it_recovers()
    {
        var rig = Start(Conf());
        ExpectPool(rig, "1:1,2:1");
        Assert.Equal("VS [10.0.0.10]:tcp:80 UP", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));
        FirstCheckPasses(rig, "192.168.1.1");
        rig.Probes.Set("192.168.1.1", up: false);

        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 2);    // a failure: retrying, still in
        Assert.Equal("1:1,2:1", Pool(rig.Kernel));
        Advance(rig, TimeSpan.FromSeconds(2), "192.168.1.1", 3);     // the retry fails too: out
        ExpectPool(rig, "2:1");
        var down = rig.Notifier.ExpectMsg<LvsNotification>(Wait);
        Assert.Equal("RS [192.168.1.1]:tcp:80 [10.0.0.10]:tcp:80 DOWN", Line(down));
        Assert.Equal(["/bin/rs-down", "1"], down.Script!.Argv);

        rig.Probes.Set("192.168.1.1", up: true);
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 4);
        ExpectPool(rig, "1:1,2:1");
        Assert.Equal("RS [192.168.1.1]:tcp:80 [10.0.0.10]:tcp:80 UP", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));
    }

    [Fact]
    public void Must_keep_a_flapping_server_whose_failures_never_run_out_its_retries()
    {
        var rig = Start(Conf());
        ExpectPool(rig, "1:1,2:1");
        rig.Notifier.ExpectMsg<LvsNotification>(Wait);                 // "Starting with quorum up"
        var answers = new Queue<bool>([true, false, true, false, true, false, true]);
        rig.Probes.Set("192.168.1.1", () => Task.FromResult(answers.Dequeue() ? ProbeResult.Pass() : ProbeResult.Fail("reset")));
        FirstCheckPasses(rig, "192.168.1.1");
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 2);     // fails: retry in 2 s
        Advance(rig, TimeSpan.FromSeconds(2), "192.168.1.1", 3);      // passes: the count starts again
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 4);
        Advance(rig, TimeSpan.FromSeconds(2), "192.168.1.1", 5);
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 6);
        Advance(rig, TimeSpan.FromSeconds(2), "192.168.1.1", 7);
        Assert.Equal("1:1,2:1", Pool(rig.Kernel));
        rig.Notifier.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Must_put_the_sorry_server_in_when_quorum_is_lost_and_take_it_out_when_it_is_regained()
    {
        var rig = Start(Conf(extra: "quorum 2", sorry: "sorry_server 192.168.1.99 80"));
        ExpectPool(rig, "1:1,2:1");
        Assert.Equal("VS [10.0.0.10]:tcp:80 UP", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));
        FirstCheckPasses(rig, "192.168.1.1");
        rig.Probes.Set("192.168.1.1", up: false);
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 2);
        Advance(rig, TimeSpan.FromSeconds(2), "192.168.1.1", 3);
        ExpectPool(rig, "99:1");
        Assert.Equal("RS [192.168.1.1]:tcp:80 [10.0.0.10]:tcp:80 DOWN", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));
        Assert.Equal("VS [10.0.0.10]:tcp:80 DOWN", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));

        rig.Probes.Set("192.168.1.1", up: true);
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", 4);
        ExpectPool(rig, "1:1,2:1");
        Assert.Equal("RS [192.168.1.1]:tcp:80 [10.0.0.10]:tcp:80 UP", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));
        Assert.Equal("VS [10.0.0.10]:tcp:80 UP", Line(rig.Notifier.ExpectMsg<LvsNotification>(Wait)));
    }

    [Fact]
    public void Must_keep_a_failed_server_at_weight_0_with_inhibit_on_failure()
    {
        var rig = Start(Conf(rsExtra: "inhibit_on_failure"));
        ExpectPool(rig, "1:1,2:1");
        rig.Probes.Set("192.168.1.2", up: false);
        Advance(rig, TimeSpan.FromSeconds(1), "192.168.1.2", 1);      // a first check that fails: down at once
        ExpectPool(rig, "1:1,2:0");
        Assert.EndsWith("edit destination 192.168.1.2:80 of Tcp 10.0.0.10:80: ok", rig.Kernel.RecordingIpvs.Log[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Must_hold_its_checkers_until_the_instance_holding_its_vip_is_master_and_keep_its_service_meanwhile()
    {
        var rig = Start(Conf(extra: "ha_suspend"), vipInstance: "VI_1");
        ExpectPool(rig, "1:1,2:1");
        Clock.Advance(TimeSpan.FromSeconds(30));
        Settle(rig, "192.168.1.1");
        Assert.Equal(0, rig.Probes.Checks("192.168.1.1"));

        Sys.EventStream.Publish(new InstanceStateChanged("VI_1", 51, AddressFamily.InterNetwork, VrrpState.Backup, VrrpState.Master, VrrpReason.MasterDown, 100));
        Settle(rig, "192.168.1.1");
        var before = rig.Probes.Checks("192.168.1.1");
        Advance(rig, TimeSpan.FromSeconds(10), "192.168.1.1", before + 1);

        Sys.EventStream.Publish(new InstanceStateChanged("VI_1", 51, AddressFamily.InterNetwork, VrrpState.Master, VrrpState.Backup, VrrpReason.HigherPriorityAdvert, 100));
        Settle(rig, "192.168.1.1");
        var held = rig.Probes.Checks("192.168.1.1");
        Clock.Advance(TimeSpan.FromSeconds(30));
        Settle(rig, "192.168.1.1");
        Assert.Equal(held, rig.Probes.Checks("192.168.1.1"));
        Assert.Equal("1:1,2:1", Pool(rig.Kernel));                  // keepalived leaves the service in place
    }

    [Fact]
    public void Must_issue_exactly_one_ipvs_op_when_a_reload_changes_one_real_servers_weight()
    {
        var rig = Start(Conf());
        ExpectPool(rig, "1:1,2:1");
        var ops = rig.Kernel.RecordingIpvs.Log.Count;
        var reloaded = LvsConfig.Load(Conf(weight2: 5));
        rig.Vs.Tell(new ReconfigureVirtualServer(reloaded.VirtualServers[0], [], null));
        ExpectPool(rig, "1:1,2:5");
        var log = rig.Kernel.RecordingIpvs.Log;
        Assert.Equal(["edit destination 192.168.1.2:80 of Tcp 10.0.0.10:80: ok"], log.Skip(ops));
        Assert.Empty(rig.Probes.Disposed);                            // the checkers were left alone
    }

    [Fact]
    public async Task Must_log_a_refused_op_and_converge_once_the_kernel_takes_it()
    {
        var kernel = new RecordingKernelPort();
        kernel.RecordingIpvs.InjectFault(IpvsOperation.AddDestination, 12);
        var rig = Start(Conf(), kernel: kernel);
        ExpectPool(rig, "2:1");
        rig.Vs.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
        Clock.Advance(TimeSpan.FromSeconds(5));
        ExpectPool(rig, "1:1,2:1");
        var status = await rig.Vs.Ask<KeepAlive.Actors.Status.VirtualServerReport>(GetVirtualServerStatus.Instance, Wait);
        Assert.Equal(1, status.FailedOps);
    }

    [Fact]
    public async Task Must_wait_twice_as_long_after_each_refusal_in_a_row_and_start_again_from_5_s_once_it_converged()
    {
        var kernel = new RecordingKernelPort();
        kernel.RecordingIpvs.InjectFault(IpvsOperation.AddDestination, 12, times: 4);  // both servers at start, then at the first resync
        var rig = Start(Conf(), kernel: kernel);
        int Attempts() => rig.Kernel.RecordingIpvs.Log.Count(l => l.StartsWith("add destination", StringComparison.Ordinal));
        // The failures the actor has taken in (its resync timer is armed in the same step).
        async Task Refused(long n) => await AwaitAssertAsync(async () =>
            Assert.Equal(n, (await rig.Vs.Ask<KeepAlive.Actors.Status.VirtualServerReport>(GetVirtualServerStatus.Instance, Wait)).FailedOps), Wait);

        await Refused(2);
        Clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(2, Attempts());
        Clock.Advance(TimeSpan.FromSeconds(0.1));                      // 5 s: both again, refused again
        await Refused(4);
        Clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(4, Attempts());
        Clock.Advance(TimeSpan.FromSeconds(0.1));                      // then 10 s: taken
        ExpectPool(rig, "1:1,2:1");
        await AwaitAssertAsync(() => Assert.Equal(6, Attempts()), Wait);

        kernel.RecordingIpvs.InjectFault(IpvsOperation.DeleteDestination, 12);
        rig.Probes.Set("192.168.1.1", up: false);
        for (int i = 0; i < 30 && Attempts() == 6 && !rig.Kernel.RecordingIpvs.Log.Any(l => l.StartsWith("delete destination", StringComparison.Ordinal)); i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));                    // two failed checks: server .1 leaves, refused
            await Task.Delay(20);
        }
        await Refused(5);
        Assert.Equal("1:1,2:1", Pool(rig.Kernel));
        Clock.Advance(TimeSpan.FromSeconds(5));                        // the first delay again, not 20 s
        ExpectPool(rig, "2:1");
    }

    [Fact]
    public void Must_take_over_its_service_as_the_kernel_has_it_at_start()
    {
        var service = new IpvsService { Family = AddressFamily.InterNetwork, Protocol = IpvsProtocol.Tcp, Address = IPAddress.Parse("10.0.0.10"), Port = 80, Scheduler = "rr" };
        var kernel = new RecordingKernelPort();
        kernel.Ipvs.AddService(service);
        var stale = new IpvsDestination(IPAddress.Parse("192.168.1.7"), 80);
        kernel.Ipvs.AddDestination(service, stale);
        kernel.Ipvs.AddDestination(service, new IpvsDestination(IPAddress.Parse("192.168.1.1"), 80) { Weight = 1 });
        var rig = Start(Conf(), kernel: kernel, observed: [new IpvsServiceState(service, [stale, new IpvsDestination(IPAddress.Parse("192.168.1.1"), 80)])]);
        ExpectPool(rig, "1:1,2:1");
        Assert.Equal(["add destination 192.168.1.2:80 to Tcp 10.0.0.10:80: ok", "delete destination 192.168.1.7:80 of Tcp 10.0.0.10:80: ok"],
            rig.Kernel.RecordingIpvs.Log.Skip(3));                   // additions before removals; the service is not re-created
    }

    [Theory]
    [InlineData(true, "(no service)")]
    [InlineData(false, "1:1,2:1")]                                   // --dont-release-ipvs
    public void Must_remove_its_service_and_destinations_on_stop_unless_told_to_leave_them(bool release, string after)
    {
        var rig = Start(Conf());
        ExpectPool(rig, "1:1,2:1");
        Watch(rig.Vs);
        rig.Vs.Tell(new StopVirtualServer(release));
        ExpectMsg<VirtualServerStopped>(Wait);
        Assert.Equal(after, Pool(rig.Kernel));
        ExpectTerminated(rig.Vs, Wait);
    }

    [Fact]
    public async Task Must_report_each_real_server_with_health_weight_and_last_check()
    {
        var rig = Start(Conf());
        ExpectPool(rig, "1:1,2:1");
        rig.Probes.Set("192.168.1.2", up: false);
        Advance(rig, TimeSpan.FromSeconds(1), "192.168.1.2", 1);
        var status = await rig.Vs.Ask<KeepAlive.Actors.Status.VirtualServerReport>(GetVirtualServerStatus.Instance, Wait);
        Assert.Equal("[10.0.0.10]:tcp:80", status.Display);
        Assert.True(status.QuorumUp);
        Assert.Equal([true, false], status.RealServers.Select(s => s.InPool));     // a first check that fails: down at once
        Assert.Equal([1, 0], status.RealServers.Select(s => s.Weight));
        Assert.Equal([true, false], status.RealServers.Select(s => s.Healthy));
        var second = status.RealServers[1].Checkers.Single();
        Assert.Equal("connection refused", second.LastResult);
        Assert.False(second.LastSuccess);
        Assert.Equal(1, second.Failed);
        Assert.Equal(1, second.Durations.Count);
    }
}
