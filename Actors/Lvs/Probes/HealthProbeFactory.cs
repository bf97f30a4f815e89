using KeepAlive.Config.Model;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Lvs.Probes;

/// <summary>The host services the real probes need beyond their own checker block.</summary>
/// <param name="Scripts">Runs MISC_CHECK scripts (the daemon's process runner).</param>
/// <param name="Users">Resolves their user and group.</param>
/// <param name="Files">Watches FILE_CHECK's track_file files.</param>
/// <param name="PerformInitFile">FILE_CHECK may write a track_file's init_file: only at the first start and when no
/// VRRP track_file tracker does it already (keepalived writes it once).</param>
public sealed record ProbeServices(IScriptRunner Scripts, IScriptUsers Users, ITrackedFileWatch Files, bool PerformInitFile);

/// <summary>
/// The daemon's probes: one per checker block, as keepalived 2.2.7 builds its checkers (check_*.c). BFD_CHECK is
/// refused with a clear reason (no BFD here); the real server then runs without that checker.
/// </summary>
public sealed class HealthProbeFactory(ProbeServices services) : IHealthProbeFactory
{
    public IHealthProbe? Create(CheckerConfig checker, ProbeContext context, out string? error)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(context);
        return checker switch
        {
            TcpCheckConfig tcp => TcpProbe.TryCreate(tcp, context, out error),
            HttpCheckConfig http => HttpGetProbe.TryCreate(http, context, out error),
            SmtpCheckConfig smtp => SmtpProbe.TryCreate(smtp, context, out error),
            DnsCheckConfig dns => DnsProbe.TryCreate(dns, context, out error),
            UdpCheckConfig udp => UdpProbe.TryCreate(udp, context, out error),
            PingCheckConfig ping => PingProbe.TryCreate(ping, context, out error),
            MiscCheckConfig misc => MiscProbe.TryCreate(misc, context, services.Scripts, services.Users, out error),
            FileCheckConfig file => FileProbe.TryCreate(file, context, file.Target, services.Files, services.PerformInitFile, out error),
            _ => Refuse(checker, out error),
        };
    }

    private static IHealthProbe? Refuse(CheckerConfig checker, out string? error)
    {
        error = $"{checker.Kind} is not supported by this build (keepalived needs its BFD process for it); the real server runs without it";
        return null;
    }
}
