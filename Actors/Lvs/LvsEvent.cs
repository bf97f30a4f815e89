using KeepAlive.Config.Model;

namespace KeepAlive.Actors.Lvs;

/// <summary>A notification the virtual server raises (scripts, notify FIFO lines, SMTP alerts), as data.</summary>
public abstract record LvsEvent
{
    private LvsEvent()
    {
    }

    /// <summary>quorum_up: the live weight reached the threshold (keepalived "Gained quorum q+h=t &lt;= sum";
    /// <paramref name="Initial"/> for "Starting with quorum up").</summary>
    public sealed record QuorumUp(long Threshold, long WeightSum, bool Initial) : LvsEvent;

    /// <summary>quorum_down: the live weight fell below the threshold or to 0 ("Lost quorum"), the virtual server
    /// started without quorum and has a sorry server (<paramref name="Initial"/>), or it is stopping with
    /// <c>omega</c> (<paramref name="Stopping"/>).</summary>
    public sealed record QuorumDown(long Threshold, long WeightSum, bool Initial, bool Stopping) : LvsEvent;

    /// <summary>A real server's notify_up.</summary>
    public sealed record RealServerUp(RealServerKey Server) : LvsEvent;

    /// <summary>A real server's notify_down: it failed, an alpha server's first check failed
    /// (<paramref name="Initial"/>), or the virtual server is stopping with <c>omega</c> (<paramref name="Stopping"/>).</summary>
    public sealed record RealServerDown(RealServerKey Server, bool Initial, bool Stopping) : LvsEvent;

    /// <summary>The sorry server went into the pool (true) or out of it (false) (log lines only).</summary>
    public sealed record SorryServer(RealServerKey Server, bool Active) : LvsEvent;
}
