using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using KeepAlive.Actors.Lvs;
using KeepAlive.Actors.Lvs.Probes;
using KeepAlive.Config.Model;
using static KeepAlive.Actors.Tests.Tracking.TrackerSpecKit;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>One real server under the test actor (its parent) with scripted probes, in virtual time: warmup, one check
/// at a time, a faulting probe, alpha, misc_dynamic weights, a reload keeping an unchanged checker's health.</summary>
public sealed class RealServerActorSpecs(Xunit.Abstractions.ITestOutputHelper output) : TestKit(VirtualTime, output: output)
{
    private const string Address = "192.168.1.1";
    private static readonly RealServerKey Key = new(IPAddress.Parse(Address), 80);

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private static string Conf(string checker = "retry 0", string rsExtra = "") => $$"""
        virtual_server 10.0.0.10 80 {
            delay_loop 10
            protocol TCP
            real_server 192.168.1.1 80 {
                {{rsExtra}}
                TCP_CHECK {
                    {{checker}}
                }
            }
        }
        """;

    private (IActorRef Rs, ScriptedProbes Probes, KeepAliveConfig Config) Start(string conf, double random = 0, ScriptedProbes? probes = null)
    {
        var config = LvsConfig.Load(conf);
        probes ??= new ScriptedProbes();
        var vs = config.VirtualServers[0];
        var rs = ChildActorOf(RealServerActor.Props(new RealServerSetup(vs, vs.RealServers[0], probes, null, config.Globals) { Random = () => random }));
        rs.Tell(new Identify(null), TestActor);                          // started: its timers are armed at virtual 0
        ExpectMsg<ActorIdentity>(Wait);
        return (rs, probes, config);
    }

    private void Checked(IActorRef rs, ScriptedProbes probes, int n)
    {
        AwaitAssert(() => Assert.True(probes.Checks(Address) >= n), Wait);
        rs.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
    }

    [Fact]
    public void Must_make_the_first_check_after_the_bootstrap_delay_plus_its_part_of_warmup()
    {
        var (rs, probes, _) = Start(Conf("warmup 20"), random: 0.5);
        Clock.Advance(TimeSpan.FromSeconds(10.9));
        rs.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
        Assert.Equal(0, probes.Checks(Address));
        Clock.Advance(TimeSpan.FromSeconds(0.2));                      // 1 s + 0.5 × 20 s
        Checked(rs, probes, 1);
    }

    [Fact]
    public void Must_count_a_faulting_probe_as_a_failure()
    {
        var probes = new ScriptedProbes();
        probes.Set(Address, () => Task.FromException<ProbeResult>(new InvalidOperationException("boom")));
        var (rs, _, _) = Start(Conf(), probes: probes);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var down = ExpectMsg<RealServerHealthChanged>(Wait);
        Assert.Equal(new RealServerHealthChanged(Key, false, "the check failed: boom"), down);
    }

    [Fact]
    public async Task Must_never_run_two_checks_of_one_checker_at_once()
    {
        var probes = new ScriptedProbes();
        var hung = new TaskCompletionSource<ProbeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        probes.Set(Address, () => hung.Task);
        var (rs, _, _) = Start(Conf(), probes: probes);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Checked(rs, probes, 1);
        Clock.Advance(TimeSpan.FromSeconds(30));                       // three ticks find it still running
        rs.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>(Wait);
        Assert.Equal(1, probes.Checks(Address));
        hung.SetResult(ProbeResult.Fail("timed out"));
        ExpectMsg<RealServerHealthChanged>(c => !c.Up, Wait);
        var status = await rs.Ask<RealServerStatus>(GetRealServerStatus.Instance, Wait);
        Assert.Equal(1, status.Checkers[0].Failed);
    }

    [Fact]
    public void Must_report_an_alpha_servers_first_failure_as_confirmed_down_and_its_first_success_as_up()
    {
        var probes = new ScriptedProbes();
        probes.Set(Address, up: false);
        var (rs, _, _) = Start(Conf("alpha"), probes: probes);
        Clock.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg<RealServerConfirmedDown>(Wait);
        probes.Set(Address, up: true);
        Checked(rs, probes, 1);
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(ExpectMsg<RealServerHealthChanged>(Wait).Up);
    }

    [Fact]
    public void Must_report_a_misc_dynamic_weight_when_it_changes()
    {
        var probes = new ScriptedProbes();
        probes.Set(Address, () => Task.FromResult(new ProbeResult(CheckResult.Pass("exit 7"), DynamicWeight: 5)));
        var (rs, _, _) = Start(Conf(), probes: probes);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new RealServerWeightChanged(Key, 5), ExpectMsg<RealServerWeightChanged>(Wait));
        Checked(rs, probes, 1);
        Clock.Advance(TimeSpan.FromSeconds(10));
        Checked(rs, probes, 2);
        ExpectNoMsg(Quiet);                                             // the same weight again: nothing
    }

    [Fact]
    public async Task Must_keep_an_unchanged_checkers_health_across_a_reload_and_start_a_changed_one_afresh()
    {
        var probes = new ScriptedProbes();
        probes.Set(Address, up: false);
        var (rs, _, config) = Start(Conf(), probes: probes);
        Clock.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg<RealServerHealthChanged>(c => !c.Up, Wait);

        var vs = config.VirtualServers[0];
        var heavier = vs.RealServers[0] with { Weight = 9 };
        rs.Tell(new ReconfigureRealServer(vs, heavier));
        var status = await rs.Ask<RealServerStatus>(GetRealServerStatus.Instance, Wait);
        Assert.False(status.Up);
        Assert.False(status.Checkers[0].Health.Up);
        ExpectNoMsg(Quiet);

        var changed = LvsConfig.Load(Conf("retry 3")).VirtualServers[0];
        rs.Tell(new ReconfigureRealServer(changed, changed.RealServers[0]));
        Assert.True(ExpectMsg<RealServerHealthChanged>(Wait).Up);      // a new checker starts up (not alpha)
        Assert.Equal(2, probes.Disposed.Count);
    }

    [Fact]
    public async Task Must_leave_out_a_checker_that_cannot_be_created_and_say_why()
    {
        var probes = new ScriptedProbes { Refused = { "TCP_CHECK" } };
        var (rs, _, _) = Start(Conf(), probes: probes);
        var status = await rs.Ask<RealServerStatus>(GetRealServerStatus.Instance, Wait);
        Assert.Empty(status.Checkers);
        Assert.True(status.Up);
        Assert.Contains("TCP_CHECK is not supported", Assert.Single(status.Unusable), StringComparison.Ordinal);
    }

    [Fact]
    public void Must_check_a_notifying_probe_at_once_when_it_says_its_answer_changed()
    {
        var conf = "track_file state {\n file /tmp/ka-state\n}\n" + Conf().Replace("TCP_CHECK {", "FILE_CHECK {\n track_file state", StringComparison.Ordinal);
        var (rs, probes, _) = Start(conf);
        Clock.Advance(TimeSpan.FromSeconds(1));                        // the first check, after the bootstrap delay
        Checked(rs, probes, 1);

        probes.Set(Address, up: false);
        probes.Notify(Address);                                        // delay_loop is 10 s: no waiting for it
        var down = ExpectMsg<RealServerHealthChanged>(Wait);
        Assert.False(down.Up);
        Assert.Equal(2, probes.Checks(Address));
    }
}
