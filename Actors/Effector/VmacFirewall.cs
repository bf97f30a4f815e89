using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>The effector's use_vmac firewall step (keepalived 2.2.7 <c>firewall_add_vmac</c>, after the link is
/// created): the link's and its base's indexes as the kernel has them now, handed to the firewall.</summary>
public static class VmacFirewall
{
    /// <summary>Moves <paramref name="vmac"/>'s multicast reports of <paramref name="families"/> to its base
    /// interface; ENODEV when the kernel has not both links.</summary>
    public static KernelResult Add(IKernelPort kernel, VipFirewallSettings settings, MacvlanSpec vmac, VmacFamilies families)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(vmac);
        var read = kernel.Links(out var links);
        if (!read.IsOk)
            return read;
        var link = links.FirstOrDefault(l => l.Name == vmac.Name);
        var baseLink = links.FirstOrDefault(l => l.Name == vmac.BaseInterface);
        if (link is null || baseLink is null)
            return KernelResult.Fail(19, $"{vmac.Name} on {vmac.BaseInterface}: no such link");
        return kernel.Firewall.AddVmac(settings, new VmacFirewallLink(vmac.Name, link.Index, baseLink.Index, families));
    }
}
