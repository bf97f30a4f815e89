using System.Net.Sockets;
using System.Text;
using KeepAlive.Controller.Daemon;

namespace KeepAlive.Controller.Tests.Daemon;

public class SystemdNotifierTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("@", null)]
    [InlineData("relative/path", null)]
    [InlineData("/run/systemd/notify", "/run/systemd/notify")]
    [InlineData("@ka-dm/notify", "\0ka-dm/notify")]
    public void SocketAddress_PathOrAbstract(string? variable, string? address) => Assert.Equal(address, SystemdMessages.SocketAddress(variable));

    [Fact]
    public void Messages()
    {
        Assert.Equal("RELOADING=1\nMONOTONIC_USEC=1234567", SystemdMessages.Reloading(1234567));
        Assert.Equal("STATUS=a b", SystemdMessages.Status("a\nb"));
    }

    [Fact]
    public void MonotonicMicroseconds_IsClockMonotonic()
    {
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var seconds = SystemdNotifier.MonotonicMicroseconds / 1e6;
        Assert.InRange(seconds - uptime, -5, 5);        // CLOCK_MONOTONIC and uptime differ by suspended time only
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Notify_SendsOneDatagram_ToAPathOrAnAbstractSocket(bool isAbstract)
    {
        var dir = Directory.CreateTempSubdirectory("ka-notify-").FullName;
        var name = isAbstract ? $"@ka-dm-test-{Environment.ProcessId}-{Random.Shared.Next()}" : Path.Combine(dir, "notify");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { ReceiveTimeout = 5000 };
        socket.Bind(new UnixDomainSocketEndPoint(isAbstract ? "\0" + name[1..] : name));
        var problems = new List<string>();
        using (var notifier = new SystemdNotifier(name, problems.Add))
        {
            Assert.True(notifier.Enabled);
            notifier.Notify(SystemdMessages.Ready, SystemdMessages.Status("running"));
        }
        var buffer = new byte[4096];
        Assert.Equal("READY=1\nSTATUS=running", Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer)));
        Assert.Empty(problems);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void Notify_WithoutNotifySocket_DoesNothing_AndAFailedSendIsReportedOnce()
    {
        using var none = new SystemdNotifier(null, _ => Assert.Fail("no report expected"));
        Assert.False(none.Enabled);
        none.Notify(SystemdMessages.Ready);
        var problems = new List<string>();
        using var gone = new SystemdNotifier("/nonexistent/ka-dm/notify", problems.Add);
        gone.Notify(SystemdMessages.Ready);
        gone.Notify(SystemdMessages.Stopping);
        Assert.Single(problems);
        var bad = new List<string>();
        using var invalid = new SystemdNotifier("relative", bad.Add);
        Assert.Contains("neither a path nor an abstract name", Assert.Single(bad));
    }
}
