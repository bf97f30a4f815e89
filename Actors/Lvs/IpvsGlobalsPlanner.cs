using System.Collections.Immutable;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Lvs;

/// <summary>One change of the kernel's IPVS-wide settings (global_defs lvs_timeouts and lvs_sync_daemon).</summary>
public abstract record IpvsGlobalOp
{
    private IpvsGlobalOp()
    {
    }

    /// <summary>Set the timeouts (0 leaves one unchanged); the first set remembers the kernel's values first.</summary>
    public sealed record SetTimeouts(IpvsTimeouts Timeouts) : IpvsGlobalOp;

    /// <summary>Put back the kernel's timeouts as they were before our first set (nothing when we never set them).</summary>
    public sealed record RestoreTimeouts : IpvsGlobalOp;

    public sealed record StartDaemon(IpvsDaemon Daemon) : IpvsGlobalOp;

    /// <summary>Stop the daemon in one state ("not running" is success).</summary>
    public sealed record StopDaemon(IpvsSyncState State) : IpvsGlobalOp;
}

/// <summary>
/// What the node does to the IPVS-wide settings at start, reload and stop (keepalived 2.2.7 check_daemon.c start_check
/// and checker_terminate_phase2, ipvswrapper.c ipvs_stop, vrrp_daemon.c reload_vrrp_thread):
/// <list type="bullet">
/// <item>start: lvs_timeouts set; the sync daemon stopped in both states (a previous run killed with -9 may have left
/// them), then started as master and backup, or only as backup when it follows a VRRP instance (master while that
/// instance is MASTER: <see cref="Follow"/>);</item>
/// <item>reload: timeouts set when they changed, the kernel's own values put back when they were removed (keepalived
/// re-sets unchanged ones too; we change nothing that did not change); the sync daemon restarted only when its
/// settings changed;</item>
/// <item>stop: the sync daemon stopped in both states and the kernel's timeouts put back, with or without
/// --dont-release-ipvs (as keepalived).</item>
/// </list>
/// </summary>
public static class IpvsGlobalsPlanner
{
    /// <summary>The daemon follows an instance (backup, master while it is MASTER) only when VRRP runs here.</summary>
    public static bool FollowsInstance(LvsSyncDaemonConfig? sync, bool vrrp) => vrrp && sync is { VrrpInstance: not null };

    public static ImmutableArray<IpvsGlobalOp> Start(GlobalDefs globals, bool vrrp)
    {
        var ops = ImmutableArray.CreateBuilder<IpvsGlobalOp>();
        if (globals.LvsTimeouts is { } t)
            ops.Add(new IpvsGlobalOp.SetTimeouts(Timeouts(t)));
        if (globals.LvsSyncDaemon is { } sync)
        {
            StopBoth(ops);
            StartFresh(ops, sync, vrrp);
        }
        return ops.ToImmutable();
    }

    /// <summary>The changes from <paramref name="old"/> to <paramref name="next"/>. <paramref name="syncMaster"/>: the
    /// daemon runs as master now because its instance is MASTER (it stays master when only its other settings
    /// changed and it follows the same instance).</summary>
    public static ImmutableArray<IpvsGlobalOp> Reload(GlobalDefs old, GlobalDefs next, bool vrrp, bool syncMaster)
    {
        var ops = ImmutableArray.CreateBuilder<IpvsGlobalOp>();
        if (next.LvsTimeouts != old.LvsTimeouts)
            ops.Add(next.LvsTimeouts is { } t ? new IpvsGlobalOp.SetTimeouts(Timeouts(t)) : new IpvsGlobalOp.RestoreTimeouts());
        if (next.LvsSyncDaemon != old.LvsSyncDaemon)
        {
            StopBoth(ops);
            if (next.LvsSyncDaemon is { } sync)
            {
                var stillMaster = syncMaster && FollowsInstance(sync, vrrp) && FollowsInstance(old.LvsSyncDaemon, vrrp)
                    && string.Equals(old.LvsSyncDaemon!.VrrpInstance, sync.VrrpInstance, StringComparison.Ordinal);
                if (stillMaster)
                    ops.Add(new IpvsGlobalOp.StartDaemon(Daemon(sync, IpvsSyncState.Master)));
                else
                    StartFresh(ops, sync, vrrp);
            }
        }
        return ops.ToImmutable();
    }

    public static ImmutableArray<IpvsGlobalOp> Stop(GlobalDefs globals)
    {
        var ops = ImmutableArray.CreateBuilder<IpvsGlobalOp>();
        if (globals.LvsSyncDaemon is not null)
            StopBoth(ops);
        if (globals.LvsTimeouts is not null)
            ops.Add(new IpvsGlobalOp.RestoreTimeouts());
        return ops.ToImmutable();
    }

    /// <summary>The followed instance's state changed: switch the daemon between backup and master (stop the other
    /// state, start this one), or nothing when it is already in that state.</summary>
    public static ImmutableArray<IpvsGlobalOp> Follow(LvsSyncDaemonConfig sync, bool wasMaster, bool isMaster) =>
        wasMaster == isMaster
            ? []
            : [new IpvsGlobalOp.StopDaemon(isMaster ? IpvsSyncState.Backup : IpvsSyncState.Master),
               new IpvsGlobalOp.StartDaemon(Daemon(sync, isMaster ? IpvsSyncState.Master : IpvsSyncState.Backup))];

    public static IpvsTimeouts Timeouts(LvsTimeoutsConfig t) => new(Seconds(t.Tcp), Seconds(t.TcpFin), Seconds(t.Udp));

    public static IpvsDaemon Daemon(LvsSyncDaemonConfig sync, IpvsSyncState state) => new(state, sync.Interface, (uint)Math.Max(0, sync.SyncId ?? 0))
    {
        MaxLength = sync.MaxLength is > 0 and <= ushort.MaxValue ? (ushort)sync.MaxLength : null,
        Port = sync.Port is > 0 and <= ushort.MaxValue ? (ushort)sync.Port : null,
        Ttl = sync.Ttl is > 0 and <= byte.MaxValue ? (byte)sync.Ttl : null,
        Group = sync.Group,
    };

    private static void StopBoth(ImmutableArray<IpvsGlobalOp>.Builder ops)
    {
        ops.Add(new IpvsGlobalOp.StopDaemon(IpvsSyncState.Master));
        ops.Add(new IpvsGlobalOp.StopDaemon(IpvsSyncState.Backup));
    }

    private static void StartFresh(ImmutableArray<IpvsGlobalOp>.Builder ops, LvsSyncDaemonConfig sync, bool vrrp)
    {
        if (!FollowsInstance(sync, vrrp))
            ops.Add(new IpvsGlobalOp.StartDaemon(Daemon(sync, IpvsSyncState.Master)));
        ops.Add(new IpvsGlobalOp.StartDaemon(Daemon(sync, IpvsSyncState.Backup)));
    }

    private static uint Seconds(int? value) => (uint)Math.Max(0, value ?? 0);
}
