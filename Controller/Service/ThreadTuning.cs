using KeepAlive.Actors.Timing;
using KeepAlive.Kernel.Linux;

namespace KeepAlive.Controller.Service;

/// <summary>
/// How each of our actor threads is scheduled, by role (<see cref="PreciseSchedulerSetup.ThreadStarted"/>):
/// <list type="bullet">
/// <item>the log thread runs <see cref="LogNiceOffset"/> nice levels below the process, so that the log lines of a
/// takeover are written when the CPU is free, after the VRRP and effector work they describe;</item>
/// <item>the VRRP side — dispatcher, effector, timer and receive threads — at <c>vrrp_priority</c> when it is set
/// (keepalived sets its VRRP process's nice value; this process's other threads keep theirs).</item>
/// </list>
/// </summary>
public static class ThreadTuning
{
    /// <summary>How far below the process the log thread runs: a nice-10 thread gets about a tenth of a CPU that a
    /// nice-0 thread also wants (CFS/EEVDF weights 110 against 1024), and all of an idle one.</summary>
    public const int LogNiceOffset = 10;

    /// <summary>The roles whose threads do VRRP work.</summary>
    public static IReadOnlySet<string> VrrpRoles { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        PreciseSchedulerSetup.VrrpDispatcher, PreciseSchedulerSetup.EffectorDispatcher,
        PreciseSchedulerSetup.TimerThread, PreciseSchedulerSetup.ReceiveThread,
    };

    /// <summary>The nice value a thread of <paramref name="role"/> should take, given its current one; null to leave it.</summary>
    public static int? NiceFor(string role, int current, int? vrrpPriority) => role switch
    {
        PreciseSchedulerSetup.LogDispatcher => Math.Min(19, current + LogNiceOffset),
        _ when VrrpRoles.Contains(role) => vrrpPriority,
        _ => null,
    };

    /// <summary>The hook that applies <see cref="NiceFor"/> to the calling thread; it throws with the kernel's refusal.</summary>
    public static Action<string> For(int? vrrpPriority) => role =>
    {
        if (NiceFor(role, ThreadScheduling.CurrentNice(), vrrpPriority) is not { } nice)
            return;
        if (ThreadScheduling.SetNice(nice) is { } refused)
            throw new InvalidOperationException($"{role}: {refused}");
    };
}
