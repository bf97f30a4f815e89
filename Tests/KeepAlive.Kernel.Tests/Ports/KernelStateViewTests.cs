using System.Net;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Kernel.Tests.Ports;

public class KernelStateViewTests
{
    private static readonly InterfaceAddress A = new("eth0", IPAddress.Parse("10.0.0.1"), 24);
    private static readonly InterfaceAddress B = new("eth1", IPAddress.Parse("10.1.0.1"), 24);
    private static readonly LinkState Eth0 = new(2, "eth0", true, true, 1500, [2, 0, 0, 0, 0, 2]);
    private static readonly LinkState Eth1 = new(3, "eth1", true, true, 1500, [2, 0, 0, 0, 0, 3]);

    [Fact]
    public void Starts_stale_and_follows_events_after_a_reset()
    {
        var view = new KernelStateView();
        Assert.True(view.Stale);
        view.Reset([Eth0, Eth1], [A]);
        Assert.False(view.Stale);

        view.Apply(new KernelEvent.AddressAdded(B));
        view.Apply(new KernelEvent.AddressAdded(B));
        view.Apply(new KernelEvent.AddressRemoved(A));
        view.Apply(new KernelEvent.LinkChanged(Eth0 with { Carrier = false }));

        Assert.Equal([B], view.Addresses);
        Assert.False(view.Links.Single(l => l.Index == 2).IsUp);
    }

    [Fact]
    public void A_removed_link_takes_its_addresses_with_it()
    {
        var view = new KernelStateView();
        view.Reset([Eth0, Eth1], [A, B]);
        view.Apply(new KernelEvent.LinkRemoved(3, "eth1"));
        Assert.Equal([A], view.Addresses);
        Assert.Single(view.Links);
    }

    [Fact]
    public void Resync_marks_the_view_stale_until_reset()
    {
        var view = new KernelStateView();
        view.Reset([Eth0], [A]);
        Assert.False(view.Apply(new KernelEvent.Resync()));
        Assert.True(view.Stale);
        view.Reset([Eth0], []);
        Assert.False(view.Stale);
        Assert.Empty(view.Addresses);
        Assert.False(view.Has(A));
    }
}
