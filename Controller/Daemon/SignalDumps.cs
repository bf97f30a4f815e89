using KeepAlive.Controller.Logging;
using Serilog.Events;

namespace KeepAlive.Controller.Daemon;

/// <summary>The dump signals of keepalived (§1.9), by their <c>--signum</c> names.</summary>
public enum SignalFunction
{
    /// <summary>SIGUSR1: keepalived.data.</summary>
    Data,

    /// <summary>SIGUSR2: keepalived.stats.</summary>
    Stats,

    /// <summary>SIGRTMAX-1: keepalived.stats, then the counters zeroed.</summary>
    StatsClear,

    /// <summary>SIGRTMIN+2: keepalived.json.</summary>
    Json,
}

/// <summary>Writes what a dump signal asks for; the daemon calls it on the signal's thread-pool continuation.</summary>
public interface ISignalDumps
{
    void Write(SignalFunction function);
}

/// <summary>Until the dump files are written: logs that the dump was requested and that this build does not write
/// it yet.</summary>
public sealed class LoggingSignalDumps(Serilog.ILogger log) : ISignalDumps
{
    public void Write(SignalFunction function) =>
        log.Say(LogEventLevel.Information, $"{function} dump requested ({SignalNames.SignalOf(function)}); this build does not write the dump files yet");
}

/// <summary>The signal number of each dump function (glibc's SIGRTMIN 34 and SIGRTMAX 64, as <c>--signum</c>).</summary>
public static class SignalNames
{
    public static int NumberOf(SignalFunction function) => function switch
    {
        SignalFunction.Data => 10,
        SignalFunction.Stats => 12,
        SignalFunction.StatsClear => 63,
        _ => 36,
    };

    public static string SignalOf(SignalFunction function) => function switch
    {
        SignalFunction.Data => "SIGUSR1",
        SignalFunction.Stats => "SIGUSR2",
        SignalFunction.StatsClear => "SIGRTMAX-1",
        _ => "SIGRTMIN+2",
    };
}
