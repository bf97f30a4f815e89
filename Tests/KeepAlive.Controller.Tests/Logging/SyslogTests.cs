using System.Net.Sockets;
using System.Text;
using KeepAlive.Controller.Logging;
using Serilog;
using Serilog.Events;

namespace KeepAlive.Controller.Tests.Logging;

/// <summary>A Unix datagram socket bound to a temporary path: the /dev/log of a test.</summary>
public sealed class TestDevLog : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-log-").FullName;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public TestDevLog()
    {
        Path = System.IO.Path.Combine(_dir, "log");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _socket.ReceiveTimeout = 5000;
    }

    public string Path { get; }

    /// <summary>The next datagram (throws after 5 s without one).</summary>
    public string Receive()
    {
        var buffer = new byte[65536];
        int n = _socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

public class SyslogTests
{
    [Theory]
    [InlineData(LogEventLevel.Verbose, 7)]
    [InlineData(LogEventLevel.Debug, 7)]
    [InlineData(LogEventLevel.Information, 6)]
    [InlineData(LogEventLevel.Warning, 4)]
    [InlineData(LogEventLevel.Error, 3)]
    [InlineData(LogEventLevel.Fatal, 2)]
    public void Severity_OfEachLevel(LogEventLevel level, int severity) => Assert.Equal(severity, SyslogFormat.Severity(level));

    [Theory]
    [InlineData(3, 6, 30)]          // daemon.info: keepalived's usual line
    [InlineData(1, 7, 15)]          // user.debug
    [InlineData(16, 3, 131)]        // local0.err
    [InlineData(23, 4, 188)]        // local7.warning
    [InlineData(0, 0, 0)]
    public void Pri_IsFacilityTimesEightPlusSeverity(int facility, int severity, int pri) => Assert.Equal(pri, SyslogFormat.Pri(facility, severity));

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(24, 0)]
    [InlineData(3, 8)]
    [InlineData(3, -1)]
    public void Pri_OutOfRange_IsRefused(int facility, int severity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SyslogFormat.Pri(facility, severity));

    [Fact]
    public void Format_IsRfc3164_AsGlibcSendsIt()
    {
        var line = SyslogFormat.Format(3, 6, new DateTime(2026, 11, 5, 9, 3, 7), "keepalive", 42, "(VI_1) Entering MASTER STATE");
        Assert.Equal("<30>Nov  5 09:03:07 keepalive[42]: (VI_1) Entering MASTER STATE", line);
        Assert.Equal("<30>Dec 25 23:59:59 keepalive[1]: a b", SyslogFormat.Format(3, 6, new DateTime(2026, 12, 25, 23, 59, 59), "keepalive", 1, "a\0b"));
    }

    public static TheoryData<int, LogEventLevel, int> FacilityAndLevel()
    {
        var data = new TheoryData<int, LogEventLevel, int>();
        foreach (var facility in new[] { 1, 3, 16, 17, 18, 19, 20, 21, 22, 23 })
            foreach (var (level, severity) in new[] { (LogEventLevel.Debug, 7), (LogEventLevel.Information, 6), (LogEventLevel.Warning, 4), (LogEventLevel.Error, 3), (LogEventLevel.Fatal, 2) })
                data.Add(facility, level, facility * 8 + severity);
        return data;
    }

    [Theory]
    [MemberData(nameof(FacilityAndLevel))]
    public void Sink_SendsOneDatagram_WithThePri_OfEachFacilityAndSeverity(int facility, LogEventLevel level, int pri)
    {
        using var devLog = new TestDevLog();
        using var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new SyslogSink(facility, devLog.Path)).CreateLogger();
        logger.Say(level, "Netlink reports {weird} text");
        var datagram = devLog.Receive();
        Assert.StartsWith($"<{pri}>", datagram, StringComparison.Ordinal);
        Assert.EndsWith($" keepalive[{Environment.ProcessId}]: Netlink reports {{weird}} text", datagram, StringComparison.Ordinal);
    }

    [Fact]
    public void Sink_WithoutASyslogDaemon_LosesTheMessage_AndDoesNotThrow()
    {
        using var sink = new SyslogSink(3, "/nonexistent/ka-dm/log");
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        logger.Information("nobody listens");
    }

    [Fact]
    public void Sink_ReconnectsToASyslogDaemonThatCameBack()
    {
        var first = new TestDevLog();
        var path = first.Path;
        using var sink = new SyslogSink(3, path);
        using var logger = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();
        logger.Information("one");
        Assert.Contains("one", first.Receive());
        first.Dispose();
        logger.Information("lost");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var second = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        second.Bind(new UnixDomainSocketEndPoint(path));
        second.ReceiveTimeout = 5000;
        logger.Information("two");
        var buffer = new byte[4096];
        Assert.Contains("two", Encoding.UTF8.GetString(buffer, 0, second.Receive(buffer)));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void DaemonLogging_WithoutG_WritesToSyslog_AtTheFacilityOfS_AndDetailWithD()
    {
        using var devLog = new TestDevLog();
        var options = new KeepAlive.Controller.Daemon.DaemonOptions { ConfigFile = "/k.conf", PidFile = "/k.pid", Facility = 17, LogDetail = true };
        using var logger = DaemonLogging.Create(options, devLog.Path);
        logger.Say(LogEventLevel.Debug, "detail");
        Assert.StartsWith("<143>", devLog.Receive(), StringComparison.Ordinal);    // local1.debug
        using var quiet = DaemonLogging.Create(options with { LogDetail = false }, devLog.Path);
        quiet.Say(LogEventLevel.Debug, "hidden");
        quiet.Say(LogEventLevel.Information, "shown");
        Assert.Contains("shown", devLog.Receive());
    }

    [Fact]
    public void DaemonLogging_LogFile_ReceivesTheMessage_AndNoSyslogWithG()
    {
        var dir = Directory.CreateTempSubdirectory("ka-logfile-").FullName;
        try
        {
            var file = Path.Combine(dir, "k.log");
            var options = new KeepAlive.Controller.Daemon.DaemonOptions { ConfigFile = "/k.conf", PidFile = "/k.pid", Syslog = false, LogFile = file, FlushLogFile = true };
            using (var logger = DaemonLogging.Create(options, "/nonexistent/ka-dm/log"))
                logger.Say(LogEventLevel.Information, "(VI_1) Entering MASTER STATE");
            Assert.EndsWith(": (VI_1) Entering MASTER STATE", File.ReadAllText(file).TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
