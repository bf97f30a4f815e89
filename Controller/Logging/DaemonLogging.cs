using KeepAlive.Controller.Daemon;
using Serilog;
using Serilog.Events;

namespace KeepAlive.Controller.Logging;

/// <summary>
/// Where the daemon's log goes, as keepalived: syslog (facility of <c>-S</c>) unless <c>-G</c>, the console too with
/// <c>-l</c>, a file too with <c>-g</c> (flushed on each write with <c>--flush-log-file</c>); debug detail with
/// <c>-D</c>. Lines carry the message only, as keepalived's.
/// </summary>
public static class DaemonLogging
{
    /// <summary>The Serilog logger for <paramref name="options"/>; <paramref name="syslogPath"/> is /dev/log except in tests.</summary>
    public static Serilog.Core.Logger Create(DaemonOptions options, string syslogPath = SyslogSink.DevLog)
    {
        var config = new LoggerConfiguration().MinimumLevel.Is(options.LogDetail ? LogEventLevel.Debug : LogEventLevel.Information);
        if (options.Syslog)
            config = config.WriteTo.Sink(new SyslogSink(options.Facility, syslogPath));
        if (options.LogConsole)
            config = config.WriteTo.Console(outputTemplate: "{Timestamp:ddd MMM d HH:mm:ss yyyy}: {Message:l}{NewLine}{Exception}");
        if (options.LogFile is { } file)
            config = config.WriteTo.File(file, outputTemplate: "{Timestamp:ddd MMM d HH:mm:ss yyyy}: {Message:l}{NewLine}{Exception}",
                buffered: !options.FlushLogFile, flushToDiskInterval: options.FlushLogFile ? null : TimeSpan.FromSeconds(1));
        return config.CreateLogger();
    }

    /// <summary>Writes <paramref name="text"/> as it is (no template parsing, no quoting).</summary>
    public static void Say(this ILogger log, LogEventLevel level, string text) => log.Write(level, "{Message:l}", text);
}
