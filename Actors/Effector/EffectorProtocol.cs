using KeepAlive.Kernel.Ports;

namespace KeepAlive.Actors.Effector;

/// <summary>Add every address of <paramref name="Owner"/> (an instance's VIPs): all or none.</summary>
public sealed record AcquireAddresses(long OpId, string Owner, IReadOnlyList<InterfaceAddress> Addresses);

/// <summary>Remove them (idempotent: what is already gone is fine).</summary>
public sealed record ReleaseAddresses(long OpId, string Owner, IReadOnlyList<InterfaceAddress> Addresses);

/// <summary>Send whole Ethernet frames (GARP/NA) on an interface.</summary>
public sealed record SendFrames(long OpId, string Interface, IReadOnlyList<byte[]> Frames);

/// <summary>The answer to every op, in the order the ops were received.</summary>
public sealed record OpCompleted(long OpId, KernelResult Result);

/// <summary>Asks the effector what it holds.</summary>
public sealed record GetEffectorStatus
{
    public static GetEffectorStatus Instance { get; } = new();
}

/// <summary>Addresses held per owner, and op counters.</summary>
public sealed record EffectorStatus(IReadOnlyDictionary<string, IReadOnlyList<InterfaceAddress>> Held, long Applied, long Failed);

/// <summary>The sender receives every <see cref="KernelEvent"/> (link and address changes) from now on; the
/// subscription survives an effector restart. Subscribing twice is the same as once.</summary>
public sealed record SubscribeKernelEvents
{
    public static SubscribeKernelEvents Instance { get; } = new();
}

/// <summary>Asks for the kernel's links now; answered with <see cref="LinksSnapshot"/>.</summary>
public sealed record GetLinks
{
    public static GetLinks Instance { get; } = new();
}

/// <summary>The kernel's links, or why they could not be read.</summary>
public sealed record LinksSnapshot(KernelResult Result, IReadOnlyList<LinkState> Links);

/// <summary>Asks for the kernel's links and addresses now; answered with <see cref="HostFactsSnapshot"/>.</summary>
public sealed record GetHostFacts
{
    public static GetHostFacts Instance { get; } = new();
}

/// <summary>The kernel's links and addresses (empty lists and the error when they could not be read).</summary>
public sealed record HostFactsSnapshot(KernelResult Result, KeepAlive.Actors.Node.HostFacts Facts);
