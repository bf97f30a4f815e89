using System.Net;
using System.Net.Sockets;
using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Tests.Effector;

public sealed class KernelSetChangeTests
{
    private static InterfaceAddress Vip(int last, string dev = "eth0", string? label = null) => new(dev, IPAddress.Parse($"10.0.0.{last}"), 32, Label: label);

    private static readonly RouteSpec Route = new(IPAddress.Parse("192.168.77.0"), 24, IPAddress.Parse("10.0.0.254"), "eth0");
    private static readonly RuleSpec Rule = new(AddressFamily.InterNetwork, 1000, 100);

    [Fact]
    public void Objects_in_both_sets_are_neither_added_nor_removed()
    {
        var change = KernelSetChange.Between(new KernelSet([Vip(1), Vip(2)], [Route], []), new KernelSet([Vip(2), Vip(3)], [], [Rule]));
        Assert.Equal([Vip(3)], change.Added.Addresses);
        Assert.Equal([Vip(1)], change.Removed.Addresses);
        Assert.Equal([Rule], change.Added.Rules);
        Assert.Equal([Route], change.Removed.Routes);
        Assert.False(change.IsEmpty);
    }

    [Fact]
    public void Equal_sets_built_separately_are_no_change()
    {
        var a = new KernelSet([Vip(1)], [Route with { }], [Rule with { }]);
        var b = new KernelSet([Vip(1)], [new RouteSpec(IPAddress.Parse("192.168.77.0"), 24, IPAddress.Parse("10.0.0.254"), "eth0")], [new RuleSpec(AddressFamily.InterNetwork, 1000, 100)]);
        Assert.True(KernelSetChange.Between(a, b).IsEmpty);
    }

    [Fact]
    public void An_address_is_matched_by_interface_address_and_prefix_so_a_new_label_does_not_flap_it()
    {
        Assert.True(KernelSetChange.Between(KernelSet.Of([Vip(1)]), KernelSet.Of([Vip(1, label: "eth0:vip")])).IsEmpty);
        var moved = KernelSetChange.Between(KernelSet.Of([Vip(1)]), KernelSet.Of([Vip(1, dev: "eth1")]));
        Assert.Equal("eth1", Assert.Single(moved.Added.Addresses).Interface);
        Assert.Equal("eth0", Assert.Single(moved.Removed.Addresses).Interface);
    }

    [Fact]
    public void Hostile_input_duplicates_and_empty_sets()
    {
        var change = KernelSetChange.Between(KernelSet.Empty, KernelSet.Of([Vip(1), Vip(1)]));
        Assert.Single(change.Added.Addresses);
        Assert.Equal(2, KernelSetChange.Between(KernelSet.Of([Vip(1), Vip(2)]), KernelSet.Empty).Removed.Count);
        Assert.True(KernelSetChange.Between(KernelSet.Empty, KernelSet.Empty).IsEmpty);
        Assert.Throws<ArgumentNullException>(() => KernelSetChange.Between(null!, KernelSet.Empty));
    }
}
