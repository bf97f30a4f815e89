using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;
using LogEventLevel = Serilog.Events.LogEventLevel;
using LogEvent = Akka.Event.LogEvent;

namespace KeepAlive.Controller.Logging;

/// <summary>
/// Akka's logger (<c>akka.loggers</c>) writing every actor log event to Serilog with its text exactly as Akka formats
/// it (an actor's <c>"({0}) Entering MASTER STATE"</c> arrives as <c>(VI_1) Entering MASTER STATE</c>; a message
/// template renderer would quote string arguments), and the actor path as <c>SourceContext</c>. Written here instead
/// of taking Akka.Logger.Serilog (served here at 1.5.69, behind our Akka 1.5.74) so the text is exactly Akka's
/// <c>LogMessage.ToString()</c>, which a test proves through the syslog sink.
/// </summary>
public sealed class AkkaSerilogLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    /// <summary>The HOCON line that installs it.</summary>
    public const string AkkaConfig = "akka.loggers = [\"KeepAlive.Controller.Logging.AkkaSerilogLogger, keepalive\"]";

    public AkkaSerilogLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    /// <summary>The Serilog level of an Akka level.</summary>
    public static LogEventLevel LevelOf(LogLevel level) => level switch
    {
        LogLevel.DebugLevel => LogEventLevel.Debug,
        LogLevel.InfoLevel => LogEventLevel.Information,
        LogLevel.WarningLevel => LogEventLevel.Warning,
        _ => LogEventLevel.Error,
    };

    private static void Write(LogEvent e) =>
        Serilog.Log.Logger.ForContext("SourceContext", e.LogSource)
            .Write(LevelOf(e.LogLevel()), e.Cause, "{Message:l}", e.Message?.ToString() ?? string.Empty);
}
