using System.Net;
using KeepAlive.Kernel.Wire.Vrrp;

namespace KeepAlive.Kernel.Tests.Wire.Vrrp;

/// <summary>keepalived-reference.md §3.4 items 11 and 14: destination kind, check_unicast_src, peer TTL ranges.</summary>
public class VrrpPeerCheckTests
{
    private static readonly VrrpPeer[] Peers = [new(IPAddress.Parse("10.0.0.2")), new(IPAddress.Parse("10.0.0.3"), MinTtl: 250, MaxTtl: 255), new(IPAddress.Parse("fe80::2"))];

    [Theory]
    // multicast instance
    [InlineData("10.0.0.9", "224.0.0.18", 255, false, false, VrrpDiscard.None)]
    [InlineData("10.0.0.9", "10.0.0.1", 255, false, false, VrrpDiscard.WrongDestinationKind)]
    [InlineData("fe80::9", "ff02::12", 255, false, false, VrrpDiscard.None)]
    [InlineData("fe80::9", "fe80::1", 255, false, false, VrrpDiscard.WrongDestinationKind)]
    // unicast instance
    [InlineData("10.0.0.2", "224.0.0.18", 255, true, true, VrrpDiscard.WrongDestinationKind)]
    [InlineData("10.0.0.2", "10.0.0.1", 255, true, true, VrrpDiscard.None)]
    [InlineData("10.0.0.9", "10.0.0.1", 255, true, true, VrrpDiscard.NotAPeer)]
    [InlineData("10.0.0.9", "10.0.0.1", 255, true, false, VrrpDiscard.None)]
    [InlineData("10.0.0.3", "10.0.0.1", 250, true, true, VrrpDiscard.None)]
    [InlineData("10.0.0.3", "10.0.0.1", 249, true, true, VrrpDiscard.PeerTtlOutOfRange)]
    [InlineData("10.0.0.3", "10.0.0.1", 249, true, false, VrrpDiscard.PeerTtlOutOfRange)]
    [InlineData("10.0.0.2", "10.0.0.1", 1, true, true, VrrpDiscard.None)]
    [InlineData("fe80::2", "fe80::1", 255, true, true, VrrpDiscard.None)]
    [InlineData("fe80::3", "fe80::1", 255, true, true, VrrpDiscard.NotAPeer)]
    [InlineData("fe80::2", "ff02::12", 255, true, true, VrrpDiscard.WrongDestinationKind)]
    public void Source_destination_and_ttl_against_the_instances_mode(string source, string destination, int ttl, bool unicast, bool checkSource, VrrpDiscard expected) =>
        Assert.Equal(expected, VrrpPeerCheck.Check(IPAddress.Parse(source), IPAddress.Parse(destination), ttl, unicast ? Peers : [], checkSource));
}
