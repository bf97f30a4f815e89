using KeepAlive.Actors.Lvs;
using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Tests.Lvs;

public class HealthPolicyTests
{
    private static readonly TimeSpan Loop = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BeforeRetry = TimeSpan.FromSeconds(3);

    /// <summary>Runs results ('S' success, 'F' failure); returns per step the edge ('+' up, '-' down, 'c' alpha start
    /// confirmed down, '.' none), the next delay ('L' delay_loop, 'R' delay_before_retry) and the final state.</summary>
    private static (string Edges, string Delays, bool Up) Run(long retry, bool alpha, string results)
    {
        var policy = new HealthPolicy(new CheckerSettings(retry, Loop, BeforeRetry, alpha));
        var health = policy.Initial;
        var edges = "";
        var delays = "";
        foreach (var c in results)
        {
            var step = policy.Apply(health, c == 'S' ? CheckResult.Pass() : CheckResult.Fail("connection refused"));
            health = step.Next;
            edges += step.Edge?.Kind switch
            {
                CheckerEdgeKind.WentUp => "+",
                CheckerEdgeKind.WentDown => "-",
                CheckerEdgeKind.ConfirmedDown => "c",
                _ => ".",
            };
            delays += step.NextCheckIn == Loop ? "L" : step.NextCheckIn == BeforeRetry ? "R" : "?";
        }
        return (edges, delays, health.Up);
    }

    [Theory]
    // retry, alpha, results, edges, delays, up
    [InlineData(1, false, "", "", "", true)]                  // check_api.c queue_checker: is_up = true (start up)
    [InlineData(1, false, "S", ".", "L", true)]               // update_svr_checker_state: is_up == alive, !alpha → no notify
    [InlineData(1, false, "F", "-", "L", false)]              // check_data.c: retry_it = retry at start, "one failure is enough initially"
    [InlineData(5, false, "F", "-", "L", false)]              // … whatever retry is
    [InlineData(0, false, "SF", ".-", "LL", false)]           // icmp_epilog: retry 0 → the first failure after running
    [InlineData(1, false, "SF", "..", "LR", true)]            // retry_it < retry → next check after delay_before_retry
    [InlineData(1, false, "SFF", "..-", "LRL", false)]        // retry 1 = 2 consecutive failures
    [InlineData(3, false, "SFFFF", "....-", "LRRRL", false)]  // retry 3 = 4 consecutive failures
    [InlineData(3, false, "SFFFSFFFF", "........-", "LRRRLRRRL", false)] // a success resets retry_it
    [InlineData(1, false, "SFFFF", "..-..", "LRLLL", false)]  // while down a failure changes nothing, next after delay_loop
    [InlineData(1, false, "SFFS", "..-+", "LRLL", true)]      // one success brings it back up
    [InlineData(2, false, "SFFFSS", "...-+.", "LRRLLL", true)] // up again: no second edge
    [InlineData(1, true, "", "", "", false)]                  // alpha: set_checker_state(false) at start
    [InlineData(1, true, "S", "+", "L", true)]                // alpha: a success is needed
    [InlineData(1, true, "F", "c", "L", false)]               // alpha first failure: notify_down (update_svr_checker_state !has_run)
    [InlineData(1, true, "FF", "c.", "LL", false)]            // … once
    [InlineData(1, true, "FS", "c+", "LL", true)]
    [InlineData(2, true, "SFFF", "+..-", "LRRL", false)]      // after the first success, retries apply
    [InlineData(-7, false, "SF", ".-", "LL", false)]          // hostile: negative retry is 0
    public void Retry_alpha_edges_and_delays(long retry, bool alpha, string results, string edges, string delays, bool up)
    {
        var (e, d, u) = Run(retry, alpha, results);
        Assert.Equal(edges, e);
        Assert.Equal(delays, d);
        Assert.Equal(up, u);
    }

    [Fact]
    public void A_huge_retry_keeps_retrying_without_overflow()
    {
        var policy = new HealthPolicy(new CheckerSettings(long.MaxValue, Loop, BeforeRetry, Alpha: false));
        Assert.Equal(uint.MaxValue, policy.Settings.EffectiveRetry);
        var health = policy.Apply(policy.Initial, CheckResult.Pass()).Next;
        for (var i = 0; i < 1000; i++)
        {
            var step = policy.Apply(health, CheckResult.Fail("timeout"));
            Assert.Null(step.Edge);
            Assert.True(step.Retrying);
            health = step.Next;
        }
        Assert.True(health.Up);
        Assert.Equal(1000, health.RetryIteration);
    }

