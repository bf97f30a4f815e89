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
