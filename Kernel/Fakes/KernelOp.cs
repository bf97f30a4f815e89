namespace KeepAlive.Kernel.Fakes;

/// <summary>The kinds of kernel operation a port performs.</summary>
public enum KernelOpKind
{
    AddAddress,
    RemoveAddress,
    AddRoute,
    RemoveRoute,
    AddRule,
    RemoveRule,
    CreateMacvlan,
    DeleteLink,
    SendFrame,
}

/// <summary>One operation as the recording port saw it: what, on what, and what it answered.</summary>
public sealed record KernelOp(long Sequence, KernelOpKind Kind, string Target, Ports.KernelResult Result)
{
    public override string ToString() => $"#{Sequence} {Kind} {Target}: {Result}";
}
