using System.Net;
using KeepAlive.Actors.Lvs;
using KeepAlive.Config.Model;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Lvs;

/// <summary>lvs_timeouts and lvs_sync_daemon at start, reload and stop, as keepalived 2.2.7 (check_daemon.c
/// start_check and checker_terminate_phase2, vrrp_daemon.c reload_vrrp_thread), except that a reload changes only
/// what changed.</summary>
public sealed class IpvsGlobalsPlannerTests
{
    private static readonly LvsTimeoutsConfig Timeouts = new(7200, null, 60);
    private static readonly LvsSyncDaemonConfig Alone = new("eth0", null, 4, null, 0, null, null);
    private static readonly LvsSyncDaemonConfig Following = Alone with { VrrpInstance = "VI_1" };

    private static GlobalDefs G(LvsTimeoutsConfig? t = null, LvsSyncDaemonConfig? s = null) => new() { LvsTimeouts = t, LvsSyncDaemon = s };

    /// <summary>Ops as short text: "set 7200/0/60", "restore", "start master eth0 4", "stop backup".</summary>
    private static string Text(IEnumerable<IpvsGlobalOp> ops) => string.Join(", ", ops.Select(o => o switch
    {
        IpvsGlobalOp.SetTimeouts s => $"set {s.Timeouts.Tcp}/{s.Timeouts.TcpFin}/{s.Timeouts.Udp}",
        IpvsGlobalOp.RestoreTimeouts => "restore",
        IpvsGlobalOp.StartDaemon d => $"start {d.Daemon.State.ToString().ToLowerInvariant()} {d.Daemon.Interface} {d.Daemon.SyncId}",
        IpvsGlobalOp.StopDaemon d => $"stop {d.State.ToString().ToLowerInvariant()}",
        _ => "?",
    }));

    public static TheoryData<string, GlobalDefs, bool, string> Starts => new()
    {
        { "nothing configured", G(), true, "" },
        { "timeouts", G(Timeouts), true, "set 7200/0/60" },
        { "daemon alone", G(s: Alone), true, "stop master, stop backup, start master eth0 4, start backup eth0 4" },
        { "daemon following, VRRP here", G(s: Following), true, "stop master, stop backup, start backup eth0 4" },
        { "daemon following, -C: no VRRP here", G(s: Following), false, "stop master, stop backup, start master eth0 4, start backup eth0 4" },
        { "both", G(Timeouts, Alone), true, "set 7200/0/60, stop master, stop backup, start master eth0 4, start backup eth0 4" },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public void Start(string what, GlobalDefs globals, bool vrrp, string expected) =>
        Assert.True(expected == Text(IpvsGlobalsPlanner.Start(globals, vrrp)), what + ": " + Text(IpvsGlobalsPlanner.Start(globals, vrrp)));

    public static TheoryData<string, GlobalDefs, GlobalDefs, bool, string> Reloads => new()
    {
        { "unchanged", G(Timeouts, Alone), G(Timeouts, Alone), false, "" },
        { "unchanged, equal but not the same objects", G(new LvsTimeoutsConfig(7200, null, 60), Alone with { }), G(Timeouts, Alone), false, "" },
        { "timeouts added", G(), G(Timeouts), false, "set 7200/0/60" },
        { "timeouts changed", G(Timeouts), G(Timeouts with { Udp = 30 }), false, "set 7200/0/30" },
        { "timeouts removed: the kernel's own back", G(Timeouts), G(), false, "restore" },
        { "daemon added", G(), G(s: Alone), false, "stop master, stop backup, start master eth0 4, start backup eth0 4" },
        { "daemon removed", G(s: Alone), G(), false, "stop master, stop backup" },
        { "daemon sync id changed", G(s: Alone), G(s: Alone with { SyncId = 5 }), false, "stop master, stop backup, start master eth0 5, start backup eth0 5" },
        { "following daemon changed while its instance is master: master again", G(s: Following), G(s: Following with { Ttl = 2 }), true, "stop master, stop backup, start master eth0 4" },
        { "following daemon changed while its instance is backup", G(s: Following), G(s: Following with { Ttl = 2 }), false, "stop master, stop backup, start backup eth0 4" },
        { "following another instance: backup until it is master", G(s: Following), G(s: Following with { VrrpInstance = "VI_2" }), true, "stop master, stop backup, start backup eth0 4" },
        { "no longer following", G(s: Following), G(s: Alone), true, "stop master, stop backup, start master eth0 4, start backup eth0 4" },
    };

    [Theory]
    [MemberData(nameof(Reloads))]
    public void Reload(string what, GlobalDefs old, GlobalDefs next, bool syncMaster, string expected)
    {
        var ops = Text(IpvsGlobalsPlanner.Reload(old, next, vrrp: true, syncMaster));
        Assert.True(expected == ops, what + ": " + ops);
    }

    [Fact]
    public void A_changed_multicast_group_restarts_the_daemon()
    {
        var old = G(s: Alone with { Group = IPAddress.Parse("224.0.0.81") });
        var next = G(s: Alone with { Group = IPAddress.Parse("224.0.0.82") });
        Assert.Equal("stop master, stop backup, start master eth0 4, start backup eth0 4", Text(IpvsGlobalsPlanner.Reload(old, next, true, false)));
        Assert.Empty(IpvsGlobalsPlanner.Reload(old, G(s: Alone with { Group = IPAddress.Parse("224.0.0.81") }), true, false));
    }

    [Theory]
    [InlineData(false, false, "")]
    [InlineData(true, false, "stop master, stop backup")]
    [InlineData(false, true, "restore")]
    [InlineData(true, true, "stop master, stop backup, restore")]
    public void Stop(bool daemon, bool timeouts, string expected) =>
        Assert.Equal(expected, Text(IpvsGlobalsPlanner.Stop(G(timeouts ? Timeouts : null, daemon ? Following : null))));

    [Theory]
    [InlineData(false, false, "")]
    [InlineData(true, true, "")]
    [InlineData(false, true, "stop backup, start master eth0 4")]
    [InlineData(true, false, "stop master, start backup eth0 4")]
    public void Follow(bool wasMaster, bool isMaster, string expected) =>
        Assert.Equal(expected, Text(IpvsGlobalsPlanner.Follow(Following, wasMaster, isMaster)));

    [Fact]
    public void The_daemon_carries_only_the_optional_settings_the_kernel_accepts()
    {
        var d = IpvsGlobalsPlanner.Daemon(new LvsSyncDaemonConfig("bond0", null, null, 70000, 8848, 0, IPAddress.Parse("ff02::81")), IpvsSyncState.Master);
        Assert.Equal((IpvsSyncState.Master, "bond0", 0u), (d.State, d.Interface, d.SyncId));
        Assert.Null(d.MaxLength);                                  // above 65535: not sent
        Assert.Equal((ushort)8848, d.Port);
        Assert.Null(d.Ttl);                                        // 0: not sent
        Assert.Equal(IPAddress.Parse("ff02::81"), d.Group);
    }
}
