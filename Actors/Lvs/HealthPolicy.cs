namespace KeepAlive.Actors.Lvs;

/// <summary>
/// keepalived 2.2.7's per-checker health logic (check/check_ping.c icmp_epilog, check_dns.c, check_smtp.c,
/// check_misc.c: the same shape; check/check_api.c update_svr_checker_state; check/check_data.c
/// check_check_config's start state). Pure and edge-triggered:
/// <list type="bullet">
/// <item>Start: up, or down with <c>alpha</c>; <c>retry_it = retry</c>, so the first failure takes the checker down
/// at once ("For non alpha mode, one failure is enough initially").</item>
/// <item>Success: the retry count is reset; down → up is reported.</item>
/// <item>Failure while up (after the first check): <c>retry</c> more checks are made, each after
/// <c>delay_before_retry</c>; the failure after the last retry takes the checker down (so <c>retry N</c> means N + 1
/// consecutive failures, <c>retry 0</c> one).</item>
/// <item>Failure while down: nothing changes and the next check is after <c>delay_loop</c>.</item>
/// <item>An alpha checker whose first result is a failure stays down but reports <see cref="CheckerEdgeKind.ConfirmedDown"/>:
/// keepalived runs the real server's notify_down then.</item>
/// </list>
/// A real server is up only when all of its checkers are (keepalived's <c>num_failed_checkers == 0</c>); one with no
/// checker is always up.
/// </summary>
public sealed class HealthPolicy
{
    public HealthPolicy(CheckerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
    }

    public CheckerSettings Settings { get; }

    /// <summary>The state before the first check.</summary>
    public CheckerHealth Initial => new(Up: !Settings.Alpha, HasRun: false, RetryIteration: Settings.EffectiveRetry, Last: null);

    /// <summary>Applies one probe result.</summary>
    public CheckerStep Apply(CheckerHealth health, CheckResult result)
    {
        var retry = Settings.EffectiveRetry;
        var loop = Settings.EffectiveDelayLoop;
        var reason = result.Reason ?? string.Empty;
        result = result with { Reason = reason };
        if (result.Success || ((health.Up || !health.HasRun) && health.RetryIteration >= retry))
        {
            CheckerEdge? edge = null;
            var up = health.Up;
            if (result.Success)
            {
                if (!up)
                    edge = new CheckerEdge(CheckerEdgeKind.WentUp, reason);
                up = true;
            }
            else if (health.Up || !health.HasRun)
            {
                edge = new CheckerEdge(up ? CheckerEdgeKind.WentDown : CheckerEdgeKind.ConfirmedDown, reason);
                up = false;
            }
            return new CheckerStep(new CheckerHealth(up, HasRun: true, RetryIteration: 0, result), edge, loop);
        }
        if (health.Up)
            return new CheckerStep(health with { HasRun = true, RetryIteration = health.RetryIteration + 1, Last = result }, null, Settings.EffectiveDelayBeforeRetry);
        return new CheckerStep(health with { HasRun = true, Last = result }, null, loop);
    }

    /// <summary>keepalived's <c>num_failed_checkers == 0</c>: every checker up (vacuously true with none).</summary>
    public static bool RealServerUp(IEnumerable<CheckerHealth> checkers)
    {
        ArgumentNullException.ThrowIfNull(checkers);
        return checkers.All(c => c.Up);
    }

    /// <summary>The real server's start state: up unless one of its checkers starts down (alpha).</summary>
    public static bool RealServerStartsUp(IEnumerable<CheckerSettings> checkers)
    {
        ArgumentNullException.ThrowIfNull(checkers);
        return checkers.All(c => !c.Alpha);
    }
}
