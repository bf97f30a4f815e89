using System.Net;
using KeepAlive.Config.Syntax;

namespace KeepAlive.Config.Model;

/// <summary>A notify FIFO (notify_fifo, vrrp_notify_fifo, lvs_notify_fifo) and its owner.</summary>
public sealed record FifoConfig(string Path, string? User, string? Group);

/// <summary><c>smtp_server HOST [PORT]</c>.</summary>
public sealed record SmtpServerConfig(string Host, int Port);

/// <summary><c>lvs_sync_daemon IF [[inst] VI] [id N] [maxlen N] [port N] [ttl N] [group ADDR]</c>.</summary>
public sealed record LvsSyncDaemonConfig(string Interface, string? VrrpInstance, int? SyncId, int? MaxLength, int Port, int? Ttl, IPAddress? Group);

/// <summary><c>lvs_timeouts [tcp S] [tcpfin S] [udp S]</c> (seconds; null = leave the kernel's value).</summary>
public sealed record LvsTimeoutsConfig(int? Tcp, int? TcpFin, int? Udp);

/// <summary>
/// global_defs (keepalived-reference.md §2.1). Values are what keepalived will use: defaults are filled in, and a
/// replaced value has a diagnostic. Per-instance keywords of the same name (without <c>vrrp_</c>) override the
/// VRRP defaults here.
/// </summary>
public sealed record GlobalDefs
{
    public string? RouterId { get; init; }
    public ValueList<string> NotificationEmails { get; init; }
    public string? NotificationEmailFrom { get; init; }
    public SmtpServerConfig? SmtpServer { get; init; }
    public string? SmtpHeloName { get; init; }
    public TimeSpan SmtpConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public bool? SmtpAlert { get; init; }
    public bool? SmtpAlertVrrp { get; init; }
    public bool? SmtpAlertChecker { get; init; }
    public bool NoEmailFaults { get; init; }
    public bool CheckerLogAllFailures { get; init; }

    public string? ScriptUser { get; init; }

    /// <summary>Where <c>script_user</c> was written.</summary>
    public Origin ScriptUserOrigin { get; init; }
    public string? ScriptGroup { get; init; }
    public bool EnableScriptSecurity { get; init; }
    public NotifyScript? StartupScript { get; init; }
    public NotifyScript? ShutdownScript { get; init; }
    public TimeSpan StartupScriptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan ShutdownScriptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public FifoConfig? NotifyFifo { get; init; }
    public NotifyScript? NotifyFifoScript { get; init; }
    public FifoConfig? VrrpNotifyFifo { get; init; }
    public NotifyScript? VrrpNotifyFifoScript { get; init; }
    public FifoConfig? LvsNotifyFifo { get; init; }
    public NotifyScript? LvsNotifyFifoScript { get; init; }
    public bool FifoWriteVrrpStatesOnReload { get; init; }
    public bool VrrpNotifyPriorityChanges { get; init; }
    public bool RsInitNotifies { get; init; }

    public int VrrpVersion { get; init; } = 2;
    public IPAddress McastGroup4 { get; init; } = IPAddress.Parse("224.0.0.18");
    public IPAddress McastGroup6 { get; init; } = IPAddress.Parse("ff02::12");
    public bool VrrpStrict { get; init; }

    /// <summary>nftables [TABLE]: the table of the accept-mode drop rules (null: not configured; keepalived then uses
    /// "keepalived" as soon as an instance needs the firewall — no_accept or strict non-owner).</summary>
    public string? NftablesTable { get; init; }

    /// <summary>nftables_priority: the chains' hook priority (keepalived's default -1).</summary>
    public int NftablesPriority { get; init; } = -1;
    public bool SkipCheckAdvAddr { get; init; }
    public bool CheckUnicastSrc { get; init; }
    public TimeSpan GarpMasterDelay { get; init; } = TimeSpan.FromSeconds(5);
    public int GarpMasterRepeat { get; init; } = 5;
    public TimeSpan GarpMasterRefresh { get; init; } = TimeSpan.Zero;
    public int GarpMasterRefreshRepeat { get; init; } = 1;
    public TimeSpan? GarpLowerPrioDelay { get; init; }
    public int? GarpLowerPrioRepeat { get; init; }
    public TimeSpan GarpInterval { get; init; } = TimeSpan.Zero;
    public TimeSpan GnaInterval { get; init; } = TimeSpan.Zero;
    public bool MinGarp { get; init; }
    public int DownTimerAdverts { get; init; } = 3;
    public bool LowerPrioNoAdvert { get; init; }
    public bool HigherPrioSendAdvert { get; init; }
    public TimeSpan StartupDelay { get; init; } = TimeSpan.Zero;
    public bool LogUnknownVrids { get; init; }
    public string VmacPrefix { get; init; } = "vrrp";
    public string VmacAddrPrefix { get; init; } = "vrrp";
    public bool DynamicInterfaces { get; init; }
    public bool DynamicInterfacesAllowChanges { get; init; }
    public string DefaultInterface { get; init; } = "eth0";
    public int? VrrpRtPriority { get; init; }

    /// <summary><c>vrrp_priority</c>: the nice value (-20..19) of the VRRP side's threads (keepalived: of its VRRP
    /// process).</summary>
    public int? VrrpPriority { get; init; }

    public LvsSyncDaemonConfig? LvsSyncDaemon { get; init; }
    public LvsTimeoutsConfig? LvsTimeouts { get; init; }
    public bool LvsFlush { get; init; }
    public bool LvsFlushOnStop { get; init; }

    public bool EnableSnmpVrrp { get; init; }
    public bool EnableSnmpChecker { get; init; }
    public bool EnableSnmpRfc { get; init; }
    public bool EnableSnmpRfcV2 { get; init; }
    public bool EnableSnmpRfcV3 { get; init; }
    public bool EnableTraps { get; init; }

    /// <summary>Recognised keywords kept as written (tier R, not supported yet).</summary>
    public ValueList<RawSetting> Other { get; init; }

    public Origin Origin { get; init; }
}
