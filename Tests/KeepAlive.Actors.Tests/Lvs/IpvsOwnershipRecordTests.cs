using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Lvs;
using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Tests.Lvs;

public class IpvsOwnershipRecordTests
{
    private static IpvsServiceKey Key(IpvsProtocol protocol, string address, ushort port) =>
        new(IPAddress.Parse(address).AddressFamily, protocol, IPAddress.Parse(address), port, 0);

    public static TheoryData<string, IpvsServiceKey> Lines => new()
    {
        { "-t 10.0.0.10:80", Key(IpvsProtocol.Tcp, "10.0.0.10", 80) },
        { "-u [2001:db8::1]:53", Key(IpvsProtocol.Udp, "2001:db8::1", 53) },
        { "--sctp-service 10.0.0.10:9", Key(IpvsProtocol.Sctp, "10.0.0.10", 9) },
        { "-f 7", new IpvsServiceKey(AddressFamily.InterNetwork, IpvsProtocol.None, null, 0, 7) },
        { "-f 4294967295 -6", new IpvsServiceKey(AddressFamily.InterNetworkV6, IpvsProtocol.None, null, 0, uint.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Line_RoundTrips(string line, IpvsServiceKey key)
    {
        Assert.Equal(line, IpvsOwnershipRecord.Line(key));
        Assert.True(IpvsOwnershipRecord.TryParse(line, out var parsed));
        Assert.Equal(key, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-t")]
    [InlineData("-t 10.0.0.10")]
    [InlineData("-t 10.0.0.10:65536")]
    [InlineData("-t 10.0.0.10:-1")]
    [InlineData("-t 2001:db8::1:80")]
    [InlineData("-t [10.0.0.10]:80")]
    [InlineData("-t [2001:db8::1:80")]
    [InlineData("-x 10.0.0.10:80")]
    [InlineData("-t 10.0.0.10:80 extra")]
    [InlineData("-f 0")]
    [InlineData("-f -1")]
    [InlineData("-f 7 -4")]
    [InlineData("-f 99999999999")]
    [InlineData("\0\u0001ÿ")]
    public void TryParse_RefusesWhatIsNotAService(string line) => Assert.False(IpvsOwnershipRecord.TryParse(line, out _));

    [Fact]
    public void Parse_KeepsTheGoodLinesAndNamesTheBadOnes()
    {
        var text = IpvsOwnershipRecord.Format([Key(IpvsProtocol.Tcp, "10.0.0.10", 80), new IpvsServiceKey(AddressFamily.InterNetwork, IpvsProtocol.None, null, 0, 7)])
            + "garbage here\n\n-t 10.0.0.10:80\n";
        var (owned, errors) = IpvsOwnershipRecord.Parse(text);
        Assert.Equal(2, owned.Count);
        Assert.Equal("line 3: 'garbage here' is not a service", Assert.Single(errors));
    }
}
