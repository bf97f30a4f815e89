using KeepAlive.Actors.Effector;
using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Vrrp;

/// <summary>
/// Structural equality of an instance's setup, for reload: record equality compares the lists, sets and byte arrays
/// inside a <see cref="VrrpInstanceSetup"/> (VIPs, MasterSet, MACs, primary address, peers, tracking bindings) by
/// reference, so two setups planned from the same text would differ. Here every list is compared element by element
/// in order, byte arrays by content, sets as sets. Pure.
/// </summary>
public static class VrrpSetupEquality
{
    /// <summary>True when an instance running <paramref name="a"/> would behave exactly as one running <paramref name="b"/>.</summary>
    public static bool Equal(VrrpInstanceSetup a, VrrpInstanceSetup b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Name == b.Name
            && Equal(a.Settings, b.Settings)
            && a.Interface == b.Interface
            && a.InterfaceMac.AsSpan().SequenceEqual(b.InterfaceMac)
            && a.Source.Equals(b.Source)
            && a.Destination.Equals(b.Destination)
            && a.VirtualAddresses.SequenceEqual(b.VirtualAddresses)
            && Equal(a.MasterSet ?? KernelSet.Of(a.VirtualAddresses), b.MasterSet ?? KernelSet.Of(b.VirtualAddresses))
            && a.NotTracked.SetEquals(b.NotTracked)
            && a.Authentication == b.Authentication
            && a.ChecksumFlavour == b.ChecksumFlavour
            && a.Gratuitous == b.Gratuitous
            && a.UseVmac == b.UseVmac
            && a.UnicastPeers.SequenceEqual(b.UnicastPeers)
            && a.PeerChecks.SequenceEqual(b.PeerChecks)
            && a.CheckUnicastSource == b.CheckUnicastSource
            && a.StartAfter.SequenceEqual(b.StartAfter, StringComparer.Ordinal)
            && a.ConfigFault == b.ConfigFault
            && a.Tracked.SequenceEqual(b.Tracked);
    }

    /// <summary>Settings equal field by field, the primary address by content.</summary>
    public static bool Equal(VrrpSettings a, VrrpSettings b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.PrimaryAddress.AsSpan().SequenceEqual(b.PrimaryAddress) && SameExceptAddress(a, b);
    }

    /// <summary>Two kernel sets with the same objects in the same order.</summary>
    public static bool Equal(KernelSet a, KernelSet b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Addresses.SequenceEqual(b.Addresses) && a.Routes.SequenceEqual(b.Routes) && a.Rules.SequenceEqual(b.Rules) && a.Blocked.SequenceEqual(b.Blocked);
    }

    private static readonly byte[] NoAddress = [];

    private static bool SameExceptAddress(VrrpSettings a, VrrpSettings b) => a with { PrimaryAddress = NoAddress } == b with { PrimaryAddress = NoAddress };
}
