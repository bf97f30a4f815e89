using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>What one check of one checker found. <paramref name="DynamicWeight"/> is set only by a
/// <c>MISC_CHECK</c> with <c>misc_dynamic</c> whose exit code carried a weight (keepalived 2.2.7 check_misc.c:
/// exit 2..255 → weight = code - 2, the check counting as a success).</summary>
public readonly record struct ProbeResult(CheckResult Result, long? DynamicWeight = null)
{
    public static ProbeResult Pass(string reason = "success") => new(CheckResult.Pass(reason));

    public static ProbeResult Fail(string reason) => new(CheckResult.Fail(reason));
}

/// <summary>
/// One checker of one real server: "check once with a timeout → result" (Seesaw's Checker; ARCHITECTURE.md
/// Lvs/Probes). A probe owns no timer and keeps no health: the <c>RealServerActor</c> calls <see cref="CheckAsync"/>
/// on its <c>delay_loop</c> and feeds the result to <see cref="HealthPolicy"/>.
/// <para>Contract: <see cref="CheckAsync"/> never throws (refused, reset, timeout, TLS error, wrong status, wrong
/// digest, hung script: all are <see cref="ProbeResult"/>s with a reason a user can act on); it completes within the
/// checker's own timeout (connect_timeout, misc_timeout...) plus a small grace even if the peer never answers;
/// cancelling the token ends it early (the result is then a failure, "cancelled"). One call at a time per probe.</para>
/// </summary>
public interface IHealthProbe : IDisposable
{
    /// <summary>For logs and the status endpoint, keepalived's style: <c>TCP_CHECK on [10.0.0.2]:80</c>.</summary>
    string Describe { get; }

    Task<ProbeResult> CheckAsync(CancellationToken cancellation);
}

/// <summary>A probe that knows when its answer may have changed (FILE_CHECK's watch on its track_file, as keepalived's
/// inotify): the real server then checks it at once instead of at the next <c>delay_loop</c>. <see cref="Changed"/>
/// may be raised on any thread; it stops when the probe is disposed.</summary>
public interface INotifyingProbe : IHealthProbe
{
    event Action? Changed;
}

/// <summary>Everything a checker may need besides its own block: the real server, its virtual server (for
/// virtualhost, protocol, fwmark), the root SSL block and the global defaults (script user, ...).</summary>
public sealed record ProbeContext(VirtualServerConfig VirtualServer, RealServerConfig RealServer, SslConfig? Ssl, GlobalDefs Globals);

/// <summary>Builds the probe of one checker block. Returns null with its <c>error</c> set when the checker
/// cannot run here (BFD_CHECK, a MISC_CHECK without a script...): the real server then treats that checker as
/// keepalived does an unusable one (the error is logged once at start).</summary>
public interface IHealthProbeFactory
{
    IHealthProbe? Create(CheckerConfig checker, ProbeContext context, out string? error);
}
