namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>
/// The time limits of one exchange with a backend. keepalived bounds each step (connect, each write, each read) by
/// <c>connect_timeout</c> and nothing else, so a backend that trickles a byte per period keeps it busy for ever; we
/// keep the per-step bound and add an overall one (<see cref="Overall"/>), so a check always ends.
/// </summary>
public sealed class ExchangeDeadline : IDisposable
{
    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _overall;

    public ExchangeDeadline(TimeSpan step, TimeSpan overall, CancellationToken caller)
    {
        Step = step;
        Overall = overall;
        _caller = caller;
        _overall = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _overall.CancelAfter(overall);
    }

    /// <summary>The bound of one step (keepalived's connect_timeout).</summary>
    public TimeSpan Step { get; }

    /// <summary>The bound of the whole exchange.</summary>
    public TimeSpan Overall { get; }

    /// <summary>The overall limit keepalived does not have: the check's period (delay_loop), and never less than three
    /// steps (connect, request, one read), so every exchange keepalived completes in time completes here too unless
    /// the backend streams for longer than a whole period.</summary>
    public static TimeSpan OverallFor(TimeSpan step, TimeSpan delayLoop) => delayLoop > 3 * step ? delayLoop : 3 * step;

    /// <summary>A token for one step: cancelled after <see cref="Step"/>, at the overall limit, or by the caller.</summary>
    public CancellationTokenSource StartStep()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(_overall.Token);
        cts.CancelAfter(Step);
        return cts;
    }

    /// <summary>Why a step's token fired: the caller cancelled, the overall limit passed, or the step took too long.</summary>
    public string Expired(string step)
    {
        if (_caller.IsCancellationRequested)
            return "cancelled";
        if (_overall.IsCancellationRequested && Overall > Step)
            return $"{step}: the exchange took longer than {Seconds(Overall)} overall";
        return $"timeout {step} after {Seconds(Step)}";
    }

    public bool CallerCancelled => _caller.IsCancellationRequested;

    public static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.###} s";

    public void Dispose() => _overall.Dispose();
}
