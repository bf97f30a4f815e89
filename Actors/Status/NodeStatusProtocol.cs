namespace KeepAlive.Actors.Status;

/// <summary>Asks a <see cref="NodeStatusActor"/> for the report (it answers once, then stops).</summary>
public sealed record CollectNodeStatus
{
    public static CollectNodeStatus Instance { get; } = new();
}

/// <summary>STATS_CLEAR for the whole node: every instance and I/O actor zeroes keepalived's counters (the lifetime
/// totals behind the metrics stay). Sent by <see cref="NodeStatus.ClearStatsAsync"/>; answered with
/// <see cref="NodeStatsCleared"/>.</summary>
public sealed record ClearNodeStats
{
    public static ClearNodeStats Instance { get; } = new();
}

/// <summary>The answer to <see cref="ClearNodeStats"/>: how many actors were told.</summary>
public sealed record NodeStatsCleared(int Told);
