using KeepAlive.Kernel.Wire.Ipvs;

namespace KeepAlive.Actors.Lvs;

/// <summary>One IPVS change for the netlink effector (ipvsadm -A/-E/-D, -a/-e/-d).</summary>
public abstract record IpvsOp(IpvsService Service)
{
    /// <summary>Create a service.</summary>
    public sealed record AddService(IpvsService Service) : IpvsOp(Service);

    /// <summary>Change a service's scheduler, flags or persistence.</summary>
    public sealed record EditService(IpvsService Service) : IpvsOp(Service);

    /// <summary>Remove a service (after its destinations).</summary>
    public sealed record DeleteService(IpvsService Service) : IpvsOp(Service);

    /// <summary>Add a destination to a service.</summary>
    public sealed record AddDestination(IpvsService Service, IpvsDestination Destination) : IpvsOp(Service);

    /// <summary>Change a destination's weight, forwarding, tunnel or thresholds.</summary>
    public sealed record EditDestination(IpvsService Service, IpvsDestination Destination) : IpvsOp(Service);

    /// <summary>Remove a destination.</summary>
    public sealed record DeleteDestination(IpvsService Service, IpvsDestination Destination) : IpvsOp(Service);

    /// <summary>The service's key.</summary>
    public IpvsServiceKey Key => IpvsServiceKey.Of(Service);
}

/// <summary>Something of the desired table the reconciler refused, with why.</summary>
public sealed record IpvsRejection(string What, string Reason);

/// <summary>The reconciler's answer.</summary>
/// <param name="Ops">The ops, in the order to send them.</param>
/// <param name="Rejected">Desired entries that cannot be in IPVS (inconsistent family, duplicates...).</param>
/// <param name="NotOwned">Desired services that exist in the kernel but are not ours: left alone.</param>
public sealed record IpvsPlan(IReadOnlyList<IpvsOp> Ops, IReadOnlyList<IpvsRejection> Rejected, IReadOnlyList<IpvsServiceKey> NotOwned);
