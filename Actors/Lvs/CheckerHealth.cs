using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>The outcome of one probe of a checker: success, or a failure with its reason ("connection refused",
/// "status 503", "timed out"...). A reason is kept on success too (e.g. "connected") for the status page.</summary>
public readonly record struct CheckResult(bool Success, string Reason)
{
    public static CheckResult Pass(string reason = "success") => new(true, reason);

    public static CheckResult Fail(string reason) => new(false, reason);
}

/// <summary>The effective timing and start state of one checker (checker → real_server → virtual_server → default
/// already resolved by the config binder into <see cref="CheckerCommon"/>).</summary>
/// <param name="Retry">Retries after a first failure before the checker goes down (keepalived <c>retry</c>, alias
/// <c>nb_get_retry</c>); clamped to 0..uint.MaxValue like keepalived's unsigned field.</param>
/// <param name="DelayLoop">Period between regular checks.</param>
/// <param name="DelayBeforeRetry">Period before a retry after a failure.</param>
/// <param name="Alpha">Start down: a success is needed before the real server joins the pool.</param>
public sealed record CheckerSettings(long Retry, TimeSpan DelayLoop, TimeSpan DelayBeforeRetry, bool Alpha)
{
    /// <summary>The settings of a configured checker.</summary>
    public static CheckerSettings From(CheckerCommon common)
    {
        ArgumentNullException.ThrowIfNull(common);
        return new CheckerSettings(common.Retry, common.DelayLoop, common.DelayBeforeRetry, common.Alpha);
    }

    /// <summary><see cref="Retry"/> as keepalived stores it (unsigned 32 bits; negative becomes 0).</summary>
    public long EffectiveRetry => Math.Clamp(Retry, 0, uint.MaxValue);

    /// <summary>A non-positive period would spin the checker: at least 1 µs, like keepalived's timer floor.</summary>
    public TimeSpan EffectiveDelayLoop => DelayLoop > TimeSpan.Zero ? DelayLoop : TimeSpan.FromTicks(10);

    /// <summary>delay_before_retry; 0 is allowed by keepalived (retry at once) but a negative value is not.</summary>
    public TimeSpan EffectiveDelayBeforeRetry => DelayBeforeRetry >= TimeSpan.Zero ? DelayBeforeRetry : TimeSpan.Zero;
}

/// <summary>What one checker knows: keepalived's <c>is_up</c>, <c>has_run</c> and <c>retry_it</c>, plus the last
/// result for the status page.</summary>
public readonly record struct CheckerHealth(bool Up, bool HasRun, long RetryIteration, CheckResult? Last);

/// <summary>How a checker's report changed the real server's view.</summary>
public enum CheckerEdgeKind
{
    /// <summary>Down → up.</summary>
    WentUp,

    /// <summary>Up → down (after the retries ran out; at once for the first check).</summary>
    WentDown,

    /// <summary>An alpha checker's first result was a failure: no change (it started down), but keepalived runs the real
    /// server's notify_down then (check_api.c update_svr_checker_state, <c>!has_run</c> branch).</summary>
    ConfirmedDown,
}

/// <summary>A reported transition with the result that caused it.</summary>
public readonly record struct CheckerEdge(CheckerEdgeKind Kind, string Reason);

/// <summary>The result of applying one probe result.</summary>
/// <param name="Next">The checker's new state.</param>
/// <param name="Edge">The transition, only when the state changed (or an alpha start was confirmed down).</param>
/// <param name="NextCheckIn">When to probe again: delay_before_retry while retrying, delay_loop otherwise.</param>
public readonly record struct CheckerStep(CheckerHealth Next, CheckerEdge? Edge, TimeSpan NextCheckIn)
{
    /// <summary>The monotonic time (µs) of the next probe, given the time (µs) this result arrived.</summary>
    public long DueAt(long nowMicroseconds)
    {
        var delay = NextCheckIn.Ticks / TimeSpan.TicksPerMicrosecond;
        return nowMicroseconds > long.MaxValue - delay ? long.MaxValue : nowMicroseconds + delay;
    }

    /// <summary>True while failures are being retried (the checker is still up).</summary>
    public bool Retrying => Next.RetryIteration > 0 && Next.Up;
}
