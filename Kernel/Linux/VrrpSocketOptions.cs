namespace KeepAlive.Kernel.Linux;

/// <summary>How a <see cref="RawVrrpSocket"/> meets its peers.</summary>
/// <param name="JoinMulticastGroup">True: join 224.0.0.18 / ff02::12 on the interface (keepalived's default). False:
/// unicast peers only (<c>unicast_peer</c>); no group is joined and, on IPv4, multicast adverts are not delivered.</param>
public sealed record VrrpSocketOptions(bool JoinMulticastGroup)
{
    /// <summary>How long a receive that waits for ever pauses before its next read inside a burst of datagrams
    /// (<see cref="ReceiveCoalescing"/>); zero reads each one as it comes.</summary>
    public TimeSpan CoalescingWindow { get; init; } = ReceiveCoalescing.DefaultWindow;

    /// <summary>Adverts to and from the VRRP multicast group.</summary>
    public static VrrpSocketOptions Multicast { get; } = new(true);

    /// <summary>Adverts to and from unicast peers only.</summary>
    public static VrrpSocketOptions Unicast { get; } = new(false);
}
