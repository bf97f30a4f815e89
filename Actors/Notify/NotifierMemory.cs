using KeepAlive.Actors.Scripts;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Notify;

/// <summary>
/// What the notifier knows, kept outside the actor instance (as the effector's memory) so that a restarted notifier
/// still has its queues, the scripts and mails in flight (whose results come back to the same actor reference), the
/// policy's memory (notifies sent, last states mailed) and the pending stop requests. Touched only by the actor.
/// </summary>
public sealed class NotifierMemory
{
    internal NotifyPolicyState Policy { get; set; } = NotifyPolicyState.Empty;

    /// <summary>The plan of the last reload (null: the plan the notifier was created with).</summary>
    internal NotifyPlan? Plan { get; set; }

    internal Dictionary<NotifyOwner, Queue<ScriptJob>> Queues { get; } = [];

    internal Dictionary<NotifyOwner, RunningScript> Running { get; } = [];

    internal Dictionary<long, CancellationTokenSource> Mails { get; } = [];

    internal Dictionary<long, Akka.Actor.IActorRef> Stops { get; } = [];

    /// <summary>Each plan script's identity (null: keepalived would have ignored it), resolved once.</summary>
    internal Dictionary<ScriptSpec, (ScriptIdentity? Identity, string? Error)> Identities { get; } = new(ReferenceEqualityComparer.Instance);

    internal bool Started { get; set; }

    internal long NextId { get; set; }

    internal long ScriptsFinished { get; set; }

    internal long ScriptsTimedOut { get; set; }

    internal long ScriptsNotStarted { get; set; }

    internal long MailsSent { get; set; }

    internal long MailsFailed { get; set; }

    internal long FifoLinesDropped { get; set; }

    internal bool Idle => Running.Count == 0 && Queues.Values.All(q => q.Count == 0) && Mails.Count == 0;
}

/// <summary>The script an owner is running.</summary>
internal sealed record RunningScript(long RunId, ScriptJob Job, CancellationTokenSource Cancel, TimeSpan Watchdog);
