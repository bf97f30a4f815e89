using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using KeepAlive.Controller.Logging;
using Serilog;

namespace KeepAlive.Controller.Tests.Logging;

/// <summary>Actor log lines reach Serilog (here its syslog sink) with their text unchanged.</summary>
public class AkkaSerilogLoggerTests
{
    private sealed class Talker : ReceiveActor
    {
        public Talker()
        {
            var log = Context.GetLogger();
            Receive<string>(name =>
            {
                log.Info("({0}) Entering MASTER STATE", name);
                log.Warning("({0}) received an invalid {1} {2}", name, "advert", 3);
            });
        }
    }

    [Fact]
    public async Task ActorLogs_ReachSyslog_WithAkkasText()
    {
        using var devLog = new TestDevLog();
        using var logger = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(new SyslogSink(3, devLog.Path)).CreateLogger();
        Log.Logger = logger;
        var system = ActorSystem.Create("log-test", ConfigurationFactory.ParseString(AkkaSerilogLogger.AkkaConfig + "\nakka.stdout-loglevel = OFF"));
        try
        {
            system.ActorOf(Props.Create(() => new Talker())).Tell("VI_1");
            var lines = new List<string>();
            while (lines.Count < 2 || !lines.Any(l => l.Contains("invalid", StringComparison.Ordinal)))
                lines.Add(await Task.Run(devLog.Receive));
            Assert.Contains(lines, l => l.StartsWith("<30>", StringComparison.Ordinal) && l.EndsWith("]: (VI_1) Entering MASTER STATE", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("<28>", StringComparison.Ordinal) && l.EndsWith("]: (VI_1) received an invalid advert 3", StringComparison.Ordinal));
        }
        finally
        {
            await system.Terminate();
            Log.Logger = Serilog.Core.Logger.None;
        }
    }
}
