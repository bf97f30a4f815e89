using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs;
using KeepAlive.Controller.Service;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Controller.Tests.Service;

public sealed class IpvsOwnershipFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ka-ipvs-owned-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly IpvsServiceKey Web = new(AddressFamily.InterNetwork, IpvsProtocol.Tcp, IPAddress.Parse("10.0.0.10"), 80, 0);

    [Fact]
    public void The_record_sits_beside_the_pid_file() => Assert.Equal("/run/keepalived.ipvs", IpvsOwnershipFile.PathFor("/run/keepalived.pid"));

    [Fact]
    public void A_record_is_read_at_start_its_bad_lines_reported_and_every_change_written_back()
    {
        var path = Path.Combine(_dir, "k.ipvs");
        File.WriteAllText(path, "-t 10.0.0.10:80\nnonsense\n");
        var problems = new List<string>();
        var memory = IpvsOwnershipFile.Memory(path, problems.Add);
        Assert.Equal([Web], memory.OwnedIpvs);
        Assert.Equal($"{path}: line 2: 'nonsense' is not a service; skipped", Assert.Single(problems));

        memory.OwnedIpvsChanged!([Web, new IpvsServiceKey(AddressFamily.InterNetwork, IpvsProtocol.None, null, 0, 7)]);
        Assert.Equal("-f 7\n-t 10.0.0.10:80\n", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".new"));
    }

    [Fact]
    public void No_record_means_nothing_owned_and_a_failing_write_is_reported_not_thrown()
    {
        var path = Path.Combine(_dir, "missing", "k.ipvs");
        var problems = new List<string>();
        var memory = IpvsOwnershipFile.Memory(path, problems.Add);
        Assert.Empty(memory.OwnedIpvs);
        memory.OwnedIpvsChanged!([Web]);
        Assert.Contains("cannot record the owned IPVS services", Assert.Single(problems), StringComparison.Ordinal);
    }
}