    [Fact]
    public void The_edge_carries_the_reason_and_the_last_result_is_kept()
    {
        var policy = new HealthPolicy(new CheckerSettings(0, Loop, BeforeRetry, Alpha: false));
        var step = policy.Apply(policy.Apply(policy.Initial, CheckResult.Pass("connected")).Next, CheckResult.Fail("HTTP status 503"));
        Assert.Equal(new CheckerEdge(CheckerEdgeKind.WentDown, "HTTP status 503"), step.Edge);
        Assert.Equal(CheckResult.Fail("HTTP status 503"), step.Next.Last);
    }

    [Fact]
    public void Hostile_delays_never_spin_or_go_negative()
    {
        var policy = new HealthPolicy(new CheckerSettings(1, TimeSpan.Zero, TimeSpan.FromSeconds(-5), Alpha: false));
        var up = policy.Apply(policy.Initial, CheckResult.Pass());
        Assert.True(up.NextCheckIn > TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, policy.Apply(up.Next, CheckResult.Fail("x")).NextCheckIn);
    }

    [Fact]
    public void Settings_come_from_the_bound_checker_options()
    {
        var common = new CheckerCommon { Retry = 4, DelayBeforeRetry = TimeSpan.FromSeconds(2), DelayLoop = TimeSpan.FromSeconds(7), Alpha = true };
        Assert.Equal(new CheckerSettings(4, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(2), true), CheckerSettings.From(common));
    }

    [Theory]
    // check_http.c: nb_get_retry is a deprecated alias of retry; retry/delay_before_retry/alpha are inherited
    // checker → real_server → virtual_server (check_data.c check_check_config); HTTP_GET's own default gap is 3 s.
    [InlineData("HTTP_GET {\nnb_get_retry 4\nurl {\npath /\n}\n}", "", 4, 3, false)]
    [InlineData("HTTP_GET {\nretry 2\nurl {\npath /\n}\n}", "", 2, 3, false)]
    [InlineData("TCP_CHECK {\n}", "retry 5\ndelay_before_retry 7\nalpha", 5, 7, true)]
    [InlineData("TCP_CHECK {\nretry 0\n}", "retry 5", 0, 1, false)]
    [InlineData("TCP_CHECK {\n}", "", 1, 1, false)]
    public void Retry_settings_as_the_config_gives_them(string checker, string rsOptions, long retry, int delayBeforeRetry, bool alpha)
    {
        var vs = LvsConfig.VirtualServer($"virtual_server 192.168.1.1 80 {{\nprotocol TCP\nreal_server 10.0.0.1 80 {{\n{rsOptions}\n{checker}\n}}\n}}\n");
        var settings = CheckerSettings.From(Assert.Single(Assert.Single(vs.RealServers).Checkers).Common);
        Assert.Equal((retry, TimeSpan.FromSeconds(delayBeforeRetry), alpha), (settings.Retry, settings.DelayBeforeRetry, settings.Alpha));
    }

    [Fact]
    public void The_next_probe_is_due_in_monotonic_microseconds()
    {
        var policy = new HealthPolicy(new CheckerSettings(1, Loop, BeforeRetry, Alpha: false));
        var up = policy.Apply(policy.Initial, CheckResult.Pass());
        Assert.Equal(1_000_000 + 60_000_000, up.DueAt(1_000_000));
        Assert.Equal(1_000_000 + 3_000_000, policy.Apply(up.Next, CheckResult.Fail("x")).DueAt(1_000_000));
        Assert.Equal(long.MaxValue, up.DueAt(long.MaxValue - 5));
    }

    [Theory]
    // checker states ('U' up, 'D' down) → real server up (keepalived num_failed_checkers == 0)
    [InlineData("", true)]      // no checker: always up
    [InlineData("U", true)]
    [InlineData("D", false)]
    [InlineData("UUU", true)]
    [InlineData("UDU", false)]
    [InlineData("DDD", false)]
    public void A_real_server_is_up_only_when_all_its_checkers_are(string checkers, bool up) =>
        Assert.Equal(up, HealthPolicy.RealServerUp(checkers.Select(c => new CheckerHealth(c == 'U', true, 0, null))));

    [Fact]
    public void A_real_server_with_one_alpha_checker_starts_down()
    {
        CheckerSettings S(bool alpha) => new(1, Loop, BeforeRetry, alpha);
        Assert.True(HealthPolicy.RealServerStartsUp([]));
        Assert.True(HealthPolicy.RealServerStartsUp([S(false), S(false)]));
        Assert.False(HealthPolicy.RealServerStartsUp([S(false), S(true)]));
    }
}
