using System.Globalization;
using System.Net;
using KeepAlive.Actors.Lvs;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs;

public class QuorumPolicyTests
{
    private static RealServerKey Key(char name) => new(IPAddress.Parse($"10.0.0.{name - 'A' + 1}"), 80);

    private static readonly RealServerKey SorryKey = new(IPAddress.Parse("10.0.0.99"), 80);

    private static string Name(RealServerKey key) => key == SorryKey ? "S" : ((char)('A' + key.Address.GetAddressBytes()[3] - 1)).ToString();

    /// <summary>"A1 B1 C1" (weights), servers listed after '*' in <paramref name="alpha"/> start down; sorry "" | "S" |
    /// "Si" (sorry_server_inhibit).</summary>
    private static VirtualServerSpec Spec(string servers, long quorum, long hysteresis, string sorry = "", bool inhibit = false, string alpha = "", bool omega = false, bool haSuspend = false) =>
        VirtualServerSpec.Create(
            servers.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new RealServerSpec(Key(s[0]), long.Parse(s[1..], CultureInfo.InvariantCulture), inhibit, !alpha.Contains(s[0], StringComparison.Ordinal))),
            quorum, hysteresis, sorry == "" ? null : new SorrySpec(SorryKey, sorry == "Si"), omega, haSuspend);

    private static string Events(IEnumerable<LvsEvent> events) => string.Join(' ', events.Select(e => e switch
    {
        LvsEvent.QuorumUp q => q.Initial ? "Q+i" : "Q+",
        LvsEvent.QuorumDown q => q.Stopping ? "Q-s" : q.Initial ? "Q-i" : "Q-",
        LvsEvent.RealServerUp r => Name(r.Server) + "+",
        LvsEvent.RealServerDown r => Name(r.Server) + (r.Stopping ? "-s" : r.Initial ? "-i" : "-"),
        LvsEvent.SorryServer s => s.Active ? "S+" : "S-",
        _ => "?",
    }));

    private static string Pool(VirtualServerSpec spec, VirtualServerState state) =>
        string.Join(',', QuorumPolicy.Desired(spec, state).Select(d => $"{Name(d.Server)}:{d.Weight}"));

    /// <summary>Runs the steps ("A-" down, "A+" up, "A=5" weight, "A!" alpha first failure, "vip+"/"vip-", "stop");
    /// returns the events of the start and of each step, separated by " | ", and the final pool.</summary>
    private static (string Events, string Pool) Run(VirtualServerSpec spec, string steps)
    {
        var (state, start) = QuorumPolicy.Start(spec);
        var log = new List<string> { Events(start) };
        foreach (var step in steps.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            IEnumerable<LvsEvent> events;
            if (step is "vip+" or "vip-")
            {
                state = QuorumPolicy.VipPresent(spec, state, step == "vip+");
                events = [];
            }
            else if (step == "stop")
                events = QuorumPolicy.Stop(spec, state);
            else if (step[1] == '!')
                events = QuorumPolicy.ConfirmDown(state, Key(step[0]));
            else if (step[1] == '=')
                (state, events) = QuorumPolicy.WeightChanged(spec, state, Key(step[0]), long.Parse(step[2..], CultureInfo.InvariantCulture));
            else
                (state, events) = QuorumPolicy.RealServerChanged(spec, state, Key(step[0]), step[1] == '+');
            log.Add(Events(events));
        }
        return (string.Join(" | ", log), Pool(spec, state));
    }

    public static TheoryData<string, VirtualServerSpec, string, string, string> Rows => new()
    {
        // name, spec, steps, events (start | each step), final pool
        // init_service_rs adds every server without a failed checker; update_quorum_state(init) "Starting with quorum up".
        { "start", Spec("A1 B1 C1", 1, 0), "", "Q+i", "A:1,B:1,C:1" },
        // perform_svr_state: a failed server leaves the pool (DEL_DEST), do_rs_notifies.
        { "fail", Spec("A1 B1 C1", 1, 0), "A-", "Q+i | A-", "B:1,C:1" },
        // ipvs_cmd: DEL_DEST with inhibit_on_failure becomes EDIT_DEST weight 0.
        { "inhibit", Spec("A1 B1 C1", 1, 0, inhibit: true), "A-", "Q+i | A-", "A:0,B:1,C:1" },
        // perform_svr_state ADD_DEST: the server comes back at its weight.
        { "recover", Spec("A3 B1", 1, 0), "A- A+", "Q+i | A- | A+", "A:3,B:1" },
        // update_quorum_state: up and weight_sum == 0 → quorum lost; no sorry server: notify only.
        { "all down", Spec("A1 B1", 1, 0), "A- B-", "Q+i | A- | B- Q-", "" },
        { "all down and back", Spec("A1 B1", 1, 0), "A- B- B+", "Q+i | A- | B- Q- | B+ Q+", "B:1" },
        // update_quorum_state: lost → sorry server in, alive servers out (perform_quorum_state(false)).
        { "sorry in", Spec("A1 B1 C1", 2, 0, "S"), "A- B-", "Q+i | A- | B- S+ Q-", "S:1" },
        // gained → sorry server out, alive servers back (perform_quorum_state(true)).
        { "sorry out", Spec("A1 B1 C1", 2, 0, "S"), "A- B- A+", "Q+i | A- | B- S+ Q- | A+ S- Q+", "A:1,C:1" },
        // perform_svr_state: while the sorry server is in, server changes are notified but the pool stays.
        { "sorry holds", Spec("A1 B1 C1", 3, 0, "S"), "A- B- B+", "Q+i | A- S+ Q- | B- | B+", "S:1" },
        // inhibit + sorry: perform_quorum_state's DEL_DEST on inhibited servers sets weight 0; failed ones were 0.
        { "sorry inhibit rs", Spec("A1 B1 C1", 2, 0, "S", inhibit: true), "A- B-", "Q+i | A- | B- S+ Q-", "A:0,B:0,C:0,S:1" },
        // init_service_vs: sorry_server_inhibit adds the sorry server at weight 0; in at weight 1; back to 0.
        { "sorry_server_inhibit", Spec("A1", 1, 0, "Si"), "A- A+", "Q+i | A- S+ Q- | A+ S- Q+", "A:1,S:0" },
        { "sorry_server_inhibit idle", Spec("A1", 1, 0, "Si"), "", "Q+i", "A:1,S:0" },
        // update_quorum_state threshold = quorum ∓ hysteresis: lost below 3−1, gained at 3+1.
        { "hysteresis", Spec("A1 B1 C1 D1", 3, 1), "A- B- C- A+ B+ C+", "Q+i | A- | B- | C- Q- | A+ | B+ | C+ Q+", "A:1,B:1,C:1,D:1" },
        { "hysteresis start below", Spec("A1 B1 C1 D1", 3, 1, alpha: "ABC"), "A+ B+", " | A+ | B+", "A:1,B:1,D:1" },
        // check_check_config: hysteresis >= quorum becomes quorum − 1 (2 − 1 = 1): lost at 0, gained at 3.
        { "hysteresis clamped", Spec("A1 B1 C1", 2, 5), "A- B- C- A+ B+ C+", "Q+i | A- | B- | C- Q- | A+ | B+ | C+ Q+", "A:1,B:1,C:1" },
        // check_check_config: quorum above the total weight is lowered to it (10 → 3).
        { "quorum above total", Spec("A1 B1 C1", 10, 0), "A-", "Q+i | A- Q-", "B:1,C:1" },
        // alpha: servers start down (check_data.c UNSET_ALIVE); no sorry server → no start notify.
        { "alpha", Spec("A1 B1", 1, 0, alpha: "AB"), "A! A+", " | A-i | A+ Q+", "A:1" },
        // alpha + sorry: update_quorum_state(init) "Starting with quorum down" puts the sorry server in.
        { "alpha sorry", Spec("A1 B1", 1, 0, "S", alpha: "AB"), "A+", "S+ Q-i | A+ S- Q+", "A:1" },
        // alpha + inhibit: init_service_rs adds inhibited failed servers at weight 0.
        { "alpha inhibit", Spec("A1 B1", 1, 0, inhibit: true, alpha: "AB"), "", "", "A:0,B:0" },
        // ConfirmDown only for a server that is down.
        { "confirm up server", Spec("A1", 1, 0), "A!", "Q+i | ", "A:1" },
        // update_svr_wgt: a weight change moves the pool; quorum re-evaluated.
        { "weight", Spec("A5 B1", 5, 0), "A=2", "Q+i | Q-", "A:2,B:1" },
        { "weight same real weight", Spec("A5 B1", 1, 0), "A=-3 A=-9", "Q+i |  | ", "A:0,B:1" },
        // omega: clear_service_rs + update_vs_notifies(stopping) notify every alive server down, then quorum_down.
        { "omega", Spec("A1 B1 C1", 1, 0, omega: true), "B- stop", "Q+i | B- | A-s C-s Q-s", "A:1,C:1" },
        { "no omega", Spec("A1 B1 C1", 1, 0), "B- stop", "Q+i | B- | ", "A:1,C:1" },
        // ha_suspend: checkers disabled until the VIP is here (register_checkers_thread, update_checker_activity).
        { "ha_suspend", Spec("A1 B1", 1, 0, haSuspend: true), "A- vip+ A- vip- B-", "Q+i |  |  | A- |  | ", "B:1" },
        { "no ha_suspend", Spec("A1 B1", 1, 0), "vip- A-", "Q+i |  | A-", "B:1" },
        // Zero weights: quorum is lowered to 0, and a live weight of 0 never holds quorum (keepalived would flap).
        { "zero weights", Spec("A0 B0", 1, 0), "A- A+", " | A- | A+", "A:0,B:0" },
        { "zero weights sorry", Spec("A0 B0", 1, 0, "S"), "A-", "S+ Q-i | A-", "S:1" },
        // No real server at all.
        { "empty", Spec("", 1, 0), "", "", "" },
        { "empty sorry", Spec("", 1, 0, "S"), "", "S+ Q-i", "S:1" },
        // Unknown server: ignored.
        { "unknown server", Spec("A1", 1, 0), "Z- Z=4", "Q+i |  | ", "A:1" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Quorum_sorry_inhibit_alpha_omega(string name, VirtualServerSpec spec, string steps, string events, string pool)
    {
        var (e, p) = Run(spec, steps);
        Assert.True(events == e, $"{name}: events {e}");
        Assert.True(pool == p, $"{name}: pool {p}");
    }

    [Fact]
    public void Rs_init_notifies_reports_every_server_starting_alive_before_the_quorum()
    {
        var spec = Spec("A1 B1 C1", 1, 0, alpha: "B");
        Assert.Equal("A+ C+ Q+i", Events(QuorumPolicy.Start(spec, rsInitNotifies: true).Events));
        Assert.Equal("Q+i", Events(QuorumPolicy.Start(spec).Events));
    }

    [Fact]
    public void Huge_weights_saturate_and_clamp()
    {
        var spec = Spec("A2147483647 B2147483647 C2147483647", uint.MaxValue, 0);
        Assert.Equal(uint.MaxValue, spec.Quorum);
        var (events, pool) = Run(spec, "A-");
        Assert.Equal("Q+i | A- Q-", events);
        Assert.Equal("B:2147483647,C:2147483647", pool);
        var (state, _) = QuorumPolicy.Start(spec);
        (state, _) = QuorumPolicy.WeightChanged(spec, state, Key('A'), long.MaxValue);
        Assert.Equal(3L * int.MaxValue, QuorumPolicy.LiveWeight(state));
        Assert.Equal(int.MaxValue, QuorumPolicy.Desired(spec, state)[0].Weight);
    }

    [Fact]
    public void Negative_and_overflowing_quorum_values_are_clamped()
    {
        Assert.Equal(1, Spec("A1 B1", -5, -3).Quorum);
        Assert.Equal(0, Spec("A1 B1", -5, -3).Hysteresis);
        Assert.Equal(2, Spec("A1 B1", long.MaxValue, 0).Quorum);
        Assert.Equal(1, Spec("A1 B1", 2, long.MaxValue).Hysteresis);
    }

    [Fact]
    public void A_real_server_listed_twice_keeps_its_first_entry()
    {
        var spec = VirtualServerSpec.Create(
            [new RealServerSpec(Key('A'), 3, false, true), new RealServerSpec(Key('A'), 7, true, false), new RealServerSpec(Key('B'), 1, false, true)],
            1, 0, null, false, false);
        Assert.Equal(2, spec.RealServers.Length);
        Assert.Equal(3, spec.RealServers[0].Weight);
        Assert.Contains(spec.Warnings, w => w.Contains("listed twice", StringComparison.Ordinal));
        Assert.Equal("Q+i", Run(spec, "").Events);
        Assert.Equal("A:3,B:1", Run(spec, "").Pool);
    }

    [Fact]
    public void A_sorry_server_equal_to_a_real_server_is_one_destination()
    {
        var spec = VirtualServerSpec.Create([new RealServerSpec(Key('A'), 5, false, true), new RealServerSpec(SorryKey, 4, false, true)], 9, 0, new SorrySpec(SorryKey, true), false, false);
        var (events, pool) = Run(spec, "A-");
        Assert.Equal("Q+i | A- S+ Q-", events);
        Assert.Equal("S:1", pool);
        Assert.Equal("A:5,S:4", Run(spec, "").Pool);
    }

    [Fact]
    public void The_quorum_events_carry_threshold_and_weight()
    {
        var spec = Spec("A2 B2 C2", 4, 1);
        var (state, start) = QuorumPolicy.Start(spec);
        Assert.Equal(new LvsEvent.QuorumUp(5, 6, Initial: true), Assert.Single(start));
        (state, _) = QuorumPolicy.RealServerChanged(spec, state, Key('A'), false);
        var (_, lost) = QuorumPolicy.RealServerChanged(spec, state, Key('B'), false);
        Assert.Equal(new LvsEvent.QuorumDown(3, 2, Initial: false, Stopping: false), lost[^1]);
    }

    [Fact]
    public void The_spec_is_built_from_the_config_with_alpha_checkers_and_inhibit()
    {
        var vs = LvsConfig.VirtualServer("""
            virtual_server 192.168.1.1 80 {
                protocol TCP
                quorum 2
                hysteresis 1
                omega
                sorry_server 192.168.2.9 8080
                sorry_server_inhibit
                real_server 192.168.2.1 80 {
                    weight 3
                    inhibit_on_failure
                    TCP_CHECK {
                        alpha
                    }
                }
                real_server 192.168.2.2 80 {
                    TCP_CHECK {
                    }
                }
            }
            """);
        var spec = VirtualServerSpec.From(vs);
        Assert.Equal(2, spec.Quorum);
        Assert.Equal(1, spec.Hysteresis);
        Assert.True(spec.Omega);
        Assert.Equal(new SorrySpec(new RealServerKey(IPAddress.Parse("192.168.2.9"), 8080), true), spec.Sorry);
        Assert.Equal([false, true], spec.RealServers.Select(r => r.StartsUp));
        Assert.Equal([true, false], spec.RealServers.Select(r => r.Inhibit));
        Assert.Equal([3L, 1L], spec.RealServers.Select(r => r.Weight));
    }

    [Theory]
    // previous servers, new servers, quorum, steps before the reload -> events of the reload, pool after it
    [InlineData("A1 B1", "A1 B1", 1, "A-", "", "B:1")]                    // unchanged: A stays down, nothing happens
    [InlineData("A1 B1", "A1 B5", 1, "", "", "A:1,B:5")]                  // a new configured weight applies
    [InlineData("A1 B1", "A1 B1 C1", 1, "A-", "", "B:1,C:1")]             // a new server starts up, A keeps its state
    [InlineData("A1 B1", "A1", 1, "A-", "S+ Q-", "S:1")]                  // B removed: the live weight is 0
    [InlineData("A1 B1", "A1 B1", 2, "A-", "S+ Q-", "S:1")]               // a higher quorum is lost at once
    [InlineData("A1 B1 C1", "A1 B1 C1", 1, "A- B- C-", "", "S:1")]           // still without quorum: the sorry server stays in
    public void Reconfigure_CarriesLiveStateAndEvaluatesQuorumAgain(string before, string after, long quorum, string steps, string events, string pool)
    {
        var previous = Spec(before, 1, 0, sorry: "S");
        var (state, _) = QuorumPolicy.Start(previous);
        foreach (var step in steps.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            (state, _) = QuorumPolicy.RealServerChanged(previous, state, Key(step[0]), step[1] == '+');
        var spec = Spec(after, quorum, 0, sorry: "S");
        var (next, happened) = QuorumPolicy.Reconfigure(previous, spec, state);
        Assert.Equal(events, Events(happened));
        Assert.Equal(pool, Pool(spec, next));
    }

    [Fact]
    public void Reconfigure_KeepsADynamicWeightWhenTheConfiguredOneDidNotChange()
    {
        var spec = Spec("A1 B1", 1, 0);
        var (state, _) = QuorumPolicy.Start(spec);
        (state, _) = QuorumPolicy.WeightChanged(spec, state, Key('A'), 7);
        var (next, _) = QuorumPolicy.Reconfigure(spec, Spec("A1 B2", 1, 0), state);
        Assert.Equal("A:7,B:2", Pool(Spec("A1 B2", 1, 0), next));
    }
}
